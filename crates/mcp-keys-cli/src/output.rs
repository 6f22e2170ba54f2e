//! What commands print: JSON for programs, aligned tables with relative times
//! for people, and color only when stdout is a terminal that wants it.

use std::io::{IsTerminal, Write};

use chrono::{DateTime, Utc};
use comfy_table::{Cell, Color, ContentArrangement, Table, presets};
use serde::Serialize;

/// How this run prints.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// JSON on stdout instead of text.
    pub json: bool,
    color: bool,
}

impl Output {
    /// JSON when asked; color only on a terminal, and never with NO_COLOR set
    /// (https://no-color.org).
    pub fn new(json: bool) -> Self {
        let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Self { json, color }
    }

    /// Prints `value` as pretty JSON and a newline.
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) -> anyhow::Result<()> {
        let mut stdout = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut stdout, value)?;
        writeln!(stdout)?;
        Ok(())
    }

    /// Prints one line of text, its control characters made visible.
    pub fn line(&self, text: &str) -> anyhow::Result<()> {
        writeln!(std::io::stdout().lock(), "{}", printable(text, true))?;
        Ok(())
    }

    /// Prints rows under a header, columns aligned; `empty` when there are none.
    pub fn table(
        &self,
        header: &[&str],
        rows: Vec<Vec<Styled>>,
        empty: &str,
    ) -> anyhow::Result<()> {
        if rows.is_empty() {
            return self.line(empty);
        }
        let mut table = Table::new();
        table
            .load_style(presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(header.iter().map(|title| self.cell(&Styled::dim(*title))));
        for row in rows {
            table.add_row(row.iter().map(|value| self.cell(value)));
        }
        // Columns start at the margin and are two spaces apart, as `ls -l`
        // or `docker ps` print them.
        for column in table.column_iter_mut() {
            column.set_padding((0, 2));
        }
        if !self.color {
            table.force_no_tty();
        }
        let mut stdout = std::io::stdout().lock();
        for line in table.lines() {
            // Cells were made printable above; the table's own color codes
            // must pass.
            writeln!(stdout, "{}", line.trim_end())?;
        }
        Ok(())
    }

    fn cell(&self, value: &Styled) -> Cell {
        let cell = Cell::new(printable(&value.text, false));
        match (self.color, value.tone) {
            (true, Tone::Good) => cell.fg(Color::Green),
            (true, Tone::Bad) => cell.fg(Color::Red),
            (true, Tone::Warn) => cell.fg(Color::Yellow),
            (true, Tone::Dim) => cell.fg(Color::DarkGrey),
            _ => cell,
        }
    }
}

/// `text` with every character that could drive a terminal written out as
/// an escape (`\u{1b}`): names and paths come from servers and config files
/// that nobody vouched for, and an ESC, BEL or OSC sequence in them would
/// otherwise retitle the window, rewrite the screen or fake a line; a bidi
/// override would make text read as something else. Newlines stay when
/// `keep_newlines` (a message of several lines).
pub fn printable(text: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        let unsafe_char =
            mcp_keys_core::is_control_or_bidi(character) && !(keep_newlines && character == '\n');
        if unsafe_char {
            out.extend(character.escape_unicode());
        } else {
            out.push(character);
        }
    }
    out
}

/// A table cell's text and how it reads at a glance.
#[derive(Debug, Clone)]
pub struct Styled {
    text: String,
    tone: Tone,
}

#[derive(Debug, Clone, Copy)]
enum Tone {
    Plain,
    Good,
    Bad,
    Warn,
    Dim,
}

impl Styled {
    /// Plain text.
    pub fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            tone: Tone::Plain,
        }
    }
    /// Good news (active).
    pub fn good(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            tone: Tone::Good,
        }
    }
    /// Bad news (revoked, expired).
    pub fn bad(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            tone: Tone::Bad,
        }
    }
    /// Needs attention (production, due).
    pub fn warn(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            tone: Tone::Warn,
        }
    }
    /// Secondary (headers, "never").
    pub fn dim(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            tone: Tone::Dim,
        }
    }
}

impl From<String> for Styled {
    fn from(text: String) -> Self {
        Self::plain(text)
    }
}

impl From<&str> for Styled {
    fn from(text: &str) -> Self {
        Self::plain(text)
    }
}

/// `time` as people say it relative to `now`: "just now", "3 days ago",
/// "in 5 hours".
pub fn relative(time: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (time - now).num_seconds();
    let (amount, unit) = largest_unit(seconds.unsigned_abs());
    if amount == 0 {
        return "just now".to_owned();
    }
    let plural = if amount == 1 { "" } else { "s" };
    if seconds < 0 {
        format!("{amount} {unit}{plural} ago")
    } else {
        format!("in {amount} {unit}{plural}")
    }
}

/// An optional time, or `none` (e.g. "never").
pub fn relative_or(time: Option<DateTime<Utc>>, now: DateTime<Utc>, none: &str) -> Styled {
    time.map_or_else(
        || Styled::dim(none),
        |time| Styled::plain(relative(time, now)),
    )
}

fn largest_unit(seconds: u64) -> (u64, &'static str) {
    const UNITS: [(u64, &str); 6] = [
        (365 * 86_400, "year"),
        (30 * 86_400, "month"),
        (86_400, "day"),
        (3600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    if seconds < 45 {
        return (0, "second");
    }
    UNITS
        .iter()
        .find(|(size, _)| seconds >= *size)
        .map_or((0, "second"), |(size, unit)| (seconds / size, *unit))
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use super::{printable, relative};

    #[test]
    fn times_read_as_people_say_them() {
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).single();
        let Some(now) = now else { return };
        assert_eq!(relative(now, now), "just now");
        assert_eq!(relative(now - Duration::seconds(30), now), "just now");
        assert_eq!(relative(now - Duration::minutes(1), now), "1 minute ago");
        assert_eq!(relative(now - Duration::days(3), now), "3 days ago");
        assert_eq!(relative(now + Duration::hours(5), now), "in 5 hours");
        assert_eq!(relative(now + Duration::days(90), now), "in 3 months");
        assert_eq!(relative(now - Duration::days(800), now), "2 years ago");
    }

    #[test]
    fn terminal_controls_are_written_out_and_text_is_kept() {
        assert_eq!(
            printable("\u{1b}]0;pwned\u{7}key", false),
            "\\u{1b}]0;pwned\\u{7}key"
        );
        assert_eq!(printable("a\nb", true), "a\nb");
        assert_eq!(printable("a\nb", false), "a\\u{a}b");
        assert_eq!(printable("evil\u{202e}txt", false), "evil\\u{202e}txt");
        assert_eq!(printable("Café ✓ — ok", false), "Café ✓ — ok");
    }
}
