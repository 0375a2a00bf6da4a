//! Helpers shared by the integration tests.

use std::path::PathBuf;

/// The workspace root, for reading `spec/` and `generated/`.
pub fn workspace_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(PathBuf::from).unwrap_or(here)
}
