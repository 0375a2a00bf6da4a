//! Text from a document (summaries, descriptions, titles) as Markdown that rustdoc accepts with
//! warnings denied.
//!
//! Descriptions are CommonMark written for web renderers; rustdoc reads them differently: a bare
//! URL warns (`rustdoc::bare_urls`), `[text]` is an intra-doc link (`broken_intra_doc_links`),
//! HTML must be balanced (`invalid_html_tags`), and a code block without a language is a doctest.
//! Each text is parsed with the parser and options rustdoc uses (pulldown-cmark 0.11 with
//! rustdoc's `main_body_opts`), and only the offending spans of the source are rewritten, so the
//! rest reads as the document wrote it:
//!
//! - bare URLs become autolinks, `<https://…>`;
//! - brackets that do not form a link to an absolute URL are escaped; links to anything else
//!   (relative paths, `#anchors`, names rustdoc would resolve) keep only their text;
//! - HTML tags are kept when they are common formatting tags, well formed and balanced, and
//!   escaped otherwise, so placeholders such as `<key>` read as written;
//! - every code block is fenced, marked `text` (never compiled as a doctest) and closed;
//! - characters a doc comment cannot hold (carriage returns, other control characters, the
//!   bidirectional overrides rustc denies) are dropped, and tabs become spaces
//!   (`clippy::tabs_in_doc_comments`);
//! - a line that continues a paragraph in a list item or quote gets the indentation or `>`
//!   markers of its containers (`clippy::doc_lazy_continuation`,
//!   `clippy::doc_overindented_list_items`; the `continuation` module).
//!
//! A rewrite can change how the rest parses (an escaped `<pre>` no longer opens an HTML block),
//! so rewriting repeats until nothing changes. The result is then checked on its own; text that
//! still fails the check is escaped character by character instead.

mod continuation;
mod html;

use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{BrokenLink, CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};
use regex::Regex;

/// Rewrites after which a text that still changes is escaped wholesale.
const MAX_PASSES: usize = 8;

/// The Markdown extensions rustdoc enables (`main_body_opts`), so both parse alike.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
}

/// What `rustdoc::bare_urls` reports, verbatim from rustdoc.
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"https?://",
        r"([-a-zA-Z0-9@:%._\+~#=]{2,256}\.)+",
        r"[a-zA-Z]{2,63}",
        r"\b([-a-zA-Z0-9@:%_\+.~#?&/=]*)",
    ))
    .expect("the URL pattern is a valid regex")
});

/// A text as rustdoc-safe Markdown blocks: paragraphs, lists and code blocks are kept, and the
/// result can be followed by a blank line and more Markdown without either changing the other.
pub fn block(text: &str) -> String {
    let text = clean(text);
    if text.is_empty() || !may_need_rewriting(&text) {
        return text;
    }
    let mut current = text.clone();
    for _ in 0..MAX_PASSES {
        let next = rewrite(&current)
            .trim_end_matches(['\n', ' ', '\t'])
            .to_string();
        if next == current {
            // The last rewrite changed nothing: what is left is the independent check.
            return if reads_safely(&current) {
                current
            } else {
                plain(&text)
            };
        }
        current = next;
    }
    plain(&text)
}

/// Whether a text holds anything rustdoc could object to. Without these, it has no link,
/// bracket, HTML, URL (an entity could spell one), code block or unclosed block, and most
/// descriptions skip parsing altogether.
fn may_need_rewriting(text: &str) -> bool {
    text.contains(['[', ']', '<', '&', '\t'])
        || ["http", "```", "~~~", "    "]
            .iter()
            .any(|marker| text.contains(marker))
        || may_continue_a_container(text)
}

/// Whether a line may open a list item or a quote that a later line, right after a line that
/// is not blank, may continue: clippy wants such lines indented or marked.
fn may_continue_a_container(text: &str) -> bool {
    let mut container = false;
    let mut after_text = false;
    for line in text.lines() {
        let blank = line.trim().is_empty();
        if container && after_text && !blank {
            return true;
        }
        container |= opens_container(line);
        after_text = !blank;
    }
    false
}

/// Whether a line starts like a list item or a quote.
fn opens_container(line: &str) -> bool {
    let line = line.trim_start_matches(' ');
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match line.as_bytes().get(digits) {
        Some(b'.' | b')') if digits > 0 => digits + 1,
        Some(b'-' | b'*' | b'+') if digits == 0 => 1,
        Some(b'>') => return digits == 0,
        _ => return false,
    };
    line[marker..].is_empty() || line[marker..].starts_with(' ')
}

/// A text as one line of rustdoc-safe Markdown that reads the same after other text on a line
/// (in a list item, after a status code): whitespace runs become single spaces, and the text is
/// checked as it will be read, after a word, where no block syntax can start.
pub fn inline(text: &str) -> String {
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.is_empty() {
        return words;
    }
    let lead = "x ";
    let made = block(&format!("{lead}{words}"));
    match made.strip_prefix(lead) {
        Some(rest) if !made.contains('\n') => rest.to_string(),
        _ => plain(&words),
    }
}

/// A value shown verbatim as a code span (a path, an operation id, an enum value): the fence is
/// longer than any run of backticks inside, and line breaks and other control characters become
/// spaces.
pub fn code(value: &str) -> String {
    let value: String = value
        .chars()
        .filter(|c| !is_text_flow_control(*c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if value.is_empty() {
        return "`\"\"`".to_string();
    }
    let longest = value.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // A space keeps a backtick at either end from joining the fence; Markdown strips it again.
    let pad = if value.starts_with('`') || value.ends_with('`') || value.trim().is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{value}{pad}{fence}")
}

/// Drops what a doc comment cannot hold, trims trailing space (the formatter would), expands
/// tabs and removes the indentation all lines share, as rustdoc would.
fn clean(text: &str) -> String {
    if is_tidy(text) {
        text.trim_matches('\n').to_string()
    } else {
        clean_fully(text)
    }
}

/// Whether `clean` would only trim blank lines off the ends: no indentation, no trailing space,
/// nothing to drop. Most descriptions are.
fn is_tidy(text: &str) -> bool {
    !text.contains(['\r', '\t'])
        && !text.contains(" \n")
        && !text.contains("\n ")
        && !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text
            .chars()
            .any(|c| (c.is_control() && c != '\n') || is_text_flow_control(c))
}

fn clean_fully(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            let kept: String = line
                .chars()
                .filter(|c| *c == '\t' || !(c.is_control() || is_text_flow_control(*c)))
                .collect();
            expand_tabs(kept.trim_end_matches([' ', '\t']))
        })
        .collect();
    let indent = lines
        .iter()
        .filter(|line| !line.is_empty())
        .map(|line| line.len() - line.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let dedented: Vec<&str> = lines
        .iter()
        .map(|line| line.get(indent..).unwrap_or(""))
        .collect();
    dedented.join("\n").trim_matches('\n').to_string()
}

/// The bidirectional controls rustc denies in comments and literals
/// (`text_direction_codepoint_in_comment`).
fn is_text_flow_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Tabs as the spaces Markdown counts them as (tab stops of four). Clippy objects to a tab
/// anywhere in a doc comment (`tabs_in_doc_comments`), code blocks included; in indentation and
/// code the stops keep the columns, and elsewhere any run of spaces reads as one.
fn expand_tabs(line: &str) -> String {
    if !line.contains('\t') {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len() + 8);
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let next = column / 4 * 4 + 4;
            out.extend(std::iter::repeat_n(' ', next - column));
            column = next;
        } else {
            out.push(c);
            column += 1;
        }
    }
    out
}

/// One replacement of a source range.
struct Edit {
    range: Range<usize>,
    with: String,
}

/// One pass: every offending span of `src`, as the parser sees it now, rewritten.
fn rewrite(src: &str) -> String {
    let events: Vec<(Event<'_>, Range<usize>)> =
        Parser::new_ext(src, options()).into_offset_iter().collect();
    let mut edits = Vec::new();
    let mut html = Vec::new();
    let mut in_code = false;
    // Whether each enclosing link is kept (its text cannot hold another link).
    let mut links: Vec<bool> = Vec::new();
    for (index, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                code_block(src, kind, range, &mut edits);
            }
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                let keep = keeps_link(*link_type, dest_url);
                if !keep {
                    unlink(&events, index, &mut edits);
                }
                links.push(keep);
            }
            Event::End(TagEnd::Link) => {
                links.pop();
            }
            Event::Text(_) if !in_code => {
                let in_link = links.iter().any(|kept| *kept);
                text_edits(src, range, !in_link, &mut edits);
            }
            Event::Html(_) | Event::InlineHtml(_) => html.push(range.clone()),
            _ => {}
        }
    }
    edits.extend(
        html::escape_unbalanced(src, &html)
            .into_iter()
            .map(|at| Edit {
                range: at..at + 1,
                with: "&lt;".to_string(),
            }),
    );
    continuation::edits(src, &events, &mut edits);
    apply(src, edits)
}

fn apply(src: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(src.len() + 16);
    let mut cursor = 0;
    for edit in edits {
        // Overlaps cannot come from one parse; if one did, the check after rewriting catches it.
        if edit.range.start < cursor {
            continue;
        }
        out.push_str(&src[cursor..edit.range.start]);
        out.push_str(&edit.with);
        cursor = edit.range.end;
    }
    out.push_str(&src[cursor..]);
    out
}

/// Links rustdoc leaves alone: autolinks, and links to an absolute URL. Anything else it would
/// try to resolve as a Rust path, or would point nowhere on docs.rs.
fn keeps_link(link_type: LinkType, dest: &str) -> bool {
    match link_type {
        LinkType::Autolink | LinkType::Email => true,
        _ => is_absolute_url(dest),
    }
}

fn is_absolute_url(dest: &str) -> bool {
    let scheme_end = dest.find("://").unwrap_or(0);
    let scheme = &dest[..scheme_end];
    let has_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (has_scheme && dest.len() > scheme_end + 3) || dest.starts_with("mailto:")
}

/// Keeps a link's text and drops its brackets and destination.
fn unlink(events: &[(Event<'_>, Range<usize>)], start: usize, edits: &mut Vec<Edit>) {
    let link = &events[start].1;
    // Links do not nest, so the next link end closes this one.
    let end = events[start + 1..]
        .iter()
        .position(|(event, _)| matches!(event, Event::End(TagEnd::Link)))
        .map_or(events.len(), |offset| start + 1 + offset);
    let children = &events[start + 1..end];
    let (Some(first), Some(last)) = (
        children.iter().map(|(_, r)| r.start).min(),
        children.iter().map(|(_, r)| r.end).max(),
    ) else {
        edits.push(Edit {
            range: link.clone(),
            with: String::new(),
        });
        return;
    };
    edits.push(Edit {
        range: link.start..first.max(link.start),
        with: String::new(),
    });
    edits.push(Edit {
        range: last.min(link.end)..link.end,
        with: String::new(),
    });
}

/// Escapes the brackets of plain text and, outside links, turns bare URLs into autolinks.
fn text_edits(src: &str, range: &Range<usize>, autolink: bool, edits: &mut Vec<Edit>) {
    let slice = &src[range.clone()];
    let urls: Vec<Range<usize>> = if autolink {
        URL.find_iter(slice)
            .map(|m| m.start()..m.start() + url_length(slice, m.range()))
            .collect()
    } else {
        Vec::new()
    };
    if urls.is_empty() && !slice.contains(['[', ']']) {
        return;
    }
    let mut out = String::with_capacity(slice.len() + 8);
    let mut changed = false;
    let mut urls = urls.into_iter().peekable();
    let mut chars = slice.char_indices();
    while let Some((at, c)) = chars.next() {
        if let Some(url) = urls.next_if(|url| url.start == at) {
            out.push('<');
            out.push_str(&slice[url.clone()]);
            out.push('>');
            changed = true;
            // Skip the rest of the URL.
            for _ in 1..slice[url].chars().count() {
                chars.next();
            }
        } else if matches!(c, '[' | ']') && !is_escaped(src, range.start + at) {
            out.push('\\');
            out.push(c);
            changed = true;
        } else {
            out.push(c);
        }
    }
    if changed {
        edits.push(Edit {
            range: range.clone(),
            with: out,
        });
    }
}

/// How much of a URL match to link: not trailing sentence punctuation, and not an entity
/// reference (`&amp;`) the match runs into.
fn url_length(slice: &str, found: Range<usize>) -> usize {
    let mut url = &slice[found.clone()];
    if slice[found.end..].starts_with(';') {
        if let Some(amp) = url.rfind('&') {
            if url[amp + 1..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '#')
            {
                url = &url[..amp];
            }
        }
    }
    url.trim_end_matches(['.', ',', ':', '?', '&']).len()
}

/// Whether the character at `at` follows an odd number of backslashes.
fn is_escaped(src: &str, at: usize) -> bool {
    src[..at].bytes().rev().take_while(|b| *b == b'\\').count() % 2 == 1
}

/// Marks a code block `text`, fencing an indented one and closing an unclosed one.
fn code_block(src: &str, kind: &CodeBlockKind<'_>, range: &Range<usize>, edits: &mut Vec<Edit>) {
    let line_start = src[..range.start].rfind('\n').map_or(0, |n| n + 1);
    match kind {
        CodeBlockKind::Fenced(info) => {
            let line_end = src[range.start..]
                .find('\n')
                .map_or(src.len(), |n| range.start + n);
            let opening = &src[range.start..line_end];
            let indent = opening.len() - opening.trim_start().len();
            let Some(fence_char) = opening.trim_start().chars().next() else {
                return;
            };
            let fence_len = opening
                .trim_start()
                .chars()
                .take_while(|c| *c == fence_char)
                .count();
            if info.trim() != "text" {
                edits.push(Edit {
                    range: range.start + indent + fence_len..line_end,
                    with: "text".to_string(),
                });
            }
            if !fence_closed(&src[range.clone()], fence_char, fence_len) {
                let prefix = container_prefix(&src[line_start..range.start]);
                let newline = if src[..range.end].ends_with('\n') {
                    ""
                } else {
                    "\n"
                };
                let fence = fence_char.to_string().repeat(fence_len);
                edits.push(Edit {
                    range: range.end..range.end,
                    with: format!("{newline}{prefix}{fence}\n"),
                });
            }
        }
        CodeBlockKind::Indented => {
            // The block starts after four columns of indentation inside its container.
            let lead = &src[line_start..range.start];
            let prefix = container_prefix(lead.get(..lead.len().saturating_sub(4)).unwrap_or(""));
            edits.push(Edit {
                range: line_start..line_start,
                with: format!("{prefix}```text\n"),
            });
            let newline = if src[..range.end].ends_with('\n') {
                ""
            } else {
                "\n"
            };
            edits.push(Edit {
                range: range.end..range.end,
                with: format!("{newline}{prefix}```\n"),
            });
        }
    }
}

/// The start of a line that continues a block's containers: block quote markers are kept, list
/// markers become the spaces of the item's indentation.
fn container_prefix(lead: &str) -> String {
    lead.chars()
        .map(|c| if c == '>' { '>' } else { ' ' })
        .collect()
}

/// Whether a fenced block's source ends with its closing fence.
fn fence_closed(block: &str, fence_char: char, fence_len: usize) -> bool {
    let lines: Vec<&str> = block.trim_end_matches('\n').split('\n').collect();
    let [_, .., last] = lines.as_slice() else {
        return false;
    };
    let last = last.trim_start_matches([' ', '>']);
    let run = last.chars().take_while(|c| *c == fence_char).count();
    run >= fence_len && last[run * fence_char.len_utf8()..].trim().is_empty()
}

/// The check the result must pass, independent of how it was made: the rewrite finds nothing
/// left to do, what rustdoc reads in it has nothing to warn about, and Markdown appended after a
/// blank line stands on its own.
#[cfg(test)]
fn is_safe(text: &str) -> bool {
    rewrite(text).trim_end_matches(['\n', ' ', '\t']) == text && reads_safely(text)
}

/// The check itself, for a text the rewrite leaves as it is. It reads the text followed by a
/// blank line and a paragraph, which must stand on its own: not code or HTML the text left
/// open, nor part of a list or quote.
fn reads_safely(text: &str) -> bool {
    const SENTINEL: &str = "sentinel";
    let probe = format!("{text}\n\n{SENTINEL}");
    let mut broken = 0;
    let mut on_broken = |_: BrokenLink<'_>| {
        broken += 1;
        None
    };
    let mut in_code = false;
    let mut link_depth = 0;
    let mut depth = 0usize;
    let mut last_paragraph_depth = None;
    let mut last_text_is_sentinel = false;
    for event in Parser::new_with_broken_link_callback(&probe, options(), Some(&mut on_broken)) {
        match &event {
            Event::Start(Tag::Paragraph) => last_paragraph_depth = Some(depth),
            Event::Text(t) => last_text_is_sentinel = &**t == SENTINEL,
            _ => {}
        }
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if &*info == "text" => {
                in_code = true;
            }
            Event::Start(Tag::CodeBlock(_)) => return false,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                if !keeps_link(link_type, &dest_url) {
                    return false;
                }
                link_depth += 1;
            }
            Event::End(TagEnd::Link) => link_depth -= 1,
            Event::Text(t) if !in_code && link_depth == 0 && URL.is_match(&t) => return false,
            _ => {}
        }
    }
    broken == 0 && last_paragraph_depth == Some(0) && last_text_is_sentinel
}

/// The text as plain paragraphs: every ASCII punctuation character escaped, indentation dropped,
/// URLs as autolinks. Nothing in it is syntax, so it is safe whatever the input was.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut blank = false;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        let mut rest = line;
        while let Some(found) = URL.find(rest) {
            escape_all(&rest[..found.start()], &mut out);
            // A match starts with its scheme, so what is linked is never empty.
            let end = found.start() + url_length(rest, found.range()).max(1);
            out.push('<');
            out.push_str(&rest[found.start()..end]);
            out.push('>');
            rest = &rest[end..];
        }
        escape_all(rest, &mut out);
    }
    out
}

fn escape_all(text: &str, out: &mut String) {
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests;
