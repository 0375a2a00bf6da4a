//! The real `xtask` binary on copies of the repository: failures are located and leave the
//! output untouched, `--check` names stale files, and `generate` makes crates that compile.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{repo, scratch_checkout, xtask};

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((path.clone(), fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn a_dangling_ref_fails_with_file_and_pointer_and_leaves_generated_untouched() {
    let checkout = scratch_checkout();
    let root = checkout.path();
    let spec = root.join("spec/teams.yaml");
    let text = fs::read_to_string(&spec).unwrap();
    let broken = text.replacen(
        "#/components/schemas/BaseError",
        "#/components/schemas/BaseErorr",
        1,
    );
    assert_ne!(
        text, broken,
        "the fixture must contain the reference it breaks"
    );
    fs::write(&spec, broken).unwrap();
    let before = snapshot(&root.join("generated"));

    let out = xtask(&["codegen", "--root", root.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("spec/teams.yaml"),
        "names the file: {stderr}"
    );
    assert!(
        stderr.contains("BaseErorr"),
        "names the reference: {stderr}"
    );
    assert!(
        stderr.contains("/components/schemas/CustomerApiBaseResponse/properties/errors/items/$ref"),
        "names the JSON pointer: {stderr}"
    );
    assert!(
        stderr.contains("did you mean `#/components/schemas/BaseError`?"),
        "{stderr}"
    );
    assert_eq!(
        before,
        snapshot(&root.join("generated")),
        "generated/ must be byte-identical"
    );
}

#[test]
fn check_lists_stale_files_and_the_fixing_command() {
    let checkout = scratch_checkout();
    let root = checkout.path();
    let stale = root.join("generated/src/cpaas/types.rs");
    fs::write(&stale, "// edited by hand\n").unwrap();

    let out = xtask(&["codegen", "--check", "--root", root.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("changed: generated/src/cpaas/types.rs"),
        "{stderr}"
    );
    assert!(stderr.contains("run `cargo xtask codegen`"), "{stderr}");
    assert_eq!(
        fs::read_to_string(&stale).unwrap(),
        "// edited by hand\n",
        "--check writes nothing"
    );

    let fixed = xtask(&["codegen", "--root", root.to_str().unwrap()]);
    assert!(
        fixed.status.success(),
        "{}",
        String::from_utf8_lossy(&fixed.stderr)
    );
    let clean = xtask(&["codegen", "--check", "--root", root.to_str().unwrap()]);
    assert!(
        clean.status.success(),
        "{}",
        String::from_utf8_lossy(&clean.stderr)
    );
}

#[test]
fn bad_usage_exits_with_2() {
    assert_eq!(xtask(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(xtask(&["generate", "--spec"]).status.code(), Some(2));
}

#[test]
fn unreadable_and_unparsable_specs_are_diagnostics_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let missing = xtask(&[
        "generate",
        "--spec",
        "does/not/exist.yaml",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot read the file"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let bad = dir.path().join("bad.yaml");
    fs::write(
        &bad,
        "openapi: 3.0.3\ninfo: {title: x, version: '1'\npaths: {}\n",
    )
    .unwrap();
    let out = xtask(&[
        "generate",
        "--spec",
        bad.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("invalid YAML") && stderr.contains("bad.yaml:"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out_dir.exists(), "nothing is written on failure");
}

/// A panic is a bug, not diagnostics: it exits with 3 (not 1, and not Rust's 101) and says so,
/// so the exit-code checks above tell the two apart. No input is meant to make the generator
/// panic, so the binary's test switch `XTASK_INJECT_PANIC` makes one.
#[test]
fn a_panic_exits_with_its_own_code_and_says_internal_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--spec", "does/not/exist.yaml", "--out"])
        .arg(dir.path().join("out"))
        .env("XTASK_INJECT_PANIC", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("panicking on purpose"), "{stderr}");
    assert!(
        stderr.contains("internal error: the generator panicked"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("cannot read the file"),
        "the panic comes before any work: {stderr}"
    );
}

/// Generates the OAI petstore as a standalone crate and `cargo check`s it, with warnings
/// treated as failures. Dependencies build once into a shared target directory.
#[test]
fn generated_petstore_crate_compiles_without_warnings() {
    let spec = repo().join("../shared/corpus/oai-petstore.yaml");
    assert!(
        spec.exists(),
        "the public corpus is expected beside the repository at {}",
        spec.display()
    );
    let out_dir = repo().join("target/scratch/oai-petstore");
    let out = xtask(&[
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        fs::read_to_string(out_dir.join("src/lib.rs"))
            .unwrap()
            .starts_with("// This file is generated by `cargo xtask generate")
    );

    common::assert_checks_clean(&out_dir, "generated crate");
}

/// `--only tag:issues` on the GitHub document of the corpus: the crate has exactly the client
/// methods of the operations the document tags `issues` (counted from the JSON itself), and
/// `cargo check` passes without a warning.
#[test]
fn github_only_tag_issues_has_just_the_issues_operations_and_checks_clean() {
    let spec = repo().join("../shared/corpus/github-api.json");
    assert!(
        spec.exists(),
        "the public corpus is expected beside the repository at {}",
        spec.display()
    );
    let document: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&spec).unwrap()).unwrap();
    let methods = [
        "get", "put", "post", "delete", "patch", "head", "options", "trace",
    ];
    let mut issues: Vec<String> = Vec::new();
    let mut all = 0;
    for item in document["paths"].as_object().unwrap().values() {
        for (method, op) in item.as_object().unwrap() {
            if !methods.contains(&method.as_str()) {
                continue;
            }
            all += 1;
            let tags = op["tags"].as_array().cloned().unwrap_or_default();
            if tags.iter().any(|t| t == "issues") {
                // GitHub's operationIds are `issues/list-for-repo`: the method is their snake case.
                let id = op["operationId"].as_str().unwrap();
                issues.push(id.replace(['/', '-'], "_"));
            }
        }
    }
    assert!(
        issues.len() > 30 && all > 10 * issues.len(),
        "{all} {issues:?}"
    );

    let out_dir = repo().join("target/scratch/github-issues");
    let out = xtask(&[
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "--only",
        "tag:issues",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let client = fs::read_to_string(out_dir.join("src/api/mod.rs")).unwrap();
    let mut generated: Vec<String> = client
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub fn "))
        .map(|l| l.split(['(', '<']).next().unwrap().to_string())
        .filter(|name| !["builder", "base_url"].contains(&name.as_str()))
        .collect();
    generated.sort();
    issues.sort();
    assert_eq!(generated, issues);

    common::assert_checks_clean(&out_dir, "generated crate");
}

/// `verify --out` with a relative directory: the smoke tests run in the generated crate's
/// directory, and their report lines must still reach the run's directory.
#[test]
fn verify_with_a_relative_out_directory_reports_every_call() {
    let relative = "target/verify-cli/relative-out";
    let _ = fs::remove_dir_all(repo().join(relative));
    // A copy under its own name: the crate's name comes from the file's, and the verify unit
    // tests build `regressions` in the same target directory at the same time.
    let spec = "target/verify-cli/relative.yaml";
    fs::create_dir_all(repo().join("target/verify-cli")).unwrap();
    fs::copy(
        repo().join("tests/verify/regressions.yaml"),
        repo().join(spec),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(repo())
        .args(["verify", "--spec", spec, "--out", relative])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(repo().join(relative).join("report.json")).unwrap(),
    )
    .unwrap();
    let operations = report["operations"].as_u64().unwrap();
    assert!(operations > 0);
    assert_eq!(report["passed"], operations, "{stdout}");
    assert!(
        stdout.contains(&format!(
            "verify: {operations}/{operations} operations passed"
        )),
        "{stdout}"
    );
}
