//! The feature document `tests/features/kitchen-sink.yaml` (every schema and operation feature
//! together) generates a crate that passes clippy with `-D warnings` (with and without its
//! `mock` feature), and whose behaviour against a loopback server is what the spec says:
//! `tests/features/kitchen_sink_test.rs`, copied into the generated crate and run there with
//! `cargo test`.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::fs;
use std::path::Path;
use std::process::Command;

#[test]
fn kitchen_sink_crate_is_clippy_clean_and_behaves() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let out = repo.join("target/scratch/kitchen-sink");
    let generated = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--name", "kitchen-sink", "--spec"])
        .arg(repo.join("tests/features/kitchen-sink.yaml"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );

    // Schemas named like prelude types the generated code writes unqualified are renamed,
    // with a warning naming the new type.
    let stderr = String::from_utf8_lossy(&generated.stderr);
    for (schema, rust) in [
        ("Option", "Option2"),
        ("String", "String2"),
        ("Vec", "Vec2"),
    ] {
        assert!(
            stderr.contains(&format!("schema `{schema}` becomes the Rust type `{rust}`")),
            "{stderr}"
        );
    }

    // Test-only additions to the scratch copy: the behaviour test and its dev-dependencies.
    fs::create_dir_all(out.join("tests")).unwrap();
    fs::copy(
        repo.join("tests/features/kitchen_sink_test.rs"),
        out.join("tests/behaviour.rs"),
    )
    .unwrap();
    let mut manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
    manifest.push_str(
        "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\nwiremock = \"0.6\"\nurl = \"2\"\n",
    );
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
    let clippy = cargo(&[
        "clippy",
        "--quiet",
        "--message-format",
        "short",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    assert!(
        clippy.status.success(),
        "clippy:\n{}",
        String::from_utf8_lossy(&clippy.stderr)
    );
    // The typed mocks of every operation feature (multipart, cookies, text and binary bodies,
    // status ranges, `default`) are clippy-clean and documented too.
    let mock_clippy = cargo(&[
        "clippy",
        "--quiet",
        "--message-format",
        "short",
        "--all-targets",
        "--features",
        "mock",
        "--",
        "-D",
        "warnings",
    ]);
    assert!(
        mock_clippy.status.success(),
        "clippy --features mock:\n{}",
        String::from_utf8_lossy(&mock_clippy.stderr)
    );
    let test = cargo(&["test", "--quiet"]);
    let stdout = String::from_utf8_lossy(&test.stdout);
    assert!(
        test.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&test.stderr)
    );
    // Every test of the behaviour file ran and passed, counted exactly ("9 passed" is also a
    // substring of "19 passed").
    let source = fs::read_to_string(repo.join("tests/features/kitchen_sink_test.rs")).unwrap();
    let written = source
        .lines()
        .filter(|l| matches!(l.trim(), "#[test]" | "#[tokio::test]"))
        .count();
    assert!(written > 0, "the behaviour file has no tests");
    let passed: Vec<usize> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|rest| rest.split(' ').next()?.parse().ok())
        .collect();
    assert!(
        passed.contains(&written),
        "all {written} behaviour tests ran (passed per target: {passed:?}): {stdout}"
    );
}
