//! Building and running a generated crate's smoke tests with cargo.

use std::path::PathBuf;
use std::process::Command;

/// How the smoke tests of one crate are built and run.
pub struct Cargo {
    /// The crate's manifest.
    pub manifest: PathBuf,
    /// Shared by every verified crate, so dependencies are built once; `None` for a member of
    /// this workspace (its target directory and profile).
    pub target_dir: Option<PathBuf>,
}

impl Cargo {
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        command
            .args(args)
            .arg("--manifest-path")
            .arg(&self.manifest);
        if let Some(target_dir) = &self.target_dir {
            // Many crates share the target directory and the disk: no incremental state and
            // no debug info, which the smoke tests do not need.
            command
                .env("CARGO_TARGET_DIR", target_dir)
                .env("CARGO_INCREMENTAL", "0")
                .env("CARGO_PROFILE_DEV_DEBUG", "0")
                .env("CARGO_PROFILE_TEST_DEBUG", "0");
        }
        command
    }

    /// Compiles the smoke tests; the compiler's errors when they do not compile.
    pub fn build(&self) -> Result<(), String> {
        let out = self
            .command(&[
                "test",
                "--test",
                "smoke",
                "--no-run",
                "--quiet",
                "--message-format",
                "short",
            ])
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if out.status.success() {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&out.stderr);
        let errors: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("error"))
            .take(20)
            .collect();
        Err(if errors.is_empty() {
            text.lines().take(20).collect::<Vec<_>>().join("\n")
        } else {
            errors.join("\n")
        })
    }

    /// Runs the smoke tests (they are `#[ignore]`d for plain `cargo test`) with `env`: all of
    /// them, or only the `tests` named, on `threads` threads. Returns what the test binary
    /// printed.
    pub fn run(
        &self,
        env: &[(String, String)],
        tests: &[String],
        threads: usize,
    ) -> Result<String, String> {
        let mut command = self.command(&["test", "--test", "smoke", "--quiet"]);
        command
            .args(["--", "--ignored", "--test-threads", &threads.to_string()])
            .env("RUST_BACKTRACE", "0");
        if !tests.is_empty() {
            command.arg("--exact").args(tests);
        }
        for (key, value) in env {
            command.env(key, value);
        }
        let out = command
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        Ok(format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }

    /// Removes this crate's own build products from the shared target directory (the shared
    /// dependencies stay), so that a run over many documents does not fill the disk.
    pub fn clean_own_artifacts(&self, crate_name: &str) {
        let Some(target_dir) = &self.target_dir else {
            return;
        };
        let ident = crate_name.replace('-', "_");
        let debug = target_dir.join("debug");
        for (dir, prefixes) in [
            (
                debug.join("deps"),
                vec![
                    format!("{ident}-"),
                    format!("lib{ident}-"),
                    "smoke-".to_string(),
                ],
            ),
            (debug.join(".fingerprint"), vec![format!("{crate_name}-")]),
            (debug.join("build"), vec![format!("{crate_name}-")]),
        ] {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                if prefixes.iter().any(|p| name.starts_with(p.as_str())) {
                    let path = entry.path();
                    let _ = if path.is_dir() {
                        std::fs::remove_dir_all(&path)
                    } else {
                        std::fs::remove_file(&path)
                    };
                }
            }
        }
    }
}

/// The output of one test (`---- name stdout ----` up to the next section), for failures that
/// left no report line.
pub fn test_output(output: &str, test: &str) -> Option<String> {
    let marker = format!("---- {test} stdout ----");
    let start = output.find(&marker)? + marker.len();
    let rest = &output[start..];
    let end = rest
        .find("\n---- ")
        .or_else(|| rest.find("\nfailures:"))
        .unwrap_or(rest.len());
    Some(rest[..end].trim().chars().take(1500).collect())
}
