//! `verify --all`: many documents in a row, with a summary table (`docs/verify.md` for the full
//! run over the corpus and the upstream documents).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::report::{Class, Report, Server, first_line, prism_reason};
use super::{Options, default_out, verify_document};

pub struct AllOptions {
    /// Documents, or directories whose `.yaml`, `.yml` and `.json` files are documents; empty
    /// for the full run (the corpus and the upstream documents beside the checkout).
    pub paths: Vec<PathBuf>,
    /// Fail when any operation fails, whatever its class.
    pub require_all_pass: bool,
    /// Reuse the `report.json` a document already has under `target/verify/` (from a run cut
    /// short); delete it to verify that document again.
    pub resume: bool,
}

/// Runs every document and returns the summary; an error (with the summary) when a failure of
/// class `generator` was found, or any failure with `require_all_pass`.
pub fn run_all(root: &Path, options: &AllOptions) -> Result<String, String> {
    let full_run = options.paths.is_empty();
    let paths = if full_run {
        let shared = root.join("..").join("shared");
        vec![shared.join("upstream-specs"), shared.join("corpus")]
    } else {
        options.paths.clone()
    };
    let documents = crate::corpus::documents(&paths)?;
    if documents.is_empty() {
        return Err(format!("no OpenAPI documents under {paths:?}"));
    }
    let lenient = crate::corpus::lenient_documents(root)?;
    let install = prism_harness::check_install(root)?;
    let started = Instant::now();
    let mut reports = Vec::new();
    let mut reused = 0;
    for doc in &documents {
        let name = file_name(doc);
        let verify = Options {
            spec: doc.clone(),
            lenient: lenient.contains(&name),
            out: default_out(root, doc),
            tamper: None,
        };
        let report = match previous_report(&verify.out).filter(|_| options.resume) {
            Some(report) => {
                eprintln!(
                    "{name}: reused {}",
                    verify.out.join("report.json").display()
                );
                reused += 1;
                reclassified(report, doc)
            }
            None => verify_document(root, &install, &verify)?,
        };
        eprintln!("{name}: {}", report.tally());
        reports.push((name, report));
        // Written after each document, so a run cut short still says what it found.
        let partial = reports.len() < documents.len();
        let run = Run {
            started,
            reused,
            of: partial.then_some(documents.len()),
        };
        write_summary(root, &reports, &run)?;
    }
    let run = Run {
        started,
        reused,
        of: None,
    };
    let summary = write_summary(root, &reports, &run)?;
    if full_run {
        let docs = root.join("docs/verify.md");
        std::fs::write(&docs, &summary)
            .map_err(|e| format!("cannot write {}: {e}", docs.display()))?;
    }
    let generator_failures: usize = reports
        .iter()
        .map(|(_, r)| r.count_class(Class::Generator))
        .sum();
    let any_failure = reports
        .iter()
        .any(|(_, r)| r.fatal.is_some() || !r.counted_failures().is_empty());
    let (passed, total) = prism_totals(&reports);
    let tally = format!("verify: {passed}/{total} operations passed");
    if generator_failures > 0 || (options.require_all_pass && any_failure) {
        Err(format!(
            "{summary}\n{generator_failures} failure(s) of class `generator`\n{tally}"
        ))
    } else {
        Ok(format!("{summary}\n{tally}"))
    }
}

/// How far a run has come, for the summary's header.
struct Run {
    started: Instant,
    /// Documents whose earlier `report.json` was reused (`--resume`).
    reused: usize,
    /// The number of documents, while the run is not finished yet.
    of: Option<usize>,
}

/// Renders the summary into `target/verify/summary.md`.
fn write_summary(root: &Path, reports: &[(String, Report)], run: &Run) -> Result<String, String> {
    let mut summary = render(reports, run.started.elapsed().as_secs(), run.reused);
    if let Some(total) = run.of {
        summary.push_str(&format!(
            "\n(unfinished: {} of {total} documents so far)\n",
            reports.len()
        ));
    }
    let out_dir = root.join("target/verify");
    std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
    std::fs::write(out_dir.join("summary.md"), &summary).map_err(|e| e.to_string())?;
    Ok(summary)
}

/// A reused report's failures classed by the current rules (the recorded calls stay).
fn reclassified(mut report: Report, doc: &Path) -> Report {
    let facts = super::classify::DocumentFacts::scan(&[doc]);
    let on_prism = report.on_prism();
    for result in report.results.iter_mut().filter(|r| !r.passed()) {
        if on_prism || !result.sent() {
            result.class = Some(super::classify::classify(&result.record, &facts));
        }
    }
    report
}

/// The report an earlier run left in `out`, when there is a readable one.
fn previous_report(out: &Path) -> Option<Report> {
    let text = std::fs::read_to_string(out.join("report.json")).ok()?;
    Report::from_json(&serde_json::from_str(&text).ok()?)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// Operations passed and run, over the documents Prism served.
fn prism_totals(reports: &[(String, Report)]) -> (usize, usize) {
    reports
        .iter()
        .filter(|(_, r)| r.on_prism())
        .fold((0, 0), |(p, n), (_, r)| {
            (p + r.passed(), n + r.operations())
        })
}

fn render(reports: &[(String, Report)], seconds: u64, reused: usize) -> String {
    let mut out = String::from("# Verify results\n\n");
    // A resumed run's minutes cover only the documents it verified itself.
    let reused = match reused {
        0 => String::new(),
        n => format!(", {n} of them reused from an earlier run's `report.json` and classed again"),
    };
    let _ = writeln!(
        out,
        "Produced by `cargo xtask verify --all` ({} document(s){reused}, {} min on 2 cores{}). Each document is \
         generated as a standalone crate with one smoke test per operation (`tests/smoke.rs`), \
         served by the pinned Prism (`prism mock -d --errors --seed verify`), and every operation is \
         called once with made-up arguments. An operation passes when Prism finds nothing wrong with \
         the request and the answer decodes. Failures are classed `generator` (our encoding or \
         decoding), `spec` (the document contradicts itself) or `prism` (a known Prism limitation). \
         Modes come from `tests/corpus-expected.txt`.\n",
        reports.len(),
        seconds.div_ceil(60),
        today().map(|d| format!(", {d}")).unwrap_or_default()
    );
    out.push_str("| document | mode | server | operations | passed | generator | spec | prism |\n");
    out.push_str("|---|---|---|---:|---:|---:|---:|---:|\n");
    for (name, r) in reports {
        let (server, passed) = match &r.server {
            Server::Prism { .. } => ("Prism", r.passed().to_string()),
            Server::Loopback { .. } => (
                "loopback",
                format!("{} sent", r.results.iter().filter(|x| x.sent()).count()),
            ),
        };
        let _ = writeln!(
            out,
            "| {name} | {} | {server} | {} | {passed} | {} | {} | {} |",
            if r.lenient { "lenient" } else { "strict" },
            r.operations(),
            r.count_class(Class::Generator),
            r.count_class(Class::Spec),
            r.count_class(Class::Prism),
        );
    }
    let (passed, total) = prism_totals(reports);
    let percent = if total == 0 {
        0.0
    } else {
        100.0 * passed as f64 / total as f64
    };
    let by_class = |class| -> usize { reports.iter().map(|(_, r)| r.count_class(class)).sum() };
    let _ = writeln!(
        out,
        "\nOf the documents Prism serves, **{passed} of {total} operations pass ({percent:.2} %)**. \
         Failures by class: generator {}, spec {}, prism {}.",
        by_class(Class::Generator),
        by_class(Class::Spec),
        by_class(Class::Prism)
    );
    let answered_by = |mock: &str| -> usize {
        reports
            .iter()
            .filter(|(_, r)| r.on_prism())
            .flat_map(|(_, r)| r.results.iter().filter(|x| x.passed()))
            .filter(|x| x.record["mock"].as_str().unwrap_or("dynamic") == mock)
            .count()
    };
    let alone: usize = reports
        .iter()
        .filter(|(_, r)| r.on_prism())
        .flat_map(|(_, r)| r.results.iter().filter(|x| x.passed()))
        .filter(|x| x.record["alone"] == true)
        .count();
    let _ = writeln!(
        out,
        "\nThe answers the passing calls decoded: {} made up by the dynamic Prism, {} from a static \
         Prism (the document's examples) where the dynamic one could not make a valid answer or \
         none at all, {} made up from the schema and validated by a Prism proxy. {alone} of them \
         were made again alone, against a copy of the document without the operations their path \
         cannot be told apart from.",
        answered_by("dynamic"),
        answered_by("static"),
        answered_by("proxy"),
    );
    let unserved: Vec<&(String, Report)> = reports.iter().filter(|(_, r)| !r.on_prism()).collect();
    if !unserved.is_empty() {
        out.push_str("\n## Documents Prism cannot serve\n\nTheir operations are built and sent to a plain loopback server, which checks nothing: request building and encoding are exercised, nothing more.\n\n");
        for (name, r) in unserved {
            if let Server::Loopback { reason } = &r.server {
                let sent = r.results.iter().filter(|x| x.sent()).count();
                let _ = writeln!(
                    out,
                    "- {name}: {sent}/{} operations built and sent. Prism: {}",
                    r.operations(),
                    prism_reason(reason).replace('|', "\\|")
                );
            }
        }
    }
    let fatal: Vec<&(String, Report)> = reports.iter().filter(|(_, r)| r.fatal.is_some()).collect();
    if !fatal.is_empty() {
        out.push_str("\n## Documents not run\n\n");
        for (name, r) in fatal {
            let _ = writeln!(
                out,
                "- {name}: {}",
                first_line(r.fatal.as_deref().unwrap_or_default())
            );
        }
    }
    let failures: Vec<(&String, &super::report::OpResult)> = reports
        .iter()
        .flat_map(|(name, r)| r.counted_failures().into_iter().map(move |f| (name, f)))
        .collect();
    if !failures.is_empty() {
        out.push_str("\n## Remaining failures\n\n| document | operation | at | class | reason |\n|---|---|---|---|---|\n");
        for (name, f) in failures {
            let (class, reason) = f
                .class
                .as_ref()
                .map_or(("unclassified", String::new()), |(c, r)| {
                    (c.name(), r.clone())
                });
            let reason: String = reason
                .replace('|', "\\|")
                .replace('\n', " ")
                .chars()
                .take(400)
                .collect();
            let _ = writeln!(
                out,
                "| {name} | `{} {}` ({}) | {} | {class} | {reason} |",
                f.method, f.path, f.operation, f.outcome
            );
        }
    }
    out
}

/// Today's date (UTC), from `date`, when it is available.
fn today() -> Option<String> {
    let out = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}
