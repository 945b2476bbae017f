//! Speed at scale, in one run: `cargo bench --bench scale`.
//!
//! For 10k, 100k and 1M invoices made by the generator (seed 2025), it
//! times `simulate` of the six-rule ladder in `benches/ladder.dunning` over
//! 2025, end to end (CSV in, actions CSV out), and the hand-written program
//! of `baseline.rs` on the same files; checks that both write the same
//! actions; and prints the medians (the engine on every core and on one,
//! as the hand-written program runs), the ratio engine / hand-written, the
//! throughput and the peak memory. Then `plan` for one day over 1M invoices
//! and `check` of a generated 5,000-rule policy.
//!
//! Each measurement runs in a fresh child process (this binary, called with
//! `--child`), so peak memory is that of the job alone.
//!
//! `BENCH_SIZES=10000,100000` limits the sizes; `BENCH_RUNS=5` sets the runs
//! per measurement (default 5, up to five times more below 1M invoices; each
//! also has one warm-up run not counted).

mod baseline;

/// The same allocator as the `dunning` binary, so the engine is measured
/// as it runs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use chrono::NaiveDate;

const FROM: &str = "2025-01-01";
const TO: &str = "2025-12-31";
const PLAN_DAY: &str = "2025-10-15";

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
}

/// Peak resident memory of this process, in MB, from /proc (Linux).
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn fail(message: String) -> ! {
    eprintln!("bench: {message}");
    std::process::exit(2)
}

/// The 5,000-rule policy: 100 segments, each with its own 50-step ladder.
fn big_policy() -> String {
    let segments: Vec<String> = (0..100).map(|s| format!("s{s:02}")).collect();
    let mut text = format!(
        "set cooldown = 2d\nattribute segment in [{}]\n",
        segments.join(", ")
    );
    let actions = ["email", "sms", "call", "letter", "registered_letter"];
    for s in &segments {
        for k in 0..50 {
            let action = actions[(k / 10).min(4)];
            text += &format!(
                "rule {s}_step{k:02}: when segment = {s} and overdue >= {}d then {action}\n",
                1 + k * 3
            );
        }
    }
    text
}

/// Runs one job in this process and prints `seconds peak_mb`.
fn child(args: &[String]) {
    let policy_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/ladder.dunning");
    let start = Instant::now();
    match args[0].as_str() {
        "engine" => {
            let (invoices, payments, out) = (&args[1], &args[2], &args[3]);
            let threads = args[4].parse().unwrap_or(1);
            let text =
                std::fs::read_to_string(&policy_path).unwrap_or_else(|e| fail(e.to_string()));
            let policy = dunning::check(&dunning::parse(&text))
                .policy
                .unwrap_or_else(|| fail("ladder policy has errors".into()));
            let invoices = dunning::data::load_invoices(Path::new(invoices), &policy)
                .unwrap_or_else(|e| fail(e.render(5)));
            let payments = dunning::data::load_payments(Path::new(payments), &invoices)
                .unwrap_or_else(|e| fail(e.render(5)));
            let file = std::fs::File::create(out).unwrap_or_else(|e| fail(e.to_string()));
            let mut w = dunning::output::csv::ActionWriter::new(BufWriter::new(file))
                .unwrap_or_else(|e| fail(e.to_string()));
            let data = dunning::RunData::new(&invoices).with_payments(&payments);
            let year = dunning::DateRange::new(date(FROM), date(TO))
                .unwrap_or_else(|e| fail(e.to_string()));
            let options = dunning::ReplayOptions::default().threads(threads);
            let _summary = dunning::replay(&policy, data, year, options, &mut |day| {
                for a in &day {
                    let _ = w.write(a);
                }
            });
            let _ = w.flush();
        }
        "baseline" => {
            baseline::run(&args[1], &args[2], date(FROM), date(TO), &args[3])
                .unwrap_or_else(|e| fail(e.to_string()));
        }
        "plan" => {
            let (invoices, payments, out) = (&args[1], &args[2], &args[3]);
            let text =
                std::fs::read_to_string(&policy_path).unwrap_or_else(|e| fail(e.to_string()));
            let policy = dunning::check(&dunning::parse(&text))
                .policy
                .unwrap_or_else(|| fail("ladder policy has errors".into()));
            let invoices = dunning::data::load_invoices(Path::new(invoices), &policy)
                .unwrap_or_else(|e| fail(e.render(5)));
            let payments = dunning::data::load_payments(Path::new(payments), &invoices)
                .unwrap_or_else(|e| fail(e.render(5)));
            let data = dunning::RunData::new(&invoices).with_payments(&payments);
            let plan = dunning::plan(&policy, data, date(PLAN_DAY));
            let file = std::fs::File::create(out).unwrap_or_else(|e| fail(e.to_string()));
            let _ = dunning::output::csv::write(&plan.actions, BufWriter::new(file));
        }
        "check" => {
            let text = std::fs::read_to_string(&args[1]).unwrap_or_else(|e| fail(e.to_string()));
            let checked = dunning::check(&dunning::parse(&text));
            if checked.has_errors() {
                fail("the 5,000-rule policy has errors".into());
            }
        }
        other => fail(format!("unknown child job {other}")),
    }
    println!("{} {}", start.elapsed().as_secs_f64(), peak_mb());
}

/// Runs one child job; returns its seconds and peak memory.
fn run_child(job: &[String]) -> (f64, f64) {
    let exe = std::env::current_exe().unwrap_or_else(|e| fail(e.to_string()));
    let out = Command::new(&exe)
        .arg("--child")
        .args(job)
        .output()
        .unwrap_or_else(|e| fail(e.to_string()));
    if !out.status.success() {
        fail(format!(
            "{job:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text
        .split_whitespace()
        .map(|s| s.parse().unwrap_or(f64::NAN));
    let t = parts.next().unwrap_or(f64::NAN);
    let m = parts.next().unwrap_or(f64::NAN);
    (t, m)
}

/// Runs child jobs in turn, `runs` rounds after one round that is not
/// counted (it warms the page cache and the CPU); returns, per job, the
/// median seconds and the largest peak memory. Taking turns puts every job
/// through the same slow spells of this virtual machine, where one run of
/// the same job varies by up to a factor of 1.5.
fn measure(jobs: &[Vec<String>], runs: usize) -> Vec<(f64, f64)> {
    let mut times = vec![Vec::new(); jobs.len()];
    let mut peaks = vec![0.0f64; jobs.len()];
    for round in 0..=runs {
        for (j, job) in jobs.iter().enumerate() {
            let (t, m) = run_child(job);
            if round > 0 {
                times[j].push(t);
                peaks[j] = peaks[j].max(m);
            }
        }
    }
    times
        .iter_mut()
        .zip(peaks)
        .map(|(t, peak)| {
            t.sort_by(|a, b| a.total_cmp(b));
            (t[t.len() / 2], peak)
        })
        .collect()
}

/// `measure` of a single job.
fn measure_one(job: &[&str], runs: usize) -> (f64, f64) {
    let job: Vec<String> = job.iter().map(|s| s.to_string()).collect();
    measure(&[job], runs)[0]
}

fn generate(dir: &Path, n: usize) -> (PathBuf, PathBuf) {
    let inv = dir.join(format!("invoices-{n}.csv"));
    let pay = dir.join(format!("payments-{n}.csv"));
    let params = dunning::generate::GenParams {
        invoices: n,
        customers: None,
        year: 2025,
        seed: 2025,
    };
    let data = dunning::generate::generate(&params).unwrap_or_else(|e| fail(e.to_string()));
    let write = |path: &Path, f: &dyn Fn(&mut BufWriter<std::fs::File>) -> std::io::Result<()>| {
        let file = std::fs::File::create(path).unwrap_or_else(|e| fail(e.to_string()));
        let mut w = BufWriter::new(file);
        f(&mut w)
            .and_then(|_| w.flush())
            .unwrap_or_else(|e| fail(e.to_string()));
    };
    write(&inv, &|w| dunning::generate::write_invoices_csv(&data, w));
    write(&pay, &|w| dunning::generate::write_payments_csv(&data, w));
    (inv, pay)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(&args[1..]);
        return;
    }
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000, 1_000_000]);
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5)
        .max(1);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("scale");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| fail(e.to_string()));
    let threads = dunning::ReplayOptions::default().threads;
    println!("dunning scale benchmark: simulate {FROM}..{TO}, six-rule ladder, medians of {runs} runs or more, {threads} threads");
    println!(
        "{:>9} {:>10} {:>10} {:>10} {:>7} {:>18} {:>11} {:>11} {:>9}",
        "invoices",
        "engine s",
        "1 thread s",
        "hand s",
        "ratio",
        "invoice-days/s",
        "engine MB",
        "hand MB",
        "actions"
    );
    let mut per_invoice = Vec::new();
    let mut largest = None;
    for &n in &sizes {
        let (inv, pay) = generate(&dir, n);
        let hand_out = dir.join(format!("hand-{n}.csv"));
        let s = |p: &Path| p.display().to_string();
        // Short jobs vary the most here (20 to 70 ms for the same 10k run):
        // they get up to five times the runs.
        let runs = runs * (1_000_000 / n.max(1)).clamp(1, 5);
        let job = |name: &str, out: &Path, threads: usize| -> Vec<String> {
            [name, &s(&inv), &s(&pay), &s(out), &threads.to_string()]
                .map(str::to_string)
                .to_vec()
        };
        // The engine on one thread too: the hand-written program runs on one.
        let outs = [
            hand_out.clone(),
            dir.join(format!("engine-{n}-1.csv")),
            dir.join(format!("engine-{n}-{threads}.csv")),
        ];
        let measured = measure(
            &[
                job("baseline", &outs[0], 1),
                job("engine", &outs[1], 1),
                job("engine", &outs[2], threads),
            ],
            runs,
        );
        let [(tb, mb), (t1, _), (te, me)] = [measured[0], measured[1], measured[2]];
        let b = std::fs::read(&hand_out).unwrap_or_default();
        for out in &outs[1..] {
            if std::fs::read(out).unwrap_or_default() != b {
                fail(format!(
                    "engine and hand-written program disagree at {n} invoices: compare {} and {}",
                    out.display(),
                    hand_out.display()
                ));
            }
        }
        let actions = b.iter().filter(|&&c| c == b'\n').count().saturating_sub(1);
        let days = (date(TO) - date(FROM)).num_days() as f64 + 1.0;
        println!(
            "{n:>9} {te:>10.3} {t1:>10.3} {tb:>10.3} {:>7.2} {:>18.0} {me:>11.0} {mb:>11.0} {actions:>9}",
            te / tb,
            n as f64 * days / te,
        );
        per_invoice.push((n, te / n as f64));
        largest = Some((inv, pay));
    }
    if let (Some(first), Some(last)) = (per_invoice.first(), per_invoice.last()) {
        if first.0 != last.0 {
            println!(
                "linearity: time per invoice at {} / at {} = {:.2} (1.00 is linear)",
                last.0,
                first.0,
                last.1 / first.1
            );
        }
    }
    if let Some((inv, pay)) = largest {
        let out = dir.join("plan.csv");
        let (t, m) = measure_one(
            &[
                "plan",
                &inv.display().to_string(),
                &pay.display().to_string(),
                &out.display().to_string(),
            ],
            runs,
        );
        println!(
            "plan {PLAN_DAY} over {} invoices: {t:.3} s, {m:.0} MB",
            sizes.last().copied().unwrap_or(0)
        );
    }
    let policy = dir.join("rules-5000.dunning");
    std::fs::write(&policy, big_policy()).unwrap_or_else(|e| fail(e.to_string()));
    let (t, m) = measure_one(&["check", &policy.display().to_string()], runs);
    println!(
        "check of a 5,000-rule policy: {:.0} ms, {m:.0} MB",
        t * 1000.0
    );
}
