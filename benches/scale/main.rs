//! Speed at scale, in one run: `cargo bench --bench scale`.
//!
//! For 10k, 100k and 1M invoices made by the generator (seed 2025), it
//! runs `simulate` of the six-rule ladder in `benches/ladder.dunning` over
//! 2025, end to end (CSV in, actions CSV out), on every core and on one,
//! and the tight hand-written program of `baseline.rs` on the same files;
//! checks that all three write byte-identical actions; and prints, as
//! medians of alternating runs, the wall time, the CPU time (user + system)
//! and the peak memory of each, with the ratios engine / hand-written that
//! the performance issue sets targets for, and whether each is met. Then
//! `plan` for one day over the largest file and `check` of a generated
//! 5,000-rule policy.
//!
//! Each measurement runs in a fresh child process (this binary, called with
//! `--child`): the wall time is taken from spawning it to its exit, the CPU
//! time and peak memory are its own (`getrusage`).
//!
//! `BENCH_SIZES=10000,100000` limits the sizes; `BENCH_RUNS=5` sets the runs
//! per measurement (default 5, up to five times more below 1M invoices; each
//! also has one warm-up round not counted).

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

/// The CPU time (user + system, every thread, in seconds) of this process
/// so far, from `getrusage`, and its peak resident memory (in MB) from
/// /proc: `ru_maxrss` would not do, Linux keeps it across `execve`, so a
/// child would report the bench's own size at the fork.
fn usage() -> (f64, f64) {
    // SAFETY: `getrusage` only writes the struct it is given, which is
    // plain data that may be zeroed.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    let cpu = if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } == 0 {
        let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
        secs(u.ru_utime) + secs(u.ru_stime)
    } else {
        f64::NAN
    };
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0);
    (cpu, peak)
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

/// Runs one job in this process and prints `cpu_seconds peak_mb`.
fn child(args: &[String]) {
    let policy_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/ladder.dunning");
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
    let (cpu, peak) = usage();
    println!("{cpu} {peak}");
}

/// What one job took: wall time (from spawning its process to its exit),
/// CPU time (user + system, all threads) and peak resident memory.
#[derive(Clone, Copy)]
struct Took {
    wall: f64,
    cpu: f64,
    mb: f64,
}

/// Runs one child job.
fn run_child(job: &[String]) -> Took {
    let exe = std::env::current_exe().unwrap_or_else(|e| fail(e.to_string()));
    let start = Instant::now();
    let out = Command::new(&exe)
        .arg("--child")
        .args(job)
        .output()
        .unwrap_or_else(|e| fail(e.to_string()));
    let wall = start.elapsed().as_secs_f64();
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
    let cpu = parts.next().unwrap_or(f64::NAN);
    let mb = parts.next().unwrap_or(f64::NAN);
    Took { wall, cpu, mb }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Runs child jobs in turn, `runs` rounds after one round that is not
/// counted (it warms the page cache and the CPU); returns, per job, the
/// median wall and CPU times and the median peak memory. Taking turns
/// puts every job through the same slow spells of this shared machine,
/// where one run of the same job varies by up to a factor of 1.5.
fn measure(jobs: &[Vec<String>], runs: usize) -> Vec<Took> {
    let mut took = vec![Vec::new(); jobs.len()];
    for round in 0..=runs {
        for (j, job) in jobs.iter().enumerate() {
            let t = run_child(job);
            if round > 0 {
                took[j].push(t);
            }
        }
    }
    took.into_iter()
        .map(|t| Took {
            wall: median(t.iter().map(|t| t.wall).collect()),
            cpu: median(t.iter().map(|t| t.cpu).collect()),
            mb: median(t.iter().map(|t| t.mb).collect()),
        })
        .collect()
}

/// `measure` of a single job.
fn measure_one(job: &[&str], runs: usize) -> Took {
    let job: Vec<String> = job.iter().map(|s| s.to_string()).collect();
    measure(&[job], runs)[0]
}

/// The machine's load average over the last minute, from /proc.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
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
    println!("dunning scale benchmark: simulate {FROM}..{TO}, six-rule ladder, medians of {runs} alternating runs or more, engine on {threads} threads (and on 1), load average {} at the start", load());
    println!(
        "{:>9} {:>9} {:>9} {:>9} {:>7} {:>9} {:>9} {:>7} {:>7} {:>7} {:>7} {:>9}",
        "invoices",
        "engine s",
        "1 thr s",
        "hand s",
        "wall x",
        "engine c",
        "hand c",
        "cpu x",
        "eng MB",
        "hand MB",
        "mem x",
        "actions"
    );
    let mut per_invoice = Vec::new();
    let mut largest = None;
    for &n in &sizes {
        let (inv, pay) = generate(&dir, n);
        let hand_out = dir.join(format!("hand-{n}.csv"));
        let s = |p: &Path| p.display().to_string();
        // Short jobs vary the most here: they get up to five times the runs.
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
        let [hand, one, engine] = [measured[0], measured[1], measured[2]];
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
        println!(
            "{n:>9} {:>9.3} {:>9.3} {:>9.3} {:>7.2} {:>9.3} {:>9.3} {:>7.2} {:>7.0} {:>7.0} {:>7.2} {actions:>9}",
            engine.wall,
            one.wall,
            hand.wall,
            engine.wall / hand.wall,
            engine.cpu,
            hand.cpu,
            engine.cpu / hand.cpu,
            engine.mb,
            hand.mb,
            engine.mb / hand.mb,
        );
        per_invoice.push((n, engine.wall / n as f64));
        largest = Some((n, inv, pay, hand, engine));
    }
    if let (Some(first), Some(last)) = (per_invoice.first(), per_invoice.last()) {
        if first.0 != last.0 {
            println!(
                "linearity: time per invoice at {} / at {} = {:.2} (1.00 is linear; target <= 1.15)",
                last.0,
                first.0,
                last.1 / first.1
            );
        }
    }
    if let Some((n, inv, pay, hand, engine)) = largest {
        let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
        println!("targets at {n} invoices (ratios of the same run):");
        let wall = engine.wall / hand.wall;
        println!(
            "  wall   {wall:.2} x hand-written (target <= 1.3): {}",
            verdict(wall <= 1.3)
        );
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if load().parse::<f64>().unwrap_or(f64::MAX) > cores as f64 {
            println!(
                "         (load average above the {cores} cores: the wall times, a 2-thread engine"
            );
            println!(
                "          against a 1-thread program, are not comparable; CPU and memory are)"
            );
        }
        let cpu = engine.cpu / hand.cpu;
        println!(
            "  CPU    {cpu:.2} x hand-written (target <= 2): {}",
            verdict(cpu <= 2.0)
        );
        let mem = engine.mb / hand.mb;
        println!(
            "  memory {mem:.2} x hand-written, {:.0} MB (target <= 1.5 x and < 250 MB): {}",
            engine.mb,
            verdict(mem <= 1.5 && engine.mb < 250.0)
        );
        let out = dir.join("plan.csv");
        let plan = measure_one(&["plan", &s_(&inv), &s_(&pay), &s_(&out)], runs);
        println!(
            "  plan {PLAN_DAY} over {n} invoices: {:.3} s wall, {:.3} s CPU, {:.0} MB (target <= 0.5 s): {}",
            plan.wall,
            plan.cpu,
            plan.mb,
            verdict(plan.wall <= 0.5)
        );
    }
    let policy = dir.join("rules-5000.dunning");
    std::fs::write(&policy, big_policy()).unwrap_or_else(|e| fail(e.to_string()));
    let check = measure_one(&["check", &s_(&policy)], runs);
    println!(
        "check of a 5,000-rule policy: {:.0} ms wall, {:.0} MB",
        check.wall * 1000.0,
        check.mb
    );
    println!("load average {} at the end", load());
}

fn s_(p: &Path) -> String {
    p.display().to_string()
}
