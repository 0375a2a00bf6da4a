//! The pipeline one stage at a time: what [`generate`](crate::generate) does in a row, for the
//! benchmarks that time each stage and the tests that check a single one. Applications call
//! [`generate`](crate::generate).

use std::path::Path;

use proc_macro2::TokenStream;

use crate::config::Renames;
use crate::diagnostics::Diagnostics;
use crate::emit::{self, CrateSettings, GeneratedFile};
use crate::ir::Api;
use crate::load::{self, LoadOptions};
use crate::{InternalError, format, parallel};

pub use crate::emit::{EmittedContent, EmittedFile};
pub use crate::load::Document;
pub use crate::normalize::Normalized;

/// Reads and parses the document at `path`, putting a multi-file document together.
pub fn load_file(path: &Path, lenient: bool) -> Result<Document, Diagnostics> {
    load::load_file_with(
        path,
        LoadOptions {
            lenient,
            ..LoadOptions::default()
        },
    )
}

/// Parses `text` as the document at `path`: the path names it in diagnostics, chooses between
/// JSON and YAML and anchors the files its relative references name.
pub fn load(path: &Path, text: &str, lenient: bool) -> Result<Document, Diagnostics> {
    load::load_str_with(
        path,
        text,
        LoadOptions {
            lenient,
            ..LoadOptions::default()
        },
    )
}

/// Normalizes a loaded document into the API module `module`, with the names of `renames`.
/// Every diagnostic, warnings included, carries the file, line and column it is about.
pub fn normalize(
    doc: &Document,
    module: &str,
    renames: &Renames,
) -> Result<Normalized, Diagnostics> {
    match crate::normalize::normalize_api(doc, module, renames) {
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

/// The emit stage alone: every file of the crate as tokens or text.
pub fn emit(apis: &[Api], settings: &CrateSettings) -> Vec<EmittedFile> {
    emit::emit_files(apis, settings)
}

/// The format stage alone: prettyplease and the preamble for every Rust file.
pub fn format(
    files: Vec<EmittedFile>,
    settings: &CrateSettings,
) -> Result<Vec<GeneratedFile>, InternalError> {
    emit::format_files(files, settings)
}

/// Emit and format as [`generate`](crate::generate) does: each file (or run of items of a large
/// one) made by its own job on up to `threads` threads. The files are those of [`emit`] then
/// [`format`](fn@format), byte for byte.
pub fn emit_and_format(
    apis: &[Api],
    settings: &CrateSettings,
    threads: usize,
) -> Result<Vec<GeneratedFile>, InternalError> {
    emit::emit_crate(apis, settings, threads)
}

/// The first line of every generated file, naming the command that regenerates it.
pub fn preamble(command: &str) -> String {
    format::preamble(command)
}

/// Formats the tokens of one file behind `preamble`; the error is the parser's message.
pub fn format_tokens(tokens: TokenStream, preamble: &str) -> Result<String, String> {
    format::format_tokens(tokens, preamble)
}

/// How many threads generation uses by default: the machine's available parallelism.
pub fn available_threads() -> usize {
    parallel::available()
}

/// Runs `job` on every item on up to `threads` threads, largest `cost` first, and returns the
/// results in the order of `items`, as generation spreads its work.
pub fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    cost: impl Fn(&T) -> usize,
    job: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    parallel::map(items, threads, cost, job)
}
