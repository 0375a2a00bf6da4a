//! An OpenAPI → Rust client generator.
//!
//! # Using it
//!
//! One entry point: [`generate`]`(&sources, &options)` loads and normalizes every document
//! ([`ApiSource`]: its path, its module, the [`Renames`](config::Renames) chosen for it), then
//! emits and formats the files of one crate ([`Options`]: the [`CrateSettings`], lenient mode,
//! threads). It returns the files, the IR of each API and the warnings, or an [`Error`]: the
//! [`Diagnostics`] of the input (every problem of every document at once, located), or an
//! [`InternalError`], a bug in the generator. Nothing is written: [`write`](mod@write) puts the files on
//! disk all at once.
//!
//! The rest of the public API:
//! - [`config`]: `codegen.toml`, the list of a crate's APIs and their renames.
//! - [`ir`]: what the documents become, as the emitters see it ([`Output::apis`]).
//! - [`diagnostics`]: problems in the input, as located values.
//! - [`surface`] and [`summary`]: the API surface of a generated client and the change report
//!   between two of them; a short text of the IR for snapshots.
//! - [`stages`]: the pipeline one stage at a time, for the benchmarks and the tests that
//!   measure or check a single stage.
//!
//! # Inside
//!
//! The pipeline, one module per concern: `load` parses a document (after `bundle` has put a
//! multi-file document together and `convert` has brought Swagger 2.0 and OpenAPI 3.1 and 3.2 to the
//! 3.0 shape), `normalize` lowers it into the [`ir`] (every name, media type and `Accept` value
//! is decided there), `emit` turns the IR into Rust tokens, `format` prints them. `parallel`
//! spreads the work over the cores. Problems travel as diagnostics, never panics.

mod bundle;
mod callbacks;
pub mod config;
mod convert;
pub mod diagnostics;
mod emit;
mod features;
mod format;
mod grammar;
pub mod ir;
mod load;
mod local_refs;
mod locate;
mod normalize;
mod parallel;
mod pinpoint;
mod polymorphism;
mod repair;
pub mod select;
pub mod stages;
pub mod summary;
pub mod surface;
pub mod synth;
pub mod write;
mod yaml;

use std::fmt;
use std::path::PathBuf;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use emit::smoke::test_name as smoke_test_name;
pub use emit::{CrateSettings, GeneratedFile, Layout};
pub use load::parse_tree;
pub use normalize::security::is_http_token;

/// One API of a crate: its document, the Rust module it becomes, the names chosen for its
/// operations and types, which operations to generate and whether to split them by tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiSource {
    pub spec: PathBuf,
    pub module: String,
    pub renames: config::Renames,
    /// The operations to generate (a union; every operation when empty), with the types they
    /// reach (`--only`).
    pub only: Vec<select::Selector>,
    /// Each tag's operations behind a cargo feature of the crate (`--features-per-tag`).
    pub features_per_tag: bool,
}

impl ApiSource {
    /// The document at `spec` as the module `module`, with the names the generator derives.
    pub fn new(spec: impl Into<PathBuf>, module: impl Into<String>) -> Self {
        Self {
            spec: spec.into(),
            module: module.into(),
            renames: config::Renames::default(),
            only: Vec::new(),
            features_per_tag: false,
        }
    }
}

/// How to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// What the crate is called, its layout and the command named in every file.
    pub settings: CrateSettings,
    /// Repair well-known defects and degrade what cannot be honoured, with a warning, instead
    /// of failing (see the README's lenient mode).
    pub lenient: bool,
    /// How many threads to use; the output is the same for any number.
    pub threads: usize,
    /// Add `tests/smoke.rs`: one test per operation calling it once against a mock server of
    /// the document (what `cargo xtask verify` runs). On by default for a workspace member.
    pub smoke_tests: bool,
}

impl Options {
    /// Strict, on every available core.
    pub fn new(settings: CrateSettings) -> Self {
        Self {
            smoke_tests: settings.layout == Layout::WorkspaceMember,
            settings,
            lenient: false,
            threads: parallel::available(),
        }
    }
}

/// The result of a successful generation.
#[derive(Debug, Clone)]
pub struct Output {
    pub files: Vec<GeneratedFile>,
    pub apis: Vec<ir::Api>,
    pub warnings: Vec<Diagnostic>,
}

/// Why a generation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The input has problems: every error (and the warnings) of every document, located.
    Diagnostics(Diagnostics),
    /// The generator has a bug; the input may be fine.
    Internal(InternalError),
}

impl Error {
    /// The diagnostics, when the input is what failed.
    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match self {
            Error::Diagnostics(d) => Some(d),
            Error::Internal(_) => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Diagnostics(d) => d.fmt(f),
            Error::Internal(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

impl From<Diagnostics> for Error {
    fn from(d: Diagnostics) -> Self {
        Error::Diagnostics(d)
    }
}

impl From<InternalError> for Error {
    fn from(e: InternalError) -> Self {
        Error::Internal(e)
    }
}

/// A bug in the generator, never a verdict on the input: emitted tokens that are not Rust, a
/// broken invariant between stages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalError {
    /// The output file being made, relative to the crate directory.
    pub file: String,
    pub message: String,
}

impl fmt::Display for InternalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "internal error: this is a bug in the generator, please report it with the spec: \
             {} ({})",
            self.message, self.file
        )
    }
}

impl std::error::Error for InternalError {}

/// Loads and normalizes every document, then emits the crate. Diagnostics of all documents are
/// collected before failing, so one run shows every problem. Documents load and normalize in
/// parallel, then files are emitted and formatted in parallel; the output is the same for any
/// number of threads.
pub fn generate(sources: &[ApiSource], options: &Options) -> Result<Output, Error> {
    let size = |source: &ApiSource| {
        std::fs::metadata(&source.spec).map_or(0, |m| usize::try_from(m.len()).unwrap_or(0))
    };
    let normalized = parallel::map(sources, options.threads, size, |source| {
        let load = load::LoadOptions {
            lenient: options.lenient,
            look_past_errors: true,
        };
        let doc = load::load_file_with(&source.spec, load)?;
        let mut n = stages::normalize(&doc, &source.module, &source.renames)?;
        match select::apply(&mut n.api, &source.only, &source.spec) {
            Ok(()) => Ok(n),
            Err(mut errors) => {
                errors.append(&mut n.warnings);
                Err(Diagnostics(errors))
            }
        }
    });
    let mut apis = Vec::new();
    let mut diagnostics = Vec::new();
    for result in normalized {
        match result {
            Ok(n) => {
                diagnostics.extend(n.warnings);
                apis.push(n.api);
            }
            Err(Diagnostics(found)) => diagnostics.extend(found),
        }
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Error::Diagnostics(Diagnostics(diagnostics)));
    }
    let per_tag: Vec<bool> = sources.iter().map(|s| s.features_per_tag).collect();
    let specs: Vec<&std::path::Path> = sources.iter().map(|s| s.spec.as_path()).collect();
    if let Err(errors) = features::assign(&mut apis, &per_tag, &specs) {
        diagnostics.splice(0..0, errors);
        return Err(Error::Diagnostics(Diagnostics(diagnostics)));
    }
    let settings = &options.settings;
    let mut files = emit::emit_crate(&apis, settings, options.threads)?;
    if settings.layout == Layout::WorkspaceMember {
        files.extend(surface_files(&apis, settings));
    }
    if options.smoke_tests {
        emit::smoke::add_smoke_tests(&mut files, &apis, settings)?;
    }
    Ok(Output {
        files,
        apis,
        warnings: diagnostics,
    })
}

/// `<module>.api.txt` beside the crate's `Cargo.toml` for each API: its surface, for review and
/// for the change report of the next generation.
fn surface_files(apis: &[ir::Api], settings: &CrateSettings) -> Vec<GeneratedFile> {
    let header = format::preamble(&settings.command);
    apis.iter()
        .map(|api| GeneratedFile {
            path: surface_path(&api.module),
            contents: surface::Surface::from_api(api).render_file(&header, &api.module),
        })
        .collect()
}

/// Where the surface of an API is written, relative to the crate directory.
pub fn surface_path(module: &str) -> String {
    format!("{module}.api.txt")
}
