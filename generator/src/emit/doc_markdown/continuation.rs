//! The lines that continue a paragraph inside list items and block quotes, written the way
//! clippy's doc lints want them (`doc_lazy_continuation`, `doc_overindented_list_items`).
//!
//! Markdown lets a paragraph's next line start anywhere: a "lazy" line without the quote's `>`
//! or the item's indentation still continues the paragraph, and so does an over-indented one.
//! Clippy wants each such line to repeat its containers exactly: every `>` of the enclosing
//! quotes, and inside lists as many spaces as the enclosing items take before their text (from
//! where the parser starts each item, its marker or the indentation before it, to the item's
//! text, summed). Rewriting the start of the line to that prefix keeps the line in the same
//! paragraph, so the text reads as before, unless the line would then start a block of its own
//! (`- x` four columns past an item's text is text; at the item's text it starts a list); such a
//! line's first character is escaped.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{Edit, options};

/// A container whose marker a continuation line repeats.
enum Container {
    Quote,
    /// A list item and how far its text is from where the item starts.
    Item(usize),
}

/// Edits that give every continuation line inside a list item or quote the prefix its
/// containers call for.
pub(super) fn edits(src: &str, events: &[(Event<'_>, Range<usize>)], edits: &mut Vec<Edit>) {
    let mut containers = Vec::new();
    let mut footnotes = 0usize;
    for (index, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::BlockQuote(_)) => containers.push(Container::Quote),
            Event::Start(Tag::Item) => {
                let width = item_text_offset(&src[range.start..]).unwrap_or_else(|| {
                    let text_start = events.get(index + 1).map_or(range.start, |(_, r)| r.start);
                    text_start.saturating_sub(range.start)
                });
                containers.push(Container::Item(width));
            }
            Event::End(TagEnd::BlockQuote | TagEnd::Item) => {
                containers.pop();
            }
            // Clippy leaves footnote definitions alone, and so does this.
            Event::Start(Tag::FootnoteDefinition(_)) => footnotes += 1,
            Event::End(TagEnd::FootnoteDefinition) => footnotes = footnotes.saturating_sub(1),
            Event::SoftBreak | Event::HardBreak if !containers.is_empty() && footnotes == 0 => {
                let Some((next, next_range)) = events.get(index + 1) else {
                    continue;
                };
                if matches!(next, Event::End(_)) {
                    continue;
                }
                line_edit(src, range.start..next_range.start, &containers, edits);
            }
            _ => {}
        }
    }
}

/// How far an item's text is from where the item starts: past its indentation, its marker
/// (`-`, `*`, `+`, or up to nine digits and `.` or `)`) and the spaces after it (CommonMark: one
/// to four; with more, or none, the text starts one column after the marker). Read from the
/// source, because the parser's first event inside the item starts later when the text opens
/// with an escape (`\[`). `None` for what is not a marker written with spaces.
fn item_text_offset(item: &str) -> Option<usize> {
    let bytes = item.as_bytes();
    let indent = bytes.iter().take_while(|&&b| b == b' ').count();
    let rest = &bytes[indent..];
    let marker = match rest.first()? {
        b'-' | b'*' | b'+' => 1,
        _ => {
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            if !(1..=9).contains(&digits) || !matches!(rest.get(digits)?, b'.' | b')') {
                return None;
            }
            digits + 1
        }
    };
    let after = &rest[marker..];
    let spaces = after.iter().take_while(|&&b| b == b' ').count();
    match after.get(spaces) {
        Some(b'\t') => None,
        None | Some(b'\n' | b'\r') => Some(indent + marker + 1),
        Some(_) if (1..=4).contains(&spaces) => Some(indent + marker + spaces),
        Some(_) => Some(indent + marker + 1),
    }
}

/// The edit for the line that starts after the break at the start of `gap` and whose text
/// starts at its end, if the line's prefix is not the one its containers call for.
fn line_edit(src: &str, gap: Range<usize>, containers: &[Container], edits: &mut Vec<Edit>) {
    let Some(newline) = src[gap.clone()].rfind('\n') else {
        return;
    };
    let line_start = gap.start + newline + 1;
    let prefix = &src[line_start..gap.end];
    let quotes = containers
        .iter()
        .filter(|c| matches!(c, Container::Quote))
        .count();
    let wanted = if quotes > 0 {
        // Inside a quote clippy only counts the `>` markers.
        if prefix.matches('>').count() >= quotes {
            return;
        }
        containers
            .iter()
            .map(|c| match c {
                Container::Quote => "> ".to_string(),
                Container::Item(width) => " ".repeat(*width),
            })
            .collect::<String>()
    } else {
        let width: usize = containers
            .iter()
            .map(|c| match c {
                Container::Item(width) => *width,
                Container::Quote => 0,
            })
            .sum();
        if prefix.len() == width && prefix.bytes().all(|b| b == b' ') {
            return;
        }
        " ".repeat(width)
    };
    edits.push(Edit {
        range: line_start..gap.end,
        with: wanted,
    });
    let line_end = src[gap.end..].find('\n').map_or(src.len(), |n| gap.end + n);
    let line = &src[gap.end..line_end];
    if interrupts_paragraph(line) {
        if let Some((at, with)) = block_start_escape(line) {
            edits.push(Edit {
                range: gap.end + at..gap.end + at + 1,
                with,
            });
        }
    }
}

/// Whether `line`, at the start of a line right after a paragraph's line, would start a block
/// (a list item, heading, fence, quote, HTML block, rule or setext underline) instead of
/// continuing the paragraph.
fn interrupts_paragraph(line: &str) -> bool {
    let probe = format!("x\n{line}");
    let mut blocks = 0;
    for (event, _) in Parser::new_ext(&probe, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Paragraph) => blocks += 1,
            Event::Start(
                Tag::Heading { .. }
                | Tag::BlockQuote(_)
                | Tag::CodeBlock(_)
                | Tag::HtmlBlock
                | Tag::List(_)
                | Tag::Table(_)
                | Tag::FootnoteDefinition(_),
            )
            | Event::Rule => return true,
            _ => {}
        }
    }
    blocks != 1
}

/// Where in a line that would start a block the character that starts it is, and what it
/// becomes: a backslash escape for punctuation (`\-`, `\#`, `` \` ``), `&lt;` for the `<` of
/// HTML, and for an ordered list marker its `.` or `)`.
fn block_start_escape(line: &str) -> Option<(usize, String)> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    match *line.as_bytes().get(digits)? {
        b'<' if digits == 0 => Some((0, "&lt;".to_string())),
        c @ (b'.' | b')') if digits > 0 => Some((digits, format!("\\{}", c as char))),
        c if digits == 0 && c.is_ascii_punctuation() => Some((0, format!("\\{}", c as char))),
        _ => None,
    }
}
