//! Which `<` of a text's HTML to escape so that `rustdoc::invalid_html_tags` has nothing to say:
//! common formatting tags that are well formed and balanced stay, everything else (placeholders
//! like `<key>`, unclosed `<p>`, `<script>`, declarations, unclosed comments) is escaped.
//!
//! Tags are read the way rustdoc's lint reads them: from the HTML events of the whole text in
//! order, a tag being `<` or `</` followed by a letter, names compared without case.

use std::ops::Range;

/// Formatting tags worth keeping; anything else reads better as the text it was meant to be.
const KEPT: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Kept tags that never close (rustdoc allows them unclosed).
const VOID: &[&str] = &["br", "hr", "img", "wbr"];

#[derive(Debug, PartialEq)]
enum Kind {
    Open,
    Close,
    SelfClosing,
}

/// One tag as read: where its `<` is, its lower-case name, its kind, whether its syntax is clean.
#[derive(Debug)]
struct TagAt {
    at: usize,
    name: String,
    kind: Kind,
    well_formed: bool,
}

/// The source offsets of every `<` to escape in the HTML events at `ranges`.
pub fn escape_unbalanced(src: &str, ranges: &[Range<usize>]) -> Vec<usize> {
    let mut escape = Vec::new();
    let mut tags = Vec::new();
    // An open comment runs across events, as a comment in an HTML block spans lines.
    let mut open_comment: Option<usize> = None;
    for range in ranges {
        let slice = &src[range.clone()];
        let mut from = 0;
        while from < slice.len() {
            if open_comment.is_some() {
                match slice[from..].find("-->") {
                    Some(end) => {
                        open_comment = None;
                        from += end + 3;
                        continue;
                    }
                    None => break,
                }
            }
            let Some(offset) = slice[from..].find('<') else {
                break;
            };
            let at = from + offset;
            let rest = &slice[at..];
            from = at + 1;
            if rest.starts_with("<!--") {
                open_comment = Some(range.start + at);
                from = at + 4;
            } else if rest.starts_with("<!") || rest.starts_with("<?") {
                // Declarations and processing instructions open HTML blocks that may never end.
                escape.push(range.start + at);
            } else if let Some((tag, length)) = read_tag(rest) {
                tags.push(TagAt {
                    at: range.start + at,
                    ..tag
                });
                from = at + length.max(1);
            }
        }
    }
    escape.extend(open_comment);
    escape.extend(unbalanced(&tags));
    escape.sort_unstable();
    escape.dedup();
    escape
}

/// The tags that are not kept: not in `KEPT`, malformed, self-closing non-void, or unmatched.
fn unbalanced(tags: &[TagAt]) -> Vec<usize> {
    let mut escape = Vec::new();
    let mut open: Vec<&TagAt> = Vec::new();
    for tag in tags {
        if !tag.well_formed || !KEPT.contains(&tag.name.as_str()) {
            escape.push(tag.at);
            continue;
        }
        let void = VOID.contains(&tag.name.as_str());
        match tag.kind {
            Kind::Open | Kind::SelfClosing if void => {}
            Kind::SelfClosing => escape.push(tag.at),
            Kind::Open => open.push(tag),
            Kind::Close => match open.iter().rposition(|o| o.name == tag.name) {
                Some(index) => {
                    escape.extend(open.drain(index + 1..).map(|o| o.at));
                    open.pop();
                }
                None => escape.push(tag.at),
            },
        }
    }
    escape.extend(open.iter().map(|o| o.at));
    escape
}

/// Reads a tag at the start of `text` (which starts with `<`): `None` when rustdoc would not see
/// a tag there (no letter after `<` or `</`), else the tag and how many bytes it spans.
fn read_tag(text: &str) -> Option<(TagAt, usize)> {
    let bytes = text.as_bytes();
    let closing = bytes.get(1) == Some(&b'/');
    let name_start = if closing { 2 } else { 1 };
    if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let name_end = name_start
        + bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
    let name = text[name_start..name_end].to_ascii_lowercase();
    let tag = |kind, well_formed, length| {
        Some((
            TagAt {
                at: 0,
                name: name.clone(),
                kind,
                well_formed,
            },
            length,
        ))
    };
    if closing {
        let rest = &text[name_end..];
        let spaces = rest.len() - rest.trim_start().len();
        return if rest[spaces..].starts_with('>') {
            tag(Kind::Close, true, name_end + spaces + 1)
        } else {
            tag(Kind::Close, false, name_end)
        };
    }
    match attributes_end(&text[name_end..]) {
        Some((length, self_closing)) => {
            let kind = if self_closing {
                Kind::SelfClosing
            } else {
                Kind::Open
            };
            tag(kind, true, name_end + length)
        }
        None => tag(Kind::Open, false, name_end),
    }
}

/// Reads `( attribute(=value)?)* /? >` and returns its length and whether it self-closes, or
/// `None` when it is anything else (a quote left open, no `>`).
fn attributes_end(text: &str) -> Option<(usize, bool)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    loop {
        let spaces = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        i += spaces;
        match bytes.get(i)? {
            b'>' => return Some((i + 1, false)),
            b'/' if bytes.get(i + 1) == Some(&b'>') => return Some((i + 2, true)),
            _ if spaces == 0 => return None,
            _ => {}
        }
        let name = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'.' | b'-'))
            .count();
        if name == 0 {
            return None;
        }
        i += name;
        let before_eq = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        if bytes.get(i + before_eq) != Some(&b'=') {
            continue;
        }
        i += before_eq + 1;
        i += bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        match bytes.get(i)? {
            quote @ (b'"' | b'\'') => {
                let close = bytes[i + 1..].iter().position(|b| b == quote)?;
                i += close + 2;
            }
            _ => {
                let value = bytes[i..]
                    .iter()
                    .take_while(|b| {
                        !b.is_ascii_whitespace()
                            && !matches!(b, b'"' | b'\'' | b'=' | b'<' | b'>' | b'`')
                    })
                    .count();
                if value == 0 {
                    return None;
                }
                i += value;
            }
        }
    }
}
