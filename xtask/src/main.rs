//! `cargo xtask`: the thin command line over the generator library.
//!
//! - `cargo xtask codegen [--check]` regenerates `generated/` from `spec/` (or, with `--check`,
//!   fails when it is stale, writing nothing). `--root DIR` works on another checkout.
//! - `cargo xtask generate --spec PATH --out DIR [--name CRATE]` generates a standalone crate from
//!   any OpenAPI document.
//! - `cargo xtask diff OLD_SPEC NEW_SPEC` prints the API change report between two versions of a
//!   document: what changed in the generated client, each change breaking or compatible.
//!
//! `codegen` also prints, per API, the change report between the committed surface
//! (`generated/<module>.api.txt`) and the new one.
//!
//! Exit codes: 0 success (with or without API changes), 1 diagnostics or stale output, 2 bad
//! usage, 3 internal error (the generator panicked: a bug, never a verdict on the input).

mod bench;
mod corpus;
mod verify;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generator::surface::{self, Surface};
use generator::{ApiSource, CrateSettings, Layout, write};

/// The documents of this repository and the modules they become, in crate order.
/// Generation allocates many small, short-lived values; see BENCHMARKS.md for the gain.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub(crate) const SPECS: &[(&str, &str)] = &[
    ("teams.yaml", "teams"),
    ("membership.yaml", "membership"),
    ("cpaas.yaml", "cpaas"),
];

const USAGE: &str = "usage:
  cargo xtask codegen [--check] [--root DIR]
  cargo xtask generate --spec PATH --out DIR [--name CRATE] [--lenient]
  cargo xtask diff OLD_SPEC NEW_SPEC
  cargo xtask corpus [PATHS...] [--write-expected] [--no-check] [--root DIR]
  cargo xtask verify --spec PATH [--lenient] [--out DIR]
  cargo xtask verify --all [PATHS...] [--require-all-pass]
  cargo xtask verify --generated
  cargo xtask bench";

/// The exit code of a panic: a generator bug, told apart from diagnostics (1), bad usage (2)
/// and Rust's default for a panic (101), so that tests and scripts can say which happened.
pub const EXIT_INTERNAL_ERROR: u8 = 3;

/// Set to any value, makes the command panic before it starts: the only way the tests can
/// prove that a panic ends with [`EXIT_INTERNAL_ERROR`] and not as diagnostics, since no input
/// is supposed to make the generator panic.
const INJECT_PANIC_VAR: &str = "XTASK_INJECT_PANIC";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = std::panic::catch_unwind(|| {
        if std::env::var_os(INJECT_PANIC_VAR).is_some() {
            inject_panic();
        }
        match args.first().map(String::as_str) {
            Some("codegen") => codegen(&args[1..]),
            Some("generate") => generate(&args[1..]),
            Some("diff") => diff(&args[1..]),
            Some("corpus") => corpus(&args[1..]),
            Some("verify") => verify_command(&args[1..]),
            Some("bench") if args.len() == 1 => bench::run(&workspace_root())
                .map(|report| println!("{report}"))
                .map_err(Failure::Failed),
            _ => Err(Failure::Usage(String::new())),
        }
    });
    let Ok(result) = result else {
        // The panic hook has printed the message and where it happened.
        eprintln!(
            "internal error: the generator panicked (message above). Please report it with the spec."
        );
        return ExitCode::from(EXIT_INTERNAL_ERROR);
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            if !message.is_empty() {
                eprintln!("error: {message}");
            }
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Failed(message)) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
    }
}

#[allow(clippy::panic)] // The point of this function: see `INJECT_PANIC_VAR`.
fn inject_panic() {
    panic!("{INJECT_PANIC_VAR} is set: panicking on purpose");
}

enum Failure {
    Usage(String),
    Failed(String),
}

fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn codegen(args: &[String]) -> Result<(), Failure> {
    let mut check = false;
    let mut root = workspace_root();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--root" => {
                let dir = rest
                    .next()
                    .ok_or_else(|| Failure::Usage("`--root` needs a directory".into()))?;
                root = PathBuf::from(dir);
            }
            other => return Err(Failure::Usage(format!("unexpected argument `{other}`"))),
        }
    }
    let sources: Vec<ApiSource> = SPECS
        .iter()
        .map(|(file, module)| ApiSource {
            spec: PathBuf::from("spec").join(file),
            module: module.to_string(),
        })
        .collect();
    // Relative paths keep diagnostics and the committed output free of machine-specific paths.
    std::env::set_current_dir(&root)
        .map_err(|e| Failure::Failed(format!("cannot enter {}: {e}", root.display())))?;
    let settings = CrateSettings {
        crate_name: "userapis".to_string(),
        layout: Layout::WorkspaceMember,
        command: "cargo xtask codegen".to_string(),
    };
    let output = generator::generate(&sources, &settings).map_err(|d| {
        Failure::Failed(format!(
            "{d}\ngeneration failed; generated/ was left untouched"
        ))
    })?;
    for warning in &output.warnings {
        eprintln!("{warning}\n");
    }
    for api in &output.apis {
        println!(
            "{:<11} {:>3} operations, {:>3} types",
            api.module,
            api.operations.len(),
            api.types.len()
        );
    }
    let dir = Path::new("generated");
    // The committed surfaces, read before anything is written.
    let reports = api_change_reports(dir, &output.apis);
    if check {
        let changes = write::diff(dir, &output.files)
            .map_err(|e| Failure::Failed(format!("cannot read generated/: {e}")))?;
        if changes.is_empty() {
            println!("generated/ is up to date");
            return Ok(());
        }
        print!("{reports}");
        let mut message = String::from("generated/ is stale:\n");
        for (label, paths) in [
            ("changed", &changes.modified),
            ("missing", &changes.added),
            ("extra", &changes.removed),
        ] {
            for p in paths {
                message.push_str(&format!("  {label}: generated/{p}\n"));
            }
        }
        message.push_str("run `cargo xtask codegen` to update it");
        return Err(Failure::Failed(message));
    }
    let changes = write::write_all(dir, &output.files)
        .map_err(|e| Failure::Failed(format!("cannot write generated/: {e}")))?;
    report_changes("generated", &changes);
    print!("{reports}");
    Ok(())
}

/// For each API, the change report from its committed surface file to the new surface, or a
/// line saying why there is none to compare with.
fn api_change_reports(dir: &Path, apis: &[generator::ir::Api]) -> String {
    let mut out = String::new();
    for api in apis {
        let file = generator::surface_path(&api.module);
        let path = dir.join(&file);
        let new = Surface::from_api(api);
        let previous = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                out.push_str(&format!(
                    "{}: no committed API surface to compare with (generated/{file} is new)\n",
                    api.module
                ));
                continue;
            }
            Err(e) => {
                out.push_str(&format!(
                    "{}: cannot read generated/{file}: {e}\n",
                    api.module
                ));
                continue;
            }
        };
        match Surface::parse(&previous) {
            Ok(old) => {
                let report = surface::render_report(&surface::diff(&old, &new));
                out.push_str(&indent_report(&api.module, &report));
            }
            Err(e) => out.push_str(&format!(
                "{}: cannot compare with generated/{file}: {e}\n",
                api.module
            )),
        }
    }
    out
}

/// `module: <header>` and the change lines indented under it.
fn indent_report(module: &str, report: &str) -> String {
    let mut out = String::new();
    for (i, line) in report.lines().enumerate() {
        if i == 0 {
            out.push_str(&format!("{module}: {line}\n"));
        } else {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}

/// `diff OLD_SPEC NEW_SPEC`: the change report between two versions of one document.
fn diff(args: &[String]) -> Result<(), Failure> {
    let [old, new] = args else {
        return Err(Failure::Usage(
            "`diff` takes two documents: the old version and the new one".into(),
        ));
    };
    if let Some(flag) = args.iter().find(|a| a.starts_with("--")) {
        return Err(Failure::Usage(format!("unexpected argument `{flag}`")));
    }
    let load = |spec: &String| generator::normalize_file(Path::new(spec), "api");
    let (old, new) = match (load(old), load(new)) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            let mut found = Vec::new();
            for result in [old, new] {
                if let Err(generator::Diagnostics(d)) = result {
                    found.extend(d);
                }
            }
            return Err(Failure::Failed(format!(
                "{}\ncannot compare the documents",
                generator::Diagnostics(found)
            )));
        }
    };
    for warning in old.warnings.iter().chain(&new.warnings) {
        eprintln!("{warning}\n");
    }
    let changes = surface::diff(&Surface::from_api(&old.api), &Surface::from_api(&new.api));
    print!("{}", surface::render_report(&changes));
    Ok(())
}

fn report_changes(dir: &str, changes: &write::Changes) {
    if changes.is_empty() {
        println!("{dir}/ unchanged");
        return;
    }
    for (label, paths) in [
        ("updated", &changes.modified),
        ("added", &changes.added),
        ("removed", &changes.removed),
    ] {
        for p in paths {
            println!("{label} {dir}/{p}");
        }
    }
}

fn generate(args: &[String]) -> Result<(), Failure> {
    let mut spec = None;
    let mut out = None;
    let mut name = None;
    let mut lenient = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let slot = match arg.as_str() {
            "--lenient" => {
                lenient = true;
                continue;
            }
            "--spec" => &mut spec,
            "--out" => &mut out,
            "--name" => &mut name,
            other => return Err(Failure::Usage(format!("unexpected argument `{other}`"))),
        };
        let value = rest
            .next()
            .ok_or_else(|| Failure::Usage(format!("`{arg}` needs a value")))?;
        *slot = Some(value.clone());
    }
    let spec = PathBuf::from(spec.ok_or_else(|| Failure::Usage("`--spec` is required".into()))?);
    let out = PathBuf::from(out.ok_or_else(|| Failure::Usage("`--out` is required".into()))?);
    let stem = spec
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "api".into());
    let crate_name = name.unwrap_or_else(|| crate_name_from(&stem));
    let settings = CrateSettings {
        crate_name,
        layout: Layout::Standalone,
        command: format!("cargo xtask generate --spec {}", spec.display()),
    };
    let source = ApiSource {
        spec,
        module: "api".to_string(),
    };
    let options = generator::load::LoadOptions { lenient };
    let output = generator::generate_with(std::slice::from_ref(&source), &settings, options)
        .map_err(|d| {
            Failure::Failed(format!(
                "{d}\ngeneration failed; {} was left untouched",
                out.display()
            ))
        })?;
    for warning in &output.warnings {
        eprintln!("{warning}\n");
    }
    for api in &output.apis {
        println!(
            "{}: {} operations, {} types",
            source.spec.display(),
            api.operations.len(),
            api.types.len()
        );
    }
    let changes = write::write_all(&out, &output.files)
        .map_err(|e| Failure::Failed(format!("cannot write {}: {e}", out.display())))?;
    report_changes(&out.display().to_string(), &changes);
    Ok(())
}

/// `corpus [PATHS...] [--write-expected] [--no-check] [--root DIR]`.
fn corpus(args: &[String]) -> Result<(), Failure> {
    let mut root = workspace_root();
    let mut options = corpus::Options {
        paths: Vec::new(),
        write_expected: false,
        skip_check: false,
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--write-expected" => options.write_expected = true,
            "--no-check" => options.skip_check = true,
            "--root" => {
                let dir = rest
                    .next()
                    .ok_or_else(|| Failure::Usage("`--root` needs a directory".into()))?;
                root = PathBuf::from(dir);
            }
            flag if flag.starts_with("--") => {
                return Err(Failure::Usage(format!("unexpected argument `{flag}`")));
            }
            path => options.paths.push(PathBuf::from(path)),
        }
    }
    if options.write_expected && options.skip_check {
        // `pass` means the crate checks cleanly, which an unchecked run cannot tell.
        return Err(Failure::Usage(
            "`--write-expected` needs the check that `--no-check` skips".into(),
        ));
    }
    if options.paths.is_empty() {
        let shared = root.join("..").join("shared");
        options.paths = vec![shared.join("corpus"), shared.join("upstream-specs")];
    }
    let report = corpus::run(&root, &options).map_err(Failure::Failed)?;
    println!("{report}");
    Ok(())
}

/// `verify --spec PATH [--lenient] [--out DIR]`, `verify --all [PATHS...] [--require-all-pass]`
/// or `verify --generated`.
fn verify_command(args: &[String]) -> Result<(), Failure> {
    let root = workspace_root();
    let mut spec = None;
    let mut out = None;
    let mut lenient = false;
    let mut all = false;
    let mut generated = false;
    let mut require_all_pass = false;
    let mut paths = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--lenient" => lenient = true,
            "--all" => all = true,
            "--generated" => generated = true,
            "--require-all-pass" => require_all_pass = true,
            "--spec" | "--out" => {
                let value = rest
                    .next()
                    .ok_or_else(|| Failure::Usage(format!("`{arg}` needs a value")))?;
                let slot = if arg == "--spec" { &mut spec } else { &mut out };
                *slot = Some(PathBuf::from(value));
            }
            flag if flag.starts_with("--") => {
                return Err(Failure::Usage(format!("unexpected argument `{flag}`")));
            }
            path if all => paths.push(PathBuf::from(path)),
            other => return Err(Failure::Usage(format!("unexpected argument `{other}`"))),
        }
    }
    if generated {
        let report = verify::verify_generated(&root).map_err(Failure::Failed)?;
        println!("{}", report.render_text());
        return verify_verdict(&report, true);
    }
    if all {
        let options = verify::AllOptions {
            paths,
            require_all_pass,
        };
        let summary = verify::run_all(&root, &options).map_err(Failure::Failed)?;
        println!("{summary}");
        return Ok(());
    }
    let spec = spec.ok_or_else(|| Failure::Usage("`--spec` (or `--all`) is required".into()))?;
    if !spec.exists() {
        return Err(Failure::Failed(format!(
            "{} does not exist",
            spec.display()
        )));
    }
    let install = prism_harness::check_install(&root).map_err(Failure::Failed)?;
    let options = verify::Options {
        out: out.unwrap_or_else(|| verify::default_out(&root, &spec)),
        spec,
        lenient,
        tamper: None,
    };
    let report = verify::verify_document(&root, &install, &options).map_err(Failure::Failed)?;
    println!("{}", report.render_text());
    println!("report: {}", options.out.join("report.json").display());
    verify_verdict(&report, require_all_pass)
}

/// Fails on any failure of class `generator` (or, with `all_must_pass`, any failure at all).
fn verify_verdict(report: &verify::Report, all_must_pass: bool) -> Result<(), Failure> {
    let generator_failures = report.count_class(verify::Class::Generator);
    if report.fatal.is_some() || generator_failures > 0 {
        return Err(Failure::Failed(format!(
            "verify: {generator_failures} failure(s) of class `generator`"
        )));
    }
    if all_must_pass && !report.counted_failures().is_empty() {
        return Err(Failure::Failed("verify: not every operation passed".into()));
    }
    Ok(())
}

/// A valid package name from a file stem (`oai-petstore` stays, `My API` becomes `my-api`).
pub(crate) fn crate_name_from(stem: &str) -> String {
    let name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let name = name.trim_matches('-').to_string();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("api-{name}")
    } else {
        name
    }
}
