//! Document text becomes Markdown rustdoc accepts. Each fixture under `tests/docs/` holds one
//! kind of trouble real descriptions carry (bare URLs, brackets, HTML, code blocks, headings,
//! text that tries to leave its doc comment); the crate generated from it must document with
//! `cargo doc --no-deps` and `RUSTDOCFLAGS=-D warnings`, and rustdoc's own HTML must show that
//! links and balanced HTML survived and that no code block became a Rust example (a doctest).
#![allow(clippy::unwrap_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const FIXTURES: &[&str] = &[
    "bare-urls.yaml",
    "brackets.yaml",
    "breakout.json",
    "code-blocks.yaml",
    "headings.yaml",
    "html.yaml",
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Generates the fixture, documents the crate with warnings denied, and returns the HTML
/// rustdoc wrote for the API module and its items, concatenated.
fn document(fixture: &str) -> String {
    assert!(FIXTURES.contains(&fixture), "{fixture} is not listed");
    let spec = repo().join("tests/docs").join(fixture);
    assert!(spec.exists(), "missing fixture {}", spec.display());
    let stem = fixture.split('.').next().unwrap();
    let name = format!("docs-{stem}");
    let out = repo().join("target/scratch/docs").join(stem);
    let generated = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--name", &name, "--spec"])
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    // Dependencies are checked once for every generated crate of the tests.
    let target = repo().join("target/generated-check");
    let doc = Command::new(env!("CARGO"))
        .args(["doc", "--no-deps", "--quiet", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTDOCFLAGS", "-D warnings")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&doc.stderr);
    assert!(
        doc.status.success(),
        "rustdoc rejected {fixture}:\n{stderr}"
    );
    assert!(!stderr.contains("warning"), "{fixture}:\n{stderr}");
    let mut html = String::new();
    let mut dirs = vec![target.join("doc").join(name.replace('-', "_")).join("api")];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "html") {
                html.push_str(&fs::read_to_string(path).unwrap());
            }
        }
    }
    assert!(
        !html.contains("rust-example-rendered"),
        "{fixture}: a code block became a Rust example (a doctest)"
    );
    html
}

/// The Rust sources generated for the fixture, concatenated.
fn sources(fixture: &str) -> String {
    let stem = fixture.split('.').next().unwrap();
    let dir = repo()
        .join("target/scratch/docs")
        .join(stem)
        .join("src/api");
    ["mod.rs", "operations.rs", "types.rs"]
        .iter()
        .map(|file| fs::read_to_string(dir.join(file)).unwrap_or_default())
        .collect()
}

#[test]
fn every_fixture_is_tested() {
    let mut found: Vec<String> = fs::read_dir(repo().join("tests/docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    found.sort();
    assert_eq!(found, FIXTURES);
}

#[test]
fn bare_urls_become_links() {
    let html = document("bare-urls.yaml");
    let src = sources("bare-urls.yaml");
    for url in [
        "https://api.example.com/v1",
        "https://docs.example.com/limits",
        "https://console.example.com/keys",
        "https://docs.example.com/thing",
    ] {
        assert!(src.contains(&format!("<{url}>")), "{url} not autolinked");
        assert!(
            html.contains(&format!("href=\"{url}\"")),
            "{url} not a link"
        );
    }
    assert!(html.contains("href=\"https://docs.example.com/guide\">the guide</a>"));
}

#[test]
fn brackets_do_not_become_intra_doc_links() {
    let html = document("brackets.yaml");
    let src = sources("brackets.yaml");
    assert!(src.contains("written \\[string\\]"), "brackets escaped");
    assert!(
        src.contains("keep their text: the guide,"),
        "relative link unlinked"
    );
    assert!(html.contains("href=\"https://docs.example.com\">the docs</a>"));
    assert!(html.contains("href=\"https://spec.example.com\""));
    assert!(html.contains("href=\"mailto:support@example.com\">support</a>"));
}

#[test]
fn html_is_balanced_or_escaped() {
    let html = document("html.yaml");
    let src = sources("html.yaml");
    assert!(html.contains("<b>bold</b>"), "balanced tags kept");
    assert!(src.contains("key=&lt;key>"), "placeholders escaped");
    assert!(src.contains("one&lt;p>two"), "unclosed tags escaped");
    assert!(src.contains("&lt;/div>three"), "unopened tags escaped");
    assert!(
        src.contains("<b>&lt;i>nested</b>"),
        "misnested tags escaped"
    );
    assert!(src.contains("&lt;script>"));
}

#[test]
fn code_blocks_are_text_never_doctests() {
    document("code-blocks.yaml");
    let src = sources("code-blocks.yaml");
    assert!(!src.contains("```rust"), "no Rust fence left");
    assert!(!src.contains("```json"), "other languages marked text");
    assert!(src.contains("/// ```text"));
}

#[test]
fn headings_stay_headings() {
    let html = document("headings.yaml");
    // Rustdoc shifts heading levels; the text is what must survive as a heading.
    assert!(html.contains("§</a>Overview</h"), "an ATX heading");
    assert!(html.contains("§</a>Setext heading</h"), "a setext heading");
}

#[test]
fn nothing_breaks_out_of_the_doc_comment() {
    document("breakout.json");
    let src = sources("breakout.json");
    assert!(!src.contains('\r') && !src.contains('\u{7}') && !src.contains('\u{202E}'));
    assert!(src.contains("Ends a block comment */ and opens one /* here."));
}
