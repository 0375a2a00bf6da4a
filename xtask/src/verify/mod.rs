//! `cargo xtask verify`: does the generated client *work* for a document, not just compile?
//!
//! - `verify --spec PATH [--lenient] [--out DIR]`: generates the standalone crate with its smoke
//!   tests (one per operation, `tests/smoke.rs`), starts the pinned Prism on the same document
//!   (`--errors`, dynamic answers, a fixed seed) on a free loopback port, runs the smoke tests
//!   against it, always stops it, writes `DIR/report.json` and prints one line per failure and,
//!   last, `verify: P/N operations passed`. A document Prism cannot serve is still built and
//!   run against a plain loopback server, so request building and encoding are exercised.
//! - `verify --all [PATHS…] [--require-all-pass]`: the same for many documents (by default the
//!   corpus and the upstream documents beside the checkout), with a summary; the default full
//!   run writes `docs/verify.md`.
//! - `verify --generated`: the committed `generated/` crate's smoke tests, each API against its
//!   own Prism.
//!
//! Each failure is classed: `generator` (our encoding or decoding is wrong), `spec` (the
//! document contradicts itself) or `prism` (a known Prism limitation), with the reason. The
//! command fails when any failure is of class `generator` (or, with `--require-all-pass`, when
//! any operation fails).

mod all;
mod classify;
mod document;
mod document_facts;
mod generated;
mod loopback;
mod report;
mod serve;
mod smoke_run;
mod twins;

use std::path::{Path, PathBuf};

pub use all::{AllOptions, run_all};
pub use document::{Options, verify_document};
pub use generated::verify_generated;
pub use report::{Class, Report};

/// Where everything of a verify run goes by default.
pub fn default_out(root: &Path, spec: &Path) -> PathBuf {
    root.join("target/verify").join(stem(spec))
}

/// The file stem of a document (`oai-petstore`).
pub fn stem(spec: &Path) -> String {
    spec.file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "api".into())
}

#[cfg(test)]
mod tests;
