//! Property test: mutated specs (keys deleted, values of the wrong type, broken references)
//! never make the generator panic, and every case ends in one of two checked states: a crate
//! whose files all emitted and formatted (each Rust file parses again), or a refusal whose
//! diagnostics all carry a location (a file, and a JSON pointer or a line and column). A run
//! counts the cases in each state and fails when either is rarer than its floor, so a mutation
//! strategy that stops reaching the emitter, or stops producing refusals, does not pass unseen.
//!
//! In lenient mode a document that still declares a version it reads is never refused, and
//! ten of the crates lenient mode made from documents it had to repair are compiled with
//! `cargo check` (no warning allowed): lenient mode is total, tested rather than assumed.
//!
//! `FUZZ_CASES=100000 cargo test --release -p tests --test fuzz -- --nocapture` runs a longer
//! campaign locally; the suite runs 2,000 cases. Fewer than 100 (`FUZZ_CASES=0` included) is
//! an error: too few to check the counts, or nothing tested at all.

use std::cell::Cell;
use std::path::Path;

use generator::ir::Api;
use generator::stages::{self, EmittedContent};
use generator::{CrateSettings, Diagnostics, GeneratedFile, InternalError, Layout};
use proptest::prelude::*;
use proptest::test_runner::{RngAlgorithm, TestRng, TestRunner};
use serde_json::Value;

/// The public corpus documents the mutations start from, besides the APIs of `codegen.toml`.
const CORPUS_SEEDS: [&str; 5] = [
    "oai-petstore-expanded.yaml",
    "oxide-keeper.json",
    "swagger-petstore3.yaml",
    "v2-oai-uber.json",
    "v31-swagger-petstore.yaml",
];

fn seeds() -> Vec<(String, Value)> {
    let root = tests::workspace_root();
    tests::config()
        .apis
        .into_iter()
        .map(|api| api.spec)
        .chain(
            CORPUS_SEEDS
                .iter()
                .map(|f| root.join("../shared/corpus").join(f)),
        )
        .map(|path| read_seed(&path))
        .collect()
}

/// A seed's file name and tree; a seed that is missing fails the test, naming it.
fn read_seed(path: &Path) -> (String, Value) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "fuzz seed {} cannot be read ({e}); the public corpus is expected beside the \
             repository",
            path.display()
        )
    });
    let value: Value = serde_yaml::from_str(&text)
        .unwrap_or_else(|e| panic!("fuzz seed {} does not parse: {e}", path.display()));
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    (name, value)
}

#[test]
#[should_panic(expected = "fuzz seed ../shared/corpus/no-such-seed.yaml cannot be read")]
fn a_missing_seed_fails_naming_it() {
    read_seed(Path::new("../shared/corpus/no-such-seed.yaml"));
}

/// Every node's pointer, in document order.
fn pointers(value: &Value, base: String, out: &mut Vec<String>) {
    out.push(base.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(
                    v,
                    format!("{base}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{base}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete,
    Replace(u8),
    BreakRef,
    Rename,
}

fn replacement(kind: u8) -> Value {
    match kind % 8 {
        0 => Value::Null,
        1 => serde_json::json!(0),
        2 => serde_json::json!(-1),
        3 => serde_json::json!(true),
        4 => serde_json::json!("x"),
        5 => serde_json::json!([]),
        6 => serde_json::json!({}),
        _ => serde_json::json!({"$ref": "#/components/schemas/Nope"}),
    }
}

fn mutate(doc: &mut Value, pointer: &str, mutation: &Mutation) {
    let Some((parent_ptr, key)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = key.replace("~1", "/").replace("~0", "~");
    let Some(parent) = doc.pointer_mut(parent_ptr) else {
        return;
    };
    match (parent, mutation) {
        (Value::Object(map), Mutation::Delete) => {
            map.shift_remove(&key);
        }
        (Value::Array(items), Mutation::Delete) => {
            if let Ok(i) = key.parse::<usize>() {
                if i < items.len() {
                    items.remove(i);
                }
            }
        }
        (Value::Object(map), Mutation::Rename) => {
            if let Some(v) = map.shift_remove(&key) {
                map.insert(format!("{key}_renamed"), v);
            }
        }
        (parent, Mutation::Replace(kind)) => {
            if let Some(slot) =
                parent.pointer_mut(&format!("/{}", key.replace('~', "~0").replace('/', "~1")))
            {
                *slot = replacement(*kind);
            }
        }
        (parent, Mutation::BreakRef) => {
            if let Some(Value::String(s)) = parent.get_mut(&key) {
                s.push_str("Gone");
            } else if let Some(slot) =
                parent.pointer_mut(&format!("/{}", key.replace('~', "~0").replace('/', "~1")))
            {
                *slot = serde_json::json!({"$ref": "#/components/schemas/Gone"});
            }
        }
        _ => {}
    }
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::Delete),
        any::<u8>().prop_map(Mutation::Replace),
        Just(Mutation::BreakRef),
        Just(Mutation::Rename),
    ]
}

/// How a crate is emitted: the generator's `emit_crate`, or, in the tests that prove this test
/// can fail, a deliberately broken one.
type Emitter = fn(&[Api], &CrateSettings) -> Result<Vec<GeneratedFile>, InternalError>;

/// The two states a case may end in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The spec normalized, and every file of its crate emitted and formatted.
    Generated,
    /// The spec was refused with located diagnostics.
    Refused,
}

fn settings() -> CrateSettings {
    CrateSettings {
        crate_name: "fuzz".into(),
        layout: Layout::Standalone,
        command: "fuzz".into(),
    }
}

/// Runs one mutated document through load, normalize, emit and format, and checks the state it
/// ends in; anything else (an emit or format failure, an unlocated diagnostic, a file that is
/// not Rust) is the reason returned.
fn run_case(
    name: &str,
    doc: &Value,
    lenient: bool,
    emit: Emitter,
) -> Result<(Outcome, Option<Sample>), String> {
    let text = serde_json::to_string(doc).unwrap();
    let file = Path::new(name).with_extension("json");
    match tests::normalize_text(&file, &text, lenient) {
        Err(diagnostics) => {
            check_refusal(&diagnostics)?;
            // Lenient mode never refuses a document that declares a version it reads.
            if lenient && declares_a_supported_version(doc) {
                return Err(format!("lenient mode refused a document:\n{diagnostics}"));
            }
            Ok((Outcome::Refused, None))
        }
        Ok(normalized) => {
            let repaired = normalized.warnings.len();
            let files = emit(&[normalized.api], &settings()).map_err(|d| {
                format!("the spec normalized but its crate did not emit and format:\n{d}")
            })?;
            check_crate(&files)?;
            let sample = (lenient && repaired > 0).then_some(Sample {
                name: name.to_string(),
                files,
            });
            Ok((Outcome::Generated, sample))
        }
    }
}

/// Whether a (mutated) document still says it is Swagger 2.0, OpenAPI 3.0 or 3.1.
fn declares_a_supported_version(doc: &Value) -> bool {
    // `swagger` decides when present, as in the loader.
    match doc.get("swagger") {
        Some(version) => version.as_str() == Some("2.0"),
        None => doc
            .get("openapi")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with("3.0") || v.starts_with("3.1")),
    }
}

/// A crate generated in lenient mode from a document that needed repairs, kept to compile.
#[derive(Debug)]
struct Sample {
    name: String,
    files: Vec<GeneratedFile>,
}

/// How many lenient crates a run compiles.
const COMPILED_SAMPLES: usize = 10;

/// A refusal has at least one error, and every diagnostic names its file and a place in it.
fn check_refusal(diagnostics: &Diagnostics) -> Result<(), String> {
    if !diagnostics.has_errors() {
        return Err(format!("refused without an error:\n{diagnostics}"));
    }
    for d in &diagnostics.0 {
        let has_file = !d.file.as_os_str().is_empty();
        let has_pointer = d.pointer.starts_with('/');
        if !has_file || !(has_pointer || d.position.is_some()) {
            return Err(format!(
                "a diagnostic without a location (file {:?}, pointer {:?}, position {:?}):\n{d}",
                d.file, d.pointer, d.position
            ));
        }
    }
    Ok(())
}

/// The files of a standalone one-API crate, in output order, the runtime module's aside (they
/// are the runtime crate's files, the same in every crate).
const CRATE_FILES: [&str; 5] = [
    "Cargo.toml",
    "src/lib.rs",
    "src/api/mod.rs",
    "src/api/types.rs",
    "src/api/operations.rs",
];

/// Whether a generated file belongs to the runtime module.
fn is_runtime(path: &str) -> bool {
    path.starts_with("src/runtime/")
}

/// Every file of the crate is there, behind its preamble, and every Rust file parses: the check
/// does not take the emitter's word that it formatted what it returns.
fn check_crate(files: &[GeneratedFile]) -> Result<(), String> {
    let paths: Vec<&str> = files
        .iter()
        .map(|f| f.path.as_str())
        .filter(|path| !is_runtime(path))
        .collect();
    if !files.iter().any(|f| f.path == "src/runtime/mod.rs") {
        return Err("the crate has no src/runtime/mod.rs".to_string());
    }
    if paths != CRATE_FILES {
        return Err(format!(
            "the crate's files are {paths:?}, not {CRATE_FILES:?}"
        ));
    }
    for file in files {
        let preamble = if file.path.ends_with(".rs") {
            "// This file is generated by `fuzz`."
        } else {
            "# This file is generated by `fuzz`."
        };
        if !file.contents.starts_with(preamble) {
            return Err(format!("{} does not start with the preamble", file.path));
        }
        // The runtime is a fixed text, compiled with `generated/`; parsing it again per case
        // would only cost time.
        if file.path.ends_with(".rs") && !is_runtime(&file.path) {
            syn::parse_file(&file.contents)
                .map_err(|e| format!("{} is not Rust: {e}\n{}", file.path, file.contents))?;
        }
    }
    Ok(())
}

/// How many cases ended in each state.
#[derive(Debug, Default)]
struct Tally {
    generated: Cell<u32>,
    refused: Cell<u32>,
    /// Lenient crates from repaired documents, up to [`COMPILED_SAMPLES`].
    samples: std::cell::RefCell<Vec<Sample>>,
}

/// Runs the property over `runner`'s cases with `emit`, and returns the tally, or the failing
/// case and its reason.
fn fuzz(mut runner: TestRunner, emit: Emitter) -> Result<Tally, String> {
    let all: Vec<(String, Value, Vec<String>)> = seeds()
        .into_iter()
        .map(|(name, value)| {
            let mut ps = Vec::new();
            pointers(&value, String::new(), &mut ps);
            (name, value, ps)
        })
        .collect();
    let strategy = (
        0..all.len(),
        proptest::collection::vec((any::<prop::sample::Index>(), mutation()), 1..4),
        any::<bool>(),
    );
    let tally = Tally::default();
    runner
        .run(&strategy, |(seed, mutations, lenient)| {
            let (name, value, ps) = &all[seed];
            let mut doc = value.clone();
            for (index, m) in &mutations {
                let pointer = index.get(ps);
                mutate(&mut doc, pointer, m);
            }
            let (outcome, sample) = run_case(name, &doc, lenient, emit)
                .map_err(|reason| TestCaseError::fail(format!("{name}: {reason}")))?;
            let counter = match outcome {
                Outcome::Generated => &tally.generated,
                Outcome::Refused => &tally.refused,
            };
            counter.set(counter.get() + 1);
            let mut samples = tally.samples.borrow_mut();
            if let (Some(sample), true) = (sample, samples.len() < COMPILED_SAMPLES) {
                samples.push(sample);
            }
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    Ok(tally)
}

fn cases() -> u32 {
    let cases = match std::env::var("FUZZ_CASES") {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|e| panic!("FUZZ_CASES={v:?} is not a number of cases: {e}")),
        Err(_) => 2000,
    };
    assert!(cases > 0, "FUZZ_CASES=0 would run no case and test nothing");
    assert!(
        cases >= MIN_CASES,
        "FUZZ_CASES={cases} is too few to check the floors; run at least {MIN_CASES}"
    );
    cases
}

/// The share of cases each state must reach, in percent. Runs of the suite's 2,000 cases end
/// about 38% generated and 62% refused; a floor far below either still fails when a change
/// makes one state rare (every mutated spec refused, or none).
const FLOOR_PERCENT: u32 = 20;

/// The fewest cases whose counts say something: with 100, falling under the floor by chance
/// is more than three standard deviations away.
const MIN_CASES: u32 = 100;

#[test]
fn mutated_specs_end_generated_and_formatted_or_refused_with_located_diagnostics() {
    let cases = cases();
    let config = ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let tally =
        fuzz(TestRunner::new(config), emit_crate).unwrap_or_else(|reason| panic!("{reason}"));
    let (generated, refused) = (tally.generated.get(), tally.refused.get());
    println!(
        "fuzz: {cases} mutated specs: {generated} generated a formatted crate, {refused} refused \
         with located diagnostics"
    );
    assert_eq!(generated + refused, cases, "every case is counted once");
    let floor = cases * FLOOR_PERCENT / 100;
    assert!(
        generated >= floor && refused >= floor,
        "each state must reach {FLOOR_PERCENT}% of {cases} cases ({floor}): {generated} \
         generated, {refused} refused"
    );
    compile_samples(&tally.samples.borrow());
}

/// Lenient mode is total only if what it generates compiles: a sample of the crates made from
/// repaired documents is checked with `cargo check`, with no warning allowed.
fn compile_samples(samples: &[Sample]) {
    assert_eq!(
        samples.len(),
        COMPILED_SAMPLES,
        "too few lenient cases needed a repair to compile a sample"
    );
    let root = tests::workspace_root();
    for (i, sample) in samples.iter().enumerate() {
        let dir = root.join(format!("target/fuzz-crates/{i}"));
        generator::write::write_all(&dir, &sample.files).unwrap();
        let check = std::process::Command::new(env!("CARGO"))
            .args([
                "check",
                "--quiet",
                "--message-format",
                "short",
                "--manifest-path",
            ])
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", root.join("target/generated-check"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&check.stderr);
        assert!(
            check.status.success() && !stderr.contains("warning"),
            "the lenient crate of a mutated {} (target/fuzz-crates/{i}) does not check cleanly:\n{stderr}",
            sample.name
        );
    }
    println!(
        "fuzz: {COMPILED_SAMPLES} lenient crates of repaired documents check without warnings"
    );
}

/// A few cases on a fixed seed, failing at the first bad case with little shrinking: enough
/// to reach the emitter, fast enough for the tests below.
fn short_runner() -> TestRunner {
    let config = ProptestConfig {
        cases: 64,
        failure_persistence: None,
        max_shrink_iters: 8,
        ..ProptestConfig::default()
    };
    TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
}

/// The generator's emit and format stages, on every core as generation runs them.
fn emit_crate(apis: &[Api], settings: &CrateSettings) -> Result<Vec<GeneratedFile>, InternalError> {
    stages::emit_and_format(apis, settings, stages::available_threads())
}

/// The emitter with one invalid item (`pub struct ;`) added to `types.rs`: formatting fails, as
/// it would for an emitter bug that produces a token stream that is not Rust.
fn emit_with_an_invalid_item(
    apis: &[Api],
    settings: &CrateSettings,
) -> Result<Vec<GeneratedFile>, InternalError> {
    let mut files = stages::emit(apis, settings);
    for file in &mut files {
        if let (true, EmittedContent::Rust(tokens)) =
            (file.path.ends_with("/types.rs"), &mut file.content)
        {
            tokens.extend("pub struct ;".parse::<proc_macro2::TokenStream>().unwrap());
        }
    }
    stages::format(files, settings)
}

/// An emitter that reports success for a file it could not format (the way a discarded error
/// would): `types.rs` ends with text that is not Rust.
fn emit_hiding_an_invalid_item(
    apis: &[Api],
    settings: &CrateSettings,
) -> Result<Vec<GeneratedFile>, InternalError> {
    let mut files = emit_crate(apis, settings)?;
    for file in &mut files {
        if file.path.ends_with("/types.rs") {
            file.contents.push_str("pub struct ;\n");
        }
    }
    Ok(files)
}

#[test]
fn the_fuzz_property_fails_when_the_emitter_makes_an_invalid_item() {
    let control = fuzz(short_runner(), emit_crate)
        .unwrap_or_else(|reason| panic!("the real emitter fails the same cases: {reason}"));
    assert!(
        control.generated.get() > 0,
        "the fixed seed must reach the emitter for this test to mean anything"
    );
    let reason = fuzz(short_runner(), emit_with_an_invalid_item)
        .expect_err("a broken emitter must fail the property");
    assert!(
        reason.contains("did not emit and format") && reason.contains("src/api/types.rs"),
        "{reason}"
    );
}

#[test]
fn the_fuzz_property_fails_when_the_emitter_hides_an_invalid_file() {
    let reason = fuzz(short_runner(), emit_hiding_an_invalid_item)
        .expect_err("a crate with a file that is not Rust must fail the property");
    assert!(reason.contains("src/api/types.rs is not Rust"), "{reason}");
}

#[test]
fn a_refusal_without_a_location_fails_the_check() {
    let file = Path::new("api.json");
    let unlocated = Diagnostics(vec![generator::Diagnostic::error(file, "", "broken")]);
    assert!(check_refusal(&unlocated).is_err());
    let nameless = Diagnostics(vec![generator::Diagnostic::error(
        Path::new(""),
        "/paths",
        "broken",
    )]);
    assert!(check_refusal(&nameless).is_err());
    let warnings_only = Diagnostics(vec![generator::Diagnostic::warning(file, "/paths", "odd")]);
    assert!(check_refusal(&warnings_only).is_err());
    let located = Diagnostics(vec![generator::Diagnostic::error(file, "/paths", "broken")]);
    assert_eq!(check_refusal(&located), Ok(()));
}
