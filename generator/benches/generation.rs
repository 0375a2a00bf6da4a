//! Generation speed: where the time goes, how it scales, and how much heap it takes.
//!
//! ```sh
//! cargo bench -p openapi-rs-generator --bench generation
//! cargo bench -p openapi-rs-generator --bench generation -- stages   # one criterion group
//! ```
//!
//! Three parts, all in one run so the ratios compare figures taken under the same load:
//!
//! 1. **stages** (criterion): for `spec/teams.yaml`, `membership.yaml`, `cpaas.yaml` and all three
//!    together, each stage on its own: `parse` (the floor: the document text to a
//!    `serde_json::Value`, the parser `load` itself uses), `load`, `normalize`, `emit`, `format`,
//!    `write` (into a fresh directory under `target/`), and `pipeline` (all of them, text to files
//!    on disk).
//! 2. **scaling** (criterion): the pipeline on synthetic specs of 10, 100, 1,000 and 5,000
//!    operations, and on `stripe.yaml` and `oxide-nexus.json` from the shared corpus
//!    (`../shared/corpus` beside the repository; skipped with a note when absent).
//! 3. **summary** (printed last): every stage timed in interleaved rounds (one batch of each
//!    stage per round, so a disturbance hits all stages of a round alike), the median of each,
//!    the median per-round ratio `pipeline / parse`, time per operation, and the peak heap of
//!    one pipeline run (a counting global allocator around `System`) per operation.
//!
//! Criterion's defaults here are short (sample size 10, 1 s warm-up, 2 s measurement); the usual
//! criterion flags after `--` override them. `BENCH_ROUNDS=N` sets the summary's rounds.

// Benchmarks are not tests, so the workspace's unwrap/panic lints apply here. A benchmark whose
// fixture fails to generate has nothing to measure: it stops with `expect` and the reason.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput};
use generator::emit::{self, CrateSettings, EmittedContent, EmittedFile, GeneratedFile, Layout};
use generator::ir::Api;
use generator::load::{self, Document, LoadOptions};
use generator::{normalize, write};
use peakmem_alloc::{INSTRUMENTED_SYSTEM, PeakMemAlloc, PeakMemAllocTrait};
use serde_json::{Value, json};

/// Counts every allocation: `reset_peak_memory` then `get_peak_memory` gives the most heap
/// held at once in between, over what was held at the reset.
#[global_allocator]
static ALLOCATOR: &PeakMemAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

// ---------------------------------------------------------------------------------------------
// Fixtures

/// One document of a fixture: its text as read, the path diagnostics name, its module.
struct Spec {
    file: PathBuf,
    text: String,
    module: String,
}

/// A set of documents generated into one crate.
struct Fixture {
    name: String,
    specs: Vec<Spec>,
    settings: CrateSettings,
    options: LoadOptions,
}

fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn codegen_settings() -> CrateSettings {
    CrateSettings {
        crate_name: "userapis".into(),
        layout: Layout::WorkspaceMember,
        command: "cargo xtask codegen".into(),
    }
}

fn standalone_settings(name: &str) -> CrateSettings {
    CrateSettings {
        crate_name: name.into(),
        layout: Layout::Standalone,
        command: format!("cargo xtask generate --spec {name}"),
    }
}

/// The repository's specs: one fixture each, and all three as `cargo xtask codegen` makes them.
fn repository_fixtures() -> Vec<Fixture> {
    let root = repo_root();
    let read = |file: &str, module: &str| Spec {
        file: PathBuf::from("spec").join(file),
        text: std::fs::read_to_string(root.join("spec").join(file))
            .expect("the repository's specs are readable"),
        module: module.into(),
    };
    let all = [
        ("teams.yaml", "teams"),
        ("membership.yaml", "membership"),
        ("cpaas.yaml", "cpaas"),
    ];
    let mut fixtures: Vec<Fixture> = all
        .iter()
        .map(|(file, module)| Fixture {
            name: (*module).into(),
            specs: vec![read(file, module)],
            settings: codegen_settings(),
            options: LoadOptions::default(),
        })
        .collect();
    fixtures.push(Fixture {
        name: "all3".into(),
        specs: all.iter().map(|(f, m)| read(f, m)).collect(),
        settings: codegen_settings(),
        options: LoadOptions::default(),
    });
    fixtures
}

fn standalone(name: &str, file: PathBuf, text: String, options: LoadOptions) -> Fixture {
    Fixture {
        name: name.into(),
        specs: vec![Spec {
            file,
            text,
            module: "api".into(),
        }],
        settings: standalone_settings(name),
        options,
    }
}

/// `stripe.yaml` and `oxide-nexus.json` from `../shared/corpus`, those that exist and generate
/// (strictly, else leniently); a note for each that does not.
fn corpus_fixtures() -> Vec<Fixture> {
    let corpus = repo_root()
        .parent()
        .map(|p| p.join("shared/corpus"))
        .unwrap_or_default();
    let mut out = Vec::new();
    for (name, file) in [
        ("stripe", "stripe.yaml"),
        ("oxide-nexus", "oxide-nexus.json"),
    ] {
        let path = corpus.join(file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            println!(
                "note: {} is absent; the scaling benchmark skips it",
                path.display()
            );
            continue;
        };
        let mut chosen = None;
        for lenient in [false, true] {
            let fixture = standalone(name, path.clone(), text.clone(), LoadOptions { lenient });
            match try_generate(&fixture) {
                Ok(_) => {
                    chosen = Some(fixture);
                    break;
                }
                Err(e) if lenient => println!("note: {file} does not generate, skipped: {e}"),
                Err(_) => {}
            }
        }
        if let Some(fixture) = chosen {
            if fixture.options.lenient {
                println!("note: {file} generates only in lenient mode, measured so");
            }
            out.push(fixture);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Synthetic specs

/// An OpenAPI 3.0 document of `operations` operations in groups of five over one resource each
/// (list with query parameters, create with a JSON body, get by path parameter with a header,
/// partial update with an inline nested body, delete with a query flag) and four schemas per
/// group (a resource with nested objects, arrays, a map and refs; its create body; a part; a
/// string enum), plus a shared error schema.
fn synthetic_spec(operations: usize) -> String {
    let mut paths = serde_json::Map::new();
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "Error".into(),
        json!({
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "integer", "format": "int32"},
                "message": {"type": "string"},
                "details": {"type": "array", "items": {"type": "string"}}
            }
        }),
    );
    let error = json!({
        "description": "An error.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    });
    let groups = operations.div_ceil(5);
    for g in 0..groups {
        let widget = format!("#/components/schemas/Widget{g}");
        let ops_here = (operations - g * 5).min(5);
        let status = format!("Status{g}");
        schemas.insert(
            status.clone(),
            json!({"type": "string", "enum": ["active", "archived", "pending", "deleted"],
                   "description": "Lifecycle state."}),
        );
        schemas.insert(
            format!("Part{g}"),
            json!({
                "type": "object",
                "required": ["sku"],
                "properties": {
                    "sku": {"type": "string"},
                    "quantity": {"type": "integer", "format": "int32", "minimum": 0},
                    "kind": {"type": "string", "enum": ["bolt", "nut", "gear"]}
                }
            }),
        );
        schemas.insert(
            format!("Widget{g}"),
            json!({
                "type": "object",
                "description": "A widget of group {g}.",
                "required": ["id", "name", "status"],
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "name": {"type": "string", "description": "Display name."},
                    "status": {"$ref": format!("#/components/schemas/{status}")},
                    "created_at": {"type": "string", "format": "date-time"},
                    "count": {"type": "integer", "format": "int64"},
                    "price": {"type": "number", "format": "double", "nullable": true},
                    "owner": {
                        "type": "object",
                        "properties": {
                            "id": {"type": "string"},
                            "email": {"type": "string", "format": "email"},
                            "address": {
                                "type": "object",
                                "properties": {
                                    "street": {"type": "string"},
                                    "city": {"type": "string"},
                                    "country": {"type": "string", "enum": ["DE", "FR", "US"]}
                                }
                            }
                        }
                    },
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "parts": {"type": "array", "items": {"$ref": format!("#/components/schemas/Part{g}")}},
                    "metadata": {"type": "object", "additionalProperties": {"type": "string"}}
                }
            }),
        );
        schemas.insert(
            format!("WidgetCreate{g}"),
            json!({
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "status": {"$ref": format!("#/components/schemas/{status}")},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "owner_id": {"type": "string"}
                }
            }),
        );
        let one = json!({
            "description": "The widget.",
            "content": {"application/json": {"schema": {"$ref": widget}}}
        });
        let id_param = json!({"name": "widgetId", "in": "path", "required": true,
                              "schema": {"type": "string"}});
        let mut collection = serde_json::Map::new();
        let mut item = serde_json::Map::new();
        if ops_here > 0 {
            collection.insert("get".into(), json!({
                "operationId": format!("listWidgets{g}"),
                "summary": format!("List the widgets of group {g}"),
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 100}},
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                    {"name": "status", "in": "query", "schema": {"$ref": format!("#/components/schemas/{status}")}},
                    {"name": "tags", "in": "query", "explode": true, "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["name", "-name", "created_at"]}}
                ],
                "responses": {
                    "200": {"description": "A page of widgets.", "content": {"application/json": {"schema": {
                        "type": "object",
                        "required": ["items"],
                        "properties": {
                            "items": {"type": "array", "items": {"$ref": widget}},
                            "next_cursor": {"type": "string", "nullable": true},
                            "total": {"type": "integer"}
                        }
                    }}}},
                    "default": error
                }
            }));
        }
        if ops_here > 1 {
            collection.insert("post".into(), json!({
                "operationId": format!("createWidget{g}"),
                "summary": "Create a widget",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/WidgetCreate{g}")}}}},
                "responses": {"201": one, "400": error}
            }));
        }
        if ops_here > 2 {
            item.insert("get".into(), json!({
                "operationId": format!("getWidget{g}"),
                "summary": "Get one widget",
                "parameters": [id_param, {"name": "X-Request-Id", "in": "header", "schema": {"type": "string"}}],
                "responses": {"200": one, "404": error}
            }));
        }
        if ops_here > 3 {
            item.insert(
                "patch".into(),
                json!({
                    "operationId": format!("updateWidget{g}"),
                    "summary": "Update a widget",
                    "parameters": [id_param],
                    "requestBody": {"content": {"application/json": {"schema": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string"},
                            "status": {"type": "string", "enum": ["active", "archived"]},
                            "settings": {"type": "object", "properties": {
                                "color": {"type": "string"},
                                "size": {"type": "integer"},
                                "flags": {"type": "array", "items": {"type": "boolean"}}
                            }},
                            "labels": {"type": "object", "additionalProperties": {"type": "string"}}
                        }
                    }}}},
                    "responses": {"200": one, "default": error}
                }),
            );
        }
        if ops_here > 4 {
            item.insert("delete".into(), json!({
                "operationId": format!("deleteWidget{g}"),
                "summary": "Delete a widget",
                "parameters": [id_param, {"name": "force", "in": "query", "schema": {"type": "boolean"}}],
                "responses": {"204": {"description": "Deleted."}, "default": error}
            }));
        }
        paths.insert(format!("/widgets{g}"), Value::Object(collection));
        if !item.is_empty() {
            paths.insert(format!("/widgets{g}/{{widgetId}}"), Value::Object(item));
        }
    }
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": format!("Synthetic API of {operations} operations"), "version": "1.0.0"},
        "servers": [{"url": "https://api.example.com/v1"}],
        "paths": paths,
        "components": {"schemas": schemas}
    });
    serde_yaml::to_string(&doc).expect("a JSON value prints as YAML")
}

fn synthetic_fixture(operations: usize) -> Fixture {
    let name = format!("synthetic-{operations}");
    let file = PathBuf::from(format!("{name}.yaml"));
    standalone(
        &name,
        file,
        synthetic_spec(operations),
        LoadOptions::default(),
    )
}

// ---------------------------------------------------------------------------------------------
// Stages

fn parse(fx: &Fixture) -> Vec<Value> {
    fx.specs
        .iter()
        .map(|s| {
            let json = s.file.extension().is_some_and(|e| e == "json")
                || s.text.trim_start().starts_with('{');
            if json {
                serde_json::from_str(&s.text).expect("the document is JSON")
            } else {
                serde_yaml::from_str(&s.text).expect("the document is YAML")
            }
        })
        .collect()
}

fn load(fx: &Fixture) -> Vec<Document> {
    fx.specs
        .iter()
        .map(|s| load::load_str_with(&s.file, &s.text, fx.options).expect("the document loads"))
        .collect()
}

fn normalize(fx: &Fixture, docs: &[Document]) -> Vec<Api> {
    docs.iter()
        .zip(&fx.specs)
        .map(|(doc, s)| {
            normalize::normalize(doc, &s.module)
                .expect("the document normalizes")
                .api
        })
        .collect()
}

fn emit(fx: &Fixture, apis: &[Api]) -> Vec<EmittedFile> {
    emit::emit_files(apis, &fx.settings)
}

fn format(fx: &Fixture, files: Vec<EmittedFile>) -> Vec<GeneratedFile> {
    emit::format_files(files, &fx.settings).expect("the emitted code formats")
}

fn write(dir: &Path, files: &[GeneratedFile]) {
    write::write_all(dir, files).expect("the files are written");
}

/// A fresh directory for `write`, under `target/` (removed when dropped).
fn fresh_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("bench-write-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("a temporary directory under target/")
}

/// Text to files on disk, every stage once.
/// Like `generator::generate` and `write::write_all`: each document is dropped once normalized,
/// the IR is kept until the files are made.
fn pipeline(fx: &Fixture, dir: &Path) -> usize {
    let apis: Vec<Api> = fx
        .specs
        .iter()
        .map(|s| {
            let doc = load::load_str_with(&s.file, &s.text, fx.options).expect("it loads");
            normalize::normalize(&doc, &s.module)
                .expect("it normalizes")
                .api
        })
        .collect();
    let files = format(fx, emit(fx, &apis));
    write(dir, &files);
    files.len()
}

/// The pipeline without panicking, for choosing strict or lenient mode.
fn try_generate(fx: &Fixture) -> Result<Vec<GeneratedFile>, String> {
    let mut apis = Vec::new();
    for s in &fx.specs {
        let doc = load::load_str_with(&s.file, &s.text, fx.options).map_err(|d| first(&d))?;
        apis.push(
            normalize::normalize(&doc, &s.module)
                .map_err(|d| first(&d))?
                .api,
        );
    }
    emit::format_files(emit::emit_files(&apis, &fx.settings), &fx.settings).map_err(|d| first(&d))
}

fn first(d: &generator::Diagnostics) -> String {
    let errors = d.0.iter().filter(|d| d.is_error()).count();
    let text =
        d.0.iter()
            .find(|d| d.is_error())
            .map(|d| d.to_string())
            .unwrap_or_default();
    let line = text.lines().next().unwrap_or_default().to_string();
    format!("{errors} errors, the first: {line}")
}

// ---------------------------------------------------------------------------------------------
// Criterion groups

fn stages(c: &mut Criterion, fixtures: &[Fixture]) {
    let mut group = c.benchmark_group("stages");
    for fx in fixtures {
        let docs = load(fx);
        let apis = normalize(fx, &docs);
        let emitted = emit(fx, &apis);
        let files = format(fx, emitted.clone());
        group.bench_function(BenchmarkId::new("parse", &fx.name), |b| {
            b.iter(|| black_box(parse(fx)))
        });
        group.bench_function(BenchmarkId::new("load", &fx.name), |b| {
            b.iter(|| black_box(load(fx)))
        });
        group.bench_function(BenchmarkId::new("normalize", &fx.name), |b| {
            b.iter(|| black_box(normalize(fx, &docs)))
        });
        group.bench_function(BenchmarkId::new("emit", &fx.name), |b| {
            b.iter(|| black_box(emit(fx, &apis)))
        });
        group.bench_function(BenchmarkId::new("format", &fx.name), |b| {
            b.iter_batched(|| emitted.clone(), |e| format(fx, e), BatchSize::SmallInput)
        });
        group.bench_function(BenchmarkId::new("write", &fx.name), |b| {
            b.iter_batched(
                fresh_dir,
                |dir| {
                    write(dir.path(), &files);
                    dir
                },
                BatchSize::PerIteration,
            )
        });
        group.bench_function(BenchmarkId::new("pipeline", &fx.name), |b| {
            b.iter_batched(
                fresh_dir,
                |dir| {
                    black_box(pipeline(fx, dir.path()));
                    dir
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

fn scaling(c: &mut Criterion, fixtures: &[(Fixture, usize)]) {
    let mut group = c.benchmark_group("scaling");
    group.sampling_mode(SamplingMode::Flat);
    for (fx, operations) in fixtures {
        // Ten samples of one run each, whatever a run takes: no "unable to complete" warning.
        let once = checkpointed(fx)[7];
        group.measurement_time(Duration::from_secs(2).max(once.mul_f64(12.0)));
        group.throughput(Throughput::Elements(*operations as u64));
        group.bench_function(BenchmarkId::new("pipeline", &fx.name), |b| {
            b.iter_batched(
                fresh_dir,
                |dir| {
                    black_box(pipeline(fx, dir.path()));
                    dir
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

// ---------------------------------------------------------------------------------------------
// Summary: interleaved rounds, ratios, memory

/// The columns of a checkpointed pipeline run: each stage as it runs inside the pipeline, and
/// dropping what it made (the documents after normalize, as `generate` does, and the IR and
/// files at the end: what an isolated stage bench leaves outside its clock).
const COLUMNS: [&str; 8] = [
    "parse",
    "load",
    "normalize",
    "emit",
    "format",
    "write",
    "drop",
    "pipeline",
];

/// Medians of each column's per-run time, and the median of per-round `pipeline / parse`.
struct Timings {
    median: [Duration; 8],
    ratio: f64,
}

/// One pipeline run, text to files on disk, timed at every stage boundary; index 0 (parse) is
/// left zero and `pipeline` is the sum.
fn checkpointed(fx: &Fixture) -> [Duration; 8] {
    let dir = fresh_dir();
    let mut out = [Duration::ZERO; 8];
    let start = Instant::now();
    let docs = load(fx);
    let t1 = Instant::now();
    let apis = normalize(fx, &docs);
    let t2 = Instant::now();
    // `generate` drops each document once normalized; the IR lives until the end.
    drop(black_box(docs));
    let t2b = Instant::now();
    let emitted = emit(fx, &apis);
    let t3 = Instant::now();
    let files = format(fx, emitted);
    let t4 = Instant::now();
    write(dir.path(), &files);
    let t5 = Instant::now();
    drop(black_box(files));
    drop(black_box(apis));
    let t6 = Instant::now();
    out[1] = t1 - start;
    out[2] = t2 - t1;
    out[3] = t3 - t2b;
    out[4] = t4 - t3;
    out[5] = t5 - t4;
    out[6] = (t2b - t2) + (t6 - t5);
    out[7] = t6 - start;
    out
}

/// Round-robin over `fixtures`: in each of `rounds` rounds, every fixture runs a batch of
/// `reps` parses then `reps` checkpointed pipelines, so a disturbance of the machine hits the
/// floor and the pipelines of the same round alike. Returns each fixture's per-round samples
/// (per-run times).
fn interleaved(fixtures: &[(&Fixture, usize)], rounds: usize) -> Vec<Vec<[Duration; 8]>> {
    let mut samples = vec![Vec::with_capacity(rounds); fixtures.len()];
    for _ in 0..rounds {
        for ((fx, reps), out) in fixtures.iter().zip(&mut samples) {
            let mut round = [Duration::ZERO; 8];
            for _ in 0..*reps {
                round[0] += timed(|| parse(fx));
            }
            for _ in 0..*reps {
                let run = checkpointed(fx);
                for (slot, d) in round.iter_mut().zip(run).skip(1) {
                    *slot += d;
                }
            }
            for slot in &mut round {
                *slot /= *reps as u32;
            }
            out.push(round);
        }
    }
    samples
}

fn timings(samples: &[[Duration; 8]]) -> Timings {
    let mut median = [Duration::ZERO; 8];
    for (i, slot) in median.iter_mut().enumerate() {
        let mut column: Vec<Duration> = samples.iter().map(|r| r[i]).collect();
        column.sort();
        *slot = column[column.len() / 2];
    }
    let ratios: Vec<f64> = samples
        .iter()
        .map(|r| r[7].as_secs_f64() / r[0].as_secs_f64())
        .collect();
    Timings {
        median,
        ratio: median_f64(ratios),
    }
}

fn median_f64(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Runs `f` and returns how long it took; its result is dropped after the clock stops.
fn timed<T>(f: impl FnOnce() -> T) -> Duration {
    let start = Instant::now();
    let out = black_box(f());
    let elapsed = start.elapsed();
    drop(out);
    elapsed
}

/// Peak heap of one pipeline run (bytes over what was held before it), and the peak each of
/// load, normalize, emit and format adds over what is held when it starts (the documents are
/// dropped after normalize, as `generate` does, so emit and format start from the IR alone).
fn peak_heap(fx: &Fixture) -> (usize, [usize; 4]) {
    let dir = fresh_dir();
    ALLOCATOR.reset_peak_memory();
    black_box(pipeline(fx, dir.path()));
    let whole = ALLOCATOR.get_peak_memory();
    let mut stages = [0; 4];
    ALLOCATOR.reset_peak_memory();
    let docs = load(fx);
    stages[0] = ALLOCATOR.get_peak_memory();
    ALLOCATOR.reset_peak_memory();
    let apis = normalize(fx, &docs);
    stages[1] = ALLOCATOR.get_peak_memory();
    drop(docs);
    ALLOCATOR.reset_peak_memory();
    let emitted = emit(fx, &apis);
    stages[2] = ALLOCATOR.get_peak_memory();
    ALLOCATOR.reset_peak_memory();
    black_box(format(fx, emitted));
    stages[3] = ALLOCATOR.get_peak_memory();
    (whole, stages)
}

/// Where `format` spends its time: `syn` parsing the emitted tokens into a file, `prettyplease`
/// printing it, and the rest (blank lines between items, the preamble). Medians of `reps` runs.
fn format_breakdown(fx: &Fixture, reps: usize) -> [Duration; 4] {
    let apis = normalize(fx, &load(fx));
    let header = generator::format::preamble(&fx.settings.command);
    let mut runs: Vec<[Duration; 4]> = Vec::new();
    for _ in 0..reps.max(1) {
        let mut run = [Duration::ZERO; 4];
        // Two copies, so each token stream is consumed as uniquely owned, as in `format`.
        for (a, b) in emit(fx, &apis).into_iter().zip(emit(fx, &apis)) {
            let (EmittedContent::Rust(tokens), EmittedContent::Rust(again)) =
                (a.content, b.content)
            else {
                continue;
            };
            let start = Instant::now();
            let parsed: syn::File = syn::parse2(tokens).expect("the emitted code parses");
            let t1 = Instant::now();
            let printed = prettyplease::unparse(&parsed);
            let t2 = Instant::now();
            drop(black_box(parsed));
            let t3 = Instant::now();
            drop(printed);
            let t4 = Instant::now();
            black_box(generator::format::format_tokens(again, &header).expect("it formats"));
            let whole = t4.elapsed();
            run[0] += t1 - start;
            run[1] += t2 - t1;
            run[2] += t3 - t2;
            run[3] += whole.saturating_sub(t3 - start);
        }
        runs.push(run);
    }
    let mut out = [Duration::ZERO; 4];
    for (i, slot) in out.iter_mut().enumerate() {
        let mut column: Vec<Duration> = runs.iter().map(|r| r[i]).collect();
        column.sort();
        *slot = column[column.len() / 2];
    }
    out
}

/// Where `load` spends its time: parsing the text (the floor), deserializing the tree into
/// `openapiv3` types through `serde_path_to_error` (as `load` does), and the same without path
/// tracking (what it would cost if the path were only sought after a failure). Medians of `reps`
/// runs, summed over the fixture's documents; `None` for documents converted on load.
fn load_breakdown(fx: &Fixture, reps: usize) -> Option<[Duration; 3]> {
    let trees = parse(fx);
    if trees.iter().any(|t| {
        !t.get("openapi")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with("3.0"))
    }) {
        return None;
    }
    let mut runs: Vec<[Duration; 3]> = Vec::new();
    for _ in 0..reps.max(1) {
        let mut run = [Duration::ZERO; 3];
        for tree in &trees {
            run[1] += timed(|| {
                serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(tree)
                    .expect("the document deserializes")
            });
            run[2] += timed(|| {
                <openapiv3::OpenAPI as serde::Deserialize>::deserialize(tree)
                    .expect("the document deserializes")
            });
        }
        run[0] = timed(|| parse(fx));
        runs.push(run);
    }
    let mut out = [Duration::ZERO; 3];
    for (i, slot) in out.iter_mut().enumerate() {
        let mut column: Vec<Duration> = runs.iter().map(|r| r[i]).collect();
        column.sort();
        *slot = column[column.len() / 2];
    }
    Some(out)
}

struct Row {
    name: String,
    operations: usize,
    types: usize,
    input_bytes: usize,
    output_lines: usize,
    output_bytes: usize,
    timings: Timings,
    peak: usize,
    stage_peaks: [usize; 4],
    /// `format` split: syn parse, prettyplease, dropping the syntax tree, the rest (spacing).
    format: [Duration; 4],
    /// `load` split: parse, typed deserialize with path tracking, and without.
    load: Option<[Duration; 3]>,
}

/// Measures `fixtures` in interleaved rounds; also returns, per round, each fixture's pipeline
/// time (for ratios between fixtures taken in the same round).
fn measure(fixtures: &[&Fixture], rounds: usize) -> (Vec<Row>, Vec<Vec<f64>>) {
    // Batches of at least ~20 ms of pipeline keep the clock's resolution out of the figures.
    let plan: Vec<(&Fixture, usize)> = fixtures
        .iter()
        .map(|fx| {
            let once = checkpointed(fx)[7];
            let reps = (0.02 / once.as_secs_f64().max(1e-9))
                .ceil()
                .clamp(1.0, 50.0);
            (*fx, reps as usize)
        })
        .collect();
    let samples = interleaved(&plan, rounds);
    let per_round = samples
        .iter()
        .map(|s| s.iter().map(|r| r[7].as_secs_f64()).collect())
        .collect();
    let rows = fixtures
        .iter()
        .zip(&samples)
        .map(|(fx, samples)| {
            let apis = normalize(fx, &load(fx));
            let files = format(fx, emit(fx, &apis));
            let (peak, stage_peaks) = peak_heap(fx);
            let slow = samples[0][7] > Duration::from_millis(500);
            Row {
                name: fx.name.clone(),
                operations: apis.iter().map(|a| a.operations.len()).sum(),
                types: apis.iter().map(|a| a.types.len()).sum(),
                input_bytes: fx.specs.iter().map(|s| s.text.len()).sum(),
                output_lines: files.iter().map(|f| f.contents.lines().count()).sum(),
                output_bytes: files.iter().map(|f| f.contents.len()).sum(),
                timings: timings(samples),
                peak,
                stage_peaks,
                format: format_breakdown(fx, if slow { 1 } else { 5 }),
                load: load_breakdown(fx, if slow { 3 } else { 9 }),
            }
        })
        .collect();
    (rows, per_round)
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms < 10.0 {
        format!("{ms:.2}")
    } else {
        format!("{ms:.0}")
    }
}

fn print_stage_table(title: &str, rows: &[Row]) {
    println!("\n{title} (ms; the stages as they run inside one pipeline, text to files on disk)");
    print!("{:<16} {:>5}", "fixture", "ops");
    for column in COLUMNS {
        print!(" {column:>9}");
    }
    println!(" {:>15}", "pipeline/parse");
    for row in rows {
        print!("{:<16} {:>5}", row.name, row.operations);
        for d in row.timings.median {
            print!(" {:>9}", ms(d));
        }
        println!(" {:>14.2}x", row.timings.ratio);
    }
    println!("each stage as a multiple of parse (the floor), and format split into its parts:");
    for row in rows {
        let m = &row.timings.median;
        let floor = m[0].as_secs_f64();
        let shares: Vec<String> = COLUMNS[1..7]
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{s} {:.2}x", m[i + 1].as_secs_f64() / floor))
            .collect();
        let [syn, pretty, tree, rest] = row.format;
        let whole = (syn + pretty + tree + rest).as_secs_f64();
        let share = |d: Duration| 100.0 * d.as_secs_f64() / whole;
        println!(
            "  {:<16} {}; format = syn parse {:.0}% + prettyplease {:.0}% + drop tree {:.0}% + spacing {:.0}%",
            row.name,
            shares.join(", "),
            share(syn),
            share(pretty),
            share(tree),
            share(rest),
        );
        if let Some([parse, tracked, plain]) = row.load {
            println!(
                "  {:<16} load = parse + typed deserialize {:.2}x parse (without serde_path_to_error: {:.2}x)",
                "",
                tracked.as_secs_f64() / parse.as_secs_f64(),
                plain.as_secs_f64() / parse.as_secs_f64(),
            );
        }
    }
}

fn print_scaling_table(rows: &[Row], per_round: &[Vec<f64>]) {
    println!("\nscaling (pipeline = text to files on disk; peak = most heap held at once)");
    let per_op = |r: &Row| r.timings.median[7].as_secs_f64() / r.operations.max(1) as f64;
    let base = rows.iter().find(|r| r.name == "synthetic-100").map(per_op);
    println!(
        "{:<16} {:>5} {:>6} {:>9} {:>11} {:>8} {:>7} {:>8} {:>10} {:>8} {:>8}   peak added by load / normalize / emit / format (MB)",
        "fixture",
        "ops",
        "types",
        "input KB",
        "pipeline ms",
        "µs/op",
        "vs 100",
        "peak MB",
        "peak KB/op",
        "lines/op",
        "bytes/op",
    );
    let mb = |b: usize| b as f64 / (1024.0 * 1024.0);
    for row in rows {
        let ops = row.operations.max(1) as f64;
        let versus = base.map_or("-".to_string(), |b| format!("{:.2}x", per_op(row) / b));
        let [l, n, e, f] = row.stage_peaks;
        println!(
            "{:<16} {:>5} {:>6} {:>9.0} {:>11} {:>8.0} {:>7} {:>8.1} {:>10.1} {:>8.0} {:>8.0}   {:.1} / {:.1} / {:.1} / {:.1}",
            row.name,
            row.operations,
            row.types,
            row.input_bytes as f64 / 1024.0,
            ms(row.timings.median[7]),
            per_op(row) * 1e6,
            versus,
            mb(row.peak),
            row.peak as f64 / 1024.0 / ops,
            row.output_lines as f64 / ops,
            row.output_bytes as f64 / ops,
            mb(l),
            mb(n),
            mb(e),
            mb(f),
        );
    }
    let index = |name: &str| rows.iter().position(|r| r.name == name);
    if let (Some(small), Some(large)) = (index("synthetic-100"), index("synthetic-5000")) {
        let per_op = |i: usize, round: usize| per_round[i][round] / rows[i].operations as f64;
        let ratio = median_f64(
            (0..per_round[small].len())
                .map(|round| per_op(large, round) / per_op(small, round))
                .collect(),
        );
        println!(
            "time per operation, 5,000 vs 100 operations (median of per-round ratios): {ratio:.2}x (target: within 2x): {}",
            if ratio <= 2.0 { "met" } else { "MISSED" }
        );
    }
}

/// Criterion's filter: the first argument that is neither an option nor an option's value.
fn positional(args: &[String]) -> Option<&str> {
    const TAKES_VALUE: &[&str] = &[
        "--color",
        "--save-baseline",
        "--baseline",
        "--baseline-lenient",
        "--load-baseline",
        "--sample-size",
        "--warm-up-time",
        "--measurement-time",
        "--nresamples",
        "--noise-threshold",
        "--confidence-level",
        "--significance-level",
        "--profile-time",
        "--plotting-backend",
        "--output-format",
        "--format",
    ];
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if TAKES_VALUE.contains(&arg.as_str()) {
            rest.next();
        } else if !arg.starts_with('-') {
            return Some(arg);
        }
    }
    None
}

fn main() {
    let rounds = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(15usize);
    let repository = repository_fixtures();
    let mut scaled: Vec<Fixture> = [10, 100, 1_000, 5_000]
        .into_iter()
        .map(synthetic_fixture)
        .collect();
    for fx in &scaled {
        if let Err(e) = try_generate(fx) {
            eprintln!("the synthetic spec {} does not generate: {e}", fx.name);
            std::process::exit(1);
        }
    }
    scaled.extend(corpus_fixtures());
    let scaled_ops: Vec<(Fixture, usize)> = scaled
        .into_iter()
        .map(|fx| {
            let ops = normalize(&fx, &load(&fx))
                .iter()
                .map(|a| a.operations.len())
                .sum();
            (fx, ops)
        })
        .collect();

    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    stages(&mut criterion, &repository);
    scaling(&mut criterion, &scaled_ops);
    criterion.final_summary();

    // `cargo bench -- <filter>` and `--list` run part of the criterion groups; the summary
    // runs whenever no filter or `summary` itself is named.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list" || a == "--test") {
        return;
    }
    if let Some(filter) = positional(&args) {
        if filter != "summary" {
            return;
        }
    }
    println!("\n== summary: medians of interleaved rounds ==");
    let (rows, _) = measure(&repository.iter().collect::<Vec<_>>(), rounds);
    print_stage_table(
        &format!("stages of the repository's specs, {rounds} rounds"),
        &rows,
    );
    let scale_rounds = rounds.div_ceil(3).max(3);
    let scaled: Vec<&Fixture> = scaled_ops.iter().map(|(fx, _)| fx).collect();
    let (rows, per_round) = measure(&scaled, scale_rounds);
    print_stage_table(&format!("stages at scale, {scale_rounds} rounds"), &rows);
    print_scaling_table(&rows, &per_round);
}
