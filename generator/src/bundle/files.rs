//! Reading the files of a multi-file document, and taking references apart: which file a
//! `$ref` names (relative to the file it is written in) and which JSON pointer inside it.

use std::path::{Component, Path, PathBuf};

/// Where files are read from: the disk, or (in tests) memory.
pub(crate) trait FileSource {
    fn read(&self, path: &Path) -> std::io::Result<String>;
}

/// The file system.
pub(crate) struct Disk;

impl FileSource for Disk {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        std::fs::read_to_string(path)
    }
}

/// What a `$ref` string refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum RefTarget {
    /// `#…`: inside the file the reference is written in.
    Local(String),
    /// `http://…` or `https://…`: another server.
    Remote,
    /// Another URI scheme (`urn:`, `file:`), followed by nobody here.
    OtherScheme,
    /// A file relative to the referencing one, and the fragment inside it.
    File { path: String, fragment: String },
}

/// Splits a `$ref` string into what it refers to. Percent-encoding is undone in both parts.
pub(super) fn parse_ref(reference: &str) -> RefTarget {
    if let Some(fragment) = reference.strip_prefix('#') {
        return RefTarget::Local(percent_decode(fragment));
    }
    let lower = reference.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return RefTarget::Remote;
    }
    if has_scheme(reference) {
        return RefTarget::OtherScheme;
    }
    let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    RefTarget::File {
        path: percent_decode(path),
        fragment: percent_decode(fragment),
    }
}

/// `scheme:` as RFC 3986 spells it (a letter, then letters, digits, `+`, `-`, `.`), longer than
/// one letter so that a Windows drive (`C:`) is a path.
fn has_scheme(reference: &str) -> bool {
    let Some((scheme, _)) = reference.split_once(':') else {
        return false;
    };
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !scheme.contains('/')
}

fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// The path of `relative` as written in the file at `referencing`, with `.` and `..` resolved
/// without touching the disk, so the same file always has the same path.
pub(super) fn resolve_path(referencing: &Path, relative: &str) -> PathBuf {
    let base = referencing.parent().unwrap_or(Path::new(""));
    normalize(&base.join(relative))
}

/// `a/./b/../c` → `a/c`; leading `..` of a relative path are kept.
pub(super) fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(component),
            },
            other => out.push(other),
        }
    }
    out.iter().collect()
}

/// The tokens of a JSON pointer (`/a~1b/0` → `a/b`, `0`).
pub(super) fn pointer_tokens(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(crate::diagnostics::unescape_pointer_token)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_taken_apart() {
        assert_eq!(
            parse_ref("#/components/schemas/A"),
            RefTarget::Local("/components/schemas/A".into())
        );
        assert_eq!(
            parse_ref("paths/users.yaml#/~1users/get"),
            RefTarget::File {
                path: "paths/users.yaml".into(),
                fragment: "/~1users/get".into()
            }
        );
        assert_eq!(
            parse_ref("./my%20models/user.yml"),
            RefTarget::File {
                path: "./my models/user.yml".into(),
                fragment: String::new()
            }
        );
        assert_eq!(
            parse_ref("HTTPS://example.com/a.yaml#/A"),
            RefTarget::Remote
        );
        assert_eq!(parse_ref("urn:example:pet"), RefTarget::OtherScheme);
        assert_eq!(
            parse_ref("C:models/a.yaml"),
            RefTarget::File {
                path: "C:models/a.yaml".into(),
                fragment: String::new()
            }
        );
    }

    #[test]
    fn relative_paths_resolve_against_the_referencing_file() {
        let from = Path::new("api/resources/users/models/user.json");
        assert_eq!(
            resolve_path(from, "../../../common/errors.yaml"),
            PathBuf::from("api/common/errors.yaml")
        );
        assert_eq!(
            resolve_path(from, "./address.json"),
            PathBuf::from("api/resources/users/models/address.json")
        );
        assert_eq!(
            resolve_path(Path::new("openapi.yaml"), "../shared/x.yaml"),
            PathBuf::from("../shared/x.yaml")
        );
        assert_eq!(
            resolve_path(Path::new("/srv/api/openapi.yaml"), "../../../x.yaml"),
            PathBuf::from("/x.yaml")
        );
        assert_eq!(
            normalize(Path::new("./a/../a/paths/../openapi.yaml")),
            PathBuf::from("a/openapi.yaml")
        );
    }

    #[test]
    fn pointer_tokens_are_unescaped() {
        assert_eq!(pointer_tokens("/~1users~0x/get"), vec!["/users~x", "get"]);
        assert!(pointer_tokens("").is_empty());
    }
}
