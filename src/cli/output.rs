//! Where commands write. Standard output: `print!` panics when stdout is
//! closed (`dunning check | head`, `> /dev/full`); these writes record the
//! first error instead, skip what follows, and the command ends with exit
//! code 2 and one line on stderr saying why. Files (`--actions-out`,
//! `generate --out`, `fmt`): never one of the command's inputs, and written
//! to a temporary file renamed into place, so that a failure (a full disk)
//! leaves the old file whole and no partial file behind.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::Outcome;

/// The first error writing to stdout, if any.
static FAILED: Mutex<Option<String>> = Mutex::new(None);

fn failed() -> bool {
    FAILED.lock().map_or(true, |f| f.is_some())
}

fn fail(e: &std::io::Error) {
    if let Ok(mut f) = FAILED.lock() {
        f.get_or_insert_with(|| e.to_string());
    }
}

/// Writes to stdout, unless an earlier write failed.
pub(crate) fn write(args: std::fmt::Arguments<'_>) {
    if failed() {
        return;
    }
    if let Err(e) = std::io::stdout().lock().write_fmt(args) {
        fail(&e);
    }
}

/// Writes `text` to stdout, or says why it could not (exit code 2).
pub(crate) fn text(text: &str) -> Result<(), Outcome> {
    write(format_args!("{text}"));
    match finish() {
        Outcome::Ok => Ok(()),
        o => Err(o),
    }
}

/// Flushes stdout: `Failed` (and a line on stderr, once) when any write
/// failed.
pub(crate) fn finish() -> Outcome {
    if !failed() {
        if let Err(e) = std::io::stdout().lock().flush() {
            fail(&e);
        }
    }
    let Ok(mut f) = FAILED.lock() else {
        return Outcome::Failed;
    };
    match f.as_mut() {
        None => Outcome::Ok,
        Some(e) => {
            if !e.is_empty() {
                eprintln!("error: cannot write the output: {e}");
                // Said once.
                e.clear();
            }
            Outcome::Failed
        }
    }
}

/// A file a command was asked to write: standard output for `-`; a device
/// or a pipe (`/dev/null`) written directly; otherwise a temporary file
/// next to the target (a symbolic link's target: the link stays a link),
/// renamed over it by [`Sink::commit`] and deleted if the command fails
/// before that.
pub(crate) enum Sink {
    Stdout(io::Stdout),
    Direct(BufWriter<std::fs::File>),
    Temporary {
        file: BufWriter<tempfile::NamedTempFile>,
        target: PathBuf,
    },
}

impl Sink {
    /// Opens `path` for writing (`-`: standard output).
    pub(crate) fn create(path: &Path) -> Result<Sink, String> {
        let cannot = |e: io::Error| format!("cannot write {}: {e}", path.display());
        if path == Path::new("-") {
            return Ok(Sink::Stdout(io::stdout()));
        }
        let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        match std::fs::metadata(&target) {
            Ok(meta) if !meta.is_file() => {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&target)
                    .map_err(cannot)?;
                return Ok(Sink::Direct(BufWriter::new(file)));
            }
            _ => {}
        }
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let prefix = target
            .file_name()
            .map(|n| format!(".{}.", n.to_string_lossy()))
            .unwrap_or_else(|| ".dunning.".to_string());
        let file = tempfile::Builder::new()
            .prefix(&prefix)
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(cannot)?;
        Ok(Sink::Temporary {
            file: BufWriter::new(file),
            target,
        })
    }

    /// Flushes, and renames the temporary file over the target (which
    /// keeps its permissions).
    pub(crate) fn commit(self) -> Result<(), String> {
        match self {
            Sink::Stdout(mut out) => out
                .flush()
                .map_err(|e| format!("cannot write the output: {e}")),
            Sink::Direct(mut file) => file.flush().map_err(|e| format!("cannot write: {e}")),
            Sink::Temporary { file, target } => {
                let cannot = |e: io::Error| format!("cannot write {}: {e}", target.display());
                let file = file.into_inner().map_err(|e| cannot(e.into_error()))?;
                file.as_file().sync_all().map_err(cannot)?;
                if let Ok(meta) = std::fs::metadata(&target) {
                    file.as_file()
                        .set_permissions(meta.permissions())
                        .map_err(cannot)?;
                }
                file.persist(&target).map_err(|e| cannot(e.error))?;
                Ok(())
            }
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(out) => out.write(buf),
            Sink::Direct(file) => file.write(buf),
            Sink::Temporary { file, .. } => file.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(out) => out.flush(),
            Sink::Direct(file) => file.flush(),
            Sink::Temporary { file, .. } => file.flush(),
        }
    }
}

/// Refuses outputs that are inputs (the same file, through a link or a
/// hard link) or each other: `simulate --actions-out invoices.csv` would
/// otherwise destroy the invoices. Each is named with its option. Said on
/// stderr; a usage error (exit code 2).
pub(crate) fn refuse_overwriting(
    outputs: &[(&str, &Path)],
    inputs: &[(&str, &Path)],
) -> Result<(), Outcome> {
    let files = |list: &[(&str, &Path)]| -> Vec<(String, PathBuf)> {
        list.iter()
            .filter(|(_, p)| *p != Path::new("-"))
            .map(|(o, p)| (o.to_string(), p.to_path_buf()))
            .collect()
    };
    let (outs, ins) = (files(outputs), files(inputs));
    for (i, (option, path)) in outs.iter().enumerate() {
        let clash = ins
            .iter()
            .chain(&outs[..i])
            .find(|(_, other)| same_file(path, other));
        if let Some((other_option, other)) = clash {
            eprintln!(
                "error: {option} {} is the same file as {other_option} {}; \
                 write to another file (dunning never overwrites its inputs)",
                path.display(),
                other.display()
            );
            return Err(Outcome::Failed);
        }
    }
    let stdouts: Vec<&str> = outputs
        .iter()
        .filter(|(_, p)| *p == Path::new("-"))
        .map(|(o, _)| *o)
        .collect();
    if let [first, second, ..] = stdouts.as_slice() {
        eprintln!("error: {first} and {second} cannot both write to standard output (`-`)");
        return Err(Outcome::Failed);
    }
    Ok(())
}

/// Whether `a` and `b` name the same file: the same inode (links, hard
/// links), or, for a file not written yet, the same place.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    match (place(a), place(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// Where a path points, existing or not: its folder resolved, its name
/// appended.
fn place(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = std::fs::canonicalize(path) {
        return Some(p);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(dir).ok()?.join(path.file_name()?))
}
