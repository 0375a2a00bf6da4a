//! A string that matches a `pattern`: the regex is parsed (`regex-syntax`) and walked, taking
//! the first branch of each alternation, a friendly character of each class and the fewest
//! repetitions (at least one), stretched when a minimum length asks for more.

use regex_syntax::hir::{Class, Hir, HirKind};

use super::check::pattern_matches;

/// The most a repetition is stretched to reach a minimum length.
const MAX_STRETCH: u32 = 64;

/// A string matching `pattern` within the length bounds, or `None` when the pattern cannot be
/// read or no such string was found. Different `variant`s give different strings where the
/// pattern allows (other branches, other characters), for arrays of unique items.
pub(super) fn generate(
    pattern: &str,
    min_len: Option<usize>,
    max_len: Option<usize>,
    variant: usize,
) -> Option<String> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .ok()?;
    for stretch in 0..=MAX_STRETCH {
        let mut out = String::new();
        emit(&hir, stretch, variant, &mut out)?;
        let len = out.chars().count();
        if max_len.is_some_and(|m| len > m) {
            return None;
        }
        if min_len.is_none_or(|m| len >= m) {
            return pattern_matches(pattern, &out).then_some(out);
        }
    }
    None
}

fn emit(hir: &Hir, stretch: u32, variant: usize, out: &mut String) -> Option<()> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(std::str::from_utf8(&literal.0).ok()?),
        HirKind::Class(Class::Unicode(class)) => {
            out.push(pick(
                class.ranges().iter().map(|r| (r.start(), r.end())),
                variant,
            )?);
        }
        HirKind::Class(Class::Bytes(class)) => {
            let ranges = class
                .ranges()
                .iter()
                .filter(|r| r.start().is_ascii())
                .map(|r| (char::from(r.start()), char::from(r.end().min(0x7f))));
            out.push(pick(ranges, variant)?);
        }
        HirKind::Repetition(rep) => {
            let max = rep.max.unwrap_or(u32::MAX);
            let count = rep.min.max(1).saturating_add(stretch).min(max).max(rep.min);
            for _ in 0..count {
                emit(&rep.sub, stretch, variant, out)?;
            }
        }
        HirKind::Capture(capture) => emit(&capture.sub, stretch, variant, out)?,
        HirKind::Concat(parts) => {
            for part in parts {
                emit(part, stretch, variant, out)?;
            }
        }
        HirKind::Alternation(branches) => {
            let branch = branches.get(variant % branches.len().max(1))?;
            emit(branch, stretch, variant, out)?;
        }
    }
    Some(())
}

/// A readable character of the class: a letter or digit if it has one, else visible ASCII,
/// else its first character; `variant` picks among the first few readable ones.
fn pick(ranges: impl Iterator<Item = (char, char)> + Clone, variant: usize) -> Option<char> {
    let contains = |c: char| ranges.clone().any(|(lo, hi)| lo <= c && c <= hi);
    let preferred: Vec<char> = ('a'..='z')
        .chain('A'..='Z')
        .chain('0'..='9')
        .chain(['-', '_', '.'])
        .chain('!'..='~')
        .filter(|c| contains(*c))
        .take(8)
        .collect();
    match preferred.get(variant % preferred.len().max(1)) {
        Some(c) => Some(*c),
        None => ranges.clone().next().map(|(lo, _)| lo),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_strings_match_their_patterns() {
        for pattern in [
            r"^[A-Z]{2}$",
            r"^\d{3}-\d{4}$",
            r"^(foo|bar)_[a-z0-9]+$",
            r"^[\w.-]+@example\.com$",
            r"^AC[0-9a-fA-F]{32}$",
            r"^\+[1-9]\d{1,14}$",
        ] {
            let s = generate(pattern, None, None, 0).expect(pattern);
            assert!(pattern_matches(pattern, &s), "{pattern} → {s}");
        }
    }

    #[test]
    fn a_minimum_length_stretches_repetitions() {
        let s = generate(r"^[a-z]+$", Some(8), Some(10), 0).expect("a string");
        assert_eq!(s, "aaaaaaaa");
    }

    #[test]
    fn variants_differ_where_the_pattern_allows() {
        let pattern = r"^(0|[1-9][0-9]*)$";
        let zero = generate(pattern, None, None, 0).expect("variant 0");
        let one = generate(pattern, None, None, 1).expect("variant 1");
        assert_eq!(zero, "0");
        assert_ne!(zero, one);
        assert!(pattern_matches(pattern, &one), "{one}");
    }

    #[test]
    fn unreadable_or_impossible_patterns_give_none() {
        assert_eq!(generate(r"^(?=a)b$", None, None, 0), None);
        assert_eq!(generate(r"^[a-z]{5}$", None, Some(3), 0), None);
    }
}
