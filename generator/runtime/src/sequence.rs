//! JSON sequences: JSON Lines, NDJSON (one JSON text a line) and JSON text sequences (RFC 7464:
//! each text after a record separator). A body of one of them is typed as the list of its texts,
//! as OpenAPI's media type registry models it, and read or written whole.

use serde::Serialize;
use serde_json::Value;
use serde_json::value::RawValue;

/// RFC 7464's record separator, which starts every text of an `application/json-seq` body.
const RECORD_SEPARATOR: u8 = 0x1e;

/// Why a body is not a JSON sequence: the 0-based index of the text that failed, and why.
#[derive(Debug)]
pub(crate) struct SequenceError {
    pub(crate) index: usize,
    pub(crate) source: serde_json::Error,
}

/// Reads the JSON texts of a sequence body, in order. Record separators and whitespace
/// (newlines included) delimit texts, so one reader serves every sequential JSON type, and an
/// empty body is an empty sequence.
pub(crate) fn read(body: &[u8]) -> Result<Vec<Value>, SequenceError> {
    let mut texts = Vec::new();
    for record in body.split(|byte| *byte == RECORD_SEPARATOR) {
        for text in serde_json::Deserializer::from_slice(record).into_iter::<Value>() {
            let index = texts.len();
            texts.push(text.map_err(|source| SequenceError { index, source })?);
        }
    }
    Ok(texts)
}

/// Writes `value` as a sequence of `content_type`: a list is one text per item, anything else
/// one text. JSON text sequences start each text with a record separator; the others put each
/// on a line of its own.
pub(crate) fn write<T: Serialize + ?Sized>(
    content_type: &str,
    value: &T,
) -> Result<Vec<u8>, serde_json::Error> {
    // Each item is written as serde writes it (fields in declaration order), not through a
    // `Value`, whose maps sort their keys.
    let whole = serde_json::to_vec(value)?;
    let texts: Vec<&RawValue> = if whole.first() == Some(&b'[') {
        serde_json::from_slice(&whole)?
    } else {
        vec![serde_json::from_slice(&whole)?]
    };
    let separated = is_json_seq(content_type);
    let mut out = Vec::new();
    for text in texts {
        if separated {
            out.push(RECORD_SEPARATOR);
        }
        out.extend_from_slice(text.get().as_bytes());
        out.push(b'\n');
    }
    Ok(out)
}

fn is_json_seq(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json-seq" || essence.ends_with("+json-seq")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lines_and_record_separated_texts_read_alike() {
        let lines = b"{\"a\":1}\n{\"a\":2}\n\n[3]\n";
        let separated = b"\x1e{\"a\":1}\n\x1e{\"a\":2}\n\x1e[3]\n";
        let expected = vec![json!({"a": 1}), json!({"a": 2}), json!([3])];
        assert_eq!(read(lines).ok(), Some(expected.clone()));
        assert_eq!(read(separated).ok(), Some(expected));
        assert_eq!(read(b"").ok(), Some(Vec::new()));
    }

    #[test]
    fn a_broken_text_is_named_by_its_index() {
        let err = read(b"{\"a\":1}\n{\"a\":\n").err();
        assert_eq!(err.map(|e| e.index), Some(1));
    }

    #[test]
    fn writing_puts_each_item_on_its_own_line_or_after_a_separator() {
        let items = json!([{"a": 1}, "two"]);
        let lines = write("application/x-ndjson", &items).ok();
        assert_eq!(lines.as_deref(), Some(&b"{\"a\":1}\n\"two\"\n"[..]));
        // Fields keep the order serde gives them.
        #[derive(Serialize)]
        struct Event {
            kind: &'static str,
            at: u8,
        }
        let ordered = write("application/jsonl", &[Event { kind: "c", at: 3 }]).ok();
        assert_eq!(
            ordered.as_deref(),
            Some(&b"{\"kind\":\"c\",\"at\":3}\n"[..])
        );
        let separated = write("application/json-seq; charset=utf-8", &items).ok();
        assert_eq!(
            separated.as_deref(),
            Some(&b"\x1e{\"a\":1}\n\x1e\"two\"\n"[..])
        );
        // What is not a list is one text.
        let one = write("application/jsonl", &json!({"a": 1})).ok();
        assert_eq!(one.as_deref(), Some(&b"{\"a\":1}\n"[..]));
    }

    #[test]
    fn what_is_written_reads_back() {
        let items = json!([{"a": [1, 2]}, null, 3.5]);
        for content_type in ["application/jsonl", "application/json-seq"] {
            let written = write(content_type, &items).unwrap_or_default();
            assert_eq!(
                read(&written).ok(),
                items.as_array().cloned(),
                "{content_type}"
            );
        }
    }
}
