//! Where a JSON pointer is in the source text: line and column, for diagnostics.
//!
//! Built only when there is something to report, by a second, event-level parse of the text
//! (JSON is YAML, so one parser serves both), so successful runs pay nothing for it.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostics::{Diagnostic, Position, escape_pointer_token};

/// Positions of every key and item of a document, by JSON pointer.
#[derive(Debug, Default)]
pub struct SourceMap {
    positions: HashMap<String, Position>,
}

impl SourceMap {
    /// Maps `text`. Positions are a help, never a reason to fail: a text the event parser
    /// rejects gives the positions found before the error.
    ///
    /// The event parser is stricter about indentation than the parser that loads documents
    /// (libyaml, through `serde_yaml`): a flow collection whose continuation line or closing
    /// bracket is not indented past its key (`enum: [a, b,⏎  ]`) loads, but stops the event
    /// parser. Such a line is indented further and the text parsed again; the columns of that
    /// line are given back as written.
    pub fn build(text: &str) -> Self {
        let mut text = std::borrow::Cow::Borrowed(text);
        // 1-based line → spaces put in front of it.
        let mut shifts: HashMap<usize, usize> = HashMap::new();
        let mut repairs = 0;
        loop {
            let mut builder = Builder::default();
            let mut parser = Parser::new_from_str(&text);
            let Err(err) = parser.load(&mut builder, false) else {
                return Self::shifted(builder.positions, &shifts);
            };
            let under_indented = matches!(
                err.info(),
                "invalid indentation" | "invalid indentation in flow construct"
            );
            let line = err.marker().line();
            let indented = (under_indented && repairs < MAX_INDENT_REPAIRS)
                .then(|| indent_line(&text, line))
                .flatten();
            let Some((repaired, added)) = indented else {
                return Self::shifted(builder.positions, &shifts);
            };
            text = std::borrow::Cow::Owned(repaired);
            *shifts.entry(line).or_default() += added;
            repairs += 1;
        }
    }

    /// The map of positions found in a text whose lines were indented by `shifts`.
    fn shifted(mut positions: HashMap<String, Position>, shifts: &HashMap<usize, usize>) -> Self {
        if !shifts.is_empty() {
            for p in positions.values_mut() {
                if let Some(added) = shifts.get(&p.line) {
                    p.column = p.column.saturating_sub(*added).max(1);
                }
            }
        }
        Self { positions }
    }

    /// The position of `pointer`, or of its nearest ancestor that exists in the text.
    pub fn locate(&self, pointer: &str) -> Option<Position> {
        let mut current = pointer;
        loop {
            if let Some(p) = self.positions.get(current) {
                return Some(*p);
            }
            let cut = current.rfind('/')?;
            current = &current[..cut];
        }
    }
}

/// How many under-indented lines [`SourceMap::build`] indents before it settles for the
/// positions it has: each costs a parse of the whole text.
const MAX_INDENT_REPAIRS: usize = 64;

/// `text` with its 1-based line `line` indented one column past the line before it (the key the
/// flow collection belongs to, or a line inside the collection), and the number of spaces added.
fn indent_line(text: &str, line: usize) -> Option<(String, usize)> {
    let index = line.checked_sub(1)?;
    let lines: Vec<&str> = text.split('\n').collect();
    let current = lines.get(index)?;
    let indentation = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let before = lines[..index]
        .iter()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map_or(0, |l| indentation(l));
    let added = (before + 1).saturating_sub(indentation(current)).max(1);
    let mut out = String::with_capacity(text.len() + added);
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if i == index {
            out.extend(std::iter::repeat_n(' ', added));
        }
        out.push_str(l);
    }
    Some((out, added))
}

/// Gives each diagnostic of `text`'s file a position (when it has none yet; an empty pointer,
/// the whole document, is where the document starts) and the source line to show under it.
pub fn attach(diagnostics: &mut [Diagnostic], text: &str) {
    attach_mapped(diagnostics, text, &crate::convert::PointerMap::default());
}

/// [`attach`] for a converted document: pointers are first mapped back to the original.
pub fn attach_mapped(
    diagnostics: &mut [Diagnostic],
    text: &str,
    pointers: &crate::convert::PointerMap,
) {
    for d in diagnostics.iter_mut() {
        if d.position.is_none() {
            d.pointer = pointers.original(&d.pointer);
        }
    }
    attach_each(diagnostics.iter_mut(), text);
}

/// [`attach`] for some diagnostics of one file (those of a multi-file document that are about
/// the file `text` was read from); pointers are into that file.
pub fn attach_each<'d>(diagnostics: impl IntoIterator<Item = &'d mut Diagnostic>, text: &str) {
    let mut diagnostics: Vec<&mut Diagnostic> = diagnostics.into_iter().collect();
    let needs_map = diagnostics.iter().any(|d| d.position.is_none());
    let map = if needs_map {
        SourceMap::build(text)
    } else {
        SourceMap::default()
    };
    let lines: Vec<&str> = text.lines().collect();
    for d in diagnostics.iter_mut() {
        if d.position.is_none() {
            d.position = map.locate(&d.pointer);
        }
        if let Some(pos) = d.position {
            d.source_line = pos
                .line
                .checked_sub(1)
                .and_then(|i| lines.get(i))
                .map(|l| l.to_string());
        }
    }
}

enum Frame {
    Mapping {
        pointer: String,
        key: Option<String>,
    },
    Sequence {
        pointer: String,
        index: usize,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    positions: HashMap<String, Position>,
}

impl Builder {
    /// The pointer of a value starting now, if it is a value (not a mapping key).
    fn value_pointer(&mut self, mark: Marker) -> Option<String> {
        match self.stack.last_mut() {
            None => {
                // The whole document: where diagnostics about it as a whole (a missing
                // `openapi` field) point, and the last ancestor of every pointer.
                self.positions
                    .entry(String::new())
                    .or_insert(position(mark));
                Some(String::new())
            }
            Some(Frame::Mapping { pointer, key }) => {
                let key = key.take()?;
                Some(format!("{pointer}/{}", escape_pointer_token(&key)))
            }
            Some(Frame::Sequence { pointer, index }) => {
                let p = format!("{pointer}/{index}");
                *index += 1;
                self.positions.entry(p.clone()).or_insert(position(mark));
                Some(p)
            }
        }
    }
}

/// yaml-rust2 counts lines from 1 and columns from 0; diagnostics count both from 1.
fn position(mark: Marker) -> Position {
    Position {
        line: mark.line(),
        column: mark.col() + 1,
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(text, ..) => {
                if let Some(Frame::Mapping {
                    pointer,
                    key: key @ None,
                }) = self.stack.last_mut()
                {
                    // A key: the value's pointer is known now, and the key's line is where
                    // readers look for it.
                    let child = format!("{pointer}/{}", escape_pointer_token(&text));
                    let at = position(mark);
                    if pointer.is_empty() {
                        // A block mapping starts at its first key; the parser marks it later.
                        let root = self.positions.entry(String::new()).or_insert(at);
                        if (at.line, at.column) < (root.line, root.column) {
                            *root = at;
                        }
                    }
                    // Of a key given twice, the last entry is the one read: locate that one.
                    self.positions.insert(child, at);
                    *key = Some(text);
                } else {
                    self.value_pointer(mark);
                }
            }
            Event::MappingStart(..) => {
                let pointer = self.value_pointer(mark).unwrap_or_default();
                self.stack.push(Frame::Mapping { pointer, key: None });
            }
            Event::SequenceStart(..) => {
                let pointer = self.value_pointer(mark).unwrap_or_default();
                self.stack.push(Frame::Sequence { pointer, index: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            Event::Alias(_) => {
                self.value_pointer(mark);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_keys_and_items_are_located() {
        let text = "openapi: 3.0.3\npaths:\n  /a/{id}:\n    get:\n      tags: [x, y]\n      parameters:\n        - name: id\n          in: path\n";
        let map = SourceMap::build(text);
        assert_eq!(map.locate("/paths/~1a~1{id}/get").map(|p| p.line), Some(4));
        assert_eq!(
            map.locate("/paths/~1a~1{id}/get/parameters/0/in")
                .map(|p| (p.line, p.column)),
            Some((8, 11))
        );
        assert_eq!(
            map.locate("/paths/~1a~1{id}/get/parameters/0")
                .map(|p| p.line),
            Some(7)
        );
        // Missing children fall back to the nearest ancestor.
        assert_eq!(
            map.locate("/paths/~1a~1{id}/get/responses/200")
                .map(|p| p.line),
            Some(4)
        );
    }

    #[test]
    fn the_whole_document_and_missing_top_level_keys_are_located_at_its_start() {
        let text = "# a comment\nopenapi: 3.0.3\ninfo: {}\n";
        let map = SourceMap::build(text);
        assert_eq!(map.locate("").map(|p| (p.line, p.column)), Some((2, 1)));
        assert_eq!(map.locate("/paths").map(|p| p.line), Some(2));
        let mut found = vec![Diagnostic::error(
            std::path::Path::new("api.yaml"),
            "",
            "missing required field `paths`",
        )];
        attach(&mut found, text);
        assert_eq!(found[0].source_line.as_deref(), Some("openapi: 3.0.3"));
    }

    #[test]
    fn flow_collections_indented_as_libyaml_allows_do_not_hide_later_positions() {
        // libyaml (which loads the document) accepts a closing bracket at its key's column and
        // an item line at the key's column; the event parser does not.
        let text = "openapi: 3.1.0\ncomponents:\n  schemas:\n    Code:\n      type: string\n      enum: [\n      \"a\", \"b\",\n        \"c\"\n      ]\n      example: a\n    Later:\n      allOf:\n        - $ref: '#/components/schemas/Code'\n";
        let loaded: serde_json::Value = serde_yaml::from_str(text).unwrap();
        assert_eq!(loaded["components"]["schemas"]["Code"]["enum"][2], "c");
        let map = SourceMap::build(text);
        assert_eq!(
            map.locate("/components/schemas/Later/allOf/0")
                .map(|p| p.line),
            Some(13)
        );
        // The lines indented for the event parser keep their columns as written.
        assert_eq!(
            map.locate("/components/schemas/Code/enum/0")
                .map(|p| (p.line, p.column)),
            Some((7, 7))
        );
        assert_eq!(
            map.locate("/components/schemas/Code/example")
                .map(|p| p.line),
            Some(10)
        );
    }

    #[test]
    fn a_text_the_event_parser_rejects_keeps_the_positions_before_the_problem() {
        let text = "openapi: 3.0.3\npaths:\n  /a:\n    get: {}\nbad: \"unterminated\n";
        let map = SourceMap::build(text);
        assert_eq!(map.locate("/paths/~1a/get").map(|p| p.line), Some(4));
    }

    #[test]
    fn json_is_located_too() {
        let text =
            "{\n  \"openapi\": \"3.0.3\",\n  \"paths\": {\n    \"/a\": {\"get\": {}}\n  }\n}\n";
        let map = SourceMap::build(text);
        assert_eq!(map.locate("/paths/~1a/get").map(|p| p.line), Some(4));
        assert_eq!(map.locate("").map(|p| (p.line, p.column)), Some((1, 1)));
    }
}
