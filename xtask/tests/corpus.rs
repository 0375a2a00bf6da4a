//! `cargo xtask corpus` on a scratch checkout: a document the expectations list that is missing
//! from the corpus fails the run, named, and the same run with it present passes. Crates are
//! only generated (`--no-check`), so no `cargo check` runs.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{repo, xtask};

use std::fs;
use std::path::Path;

/// Two small documents of the public corpus, both expected to pass.
const DOCUMENTS: [&str; 2] = ["oai-petstore.yaml", "oai-petstore-expanded.yaml"];

/// A scratch checkout holding `tests/corpus-expected.txt` (both documents `pass`) and a copy
/// of the two documents under `corpus/`.
fn scratch_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    fs::create_dir_all(&corpus).unwrap();
    fs::create_dir_all(dir.path().join("tests")).unwrap();
    let mut expected = String::from("# document mode outcome\n");
    for name in DOCUMENTS {
        let source = repo().join("../shared/corpus").join(name);
        assert!(
            source.exists(),
            "the public corpus is expected beside the repository: {} is missing",
            source.display()
        );
        fs::copy(&source, corpus.join(name)).unwrap();
        expected.push_str(&format!("{name} strict pass\n"));
    }
    fs::write(dir.path().join("tests/corpus-expected.txt"), expected).unwrap();
    dir
}

fn run_corpus(root: &Path) -> std::process::Output {
    xtask(&[
        "corpus",
        "--no-check",
        "--root",
        root.to_str().unwrap(),
        root.join("corpus").to_str().unwrap(),
    ])
}

#[test]
fn a_listed_document_missing_from_the_corpus_fails_the_run_naming_it() {
    let checkout = scratch_corpus();
    let root = checkout.path();

    let complete = run_corpus(root);
    let stdout = String::from_utf8_lossy(&complete.stdout);
    let stderr = String::from_utf8_lossy(&complete.stderr);
    assert_eq!(complete.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.lines().any(|l| l == "corpus: 2 passed, 0 failed"),
        "{stdout}"
    );

    fs::remove_file(root.join("corpus").join(DOCUMENTS[1])).unwrap();
    let incomplete = run_corpus(root);
    let stderr = String::from_utf8_lossy(&incomplete.stderr);
    assert_eq!(incomplete.status.code(), Some(1), "{stderr}");
    let absent_section = stderr
        .split("documents listed in tests/corpus-expected.txt but absent from")
        .nth(1)
        .unwrap_or_else(|| panic!("no list of absent documents: {stderr}"));
    assert!(
        absent_section
            .lines()
            .any(|l| l.trim() == "oai-petstore-expanded.yaml"),
        "names the missing document: {stderr}"
    );
    assert!(
        !absent_section
            .lines()
            .any(|l| l.trim() == "oai-petstore.yaml"),
        "names only the missing document: {stderr}"
    );
    assert!(
        stderr.lines().any(|l| l == "corpus: 1 passed, 1 failed"),
        "{stderr}"
    );
}

#[test]
fn a_missing_expectations_file_is_an_error_naming_it() {
    let checkout = scratch_corpus();
    let root = checkout.path();
    fs::remove_file(root.join("tests/corpus-expected.txt")).unwrap();
    let out = run_corpus(root);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot read") && stderr.contains("corpus-expected.txt"),
        "{stderr}"
    );
}
