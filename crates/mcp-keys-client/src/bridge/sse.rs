//! Server-sent events as the MCP Streamable HTTP transport sends them: the
//! parsing rules of the HTML standard, reduced to what the bridge needs (the
//! data of each event and the last event id).
//!
//! Bytes arrive in chunks that may split a line, a CRLF pair or a UTF-8
//! character anywhere, so the parser keeps the unfinished line as bytes and
//! decodes only whole lines.

/// UTF-8's byte-order mark, which a stream may start with.
const BYTE_ORDER_MARK: &[u8] = "\u{feff}".as_bytes();

/// An incremental event-stream parser: feed it chunks with
/// [`EventStream::push`], collect the data of each finished event.
#[derive(Debug, Default)]
pub(crate) struct EventStream {
    /// The line being read, up to the chunk's end.
    line: Vec<u8>,
    /// The last chunk ended with CR: an LF that starts the next one belongs
    /// to the same line ending.
    after_cr: bool,
    /// The first line has ended (and its byte-order mark, if any, was
    /// dropped).
    past_first_line: bool,
    /// The `data:` lines of the event being read, each followed by LF.
    data: String,
    /// The `id:` of the last event that named one.
    last_event_id: Option<String>,
}

impl EventStream {
    /// Reads `chunk` and returns the data of every event it completes, in
    /// order. An event without data lines yields nothing.
    pub(crate) fn push(&mut self, chunk: &[u8]) -> Vec<String> {
        let mut events = Vec::new();
        let mut rest = chunk;
        if self.after_cr && !rest.is_empty() {
            self.after_cr = false;
            rest = rest.strip_prefix(b"\n").unwrap_or(rest);
        }
        while let Some(end) = rest.iter().position(|byte| matches!(byte, b'\n' | b'\r')) {
            self.line.extend_from_slice(&rest[..end]);
            let line = std::mem::take(&mut self.line);
            if let Some(data) = self.line_ended(&line) {
                events.push(data);
            }
            let crlf = rest[end] == b'\r' && rest.get(end + 1) == Some(&b'\n');
            let ending = if crlf { 2 } else { 1 };
            if rest[end] == b'\r' && end + 1 == rest.len() {
                self.after_cr = true;
            }
            rest = &rest[end + ending..];
        }
        self.line.extend_from_slice(rest);
        events
    }

    /// The id of the last event that had one: a reconnect sends it as
    /// `Last-Event-ID` so the server can replay what was missed.
    pub(crate) fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref()
    }

    /// Handles one whole line; a blank line ends an event and returns its
    /// data.
    fn line_ended(&mut self, mut line: &[u8]) -> Option<String> {
        if !self.past_first_line {
            self.past_first_line = true;
            line = line.strip_prefix(BYTE_ORDER_MARK).unwrap_or(line);
        }
        if line.is_empty() {
            if self.data.is_empty() {
                return None;
            }
            let mut data = std::mem::take(&mut self.data);
            data.pop(); // The LF after the last data line.
            return Some(data);
        }
        let line = String::from_utf8_lossy(line);
        if line.starts_with(':') {
            return None; // A comment, such as a keep-alive.
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        match field {
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
            }
            // The standard ignores an id with NUL in it.
            "id" if !value.contains('\0') => self.last_event_id = Some(value.to_owned()),
            // `event:` (MCP sends only messages), `retry:` (the bridge has
            // its own backoff) and unknown fields.
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::EventStream;

    fn events(chunks: &[&[u8]]) -> (Vec<String>, Option<String>) {
        let mut stream = EventStream::default();
        let events = chunks.iter().flat_map(|chunk| stream.push(chunk)).collect();
        (events, stream.last_event_id().map(str::to_owned))
    }

    #[test]
    fn each_event_yields_its_data_once_the_blank_line_ends_it() {
        let (data, id) = events(&[b"data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: unfinished\n"]);
        assert_eq!(data, [r#"{"a":1}"#, r#"{"b":2}"#]);
        assert_eq!(id, None);
    }

    #[test]
    fn an_event_split_across_chunks_anywhere_is_whole() {
        let text = "id: 7\ndata: {\"text\":\"héllo\"}\n\n".as_bytes();
        for split in 0..text.len() {
            let (head, tail) = text.split_at(split);
            let (data, id) = events(&[head, tail]);
            assert_eq!(data, [r#"{"text":"héllo"}"#], "split at {split}");
            assert_eq!(id.as_deref(), Some("7"), "split at {split}");
        }
        let bytes: Vec<&[u8]> = text.chunks(1).collect();
        assert_eq!(events(&bytes).0, [r#"{"text":"héllo"}"#]);
    }

    #[test]
    fn data_lines_are_joined_with_line_feeds() {
        let (data, _) = events(&[b"data: first\ndata:second\ndata\ndata:  indented\n\n"]);
        assert_eq!(data, ["first\nsecond\n\n indented"]);
    }

    #[test]
    fn crlf_and_lone_cr_end_lines_even_when_a_chunk_splits_the_pair() {
        assert_eq!(events(&[b"data: a\r\n\r\ndata: b\r\r"]).0, ["a", "b"]);
        // The CR at a chunk's end and the LF that starts the next one are
        // one line ending, not an empty line that would end the event early.
        let (data, _) = events(&[b"data: x\r", b"\ndata: y\r\n\r", b"\n"]);
        assert_eq!(data, ["x\ny"]);
    }

    #[test]
    fn comments_event_types_and_retry_are_ignored_and_the_last_id_is_kept() {
        let stream = b": keep-alive\nevent: message\nid: 1\nretry: 5000\ndata: one\n\n\
                       id: 2\ndata: two\n\nid: 3\ndata:\n\n";
        let (data, id) = events(&[stream]);
        // A priming event (an id and empty data) yields an empty string,
        // which the bridge skips.
        assert_eq!(data, ["one", "two", ""]);
        assert_eq!(id.as_deref(), Some("3"));
    }

    #[test]
    fn an_event_without_data_and_a_byte_order_mark_yield_nothing() {
        assert_eq!(
            events(&[b"\xef\xbb\xbfid: 9\n\n: only a comment\n\n"]).0,
            [] as [&str; 0]
        );
        assert_eq!(events(&[b"\xef\xbb", b"\xbfdata: x\n\n"]).0, ["x"]);
    }
}
