//! `verify --generated`: the committed `generated/` crate's smoke tests, each API against a
//! Prism of its own document, run in this workspace (`cargo test -p userapis --test smoke`).

use std::path::Path;

use super::classify::DocumentFacts;
use super::document::{OpInfo, match_records, write_report};
use super::report::{Report, Server};
use super::serve::{Run, Served, run_with_prism};
use super::smoke_run::Cargo;

/// Runs the smoke tests of `generated/` and writes `target/verify/userapis/report.json`.
pub fn verify_generated(root: &Path) -> Result<Report, String> {
    let install = prism_harness::check_install(root)?;
    let out = root.join("target/verify/userapis");
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut apis = Vec::new();
    let mut served = Vec::new();
    let mut adjustments = Vec::new();
    let config = generator::config::Config::load(&root.join(generator::config::FILE_NAME))
        .map_err(|d| d.to_string())?;
    for source in &config.apis {
        let module = &source.module;
        let doc = generator::stages::load_file(&source.spec, false).map_err(|d| d.to_string())?;
        let normalized = generator::stages::normalize(&doc, module, &source.renames)
            .map_err(|d| d.to_string())?;
        apis.push(normalized.api);
        let (spec, changes) = prism_harness::servable_spec(&source.spec, &out.join("prism-specs"))?;
        adjustments.extend(changes.into_iter().map(|c| format!("{module}: {c}")));
        served.push(Served {
            module: module.clone(),
            spec,
        });
    }
    let ops = OpInfo::of(&apis);
    let specs: Vec<&Path> = config.apis.iter().map(|a| a.spec.as_path()).collect();
    let document = DocumentFacts::scan(&specs);
    let cargo = Cargo {
        manifest: root.join("generated/Cargo.toml"),
        target_dir: None,
    };
    let (records, output) = match run_with_prism(&install, &served, &cargo, &out, &apis)? {
        Run::Done { records, output } => (records, output),
        Run::Unserved(reason) => return Err(format!("Prism cannot serve spec/: {reason}")),
    };
    std::fs::write(out.join("test-output.txt"), &output)
        .map_err(|e| format!("cannot write the test output: {e}"))?;
    let report = Report {
        document: "generated/ (userapis: spec/teams.yaml, spec/membership.yaml, spec/cpaas.yaml)"
            .into(),
        lenient: false,
        server: Server::Prism {
            version: install.version.clone(),
        },
        adjustments,
        results: match_records(&ops, records, &output, &document),
        fatal: None,
    };
    write_report(report, &out)
}
