//! The feature document `tests/features/schemes.yaml` (one operation per kind of security
//! scheme) generates a crate that passes clippy with `-D warnings` and keeps every kind of
//! credential on its origin: `tests/features/schemes_test.rs`, copied into the generated crate
//! and run there with `cargo test` against loopback servers.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::fs;
use std::path::Path;
use std::process::Command;

/// The behaviour tests in `tests/features/schemes_test.rs`; all of them must run and pass.
const BEHAVIOUR_TESTS: usize = 6;

#[test]
fn every_scheme_kind_keeps_its_credential_on_its_origin() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let out = repo.join("target/scratch/schemes");
    let generated = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--name", "schemes", "--spec"])
        .arg(repo.join("tests/features/schemes.yaml"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );

    // Test-only additions to the scratch copy: the behaviour test and its dev-dependencies.
    fs::create_dir_all(out.join("tests")).unwrap();
    fs::copy(
        repo.join("tests/features/schemes_test.rs"),
        out.join("tests/behaviour.rs"),
    )
    .unwrap();
    let mut manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
    manifest.push_str(concat!(
        "\n[dev-dependencies]\n",
        "tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n",
        "wiremock = \"0.6\"\n",
        "tracing = \"0.1\"\n",
        "tracing-subscriber = { version = \"0.3\", default-features = false, features = [\"fmt\", \"std\"] }\n",
    ));
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
    let test = cargo(&["test", "--quiet"]);
    let stdout = String::from_utf8_lossy(&test.stdout);
    assert!(
        test.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&test.stderr)
    );
    assert!(
        stdout.contains(&format!("{BEHAVIOUR_TESTS} passed")),
        "all behaviour tests ran: {stdout}"
    );
}
