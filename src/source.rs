//! A policy file: its name for messages and its text. The one path from a
//! file to its diagnostics: [`SourceFile::read`], [`SourceFile::check`],
//! then `output::diagnostics::Renderer` (for people) or `flatten` (for
//! programs).

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::check::{check, Checked};
use crate::syntax::{parse, Parsed, SyntaxError};

/// A policy file's name (as messages call it) and its text. Bytes that are
/// not UTF-8 are kept as a lossy text, to show, with the error that says
/// so: such a file parses to nothing but that error.
#[derive(Clone, Debug)]
pub struct SourceFile {
    name: String,
    text: String,
    not_utf8: Option<SyntaxError>,
}

impl SourceFile {
    /// A file of text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
            not_utf8: None,
        }
    }

    /// A file's bytes, read as UTF-8 text.
    pub fn from_bytes(name: impl Into<String>, bytes: &[u8]) -> Self {
        let (text, not_utf8) = match std::str::from_utf8(bytes) {
            Ok(text) => (text.to_string(), None),
            Err(e) => {
                let offset = e.valid_up_to();
                let error = SyntaxError::NotUtf8 {
                    offset,
                    // Shown in the lossy text, where the bad byte became
                    // U+FFFD (3 bytes).
                    span: (offset, 3).into(),
                };
                (String::from_utf8_lossy(bytes).into_owned(), Some(error))
            }
        };
        SourceFile {
            name: name.into(),
            text,
            not_utf8,
        }
    }

    /// Reads a file (see [`read_input`]: `-` is standard input), named in
    /// messages as the path is written.
    pub fn read(path: &Path) -> std::io::Result<Self> {
        let bytes = read_input(path)?;
        Ok(SourceFile::from_bytes(input_name(path), &bytes))
    }

    /// The name messages call the file by.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The text (lossy when the bytes are not UTF-8).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The error of bytes that are not UTF-8 text, if they are not.
    pub fn not_utf8(&self) -> Option<&SyntaxError> {
        self.not_utf8.as_ref()
    }

    /// The file parsed; a file that is not UTF-8 text parses to its error alone.
    pub fn parse(&self) -> Parsed {
        match &self.not_utf8 {
            Some(error) => Parsed::unreadable(self.text.clone(), error.clone()),
            None => parse(&self.text),
        }
    }

    /// The file parsed and checked.
    pub fn check(&self) -> Checked {
        check(&self.parse())
    }
}

/// The largest file [`read_input`] reads by default: 512 MiB, five times a
/// million invoices as CSV.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

static MAX_FILE_BYTES: AtomicU64 = AtomicU64::new(DEFAULT_MAX_FILE_BYTES);

/// Sets the largest file [`read_input`] reads (the command line's
/// `--max-file-size`), for the whole process.
pub fn set_max_file_bytes(bytes: u64) {
    MAX_FILE_BYTES.store(bytes, Ordering::Relaxed);
}

/// The largest file [`read_input`] reads.
pub fn max_file_bytes() -> u64 {
    MAX_FILE_BYTES.load(Ordering::Relaxed)
}

/// How messages name an input: `<stdin>` for `-`, the path as written
/// otherwise.
pub fn input_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// Reads an input whole: `-` is standard input; anything else must be a
/// regular file (links followed). A device (`/dev/zero`), a FIFO or a
/// folder is refused rather than read forever or waited on, and no input
/// may be larger than [`max_file_bytes`].
pub fn read_input(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind};
    let limit = max_file_bytes();
    let too_large = || {
        Error::new(
            ErrorKind::InvalidData,
            format!(
                "larger than the limit of {limit} bytes (raise it with --max-file-size, in MiB)"
            ),
        )
    };
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Err(too_large());
        }
        return Ok(bytes);
    }
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "it is a folder, not a file",
        ));
    }
    if !meta.is_file() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "not a regular file (a device, a FIFO or a socket); only regular files are read",
        ));
    }
    if meta.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}
