//! What the generation benches share: the fixtures (the repository's specs, synthetic specs of
//! any size, the largest corpus documents), each stage as a function, and the whole pipeline.
//! Each bench uses part of it.
#![allow(dead_code)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use generator::config::{Config, FILE_NAME, Renames};
use generator::ir::Api;
use generator::stages::{self, Document, EmittedFile};
use generator::{CrateSettings, GeneratedFile, Layout, write};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Fixtures

/// One document of a fixture: its text as read, the path diagnostics name, its module.
pub struct Spec {
    pub file: PathBuf,
    pub text: String,
    pub module: String,
}

/// A set of documents generated into one crate.
pub struct Fixture {
    pub name: String,
    pub specs: Vec<Spec>,
    pub settings: CrateSettings,
    /// Lenient mode (see the README).
    pub lenient: bool,
}

pub fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

pub fn standalone_settings(name: &str) -> CrateSettings {
    CrateSettings {
        crate_name: name.into(),
        layout: Layout::Standalone,
        command: format!("cargo xtask generate --spec {name}"),
    }
}

/// The repository's APIs (`codegen.toml`): one fixture each, and all of them as
/// `cargo xtask codegen` makes them.
pub fn repository_fixtures() -> Vec<Fixture> {
    let root = repo_root();
    let config = Config::load(&root.join(FILE_NAME)).expect("codegen.toml is valid");
    // Diagnostics name the specs as `cargo xtask codegen` does: relative to the root.
    let read = |api: &generator::ApiSource| Spec {
        file: api
            .spec
            .strip_prefix(&root)
            .unwrap_or(&api.spec)
            .to_path_buf(),
        text: std::fs::read_to_string(&api.spec).expect("the repository's specs are readable"),
        module: api.module.clone(),
    };
    let mut fixtures: Vec<Fixture> = config
        .apis
        .iter()
        .map(|api| Fixture {
            name: api.module.clone(),
            specs: vec![read(api)],
            settings: config.settings(),
            lenient: false,
        })
        .collect();
    fixtures.push(Fixture {
        name: format!("all{}", config.apis.len()),
        specs: config.apis.iter().map(read).collect(),
        settings: config.settings(),
        lenient: false,
    });
    fixtures
}

pub fn standalone(name: &str, file: PathBuf, text: String, lenient: bool) -> Fixture {
    Fixture {
        name: name.into(),
        specs: vec![Spec {
            file,
            text,
            module: "api".into(),
        }],
        settings: standalone_settings(name),
        lenient,
    }
}

/// `stripe.yaml` and `oxide-nexus.json` from `../shared/corpus`, those that exist and generate
/// (strictly, else leniently); a note for each that does not.
pub fn corpus_fixtures() -> Vec<Fixture> {
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
            let fixture = standalone(name, path.clone(), text.clone(), lenient);
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
            if fixture.lenient {
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
pub fn synthetic_spec(operations: usize) -> String {
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

pub fn synthetic_fixture(operations: usize) -> Fixture {
    let name = format!("synthetic-{operations}");
    let file = PathBuf::from(format!("{name}.yaml"));
    standalone(&name, file, synthetic_spec(operations), false)
}

// ---------------------------------------------------------------------------------------------
// Stages

pub fn parse(fx: &Fixture) -> Vec<Value> {
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

pub fn load(fx: &Fixture) -> Vec<Document> {
    fx.specs
        .iter()
        .map(|s| stages::load(&s.file, &s.text, fx.lenient).expect("the document loads"))
        .collect()
}

pub fn normalize(fx: &Fixture, docs: &[Document]) -> Vec<Api> {
    docs.iter()
        .zip(&fx.specs)
        .map(|(doc, s)| {
            stages::normalize(doc, &s.module, &Renames::default())
                .expect("the document normalizes")
                .api
        })
        .collect()
}

pub fn emit(fx: &Fixture, apis: &[Api]) -> Vec<EmittedFile> {
    stages::emit(apis, &fx.settings)
}

pub fn format(fx: &Fixture, files: Vec<EmittedFile>) -> Vec<GeneratedFile> {
    stages::format(files, &fx.settings).expect("the emitted code formats")
}

/// The write stage on one thread.
pub fn write(dir: &Path, files: &[GeneratedFile]) {
    write::write_all_on(dir, files, 1).expect("the files are written");
}

/// The threads generation uses by default, as `cargo xtask codegen` does.
pub fn threads() -> usize {
    stages::available_threads()
}

/// A fresh directory for `write`, under `target/` (removed when dropped).
pub fn fresh_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("bench-write-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("a temporary directory under target/")
}

/// Text to files on disk, every stage once, on up to `threads` threads.
/// Like `generator::generate` and `write::write_all_on`: documents load and normalize in
/// parallel (each dropped once normalized), then files are emitted and formatted in parallel,
/// then written in parallel; the IR is kept until the files are made.
pub fn pipeline(fx: &Fixture, dir: &Path, threads: usize) -> usize {
    let apis: Vec<Api> = stages::parallel_map(
        &fx.specs,
        threads,
        |s| s.text.len(),
        |s| {
            let doc = stages::load(&s.file, &s.text, fx.lenient).expect("it loads");
            stages::normalize(&doc, &s.module, &Renames::default())
                .expect("it normalizes")
                .api
        },
    );
    let files = stages::emit_and_format(&apis, &fx.settings, threads).expect("it formats");
    write::write_all_on(dir, &files, threads).expect("the files are written");
    files.len()
}

/// The pipeline without panicking, for choosing strict or lenient mode.
pub fn try_generate(fx: &Fixture) -> Result<Vec<GeneratedFile>, String> {
    let mut apis = Vec::new();
    for s in &fx.specs {
        let doc = stages::load(&s.file, &s.text, fx.lenient).map_err(|d| first(&d))?;
        apis.push(
            stages::normalize(&doc, &s.module, &Renames::default())
                .map_err(|d| first(&d))?
                .api,
        );
    }
    stages::format(stages::emit(&apis, &fx.settings), &fx.settings).map_err(|e| e.to_string())
}

pub fn first(d: &generator::Diagnostics) -> String {
    let errors = d.0.iter().filter(|d| d.is_error()).count();
    let text =
        d.0.iter()
            .find(|d| d.is_error())
            .map(|d| d.to_string())
            .unwrap_or_default();
    let line = text.lines().next().unwrap_or_default().to_string();
    format!("{errors} errors, the first: {line}")
}

pub fn median_f64(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Runs `f` and returns how long it took; its result is dropped after the clock stops.
pub fn timed<T>(f: impl FnOnce() -> T) -> Duration {
    let start = Instant::now();
    let out = black_box(f());
    let elapsed = start.elapsed();
    drop(out);
    elapsed
}
