//! Emitting: IR → the files of a client crate. Only Rust and reqwest are known here; every name
//! comes from the IR.

mod client;
pub mod doc_markdown;
mod feature_files;
mod features;
mod headers;
mod mock;
mod operations;
mod pagination;
mod runtime;
pub(crate) mod smoke;
mod tokens;
mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::InternalError;
use crate::format::{finish, format_tokens, preamble, unparse};
use crate::ir::Api;

/// One output file, relative to the crate directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// How the crate is laid out for its consumers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A member of an existing workspace (this repository's `generated/`).
    WorkspaceMember,
    /// A crate of its own, with an empty `[workspace]` so it builds anywhere; its single API's
    /// items are also re-exported at the crate root.
    Standalone,
}

/// What to call the crate and how it is produced.
#[derive(Debug, Clone)]
pub struct CrateSettings {
    pub crate_name: String,
    pub layout: Layout,
    /// The command users run to regenerate, named in every file's first line.
    pub command: String,
}

/// A file as emitted, before formatting: Rust tokens, or text that needs none.
#[derive(Debug, Clone)]
pub enum EmittedContent {
    Rust(TokenStream),
    Text(String),
}

/// One emitted file, relative to the crate directory.
#[derive(Debug, Clone)]
pub struct EmittedFile {
    pub path: String,
    pub content: EmittedContent,
}

/// Emits and formats every file of the crate on up to `threads` threads. Every file is emitted and formatted by the job
/// that makes it; `types.rs` and `operations.rs` are split into runs of items, a few per thread,
/// so that one large file does not keep a single thread busy while the others idle, and at most
/// 500 items long, so that memory holds one run's syntax tree per thread rather than a whole
/// file's. Tokens never cross threads and are dropped as soon as their text is printed. The
/// files are the same, byte for byte, whatever the number of threads.
pub fn emit_crate(
    apis: &[Api],
    settings: &CrateSettings,
    threads: usize,
) -> Result<Vec<GeneratedFile>, InternalError> {
    let header = preamble(&settings.command);
    let files = jobs(apis);
    // A few runs per thread, so the threads share large files; and runs of at most a few
    // hundred items, so only one run's tokens and syntax tree are alive per thread.
    let run_count = |items: usize| (4 * threads.max(1)).max(items.div_ceil(RUN_ITEMS));
    let mut work = Vec::new();
    for (file, job) in files.iter().enumerate() {
        match job {
            FileJob::Types(api) => {
                for range in runs(api.types.len(), run_count(api.types.len())) {
                    work.push(Work::TypeItems { file, api, range });
                }
            }
            FileJob::Operations(api) => {
                for range in runs(api.operations.len(), run_count(api.operations.len())) {
                    work.push(Work::OperationItems { file, api, range });
                }
            }
            _ => work.push(Work::Whole { file, job }),
        }
    }
    let done = crate::parallel::map(&work, threads, Work::cost, |w| w.run(settings, &header));
    let mut pieces: Vec<Vec<Piece>> = files.iter().map(|_| Vec::new()).collect();
    for (w, piece) in work.iter().zip(done) {
        if let Some(slot) = pieces.get_mut(w.file()) {
            slot.push(piece?);
        }
    }
    let made = files
        .iter()
        .zip(pieces)
        .map(|(job, pieces)| assemble(job, pieces, &header))
        .collect::<Result<Vec<_>, _>>()?;
    feature_files::split(made, apis, &header)
}

/// The most items a run of [`emit_crate`] holds.
const RUN_ITEMS: usize = 500;

/// Splits `len` items into at most `count` runs of nearly equal length, in order (always at
/// least one run, so an empty file still gets its prologue).
fn runs(len: usize, count: usize) -> Vec<std::ops::Range<usize>> {
    let count = count.clamp(1, len.max(1));
    (0..count)
        .map(|i| (i * len / count)..((i + 1) * len / count))
        .collect()
}

/// A unit of work of [`emit_crate`].
enum Work<'a> {
    Whole {
        file: usize,
        job: &'a FileJob<'a>,
    },
    TypeItems {
        file: usize,
        api: &'a Api,
        range: std::ops::Range<usize>,
    },
    OperationItems {
        file: usize,
        api: &'a Api,
        range: std::ops::Range<usize>,
    },
}

/// What a unit of work made: a whole file, or the printed text of a run of items with the
/// modules that run refers to (for the file's imports).
enum Piece {
    File(GeneratedFile),
    Items {
        text: String,
        uses_types: bool,
        uses_runtime: bool,
    },
}

impl Work<'_> {
    fn file(&self) -> usize {
        match self {
            Work::Whole { file, .. }
            | Work::TypeItems { file, .. }
            | Work::OperationItems { file, .. } => *file,
        }
    }

    fn cost(&self) -> usize {
        match self {
            Work::Whole { job, .. } => job.cost(),
            Work::TypeItems { range, .. } => 2 * range.len(),
            Work::OperationItems { range, .. } => 4 * range.len(),
        }
    }

    fn run(&self, settings: &CrateSettings, header: &str) -> Result<Piece, InternalError> {
        let (path, tokens) = match self {
            Work::Whole { job, .. } => {
                return format_file(job.emit(settings), header).map(Piece::File);
            }
            Work::TypeItems { api, range, .. } => (
                types_path(api),
                type_items(api, api.types.get(range.clone()).unwrap_or_default()),
            ),
            Work::OperationItems { api, range, .. } => (
                operations_path(api),
                operation_items(
                    api,
                    api.operations.get(range.clone()).unwrap_or_default(),
                    &settings.crate_name,
                ),
            ),
        };
        let uses_types = tokens::uses_module(&tokens, "types");
        let uses_runtime = tokens::uses_module(&tokens, "runtime");
        let text = unparse(tokens).map_err(|message| unparse_error(&path, &message))?;
        Ok(Piece::Items {
            text,
            uses_types,
            uses_runtime,
        })
    }
}

/// A file from its pieces: a whole file as made, or a prologue (module docs and the imports its
/// runs use) followed by the runs' texts.
fn assemble(
    job: &FileJob,
    pieces: Vec<Piece>,
    header: &str,
) -> Result<GeneratedFile, InternalError> {
    let mut text = String::new();
    let (mut uses_types, mut uses_runtime) = (false, false);
    for piece in pieces {
        match piece {
            Piece::File(file) => return Ok(file),
            Piece::Items {
                text: run,
                uses_types: types,
                uses_runtime: runtime,
            } => {
                text.push_str(&run);
                uses_types |= types;
                uses_runtime |= runtime;
            }
        }
    }
    let (path, prologue) = match job {
        FileJob::Types(api) => (types_path(api), types::types_prologue(uses_runtime)),
        FileJob::Operations(api) => (
            operations_path(api),
            operations::operations_prologue(uses_types, uses_runtime),
        ),
        _ => {
            return Err(InternalError {
                file: "src".into(),
                message: "a file made of item runs is neither types.rs nor operations.rs".into(),
            });
        }
    };
    let prologue = match job {
        FileJob::Types(api) | FileJob::Operations(api) if api.features.is_some() => {
            features::allow_unused_imports(prologue)
        }
        _ => prologue,
    };
    let mut contents = unparse(prologue).map_err(|message| unparse_error(&path, &message))?;
    contents.push_str(&text);
    Ok(GeneratedFile {
        contents: finish(header, &contents),
        path,
    })
}

/// The items of a run of types, behind their features when the API has per-tag features.
fn type_items(api: &Api, defs: &[crate::ir::TypeDef]) -> TokenStream {
    match &api.features {
        Some(gates) => features::gated_type_items(api, defs, gates),
        None => types::type_items(api, defs),
    }
}

/// The items of a run of operations, behind their features when the API has per-tag features.
fn operation_items(api: &Api, ops: &[crate::ir::Operation], crate_name: &str) -> TokenStream {
    match &api.features {
        Some(gates) => features::gated_operation_items(api, ops, gates, &rust_crate(crate_name)),
        None => operations::operation_items(api, ops),
    }
}

/// The name Rust code uses for the crate: `-` becomes `_`.
fn rust_crate(crate_name: &str) -> String {
    crate_name.replace('-', "_")
}

fn types_path(api: &Api) -> String {
    format!("src/{}/types.rs", api.module)
}

fn operations_path(api: &Api) -> String {
    format!("src/{}/operations.rs", api.module)
}

/// A file whose emitted tokens are not Rust: a bug in the emitter, never a problem of the
/// document.
fn unparse_error(path: &str, message: &str) -> InternalError {
    InternalError {
        file: path.to_string(),
        message: format!("the emitted code of this file does not parse: {message}"),
    }
}

/// The emit stage alone: every file of the crate as tokens or text.
pub fn emit_files(apis: &[Api], settings: &CrateSettings) -> Vec<EmittedFile> {
    jobs(apis).iter().map(|job| job.emit(settings)).collect()
}

/// The format stage alone: prettyplease and the preamble for every Rust file.
pub fn format_files(
    files: Vec<EmittedFile>,
    settings: &CrateSettings,
) -> Result<Vec<GeneratedFile>, InternalError> {
    let header = preamble(&settings.command);
    files
        .into_iter()
        .map(|file| format_file(file, &header))
        .collect()
}

/// One emitted file as written: Rust formatted behind the preamble, text as it is.
fn format_file(file: EmittedFile, header: &str) -> Result<GeneratedFile, InternalError> {
    match file.content {
        EmittedContent::Text(contents) => Ok(GeneratedFile {
            path: file.path,
            contents,
        }),
        EmittedContent::Rust(tokens) => rust_file(&file.path, tokens, header),
    }
}

/// One file of the crate, not yet emitted.
enum FileJob<'a> {
    CargoToml(&'a [Api]),
    LibRs(&'a [Api]),
    /// A file of the runtime module, the same in every crate.
    Runtime(&'static runtime::RuntimeFile),
    ApiModule(&'a Api),
    Types(&'a Api),
    Operations(&'a Api),
    Mock(&'a Api),
}

/// The crate's files in their output order.
fn jobs(apis: &[Api]) -> Vec<FileJob<'_>> {
    let mut jobs = vec![FileJob::CargoToml(apis), FileJob::LibRs(apis)];
    jobs.extend(runtime::RUNTIME_FILES.iter().map(FileJob::Runtime));
    for api in apis {
        jobs.extend([
            FileJob::ApiModule(api),
            FileJob::Types(api),
            FileJob::Operations(api),
            FileJob::Mock(api),
        ]);
    }
    jobs
}

impl FileJob<'_> {
    /// A rough measure of the work, for starting the largest files first.
    fn cost(&self) -> usize {
        match self {
            FileJob::CargoToml(_) | FileJob::LibRs(_) | FileJob::Runtime(_) => 0,
            FileJob::Mock(api) => 2 * api.operations.len(),
            FileJob::ApiModule(api) => api.operations.len() + api.security_schemes.len(),
            FileJob::Types(api) => 2 * api.types.len(),
            FileJob::Operations(api) => 4 * api.operations.len(),
        }
    }

    fn emit(&self, settings: &CrateSettings) -> EmittedFile {
        let rust = |path: String, tokens: TokenStream| EmittedFile {
            path,
            content: EmittedContent::Rust(tokens),
        };
        let dir = |api: &Api| format!("src/{}", api.module);
        match self {
            FileJob::CargoToml(apis) => EmittedFile {
                path: "Cargo.toml".into(),
                content: EmittedContent::Text(cargo_toml(
                    settings,
                    &preamble(&settings.command),
                    apis,
                )),
            },
            FileJob::LibRs(apis) => rust("src/lib.rs".into(), lib_rs(apis, settings)),
            FileJob::Runtime(file) => EmittedFile {
                path: file.path(),
                content: EmittedContent::Text(format!(
                    "{}\n{}\n",
                    preamble(&settings.command),
                    file.contents()
                )),
            },
            FileJob::ApiModule(api) => {
                let user_agent = format!("{}/0.1.0 (generated Rust client)", settings.crate_name);
                let module =
                    client::api_module(api, &user_agent, &rust_crate(&settings.crate_name));
                let module = match &api.features {
                    Some(gates) => features::gate_api_module(module, gates, api),
                    None => module,
                };
                rust(format!("{}/mod.rs", dir(api)), module)
            }
            FileJob::Types(api) => rust(types_path(api), whole_types_module(api)),
            FileJob::Operations(api) => rust(
                operations_path(api),
                whole_operations_module(api, &rust_crate(&settings.crate_name)),
            ),
            FileJob::Mock(api) => rust(
                mock::mock_path(api),
                mock::mock_module(api, &settings.crate_name),
            ),
        }
    }
}

/// `types.rs` in one piece, as the emit stage alone makes it.
fn whole_types_module(api: &Api) -> TokenStream {
    match &api.features {
        Some(gates) => {
            let items = features::gated_type_items(api, &api.types, gates);
            let prologue = types::types_prologue(tokens::uses_module(&items, "runtime"));
            features::gated_module(prologue, items)
        }
        None => types::types_module(api),
    }
}

/// `operations.rs` in one piece, as the emit stage alone makes it.
fn whole_operations_module(api: &Api, crate_name: &str) -> TokenStream {
    match &api.features {
        Some(gates) => {
            let items = features::gated_operation_items(api, &api.operations, gates, crate_name);
            let prologue = operations::operations_prologue(
                tokens::uses_module(&items, "types"),
                tokens::uses_module(&items, "runtime"),
            );
            features::gated_module(prologue, items)
        }
        None => operations::operations_module(api),
    }
}

fn rust_file(
    path: &str,
    tokens: TokenStream,
    header: &str,
) -> Result<GeneratedFile, InternalError> {
    let contents =
        format_tokens(tokens, header).map_err(|message| unparse_error(path, &message))?;
    Ok(GeneratedFile {
        path: path.to_string(),
        contents,
    })
}

fn lib_rs(apis: &[Api], settings: &CrateSettings) -> TokenStream {
    let modules = apis.iter().map(|api| {
        let module = tokens::ident(&api.module);
        let doc = format!(" {}", doc_markdown::inline(&api.title));
        quote! {
            #[doc = #doc]
            #[rustfmt::skip]
            pub mod #module;
        }
    });
    let list: Vec<String> = apis
        .iter()
        .map(|a| format!(" - [`{}`] ({})", a.module, doc_markdown::inline(&a.title)))
        .collect();
    let reexport = match (settings.layout, apis) {
        (Layout::Standalone, [only]) => {
            let module = tokens::ident(&only.module);
            Some(quote! { pub use #module::*; })
        }
        _ => None,
    };
    quote! {
        //! Rust clients for these APIs, generated from their OpenAPI documents:
        //!
        #(#![doc = #list])*
        //!
        //! Each module has a `Client` (built with `Client::builder()`), one method per operation
        //! returning a request builder, and the API's model types. Shared machinery (retries,
        //! timeouts, errors, credentials) lives in [`runtime`].
        #![warn(missing_docs)]
        // Rustdoc works out the auto traits (`Send`, `RefUnwindSafe`…) of each model type through
        // its fields; the nested types of large documents (Stripe's) go deeper than the default
        // limit of 128, which fails `cargo doc` though `cargo check` passes.
        #![recursion_limit = "256"]
        // Operations with many required parameters take them all as arguments, and outcome
        // enums hold bodies of very different sizes; both by design. Arguments and setters keep
        // the document's parameter names, which may be placeholders (`foo`) or the names of
        // operator methods (a setter `add(self, value) -> Self`).
        #![allow(
            clippy::too_many_arguments,
            clippy::large_enum_variant,
            clippy::disallowed_names,
            clippy::should_implement_trait
        )]

        pub mod runtime;
        #(#modules)*
        #reexport
    }
}

/// The crate's manifest: the runtime's dependencies and features (the typed mocks), and one
/// feature per tag when the APIs have them, all in one `[features]` table.
fn cargo_toml(settings: &CrateSettings, header: &str, apis: &[Api]) -> String {
    let header = header.replacen("//", "#", 1);
    let workspace = match settings.layout {
        Layout::Standalone => {
            "\n# A crate of its own, even when generated inside another workspace.\n[workspace]\n"
        }
        Layout::WorkspaceMember => "",
    };
    format!(
        r#"{header}
[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
description = "Generated OpenAPI client"
publish = false

[dependencies]
{dependencies}
[features]
{features}{workspace}"#,
        name = settings.crate_name,
        dependencies = runtime::dependencies(),
        features = runtime::features() + &features::cargo_features(apis),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_that_are_not_rust_are_a_generator_bug() {
        let settings = CrateSettings {
            crate_name: "t".into(),
            layout: Layout::Standalone,
            command: "test".into(),
        };
        let invalid = "pub struct ;".parse().unwrap_or_default();
        let file = EmittedFile {
            path: "src/api/types.rs".into(),
            content: EmittedContent::Rust(invalid),
        };
        let Err(bug) = format_files(vec![file], &settings) else {
            unreachable!("`pub struct ;` is not Rust");
        };
        assert_eq!(bug.file, "src/api/types.rs");
        let text = bug.to_string();
        assert!(
            text.starts_with("internal error: this is a bug in the generator, please report it"),
            "{text}"
        );
        assert!(text.contains("does not parse"), "{text}");
    }
}
