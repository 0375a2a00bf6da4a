//! `cargo xtask corpus [PATHS…]`: generate every document of a corpus with `cargo xtask generate`,
//! `cargo check` each crate (one shared target directory), document the crates of the selected
//! documents with `cargo doc` and rustdoc warnings denied, print a table, and fail when a
//! document that passed before (per `tests/corpus-expected.txt`) no longer does, or when a
//! document the expectations list is not in the corpus at all.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// What the expectations file says of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Expectation {
    lenient: bool,
    pass: bool,
}

/// Documents whose documentation every run builds (`--docs subset`, the default): those whose
/// descriptions carried the most rustdoc warnings (bare URLs, HTML, brackets, code blocks), and
/// Stripe, whose deeply nested types need the generated crate's raised recursion limit.
/// Documenting a large crate takes one to three minutes, so all of them only with `--docs all`.
pub const DOCS_SUBSET: &[&str] = &[
    "github-api.json",
    "plaid.yaml",
    "twilio-api-v2010.json",
    "box.json",
    "asana.yaml",
    "oxide-nexus.json",
    "stripe.yaml",
];

/// Which generated crates to document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocsSelection {
    None,
    Subset,
    All,
}

impl DocsSelection {
    fn includes(self, name: &str) -> bool {
        match self {
            DocsSelection::None => false,
            DocsSelection::Subset => DOCS_SUBSET.contains(&name),
            DocsSelection::All => true,
        }
    }
}

/// The outcome for one document.
#[derive(Debug, Clone)]
struct Row {
    name: String,
    lenient: bool,
    operations: String,
    types: String,
    generate_ms: u128,
    check: &'static str,
    warnings: usize,
    /// `cargo doc` with rustdoc warnings denied: "ok", "FAILED", or "-" when not run.
    docs: &'static str,
    /// Rustdoc diagnostics (each one an error, warnings being denied).
    docs_problems: usize,
    first_problem: String,
}

impl Row {
    /// Whether the document did all that was asked of it: generated, checked with no warnings
    /// and, when its documentation was built, documented with none either; when checking is
    /// skipped, generated.
    fn passed(&self, skip_check: bool) -> bool {
        if skip_check {
            self.check == GENERATED
        } else {
            self.check == "ok" && self.warnings == 0 && self.docs != "FAILED"
        }
    }
}

/// The check column of a document generated with `--no-check`.
const GENERATED: &str = "generated";

pub struct Options {
    /// Documents, or directories whose `.yaml`, `.yml` and `.json` files are documents.
    pub paths: Vec<PathBuf>,
    pub write_expected: bool,
    /// Generate only (`--no-check`): a `pass` document then only has to generate.
    pub skip_check: bool,
    pub docs: DocsSelection,
}

/// Runs the corpus and returns the report, or the report as an error when a regression shows.
/// `root` is the checkout: its `tests/corpus-expected.txt` is read, and crates are generated
/// under its `target/corpus`.
pub fn run(root: &Path, options: &Options) -> Result<String, String> {
    let expected_path = root.join("tests/corpus-expected.txt");
    let expected = read_expected(&expected_path, options.write_expected)?;
    let documents = documents(&options.paths)?;
    if documents.is_empty() {
        return Err(format!("no OpenAPI documents under {:?}", options.paths));
    }
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the xtask binary: {e}"))?;
    let scratch = root.join("target/corpus");
    // Checking a crate keeps one core busy (rustc's front end is single-threaded), and cargo
    // locks a target directory while it builds: each worker has its own target directory, so
    // the documents are checked side by side, one per core.
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for worker in 0..workers {
            let (next, results, documents, expected) = (&next, &results, &documents, &expected);
            let (exe, scratch) = (&exe, &scratch);
            scope.spawn(move || {
                let target = scratch.join(format!("check-target-{worker}"));
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(doc) = documents.get(i) else { break };
                    let name = file_name(doc);
                    let lenient = expected.get(&name).is_some_and(|e| e.lenient);
                    let job = Job {
                        exe,
                        scratch,
                        target: &target,
                    };
                    let mut row = run_one(&job, doc, &name, lenient, options.skip_check);
                    if row.check == "ok" && options.docs.includes(&name) {
                        document(&mut row, &job);
                    }
                    eprintln!(
                        "{:<45} {:>5} ms  {}  {} warning(s)  docs {}",
                        row.name, row.generate_ms, row.check, row.warnings, row.docs
                    );
                    if let Ok(mut results) = results.lock() {
                        results.push((i, row));
                    }
                }
            });
        }
    });
    let mut indexed = results.into_inner().map_err(|e| e.to_string())?;
    indexed.sort_by_key(|(i, _)| *i);
    let rows: Vec<Row> = indexed.into_iter().map(|(_, row)| row).collect();
    let report = render(&rows, options.skip_check);
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    std::fs::write(scratch.join("report.md"), &report).map_err(|e| e.to_string())?;
    if options.write_expected {
        write_expected(&expected_path, &rows)?;
        return Ok(report);
    }
    let regressions: Vec<String> = rows
        .iter()
        .filter(|r| expected.get(&r.name).is_some_and(|e| e.pass) && !r.passed(options.skip_check))
        .map(|r| format!("{} ({}: {})", r.name, r.check, r.first_problem))
        .collect();
    let missing = missing_documents(&expected, &documents);
    // A run over directories (the corpus) must find every listed document; a run naming single
    // files is a chosen subset, and says how many it left out.
    let subset = !options.paths.iter().all(|p| p.is_dir());
    let (absent, left_out) = if subset {
        (Vec::new(), missing.len())
    } else {
        (missing, 0)
    };
    let passed = rows.iter().filter(|r| r.passed(options.skip_check)).count();
    // The closing line in the form test runners use: documents that pass, and failures.
    let tally = format!(
        "corpus: {passed} passed, {} failed",
        regressions.len() + absent.len()
    );
    let mut problems = String::new();
    if !regressions.is_empty() {
        let _ = write!(
            problems,
            "\nregressions against tests/corpus-expected.txt:\n  {}",
            regressions.join("\n  ")
        );
    }
    if !absent.is_empty() {
        let _ = write!(
            problems,
            "\ndocuments listed in tests/corpus-expected.txt but absent from {}:\n  {}\n\
             (restore them, or remove them from the list with `cargo xtask corpus --write-expected`)",
            display_paths(&options.paths),
            absent.join("\n  ")
        );
    }
    let note = if left_out > 0 {
        format!(
            "\n{left_out} document(s) of tests/corpus-expected.txt not run: the run names single files\n"
        )
    } else {
        String::new()
    };
    if problems.is_empty() {
        Ok(format!("{report}{note}\n{tally}"))
    } else {
        Err(format!("{report}{problems}\n{tally}"))
    }
}

/// The documents the expectations list that the run did not find.
fn missing_documents(
    expected: &BTreeMap<String, Expectation>,
    documents: &[PathBuf],
) -> Vec<String> {
    let found: std::collections::BTreeSet<String> =
        documents.iter().map(|d| file_name(d)).collect();
    expected
        .keys()
        .filter(|name| !found.contains(*name))
        .cloned()
        .collect()
}

fn display_paths(paths: &[PathBuf]) -> String {
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    shown.join(", ")
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

pub(crate) fn documents(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.extension()
                        .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
                })
                .collect();
            found.sort();
            out.extend(found);
        } else if path.exists() {
            out.push(path.clone());
        } else {
            return Err(format!("{} does not exist", path.display()));
        }
    }
    Ok(out)
}

/// Where one worker generates and checks: the xtask binary, the scratch directory of the
/// generated crates and the worker's own target directory.
struct Job<'a> {
    exe: &'a Path,
    scratch: &'a Path,
    target: &'a Path,
}

fn run_one(job: &Job<'_>, doc: &Path, name: &str, lenient: bool, skip_check: bool) -> Row {
    let (exe, scratch) = (job.exe, job.scratch);
    let stem = doc
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let out_dir = scratch.join(&stem);
    let mut row = Row {
        name: name.to_string(),
        lenient,
        operations: "-".into(),
        types: "-".into(),
        generate_ms: 0,
        check: "not run",
        warnings: 0,
        docs: "-",
        docs_problems: 0,
        first_problem: String::new(),
    };
    let mut command = Command::new(exe);
    command
        .arg("generate")
        .arg("--spec")
        .arg(doc)
        .arg("--out")
        .arg(&out_dir);
    if lenient {
        command.arg("--lenient");
    }
    let started = Instant::now();
    let generated = command.output();
    row.generate_ms = started.elapsed().as_millis();
    let generated = match generated {
        Ok(g) => g,
        Err(e) => {
            row.check = "no run";
            row.first_problem = e.to_string();
            return row;
        }
    };
    let stdout = String::from_utf8_lossy(&generated.stdout);
    let stderr = String::from_utf8_lossy(&generated.stderr);
    if let Some(line) = stdout.lines().find(|l| l.contains(" operations, ")) {
        let numbers: Vec<&str> = line
            .rsplit(": ")
            .next()
            .unwrap_or("")
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .collect();
        if let [ops, types] = numbers.as_slice() {
            row.operations = ops.to_string();
            row.types = types.to_string();
        }
    }
    if !generated.status.success() {
        row.check = if generated.status.code() == Some(i32::from(crate::EXIT_INTERNAL_ERROR)) {
            "PANIC"
        } else {
            "diagnostics"
        };
        row.first_problem = stderr.lines().next().unwrap_or_default().to_string();
        return row;
    }
    if skip_check {
        row.check = GENERATED;
        return row;
    }
    let check = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "check",
            "--quiet",
            "--message-format",
            "short",
            "--manifest-path",
        ])
        .arg(out_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", job.target)
        .output();
    match check {
        Ok(c) => {
            let text = String::from_utf8_lossy(&c.stderr);
            row.warnings = text.lines().filter(|l| l.contains("warning:")).count();
            row.check = if c.status.success() { "ok" } else { "FAILED" };
            row.first_problem = text
                .lines()
                .find(|l| l.contains("error") || l.contains("warning:"))
                .unwrap_or_default()
                .chars()
                .take(160)
                .collect();
        }
        Err(e) => {
            row.check = "no cargo";
            row.first_problem = e.to_string();
        }
    }
    row
}

/// `cargo doc --no-deps` of a checked crate, with rustdoc's warnings denied as a user who builds
/// documentation strictly (or docs.rs readers) would see them.
fn document(row: &mut Row, job: &Job<'_>) {
    let scratch = job.scratch;
    let stem = Path::new(&row.name)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let doc = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["doc", "--no-deps", "--quiet", "--message-format", "short"])
        .arg("--manifest-path")
        .arg(scratch.join(stem).join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", job.target)
        .env("RUSTDOCFLAGS", "-D warnings")
        .output();
    match doc {
        Ok(d) => {
            let text = String::from_utf8_lossy(&d.stderr);
            let problems: Vec<&str> = text.lines().filter(|l| is_diagnostic(l)).collect();
            row.docs_problems = problems.len();
            row.docs = if d.status.success() && problems.is_empty() {
                "ok"
            } else {
                "FAILED"
            };
            if row.docs == "FAILED" && row.first_problem.is_empty() {
                let first = problems.first().copied().or_else(|| text.lines().next());
                row.first_problem = first.unwrap_or_default().chars().take(160).collect();
            }
        }
        Err(e) => {
            row.docs = "FAILED";
            row.first_problem = format!("cannot run cargo doc: {e}");
        }
    }
}

/// Whether a line of `cargo doc --message-format short` is a diagnostic (`src/…:1:2: error: …`,
/// `error[E0275]: …`, `error: couldn't generate documentation: …`) rather than cargo's closing
/// summary (`error: could not document …`, `warning: … generated 3 warnings`).
fn is_diagnostic(line: &str) -> bool {
    let message = line
        .find(": error")
        .or_else(|| line.find(": warning"))
        .map_or(line, |at| &line[at + 2..]);
    (message.starts_with("error") || message.starts_with("warning"))
        && !message.starts_with("error: could not document")
        && !(message.starts_with("warning: `") && message.contains(" generated "))
}

fn render(rows: &[Row], skip_check: bool) -> String {
    let mut out = String::from(
        "| document | mode | operations | types | generate (ms) | cargo check | warnings | docs | first error or diagnostic |\n|---|---|---:|---:|---:|---|---:|---|---|\n",
    );
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.name,
            if r.lenient { "lenient" } else { "strict" },
            r.operations,
            r.types,
            r.generate_ms,
            r.check,
            r.warnings,
            match r.docs {
                "FAILED" => format!("FAILED ({})", r.docs_problems),
                other => other.to_string(),
            },
            r.first_problem.replace('|', "\\|")
        );
    }
    let passed = rows.iter().filter(|r| r.passed(skip_check)).count();
    let documented = rows.iter().filter(|r| r.docs != "-").count();
    let outcome = if skip_check {
        "generate a crate (not checked: `--no-check`)".to_string()
    } else {
        format!(
            "generate a crate that checks with no warnings and, where documented ({documented} \
             crates, rustdoc warnings denied), documents without any"
        )
    };
    let _ = writeln!(out, "\n{passed} of {} documents {outcome}.", rows.len());
    out
}

/// The documents `tests/corpus-expected.txt` generates in lenient mode.
pub(crate) fn lenient_documents(root: &Path) -> Result<std::collections::BTreeSet<String>, String> {
    let expected = read_expected(&root.join("tests/corpus-expected.txt"), false)?;
    Ok(expected
        .into_iter()
        .filter(|(_, e)| e.lenient)
        .map(|(name, _)| name)
        .collect())
}

/// The expectations; a missing file is an error, unless the run is about to write it.
fn read_expected(path: &Path, writing: bool) -> Result<BTreeMap<String, Expectation>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if writing && e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(BTreeMap::new());
        }
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [name, mode, outcome] = fields.as_slice() else {
            return Err(format!(
                "{}:{}: expected `document mode outcome`",
                path.display(),
                i + 1
            ));
        };
        out.insert(
            name.to_string(),
            Expectation {
                lenient: *mode == "lenient",
                pass: *outcome == "pass",
            },
        );
    }
    Ok(out)
}

fn write_expected(path: &Path, rows: &[Row]) -> Result<(), String> {
    let mut text = String::from(
        "# Expected results of `cargo xtask corpus`: document, mode (strict | lenient), outcome (pass | fail).\n\
         # `pass` means the generated crate `cargo check`s with zero errors and zero warnings and, when the\n\
         # run documents it (`--docs`), `cargo doc` passes with rustdoc warnings denied. The corpus\n\
         # command fails when a `pass` document stops passing. Rewrite with `cargo xtask corpus --write-expected`.\n",
    );
    for r in rows {
        let _ = writeln!(
            text,
            "{:<48} {:<8} {}",
            r.name,
            if r.lenient { "lenient" } else { "strict" },
            if r.passed(false) { "pass" } else { "fail" }
        );
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod docs_tests {
    use super::*;

    #[test]
    fn rustdoc_diagnostics_are_told_from_cargo_summaries() {
        for line in [
            "src/api/mod.rs:58:310: error: this URL is not a hyperlink",
            "error[E0275]: overflow evaluating the requirement `X: RefUnwindSafe`",
            "error: couldn't generate documentation: No space left on device (os error 28)",
            "src/lib.rs:1:1: warning: unclosed HTML tag `key`",
        ] {
            assert!(is_diagnostic(line), "{line}");
        }
        for line in [
            "error: could not document `stripe`",
            "warning: `github-api` (lib doc) generated 717 warnings",
            "    Documenting stripe v0.1.0",
        ] {
            assert!(!is_diagnostic(line), "{line}");
        }
    }

    #[test]
    fn the_subset_is_documented_by_default_and_all_on_request() {
        assert!(DocsSelection::Subset.includes("github-api.json"));
        assert!(!DocsSelection::Subset.includes("oai-petstore.yaml"));
        assert!(DocsSelection::All.includes("oai-petstore.yaml"));
        assert!(!DocsSelection::None.includes("github-api.json"));
    }
}
