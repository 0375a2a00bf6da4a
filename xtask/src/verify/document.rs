//! Verifying one document: generate, compile the smoke tests, serve the document with Prism
//! (or, when Prism cannot, a loopback server), run, classify, report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use generator::emit::smoke::{add_smoke_tests, test_name};
use generator::{ApiSource, CrateSettings, Layout};
use prism_harness::{Install, Mode, Prism};
use serde_json::{Value, json};

use super::classify::classify;
use super::loopback::Loopback;
use super::report::{OpResult, Report, Server};
use super::smoke_run::{Cargo, test_output};

/// How long Prism may take to listen on a document (large ones take a while to load).
const PRISM_STARTUP: Duration = Duration::from_secs(120);

/// What to verify and where.
pub struct Options<'a> {
    pub spec: PathBuf,
    pub lenient: bool,
    /// The run's directory: the crate goes to `crate/`, the report to `report.json`.
    pub out: PathBuf,
    /// Changes the generated crate before it is compiled: only tests use it, to prove that a
    /// broken encoding is caught.
    pub tamper: Option<&'a dyn Fn(&Path) -> Result<(), String>>,
}

/// An operation as the report names it.
pub(super) struct OpInfo {
    /// `module::method`, as the smoke test reports it.
    key: String,
    test: String,
    operation: String,
    method: String,
    path: String,
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
                    OpInfo {
                        operation: if qualify { key.clone() } else { method.to_string() },
                        key,
                        test: test_name(api, op),
                        method: op.method.as_str().to_string(),
                        path: op.path.raw.clone(),
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
) -> Vec<OpResult> {
    ops.iter()
        .map(|op| {
            let record = records.remove(&op.key).unwrap_or_else(|| {
                let said = test_output(output, &op.test)
                    .unwrap_or_else(|| "no output (did the test binary run?)".to_string());
                json!({"outcome": "build", "detail": format!("the smoke test reported nothing: {said}")})
            });
            result(op, record)
        })
        .collect()
}

/// Verifies one document; `root` is the checkout (for Prism, the lock file and the shared
/// target directory). Returns the report, also written to `out/report.json`.
pub fn verify_document(root: &Path, install: &Install, options: &Options) -> Result<Report, String> {
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
    let crate_name = format!("verify-{}", crate::crate_name_from(&super::stem(&options.spec)));
    let ops = match generate(root, options, &crate_dir, &crate_name) {
        Ok(ops) => ops,
        Err(e) => {
            report.fatal = Some(format!("generation failed: {e}"));
            return finish(report, options);
        }
    };
    if let Some(tamper) = options.tamper {
        tamper(&crate_dir)?;
    }
    let cargo = Cargo {
        manifest: crate_dir.join("Cargo.toml"),
        target_dir: Some(root.join("target/verify/cargo-target")),
    };
    eprintln!("verify: {document}: {} operations; compiling the smoke tests", ops.len());
    if let Err(errors) = cargo.build() {
        report.fatal = Some(format!("the smoke tests do not compile:\n{errors}"));
        report.results = ops
            .iter()
            .map(|op| {
                let record = json!({"outcome": "build", "detail": "the smoke tests do not compile"});
                result(op, record)
            })
            .collect();
        cargo.clean_own_artifacts(&crate_name);
        return finish(report, options);
    }
    let records_file = options.out.join("smoke.jsonl");
    let _ = std::fs::remove_file(&records_file);
    let output = serve_and_run(install, options, &cargo, &records_file, &mut report)?;
    cargo.clean_own_artifacts(&crate_name);
    std::fs::write(options.out.join("test-output.txt"), &output)
        .map_err(|e| format!("cannot write the test output: {e}"))?;
    report.results = match_records(&ops, read_records(&records_file)?, &output);
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

fn result(op: &OpInfo, record: Value) -> OpResult {
    let outcome = record["outcome"].as_str().unwrap_or("build").to_string();
    let class = (outcome != "passed").then(|| classify(&record));
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
fn generate(root: &Path, options: &Options, crate_dir: &Path, crate_name: &str) -> Result<Vec<OpInfo>, String> {
    let settings = CrateSettings {
        crate_name: crate_name.to_string(),
        layout: Layout::Standalone,
        command: format!("cargo xtask verify --spec {}", options.spec.display()),
    };
    let source = ApiSource {
        spec: options.spec.clone(),
        module: "api".to_string(),
    };
    let load = generator::load::LoadOptions {
        lenient: options.lenient,
    };
    let mut output = generator::generate_with(std::slice::from_ref(&source), &settings, load)
        .map_err(|d| d.to_string())?;
    add_smoke_tests(&mut output.files, &output.apis, &settings).map_err(|d| d.to_string())?;
    generator::write::write_all(crate_dir, &output.files)
        .map_err(|e| format!("cannot write {}: {e}", crate_dir.display()))?;
    // The workspace's lock file pins the crate's dependencies to versions already built (and
    // needs no registry); cargo drops the entries this crate does not use.
    std::fs::copy(root.join("Cargo.lock"), crate_dir.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    Ok(OpInfo::of(&output.apis))
}

/// Starts Prism on the document (or, when it cannot serve it, a loopback server), runs the
/// smoke tests against it and stops it.
fn serve_and_run(
    install: &Install,
    options: &Options,
    cargo: &Cargo,
    records: &Path,
    report: &mut Report,
) -> Result<String, String> {
    let env = |url: String| {
        vec![
            ("SMOKE_REPORT".to_string(), records.display().to_string()),
            ("PRISM_URL".to_string(), url),
        ]
    };
    match start_prism(install, options, report) {
        Ok(prism) => {
            let output = cargo.run(&env(prism.base_url()));
            drop(prism);
            output
        }
        Err(reason) => {
            report.server = Server::Loopback { reason };
            let server = Loopback::start()?;
            let output = cargo.run(&env(server.base_url()));
            eprintln!(
                "verify: the loopback server received {} request(s)",
                server.received()
            );
            output
        }
    }
}

fn start_prism(install: &Install, options: &Options, report: &mut Report) -> Result<Prism, String> {
    let (served, adjustments) =
        prism_harness::servable_spec(&options.spec, &options.out.join("prism-spec"))?;
    report.adjustments = adjustments;
    let port = prism_harness::free_ports(1)?
        .first()
        .copied()
        .ok_or("no free port")?;
    let mut prism = Prism::start_with(
        install,
        &super::stem(&options.spec),
        &served,
        port,
        Mode::Dynamic,
        &["--seed", "verify"],
    )?;
    prism.wait_until_listening(Instant::now() + PRISM_STARTUP)?;
    Ok(prism)
}

/// The report lines of the smoke tests, by `module::operation`.
pub(super) fn read_records(path: &Path) -> Result<BTreeMap<String, Value>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let record: Value = serde_json::from_str(line)
            .map_err(|e| format!("{}: a line is not JSON ({e}): {line}", path.display()))?;
        let key = format!(
            "{}::{}",
            record["module"].as_str().unwrap_or_default(),
            record["operation"].as_str().unwrap_or_default()
        );
        out.insert(key, record);
    }
    Ok(out)
}
