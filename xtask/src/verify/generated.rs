//! `verify --generated`: the committed `generated/` crate's smoke tests, each API against a
//! Prism of its own document, run in this workspace (`cargo test -p userapis --test smoke`).

use std::path::Path;
use std::time::Instant;

use prism_harness::{Mode, Prism};

use super::document::{OpInfo, match_records, read_records, write_report};
use super::report::{Report, Server};
use super::smoke_run::Cargo;

/// How long the three Prisms may take to listen.
const STARTUP: std::time::Duration = std::time::Duration::from_secs(120);

/// Runs the smoke tests of `generated/` and writes `target/verify/userapis/report.json`.
pub fn verify_generated(root: &Path) -> Result<Report, String> {
    let install = prism_harness::check_install(root)?;
    let out = root.join("target/verify/userapis");
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut apis = Vec::new();
    let mut prisms = Vec::new();
    let mut adjustments = Vec::new();
    let ports = prism_harness::free_ports(crate::SPECS.len())?;
    for ((file, module), port) in crate::SPECS.iter().zip(ports) {
        let spec = root.join("spec").join(file);
        let normalized = generator::normalize_file(&spec, module).map_err(|d| d.to_string())?;
        apis.push(normalized.api);
        let (served, changes) = prism_harness::servable_spec(&spec, &out.join("prism-specs"))?;
        adjustments.extend(changes.into_iter().map(|c| format!("{module}: {c}")));
        let prism = Prism::start_with(&install, module, &served, port, Mode::Dynamic, &["--seed", "verify"])?;
        prisms.push((module.to_string(), prism));
    }
    let deadline = Instant::now() + STARTUP;
    for (_, prism) in &mut prisms {
        prism.wait_until_listening(deadline)?;
    }
    let records = out.join("smoke.jsonl");
    let _ = std::fs::remove_file(&records);
    let mut env = vec![("SMOKE_REPORT".to_string(), records.display().to_string())];
    for (module, prism) in &prisms {
        env.push((format!("PRISM_URL_{}", module.to_uppercase()), prism.base_url()));
    }
    let cargo = Cargo {
        manifest: root.join("generated/Cargo.toml"),
        target_dir: None,
    };
    let output = cargo.run(&env);
    drop(prisms);
    let output = output?;
    std::fs::write(out.join("test-output.txt"), &output)
        .map_err(|e| format!("cannot write the test output: {e}"))?;
    let ops = OpInfo::of(&apis);
    let report = Report {
        document: "generated/ (userapis: spec/teams.yaml, spec/membership.yaml, spec/cpaas.yaml)".into(),
        lenient: false,
        server: Server::Prism {
            version: install.version.clone(),
        },
        adjustments,
        results: match_records(&ops, read_records(&records)?, &output),
        fatal: None,
    };
    write_report(report, &out)
}
