//! The peer of `cargo xtask bench`: progenitor's output for the same document, when its command
//! line (`cargo-progenitor`) is present. The bench installs nothing; [`HOW_TO_GET`] says how.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// How to install the peer where the bench looks for it.
pub const HOW_TO_GET: &str = "cargo install cargo-progenitor --locked --root target/peer";

/// Progenitor's two interfaces: methods with positional arguments, or request builders.
pub const INTERFACES: [&str; 2] = ["positional", "builder"];

/// The peer's binary: `$CARGO_PROGENITOR`, else `target/peer/bin/cargo-progenitor`, else
/// `cargo-progenitor` on the `PATH`.
pub fn find(root: &Path) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CARGO_PROGENITOR") {
        return Some(PathBuf::from(path));
    }
    let local = root.join("target/peer/bin/cargo-progenitor");
    if local.exists() {
        return Some(local);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("cargo-progenitor"))
            .find(|candidate| candidate.exists())
    })
}

/// A crate the peer generated: where, and how long generation took.
pub struct PeerCrate {
    pub dir: PathBuf,
    pub generate: Duration,
}

/// Generates the crate of `spec` with `interface` into `out` (emptied first).
pub fn generate(
    binary: &Path,
    spec: &Path,
    interface: &str,
    name: &str,
    out: &Path,
) -> Result<PeerCrate, String> {
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| format!("cannot empty {}: {e}", out.display()))?;
    }
    let start = Instant::now();
    let output = Command::new(binary)
        .arg("progenitor")
        .arg("--input")
        .arg(spec)
        .arg("--output")
        .arg(out)
        .arg("--name")
        .arg(name)
        .arg("--version")
        .arg("0.1.0")
        .arg("--interface")
        .arg(interface)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let generate = start.elapsed();
    if !output.status.success() {
        return Err(format!(
            "{} failed:\n{}{}",
            binary.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    // A crate of its own, even though it sits inside this workspace's target directory.
    let manifest = out.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    if !text.contains("[workspace]") {
        std::fs::write(&manifest, format!("{text}\n[workspace]\n"))
            .map_err(|e| format!("cannot write {}: {e}", manifest.display()))?;
    }
    Ok(PeerCrate {
        dir: out.to_path_buf(),
        generate,
    })
}

/// Lines and bytes of the `.rs` files under `dir/src`.
pub fn count_rust(dir: &Path) -> Result<(usize, usize, usize), String> {
    let mut files = 0;
    let mut lines = 0;
    let mut bytes = 0;
    let mut pending = vec![dir.join("src")];
    while let Some(next) = pending.pop() {
        let entries =
            std::fs::read_dir(&next).map_err(|e| format!("cannot list {}: {e}", next.display()))?;
        for entry in entries {
            let path = entry
                .map_err(|e| format!("cannot list {}: {e}", next.display()))?
                .path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                files += 1;
                lines += text.lines().count();
                bytes += text.len();
            }
        }
    }
    Ok((files, lines, bytes))
}
