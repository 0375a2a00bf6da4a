//! Helpers the xtask integration tests share: the repository, the real binary, scratch copies.
#![allow(dead_code, clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Runs the real `xtask` binary.
pub fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap()
}

/// Copies a directory tree.
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A scratch checkout with `codegen.toml`, `spec/` and `generated/` copied from the repository.
pub fn scratch_checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(repo().join("codegen.toml"), dir.path().join("codegen.toml")).unwrap();
    copy_tree(&repo().join("spec"), &dir.path().join("spec"));
    copy_tree(&repo().join("generated"), &dir.path().join("generated"));
    dir
}

/// A crate generated from a feature document of `tests/features/`, with its behaviour test.
pub struct FeatureCrate {
    /// The crate's name, also its folder under `target/scratch/`.
    pub name: &'static str,
    /// The document, relative to `tests/features/`.
    pub spec: &'static str,
    /// The behaviour test, relative to `tests/features/`, run in the crate as `tests/behaviour.rs`.
    pub test: &'static str,
    /// The behaviour test's `[dev-dependencies]` lines.
    pub dev_dependencies: &'static [&'static str],
    /// Cargo features clippy checks the crate with, each in a run of its own, besides the run
    /// with none.
    pub clippy_features: &'static [&'static str],
}

impl FeatureCrate {
    /// Generates the crate into `target/scratch/NAME`, asserts clippy `-D warnings` on every
    /// target, runs the behaviour test and asserts that every test it declares ran and passed.
    /// Returns the generator's stderr (its warnings).
    pub fn generate_check_and_run(&self) -> String {
        let repo = repo();
        let features = repo.join("tests/features");
        let out = repo.join("target/scratch").join(self.name);
        let spec = features.join(self.spec);
        let generated = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["generate", "--name", self.name, "--spec"])
            .arg(&spec)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&generated.stderr).into_owned();
        assert!(generated.status.success(), "{stderr}");

        // Test-only additions to the scratch copy: the behaviour test and its dev-dependencies.
        fs::create_dir_all(out.join("tests")).unwrap();
        let source = fs::read_to_string(features.join(self.test)).unwrap();
        fs::write(out.join("tests/behaviour.rs"), &source).unwrap();
        let mut manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
        manifest.push_str("\n[dev-dependencies]\n");
        for line in self.dev_dependencies {
            manifest.push_str(line);
            manifest.push('\n');
        }
        fs::write(out.join("Cargo.toml"), manifest).unwrap();

        let target = repo.join("target/generated-check");
        let cargo = |args: &[&str]| {
            Command::new(env!("CARGO"))
                .arg(args[0])
                .arg("--manifest-path")
                .arg(out.join("Cargo.toml"))
                .args(&args[1..])
                .env("CARGO_TARGET_DIR", &target)
                .output()
                .unwrap()
        };
        for features in std::iter::once("").chain(self.clippy_features.iter().copied()) {
            let mut args = vec![
                "clippy",
                "--quiet",
                "--message-format",
                "short",
                "--all-targets",
            ];
            if !features.is_empty() {
                args.extend(["--features", features]);
            }
            args.extend(["--", "-D", "warnings"]);
            let clippy = cargo(&args);
            assert!(
                clippy.status.success(),
                "clippy (features: {features:?}):\n{}",
                String::from_utf8_lossy(&clippy.stderr)
            );
        }
        let test = cargo(&["test", "--quiet"]);
        let stdout = String::from_utf8_lossy(&test.stdout);
        assert!(
            test.status.success(),
            "{stdout}\n{}",
            String::from_utf8_lossy(&test.stderr)
        );
        // Every test of the behaviour file ran and passed, counted exactly ("9 passed" is also
        // a substring of "19 passed").
        let written = source
            .lines()
            .filter(|l| matches!(l.trim(), "#[test]" | "#[tokio::test]"))
            .count();
        assert!(
            written > 0,
            "{}: the behaviour file has no tests",
            self.test
        );
        let passed: Vec<usize> = stdout
            .lines()
            .filter_map(|l| l.strip_prefix("test result: ok. "))
            .filter_map(|rest| rest.split(' ').next()?.parse().ok())
            .collect();
        assert!(
            passed.contains(&written),
            "all {written} behaviour tests ran (passed per target: {passed:?}): {stdout}"
        );
        stderr
    }
}

/// Asserts that the crate in `dir` passes `cargo check` without a warning; `what` names it in
/// the failure. Dependencies are built once for every generated crate of the tests.
pub fn assert_checks_clean(dir: &Path, what: &str) {
    let check = Command::new(env!("CARGO"))
        .args([
            "check",
            "--quiet",
            "--message-format",
            "short",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", repo().join("target/generated-check"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "{what}: {stderr}");
    assert!(
        !stderr.contains("warning"),
        "{what}: the generated crate has warnings:\n{stderr}"
    );
}
