//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use generator::config::{Config, FILE_NAME, Renames};
use generator::stages::{self, Normalized};
use generator::{Diagnostics, Options, Output};

pub mod logs;

/// The workspace root, for reading `spec/` and `generated/`.
pub fn workspace_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(PathBuf::from).unwrap_or(here)
}

/// `printed` shows `marker` where the secret would be, and never the secret itself: a secret
/// test checks both, so that output which prints nothing at all does not pass.
pub fn assert_redacted(printed: &str, secret: &str, marker: &str) {
    assert!(!printed.contains(secret), "{secret} leaked: {printed}");
    assert!(printed.contains(marker), "no `{marker}` in: {printed}");
}

/// The repository's `codegen.toml`: the crate's APIs, their specs under the workspace root.
pub fn config() -> Config {
    let file = workspace_root().join(FILE_NAME);
    Config::load(&file).unwrap_or_else(|d| panic!("{d}"))
}

/// The repository's crate as `cargo xtask codegen` generates it, on `threads` threads.
pub fn generate_repository(threads: usize) -> Output {
    let config = config();
    let options = Options {
        threads,
        ..Options::new(config.settings())
    };
    generator::generate(&config.apis, &options).unwrap_or_else(|e| panic!("{e}"))
}

/// Loads and normalizes one document as the module `api` with the names the generator derives:
/// the first half of the pipeline, for the tests that check a document's diagnostics or IR.
pub fn normalize(spec: &Path, lenient: bool) -> Result<Normalized, Diagnostics> {
    let doc = stages::load_file(spec, lenient)?;
    stages::normalize(&doc, "api", &Renames::default())
}

/// [`normalize`] for a document in memory; `file` names it and chooses JSON or YAML.
pub fn normalize_text(file: &Path, text: &str, lenient: bool) -> Result<Normalized, Diagnostics> {
    let doc = stages::load(file, text, lenient)?;
    stages::normalize(&doc, "api", &Renames::default())
}

/// Writes a generated crate into `target/<group>/<name>` under the workspace and returns its
/// directory.
/// The client method names of an API's operations, in order.
pub fn method_names(api: &generator::ir::Api) -> Vec<&str> {
    api.operations
        .iter()
        .map(|o| o.method_name.as_str())
        .collect()
}

pub fn write_crate(output: &Output, group: &str, name: &str) -> PathBuf {
    let dir = workspace_root().join("target").join(group).join(name);
    generator::write::write_all(&dir, &output.files)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", dir.display()));
    dir
}

/// Runs `cargo clippy` with `cargo_args` (feature flags, say) and `-D warnings` on the generated
/// crate in `dir`, in the target directory all generated crates of the tests share, and fails
/// with the compiler's output, naming `what`, unless it passes.
pub fn assert_clippy_clean(dir: &Path, cargo_args: &[&str], what: &str) {
    let clippy = Command::new(env!("CARGO"))
        .args([
            "clippy",
            "--quiet",
            "--message-format",
            "short",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        .args(cargo_args)
        .args(["--", "-D", "warnings"])
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target/generated-check"),
        )
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo clippy: {e}"));
    assert!(
        clippy.status.success(),
        "{what}: clippy -D warnings failed:\n{}",
        String::from_utf8_lossy(&clippy.stderr)
    );
}
