//! Stoplight Prism for the conformance test: the shared harness (`xtask/prism-harness`), with
//! its failures turned into test failures.

use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub use prism_harness::{Install, Mode, STARTUP_TIMEOUT, is_request_start};

/// Fails (never skips) when Node or the pinned Prism is missing, with the command that fixes it.
pub fn check_install(root: &Path) -> Install {
    prism_harness::check_install(root).unwrap_or_else(|e| panic!("{e}"))
}

/// `n` distinct free local ports.
pub fn free_ports(n: usize) -> Vec<u16> {
    prism_harness::free_ports(n).unwrap_or_else(|e| panic!("{e}"))
}

/// The spec Prism serves for `spec` (see [`prism_harness::servable_spec`]).
pub fn servable_spec(spec: &Path, out_dir: &Path) -> (PathBuf, Vec<String>) {
    prism_harness::servable_spec(spec, out_dir).unwrap_or_else(|e| panic!("{e}"))
}

/// One running `prism mock`, killed when dropped.
pub struct Prism(prism_harness::Prism);

impl Prism {
    pub fn start(install: &Install, name: &str, spec: &Path, port: u16, mode: Mode) -> Prism {
        Prism(
            prism_harness::Prism::start(install, name, spec, port, mode)
                .unwrap_or_else(|e| panic!("{e}")),
        )
    }

    pub fn wait_until_listening(&mut self, deadline: Instant) {
        self.0
            .wait_until_listening(deadline)
            .unwrap_or_else(|e| panic!("{e}"));
    }

    pub fn flush_log(&self) -> Vec<String> {
        self.0.flush_log().unwrap_or_else(|e| panic!("{e}"))
    }
}

impl Deref for Prism {
    type Target = prism_harness::Prism;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for Prism {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}
