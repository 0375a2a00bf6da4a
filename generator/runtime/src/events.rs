//! Server-sent events (`text/event-stream`, as the HTML standard defines them): a response read
//! one event at a time, as it arrives. Such a stream may never end, so it is not read whole.

use std::collections::VecDeque;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;

/// One event of an [`EventStream`]; `T` is the type of its data.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<T> {
    /// The event's type (its `event` field); `None` for the default type, `message`.
    pub event: Option<String>,
    /// The event's data (its `data` fields, joined by line breaks), decoded.
    pub data: T,
    /// The last event ID the stream gave (`id`), which a client resuming the stream sends as
    /// `Last-Event-ID`.
    pub id: Option<String>,
    /// The reconnection time the server asked for (`retry`) in this event's lines, if any.
    pub retry: Option<Duration>,
}

/// How the data text of an event becomes `T`: [`json_data`] or [`text_data`].
pub type DataDecoder<T> = fn(&str) -> Result<T, serde_json::Error>;

/// Data that is a JSON text.
///
/// # Errors
///
/// When the text is not JSON of type `T`.
pub fn json_data<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    serde_json::from_str(text)
}

/// Data kept as the text it is.
///
/// # Errors
///
/// Never.
pub fn text_data(text: &str) -> Result<String, serde_json::Error> {
    Ok(text.to_string())
}

/// The events of a `text/event-stream` response, read as they arrive: [`Self::next`] waits for
/// the next one. Events whose data does not decode are reported one by one, and the stream
/// goes on after them. No timeout applies while reading (streams may be quiet for long); wrap
/// [`Self::next`] in one if you need it. The client does not reconnect: [`Event::id`] is what
/// a new call would resume from.
pub struct EventStream<T> {
    source: Source,
    parser: Parser,
    ready: VecDeque<RawEvent>,
    decode: DataDecoder<T>,
    /// How many events were given so far: the index of the next.
    index: usize,
    /// The most bytes one event (or one line) may take while it is read.
    limit: u64,
}

enum Source {
    Live(reqwest::Response),
    Buffered(Option<Bytes>),
    Done,
}

impl<T> EventStream<T> {
    /// Events read from a response as it arrives.
    pub(crate) fn live(response: reqwest::Response, decode: DataDecoder<T>, limit: u64) -> Self {
        Self::new(Source::Live(response), decode, limit)
    }

    /// Events read from a body already received whole.
    pub(crate) fn buffered(body: Bytes, decode: DataDecoder<T>) -> Self {
        let limit = u64::try_from(body.len()).unwrap_or(u64::MAX);
        Self::new(Source::Buffered(Some(body)), decode, limit)
    }

    fn new(source: Source, decode: DataDecoder<T>, limit: u64) -> Self {
        Self {
            source,
            parser: Parser::default(),
            ready: VecDeque::new(),
            decode,
            index: 0,
            limit,
        }
    }

    /// The next event, waiting for it to arrive; `None` once the stream has ended. An
    /// incomplete event at the end (one not closed by an empty line) is left out, as the
    /// standard says.
    ///
    /// # Errors
    ///
    /// [`EventStreamError::Data`] for an event whose data does not decode (the stream goes
    /// on); [`EventStreamError::Transport`] or [`EventStreamError::TooLarge`], after which the
    /// stream has ended.
    pub async fn next(&mut self) -> Option<Result<Event<T>, EventStreamError>> {
        loop {
            if let Some(raw) = self.ready.pop_front() {
                let index = self.index;
                self.index += 1;
                return Some(match (self.decode)(&raw.data) {
                    Ok(data) => Ok(Event {
                        event: raw.event,
                        data,
                        id: raw.id,
                        retry: raw.retry,
                    }),
                    Err(source) => Err(EventStreamError::Data {
                        index,
                        event: raw.event,
                        data: raw.data,
                        source,
                    }),
                });
            }
            let chunk = match &mut self.source {
                Source::Live(response) => match response.chunk().await {
                    Ok(Some(chunk)) => chunk,
                    Ok(None) => {
                        self.source = Source::Done;
                        return None;
                    }
                    Err(e) => {
                        self.source = Source::Done;
                        return Some(Err(EventStreamError::Transport(e.without_url())));
                    }
                },
                Source::Buffered(body) => match body.take() {
                    Some(body) => body,
                    None => {
                        self.source = Source::Done;
                        return None;
                    }
                },
                Source::Done => return None,
            };
            if let Err(e) = self.parser.feed(&chunk, &mut self.ready, self.limit) {
                self.source = Source::Done;
                return Some(Err(e));
            }
        }
    }

    /// Every event up to the end of the stream, for streams that end.
    ///
    /// # Errors
    ///
    /// The first error [`Self::next`] gives.
    pub async fn collect(mut self) -> Result<Vec<Event<T>>, EventStreamError> {
        let mut events = Vec::new();
        while let Some(event) = self.next().await {
            events.push(event?);
        }
        Ok(events)
    }

    /// The events as a [`futures_util::Stream`], for stream combinators.
    pub fn into_stream(
        self,
    ) -> impl futures_util::Stream<Item = Result<Event<T>, EventStreamError>> {
        futures_util::stream::unfold(self, |mut events| async move {
            let next = events.next().await?;
            Some((next, events))
        })
    }
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("events_read", &self.index)
            .field("ended", &matches!(self.source, Source::Done))
            .finish_non_exhaustive()
    }
}

/// Why an [`EventStream`] gave no event.
#[derive(Debug)]
pub enum EventStreamError {
    /// Reading the response failed; the stream has ended.
    Transport(reqwest::Error),
    /// One event, or one line, grew over the client's limit on response bodies; the stream has
    /// ended.
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The data of the event at `index` (counting from 0) did not decode; the stream goes on.
    Data {
        /// The index of the event in the stream.
        index: usize,
        /// The event's type.
        event: Option<String>,
        /// The data as received.
        data: String,
        /// Why it did not decode.
        source: serde_json::Error,
    },
}

impl fmt::Display for EventStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Transport(e) => write!(f, "reading the event stream failed: {e}"),
            Self::TooLarge { limit } => {
                write!(f, "an event of the stream is larger than {limit} bytes")
            }
            Self::Data {
                index,
                event,
                source,
                ..
            } => {
                let kind = event.as_deref().unwrap_or("message");
                write!(
                    f,
                    "the data of event {index} (`{kind}`) does not decode: {source}"
                )
            }
        }
    }
}

impl std::error::Error for EventStreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport(e) => Some(e),
            Self::TooLarge { .. } => None,
            Self::Data { source, .. } => Some(source),
        }
    }
}

/// The text of a stream of one event per item of `datas`, each its data: a `data` line per line
/// of the text, and an empty line after each event.
#[cfg_attr(not(feature = "mock"), allow(dead_code))]
pub(crate) fn write(datas: impl IntoIterator<Item = String>) -> String {
    let mut out = String::new();
    for data in datas {
        for line in data.split('\n') {
            out.push_str("data: ");
            out.push_str(line.strip_suffix('\r').unwrap_or(line));
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// An event as the stream spells it, before its data is decoded.
struct RawEvent {
    event: Option<String>,
    data: String,
    id: Option<String>,
    retry: Option<Duration>,
}

/// The standard's parser state: the bytes of the line being read, and the fields of the event
/// being built.
#[derive(Default)]
struct Parser {
    line: Vec<u8>,
    /// The last chunk ended in a carriage return: a line feed starting the next one ends no
    /// second line.
    after_cr: bool,
    started: bool,
    event: Option<String>,
    data: String,
    has_data: bool,
    last_id: Option<String>,
    retry: Option<Duration>,
}

impl Parser {
    /// Reads a chunk, adding each event an empty line completes to `ready`.
    fn feed(
        &mut self,
        chunk: &[u8],
        ready: &mut VecDeque<RawEvent>,
        limit: u64,
    ) -> Result<(), EventStreamError> {
        let mut rest = chunk;
        if !self.started && !rest.is_empty() {
            self.started = true;
            rest = rest.strip_prefix("\u{feff}".as_bytes()).unwrap_or(rest);
        }
        if self.after_cr {
            rest = rest.strip_prefix(b"\n").unwrap_or(rest);
            self.after_cr = false;
        }
        while let Some(end) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            self.line.extend_from_slice(&rest[..end]);
            let line = std::mem::take(&mut self.line);
            self.line_done(&String::from_utf8_lossy(&line), ready);
            let crlf = rest[end] == b'\r';
            rest = &rest[end + 1..];
            if crlf {
                match rest.first() {
                    Some(b'\n') => rest = &rest[1..],
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
        }
        self.line.extend_from_slice(rest);
        let held = self.line.len().saturating_add(self.data.len());
        if u64::try_from(held).unwrap_or(u64::MAX) > limit {
            return Err(EventStreamError::TooLarge { limit });
        }
        Ok(())
    }

    fn line_done(&mut self, line: &str, ready: &mut VecDeque<RawEvent>) {
        if line.is_empty() {
            self.dispatch(ready);
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = Some(value.to_string()),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => {
                self.last_id = (!value.is_empty()).then(|| value.to_string());
            }
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse().ok().map(Duration::from_millis);
            }
            _ => {}
        }
    }

    /// An empty line: the event read so far is complete, unless it has no data.
    fn dispatch(&mut self, ready: &mut VecDeque<RawEvent>) {
        let event = self.event.take().filter(|e| !e.is_empty());
        if !std::mem::take(&mut self.has_data) {
            return;
        }
        ready.push_back(RawEvent {
            event,
            data: std::mem::take(&mut self.data),
            id: self.last_id.clone(),
            retry: self.retry.take(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(chunks: &[&str]) -> Vec<RawEvent> {
        let mut parser = Parser::default();
        let mut ready = VecDeque::new();
        for chunk in chunks {
            parser
                .feed(chunk.as_bytes(), &mut ready, 1 << 20)
                .expect("within the limit");
        }
        ready.into()
    }

    fn data(events: &[RawEvent]) -> Vec<&str> {
        events.iter().map(|e| e.data.as_str()).collect()
    }

    #[test]
    fn events_end_at_an_empty_line_whatever_the_line_endings() {
        let events = parse(&["data: a\n\ndata: b\r\n\r\ndata: c\r\rdata: d\n"]);
        // The last event has no empty line after it: it is incomplete.
        assert_eq!(data(&events), ["a", "b", "c"]);
    }

    #[test]
    fn fields_split_across_chunks_are_joined() {
        let events = parse(&["da", "ta: {\"n\":", "1}\r", "\n", "\r\n", "data:x\n\n"]);
        assert_eq!(data(&events), ["{\"n\":1}", "x"]);
    }

    #[test]
    fn data_lines_are_joined_and_other_fields_kept() {
        let events = parse(&[
            "\u{feff}: a comment\nevent: update\nid: 7\nretry: 2500\ndata: one\ndata:two\n\n",
            "data: three\n\nid\ndata: four\n\n",
        ]);
        assert_eq!(data(&events), ["one\ntwo", "three", "four"]);
        assert_eq!(events[0].event.as_deref(), Some("update"));
        assert_eq!(events[0].retry, Some(Duration::from_millis(2500)));
        // The event type and the reconnection time are per event; the ID lasts until reset.
        assert_eq!(events[1].event, None);
        assert_eq!(events[1].retry, None);
        assert_eq!(events[1].id.as_deref(), Some("7"));
        assert_eq!(events[2].id, None);
    }

    #[test]
    fn blocks_without_data_are_no_events() {
        let events = parse(&["event: ping\n\n: keep-alive\n\nretry: x\ndata\n\n"]);
        assert_eq!(data(&events), [""]);
        assert_eq!(events[0].event, None);
        assert_eq!(events[0].retry, None);
    }

    #[test]
    fn written_events_read_back_line_breaks_and_empty_data_included() {
        let datas = ["{\"n\":1}", "two\r\nlines", ""].map(String::from);
        let text = write(datas.clone());
        assert_eq!(
            text,
            "data: {\"n\":1}\n\ndata: two\ndata: lines\n\ndata: \n\n"
        );
        assert_eq!(data(&parse(&[&text])), ["{\"n\":1}", "two\nlines", ""]);
    }

    #[test]
    fn an_event_over_the_limit_ends_the_stream() {
        let mut parser = Parser::default();
        let mut ready = VecDeque::new();
        let err = parser
            .feed(b"data: 0123456789\ndata: 0123", &mut ready, 12)
            .err();
        assert!(matches!(
            err,
            Some(EventStreamError::TooLarge { limit: 12 })
        ));
    }

    #[tokio::test]
    async fn data_decodes_one_event_at_a_time_and_a_bad_one_is_named() {
        let body =
            Bytes::from("data: {\"n\": 1}\n\nevent: end\ndata: [DONE]\n\ndata: {\"n\": 2}\n\n");
        #[derive(Debug, serde::Deserialize, PartialEq)]
        struct N {
            n: u32,
        }
        let mut events = EventStream::buffered(body, json_data::<N>);
        let first = events.next().await.map(|e| e.map(|e| e.data).ok());
        assert_eq!(first, Some(Some(N { n: 1 })));
        let Some(Err(err)) = events.next().await else {
            panic!("the second event's data is not JSON");
        };
        assert!(
            matches!(&err, EventStreamError::Data { index: 1, event: Some(e), data, .. } if e == "end" && data == "[DONE]"),
            "{err:?}"
        );
        assert!(
            err.to_string().starts_with("the data of event 1 (`end`)"),
            "{err}"
        );
        let third = events.next().await.map(|e| e.map(|e| e.data).ok());
        assert_eq!(third, Some(Some(N { n: 2 })));
        assert!(events.next().await.is_none());
        assert!(events.next().await.is_none());
    }
}
