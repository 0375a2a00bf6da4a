//! An OpenAPI → Rust client generator.
//!
//! The pipeline is visible in the module list: [`load`] parses a document, [`normalize`] lowers
//! it into the [`ir`], [`emit`] turns the IR into Rust tokens, [`format`](mod@format) prints
//! them, and [`write`](mod@write) puts files on disk all at once. [`parallel`] spreads the work
//! over the cores. Problems travel as [`diagnostics`], never panics.

pub mod bundle;
pub mod convert;
pub mod diagnostics;
pub mod emit;
pub mod format;
pub mod grammar;
pub mod ir;
pub mod load;
pub mod local_refs;
pub mod locate;
pub mod normalize;
pub mod parallel;
pub mod pinpoint;
pub mod repair;
pub mod summary;
pub mod surface;
pub mod synth;
pub mod write;
pub mod yaml;

use std::path::PathBuf;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use emit::{CrateSettings, EmittedContent, EmittedFile, GeneratedFile, Layout};

/// One API of a crate: its document and the Rust module it becomes.
#[derive(Debug, Clone)]
pub struct ApiSource {
    pub spec: PathBuf,
    pub module: String,
}

/// The result of a successful generation.
#[derive(Debug, Clone)]
pub struct Output {
    pub files: Vec<GeneratedFile>,
    pub apis: Vec<ir::Api>,
    pub warnings: Vec<Diagnostic>,
}

/// Loads and normalizes one document. Every diagnostic, warnings included, carries the line and
/// column of its JSON pointer and the source line.
pub fn normalize_file(
    spec: &std::path::Path,
    module: &str,
) -> Result<normalize::Normalized, Diagnostics> {
    normalize_file_with(spec, module, load::LoadOptions::default())
}

/// [`normalize_file`] with load options (lenient mode).
pub fn normalize_file_with(
    spec: &std::path::Path,
    module: &str,
    options: load::LoadOptions,
) -> Result<normalize::Normalized, Diagnostics> {
    normalize_document(&load::load_file_with(spec, options)?, module)
}

/// [`normalize_file_with`] for a document already in memory; `file` names it in diagnostics and
/// chooses between JSON and YAML.
pub fn normalize_str_with(
    file: &std::path::Path,
    text: &str,
    module: &str,
    options: load::LoadOptions,
) -> Result<normalize::Normalized, Diagnostics> {
    normalize_document(&load::load_str_with(file, text, options)?, module)
}

/// Normalizes a loaded document and locates every diagnostic in its source.
fn normalize_document(
    doc: &load::Document,
    module: &str,
) -> Result<normalize::Normalized, Diagnostics> {
    match normalize::normalize(doc, module) {
        Ok(mut n) => {
            doc.sources.attach(&mut n.warnings, &doc.pointers);
            Ok(n)
        }
        Err(Diagnostics(mut found)) => {
            doc.sources.attach(&mut found, &doc.pointers);
            Err(Diagnostics(found))
        }
    }
}

/// Loads and normalizes every document, then emits the crate. Diagnostics of all documents are
/// collected before failing, so one run shows every problem.
pub fn generate(sources: &[ApiSource], settings: &CrateSettings) -> Result<Output, Diagnostics> {
    generate_with(sources, settings, load::LoadOptions::default())
}

/// [`generate`] with load options (lenient mode), on all available cores.
pub fn generate_with(
    sources: &[ApiSource],
    settings: &CrateSettings,
    options: load::LoadOptions,
) -> Result<Output, Diagnostics> {
    generate_on(sources, settings, options, parallel::available())
}

/// [`generate_with`] on up to `threads` threads: documents load and normalize in parallel, then
/// files are emitted and formatted in parallel. The output is the same for any `threads`.
pub fn generate_on(
    sources: &[ApiSource],
    settings: &CrateSettings,
    options: load::LoadOptions,
    threads: usize,
) -> Result<Output, Diagnostics> {
    let size = |source: &ApiSource| {
        std::fs::metadata(&source.spec).map_or(0, |m| usize::try_from(m.len()).unwrap_or(0))
    };
    let normalized = parallel::map(sources, threads, size, |source| {
        normalize_file_with(&source.spec, &source.module, options)
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
        return Err(Diagnostics(diagnostics));
    }
    let mut files = emit::emit_crate_on(&apis, settings, threads)?;
    if settings.layout == Layout::WorkspaceMember {
        files.extend(surface_files(&apis, settings));
        // A crate kept in a repository carries its smoke tests (`cargo xtask verify` adds them
        // to the standalone crates it makes).
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
pub fn surface_files(apis: &[ir::Api], settings: &CrateSettings) -> Vec<GeneratedFile> {
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
