//! Reading the recent end of a log without reading the whole file: client
//! logs grow without bound (Copilot writes one per process, Claude Code one
//! per connection, but a long session's can be large), and doctor needs only
//! the last failures.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use crate::{Error, Result};

/// The most bytes read from the end of one log: far more than the few
/// lines of a connection attempt, small enough to scan on every doctor run.
pub const MAX_TAIL_BYTES: u64 = 1024 * 1024;

/// The end of a log, in whole lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tail {
    /// The text read, from the first whole line on; bytes that are not
    /// UTF-8 are replaced, so that one bad byte does not hide the rest.
    pub text: String,
    /// Whether the file was longer than what was read (earlier lines
    /// were not looked at).
    pub truncated: bool,
}

/// Reads the last [`MAX_TAIL_BYTES`] of `path`.
pub fn read_tail(path: &Path) -> Result<Tail> {
    read_tail_bounded(path, MAX_TAIL_BYTES)
}

/// Reads at most the last `max` bytes of `path`, seeking from its end, and
/// drops the first line when the read started inside it.
pub fn read_tail_bounded(path: &Path, max: u64) -> Result<Tail> {
    let io = |source| Error::Io {
        action: "reading",
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let start = len.saturating_sub(max);
    let truncated = start > 0;
    // One byte before `start` tells whether the read begins on a line
    // boundary: when it is a newline, the first line read is whole.
    let from = start.saturating_sub(u64::from(truncated));
    file.seek(SeekFrom::Start(from)).map_err(io)?;
    let mut bytes = Vec::new();
    // `take` bounds the read even if the file grows while it is read.
    file.take(max.saturating_add(u64::from(truncated)))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    let whole = if truncated {
        // The bytes up to and including the first newline belong to a line
        // that began before the window (or are the boundary byte itself).
        match bytes.iter().position(|&byte| byte == b'\n') {
            Some(newline) => bytes.get(newline + 1..).unwrap_or_default(),
            None => &[],
        }
    } else {
        &bytes[..]
    };
    Ok(Tail {
        text: String::from_utf8_lossy(whole).into_owned(),
        truncated,
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn write_lines(count: usize) -> std::io::Result<tempfile::NamedTempFile> {
        let mut file = tempfile::NamedTempFile::new()?;
        for index in 0..count {
            writeln!(file, "line {index:08} {}", "x".repeat(40))?;
        }
        file.flush()?;
        Ok(file)
    }

    #[test]
    fn a_file_larger_than_the_bound_is_read_from_its_last_whole_lines()
    -> std::result::Result<(), Box<dyn std::error::Error>> {
        // 60 000 lines of 55 bytes: about 3.3 MB, over three times the bound.
        let file = write_lines(60_000)?;
        assert!(file.as_file().metadata()?.len() > MAX_TAIL_BYTES * 3);
        let tail = read_tail(file.path())?;
        assert!(tail.truncated);
        assert!(tail.text.len() as u64 <= MAX_TAIL_BYTES);
        // The first line kept is whole: it starts where a line starts.
        assert!(tail.text.starts_with("line "), "{:?}", tail.text.get(..20));
        assert!(
            tail.text
                .ends_with(&format!("line {:08} {}\n", 59_999, "x".repeat(40)))
        );
        // Nearly the whole window is used: at most one line is dropped.
        assert!(tail.text.len() as u64 > MAX_TAIL_BYTES - 56);
        Ok(())
    }

    #[test]
    fn a_window_that_starts_on_a_line_boundary_keeps_that_line()
    -> std::result::Result<(), Box<dyn std::error::Error>> {
        let mut file = tempfile::NamedTempFile::new()?;
        file.write_all(b"first\nsecond\nthird\n")?;
        file.flush()?;
        // The last 13 bytes are exactly "second\nthird\n".
        let tail = read_tail_bounded(file.path(), 13)?;
        assert_eq!(tail.text, "second\nthird\n");
        // One byte fewer cuts "second": it is dropped, not kept in part.
        let tail = read_tail_bounded(file.path(), 12)?;
        assert_eq!(tail.text, "third\n");
        Ok(())
    }

    #[test]
    fn a_small_file_is_read_whole() -> std::result::Result<(), Box<dyn std::error::Error>> {
        let file = write_lines(3)?;
        let tail = read_tail(file.path())?;
        assert!(!tail.truncated);
        assert_eq!(tail.text.lines().count(), 3);
        Ok(())
    }

    #[test]
    fn a_missing_file_is_an_error_that_names_it() {
        let path = Path::new("/nonexistent/mcp-keys-test/process-1.log");
        let error = read_tail(path).err().map(|error| error.to_string());
        assert!(
            error
                .as_deref()
                .is_some_and(|text| text.contains("process-1.log")),
            "{error:?}"
        );
    }

    #[test]
    fn a_window_without_a_newline_is_empty_rather_than_a_partial_line()
    -> std::result::Result<(), Box<dyn std::error::Error>> {
        let mut file = tempfile::NamedTempFile::new()?;
        file.write_all(&[b'y'; 100])?;
        file.flush()?;
        let tail = read_tail_bounded(file.path(), 10)?;
        assert_eq!(tail.text, "");
        assert!(tail.truncated);
        Ok(())
    }
}
