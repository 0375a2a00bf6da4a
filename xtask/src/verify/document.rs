//! Verifying one document: generate, compile the smoke tests, serve the document with Prism
//! (or, when Prism cannot, a loopback server), run, classify, report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use generator::{ApiSource, CrateSettings, Layout, smoke_test_name as test_name};
use prism_harness::Install;
use serde_json::{Value, json};

use super::classify::{DocumentFacts, classify};
use super::loopback::Loopback;
use super::report::{OpResult, Report, Server};
use super::serve::{Run, Served, run_with_prism};
use super::smoke_run::{Cargo, test_output};

/// What to verify and where.
pub struct Options<'a> {
    pub spec: PathBuf,
    pub lenient: bool,
    /// The run's directory, absolute (the smoke tests run in the crate's directory): the
    /// crate goes to `crate/`, the report to `report.json`.
    pub out: PathBuf,
    /// Changes the generated crate before it is compiled: only tests use it, to prove that a
    /// broken encoding is caught.
    pub tamper: Option<&'a Tamper>,
}

/// A change made to a generated crate before it is compiled.
pub type Tamper = dyn Fn(&Path) -> Result<(), String>;

/// An operation as the report names it.
pub(super) struct OpInfo {
    /// `module::method`, as the smoke test reports it.
    key: String,
    test: String,
    operation: String,
    method: String,
    path: String,
    /// Unions of its arguments or its answer that no made-up value fits alone.
    ambiguous: Vec<String>,
    /// Strings of its arguments or its answer whose schema contradicts itself.
    contradictions: Vec<String>,
}

impl OpInfo {
    /// The operations of `apis`; named `module::method` when there are several APIs.
    pub(super) fn of(apis: &[generator::ir::Api]) -> Vec<OpInfo> {
        let qualify = apis.len() > 1;
        apis.iter()
            .flat_map(|api| {
                api.operations.iter().map(move |op| {
                    let method = op.method_name.trim_start_matches("r#");
                    let key = format!("{}::{method}", api.module);
                    let sample = generator::synth::operation_sample(api, op);
                    let mut ambiguous = sample.ambiguous_unions;
                    let mut contradictions = sample.contradictions;
                    if let Some(answer) = generator::synth::response_sample(api, op) {
                        ambiguous.extend(answer.ambiguous_unions);
                        contradictions.extend(answer.contradictions);
                    }
                    OpInfo {
                        operation: if qualify {
                            key.clone()
                        } else {
                            method.to_string()
                        },
                        key,
                        test: test_name(api, op),
                        method: op.method.as_str().to_string(),
                        path: op.path.raw.clone(),
                        ambiguous,
                        contradictions,
                    }
                })
            })
            .collect()
    }
}

/// Each operation's report line; an operation without one failed before it could report.
pub(super) fn match_records(
    ops: &[OpInfo],
    mut records: BTreeMap<String, Value>,
    output: &str,
    document: &DocumentFacts,
) -> Vec<OpResult> {
    ops.iter()
        .map(|op| {
            let record = records.remove(&op.key).unwrap_or_else(|| {
                let said = test_output(output, &op.test)
                    .unwrap_or_else(|| "no output (did the test binary run?)".to_string());
                json!({"outcome": "build", "detail": format!("the smoke test reported nothing: {said}")})
            });
            result(op, record, document)
        })
        .collect()
}

/// Verifies one document; `root` is the checkout (for Prism, the lock file and the shared
/// target directory). Returns the report, also written to `out/report.json`.
pub fn verify_document(
    root: &Path,
    install: &Install,
    options: &Options,
) -> Result<Report, String> {
    let started = Instant::now();
    let crate_dir = options.out.join("crate");
    let document = options.spec.display().to_string();
    let mut report = Report {
        document: document.clone(),
        lenient: options.lenient,
        server: Server::Prism {
            version: install.version.clone(),
        },
        adjustments: Vec::new(),
        results: Vec::new(),
        fatal: None,
    };
    let crate_name = format!(
        "verify-{}",
        crate::crate_name_from(&super::stem(&options.spec))
    );
    let apis = match generate(root, options, &crate_dir, &crate_name) {
        Ok(apis) => apis,
        Err(e) => {
            report.fatal = Some(format!("generation failed: {e}"));
            return finish(report, options);
        }
    };
    let ops = OpInfo::of(&apis);
    if let Some(tamper) = options.tamper {
        tamper(&crate_dir)?;
    }
    let cargo = Cargo {
        manifest: crate_dir.join("Cargo.toml"),
        target_dir: Some(root.join("target/verify/cargo-target")),
    };
    eprintln!(
        "verify: {document}: {} operations; compiling the smoke tests",
        ops.len()
    );
    if let Err(errors) = cargo.build() {
        report.fatal = Some(format!("the smoke tests do not compile:\n{errors}"));
        report.results = ops
            .iter()
            .map(|op| {
                let record =
                    json!({"outcome": "build", "detail": "the smoke tests do not compile"});
                result(op, record, &DocumentFacts::default())
            })
            .collect();
        cargo.clean_own_artifacts(&crate_name);
        return finish(report, options);
    }
    let (records, output) = serve_and_run(install, options, &cargo, &apis, &mut report)?;
    cargo.clean_own_artifacts(&crate_name);
    std::fs::write(options.out.join("test-output.txt"), &output)
        .map_err(|e| format!("cannot write the test output: {e}"))?;
    let facts = DocumentFacts::scan(&[options.spec.as_path()]);
    report.results = match_records(&ops, records, &output, &facts);
    if !report.on_prism() {
        // A loopback server checks nothing: a request that went out is all there is to say.
        for result in report.results.iter_mut().filter(|r| r.sent()) {
            result.class = None;
        }
    }
    eprintln!(
        "verify: {document}: done in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    finish(report, options)
}

/// Writes `report.json` and returns the report.
fn finish(report: Report, options: &Options) -> Result<Report, String> {
    write_report(report, &options.out)
}

/// Writes `out/report.json` and returns the report.
pub(super) fn write_report(report: Report, out: &Path) -> Result<Report, String> {
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let path = out.join("report.json");
    let text = serde_json::to_string_pretty(&report.to_json())
        .map_err(|e| format!("cannot print the report: {e}"))?;
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(report)
}

fn result(op: &OpInfo, mut record: Value, document: &DocumentFacts) -> OpResult {
    let outcome = record["outcome"].as_str().unwrap_or("build").to_string();
    if !op.ambiguous.is_empty() {
        record["ambiguous_unions"] = json!(op.ambiguous);
    }
    if !op.contradictions.is_empty() {
        record["contradictions"] = json!(op.contradictions);
    }
    let class = (outcome != "passed").then(|| classify(&record, document));
    OpResult {
        operation: op.operation.clone(),
        method: op.method.clone(),
        path: op.path.clone(),
        outcome,
        class,
        record,
    }
}

/// Generates the standalone crate with its smoke tests, pinned to the checkout's lock file.
fn generate(
    root: &Path,
    options: &Options,
    crate_dir: &Path,
    crate_name: &str,
) -> Result<Vec<generator::ir::Api>, String> {
    let settings = CrateSettings {
        crate_name: crate_name.to_string(),
        layout: Layout::Standalone,
        command: format!("cargo xtask verify --spec {}", options.spec.display()),
    };
    let source = ApiSource::new(options.spec.clone(), "api");
    let mut generation = generator::Options::new(settings);
    generation.lenient = options.lenient;
    generation.smoke_tests = true;
    let output = generator::generate(std::slice::from_ref(&source), &generation)
        .map_err(|e| e.to_string())?;
    generator::write::write_all(crate_dir, &output.files)
        .map_err(|e| format!("cannot write {}: {e}", crate_dir.display()))?;
    // The workspace's lock file pins the crate's dependencies to versions already built (and
    // needs no registry); cargo drops the entries this crate does not use.
    std::fs::copy(root.join("Cargo.lock"), crate_dir.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    Ok(output.apis)
}

/// Runs the smoke tests against Prism, or, when Prism cannot serve the document, against a
/// loopback server; returns the report lines and the test output.
fn serve_and_run(
    install: &Install,
    options: &Options,
    cargo: &Cargo,
    apis: &[generator::ir::Api],
    report: &mut Report,
) -> Result<(BTreeMap<String, Value>, String), String> {
    // A document the copy for Prism cannot be made of (one its YAML reader refuses) still
    // runs against the loopback server.
    let reason = match prism_harness::servable_spec(&options.spec, &options.out.join("prism-spec"))
    {
        Ok((spec, adjustments)) => {
            report.adjustments = adjustments;
            let served = [Served {
                module: "api".into(),
                spec,
            }];
            match run_with_prism(install, &served, cargo, &options.out, apis)? {
                Run::Done { records, output } => return Ok((records, output)),
                Run::Unserved(reason) => reason,
            }
        }
        Err(e) => format!("no copy of the document could be made for Prism: {e}"),
    };
    report.server = Server::Loopback { reason };
    let server = Loopback::start(Vec::new())?;
    let records_file = options.out.join("smoke.jsonl");
    let _ = std::fs::remove_file(&records_file);
    let env = vec![
        (
            "SMOKE_REPORT".to_string(),
            records_file.display().to_string(),
        ),
        ("PRISM_URL".to_string(), server.base_url()),
    ];
    let output = cargo.run(&env, &[], 2)?;
    eprintln!(
        "verify: the loopback server received {} request(s)",
        server.received()
    );
    Ok((read_records(&records_file)?, output))
}

/// The report lines of the smoke tests, by `module::operation`.
pub(super) fn read_records(path: &Path) -> Result<BTreeMap<String, Value>, String> {
    Ok(read_record_lines(path)?.into_iter().collect())
}

/// The report lines of the smoke tests in the order they were written, with their
/// `module::operation`.
pub(super) fn read_record_lines(path: &Path) -> Result<Vec<(String, Value)>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let record: Value = serde_json::from_str(line)
            .map_err(|e| format!("{}: a line is not JSON ({e}): {line}", path.display()))?;
        let key = format!(
            "{}::{}",
            record["module"].as_str().unwrap_or_default(),
            record["operation"].as_str().unwrap_or_default()
        );
        out.push((key, record));
    }
    Ok(out)
}
