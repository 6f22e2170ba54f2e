//! The end of a local command's stderr, kept per surface.

use std::collections::VecDeque;

/// How much of an upstream's stderr is kept.
const STDERR_TAIL_BYTES: usize = 64 * 1024;

/// The last bytes of a stream of lines.
#[derive(Debug, Default)]
pub(super) struct StderrTail {
    lines: VecDeque<String>,
    bytes: usize,
}

impl StderrTail {
    /// Adds a line (a very long one cut to a quarter of the tail).
    pub(super) fn push(&mut self, line: &str) {
        let line: String = line.chars().take(STDERR_TAIL_BYTES / 4).collect();
        self.bytes += line.len() + 1;
        self.lines.push_back(line);
        while self.bytes > STDERR_TAIL_BYTES {
            match self.lines.pop_front() {
                Some(old) => self.bytes -= old.len() + 1,
                None => break,
            }
        }
    }

    /// The kept lines, each ending with a newline.
    pub(super) fn text(&self) -> String {
        self.lines.iter().fold(String::new(), |mut text, line| {
            text.push_str(line);
            text.push('\n');
            text
        })
    }

    /// The last line that is not blank, to explain a failure.
    pub(super) fn last_line(&self) -> Option<&str> {
        self.lines
            .iter()
            .rev()
            .map(String::as_str)
            .find(|line| !line.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::StderrTail;

    #[test]
    fn the_stderr_tail_keeps_the_last_bytes() {
        let mut tail = StderrTail::default();
        for n in 0..20_000 {
            tail.push(&format!("line {n}"));
        }
        tail.push("  ");
        let text = tail.text();
        assert!(text.len() <= 64 * 1024);
        assert!(text.ends_with("line 19999\n  \n"));
        assert!(!text.contains("line 0\n"));
        assert_eq!(tail.last_line(), Some("line 19999"));
    }
}
