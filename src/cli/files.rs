//! The files named on the command line. Every command walks a folder the
//! same way ([`walk`]): the files under it with the command's extensions,
//! in any case, sorted by path so that output is deterministic; entries
//! whose name starts with a dot (`.git`, an editor's backup) skipped;
//! symbolic links to folders not followed, so that a link cycle cannot
//! loop. A file named on the command line is taken as it is.

use std::path::{Path, PathBuf};

use dunning::SourceFile;

use super::Outcome;

/// The files under `dir` with one of `extensions` (without the dot),
/// sorted.
pub(crate) fn walk(dir: &Path, extensions: &[&str]) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    walk_into(dir, extensions, &mut found)?;
    found.sort();
    Ok(found)
}

fn walk_into(dir: &Path, extensions: &[&str], found: &mut Vec<PathBuf>) -> Result<(), String> {
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", dir.display());
    for entry in std::fs::read_dir(dir).map_err(cannot)? {
        let entry = entry.map_err(cannot)?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if entry.file_type().map_err(cannot)?.is_dir() {
            walk_into(&path, extensions, found)?;
        } else if has_extension(&path, extensions) {
            found.push(path);
        }
    }
    Ok(())
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Policy files: files as given, folders expanded into the `.dunning`
/// files under them. A folder without any is an error (a typo in CI's
/// path must not pass as a clean check), said on stderr: a usage error.
pub(crate) fn policies(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Outcome> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let found = walk(path, &["dunning"]).map_err(usage)?;
            if found.is_empty() {
                return Err(usage(format!(
                    "no .dunning file in the folder {}",
                    path.display()
                )));
            }
            out.extend(found);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

fn usage(message: String) -> Outcome {
    eprintln!("error: {message}");
    Outcome::Failed
}

/// A policy file read; when it cannot be, says so on stderr, raises
/// `outcome` to an I/O error, and gives `None` (the other files go on).
pub(crate) fn read_policy(path: &Path, outcome: &mut Outcome) -> Option<SourceFile> {
    match SourceFile::read(path) {
        Ok(file) => Some(file),
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            *outcome = (*outcome).max(Outcome::Failed);
            None
        }
    }
}

/// Writes through a temporary file and a rename (see
/// [`super::output::Sink`]): a crash or a full disk never leaves half a
/// policy, a symbolic link stays a link (its target is rewritten), and the
/// file keeps its permissions.
pub(crate) fn write_atomic(path: &Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut sink = super::output::Sink::create(path)?;
    sink.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    sink.commit()
}
