//! Helpers shared by the integration tests.

use std::path::PathBuf;

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
