//! `cargo xtask`: the thin command line over the generator library.
//!
//! - `cargo xtask codegen [--check]` regenerates the crate `codegen.toml` describes (`generated/`
//!   from `spec/`), or, with `--check`, fails when it is stale, writing nothing. `--root DIR`
//!   works on another checkout.
//! - `cargo xtask generate --spec PATH --out DIR [--name CRATE]` generates a standalone crate from
//!   any OpenAPI document; `--config FILE` instead of `--spec` generates the crate a
//!   configuration describes, with its renames. `--only SELECTOR` (repeatable: `tag:NAME`,
//!   `op:NAME`, `path:GLOB`) generates those operations and the types they reach;
//!   `--features-per-tag` puts each tag's operations behind a cargo feature.
//! - `cargo xtask specs` prints the documents `codegen.toml` lists, one per line (for the spec
//!   validator in CI).
//! - `cargo xtask bench-features` measures what filtering and per-tag features save in check
//!   time on GitHub and Stripe (BENCHMARKS.md).
//! - `cargo xtask diff OLD_SPEC NEW_SPEC` prints the API change report between two versions of a
//!   document: what changed in the generated client, each change breaking or compatible.
//!
//! `codegen` also prints, per API, the change report between the committed surface
//! (`generated/<module>.api.txt`) and the new one.
//!
//! Exit codes: 0 success (with or without API changes), 1 diagnostics or stale output, 2 bad
//! usage, 3 internal error (a bug in the generator, a panic or an [`InternalError`], never a
//! verdict on the input).
//!
//! [`InternalError`]: generator::InternalError

mod bench;
mod bench_features;
mod corpus;
mod peer;
mod verify;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generator::config::{self, Config};
use generator::surface::{self, Surface};
use generator::{ApiSource, CrateSettings, Layout, Options, write};

/// Generation allocates many small, short-lived values; see BENCHMARKS.md for the gain.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage:
  cargo xtask codegen [--check] [--root DIR]
  cargo xtask generate (--spec PATH | --config FILE) --out DIR [--name CRATE] [--lenient]
                       [--only tag:NAME|op:NAME|path:GLOB]... [--features-per-tag]
  cargo xtask specs
  cargo xtask diff OLD_SPEC NEW_SPEC
  cargo xtask corpus [PATHS...] [--write-expected] [--no-check] [--docs none|subset|all] [--root DIR]
  cargo xtask verify --spec PATH [--lenient] [--out DIR]
  cargo xtask verify --all [PATHS...] [--require-all-pass] [--resume]
  cargo xtask verify --generated
  cargo xtask bench
  cargo xtask bench-features [github|stripe]";

/// The exit code of a generator bug (a panic or an internal error), told apart from
/// diagnostics (1), bad usage (2) and Rust's default for a panic (101), so that tests and
/// scripts can say which happened.
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
            Some("specs") if args.len() == 1 => specs(&workspace_root()),
            Some("corpus") => corpus(&args[1..]),
            Some("bench-features") if args.len() <= 2 => {
                bench_features::run(&workspace_root(), args.get(1).map(String::as_str))
                    .map(|report| println!("{report}"))
                    .map_err(Failure::Failed)
            }
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
    let Err(failure) = result else {
        return ExitCode::SUCCESS;
    };
    match &failure {
        Failure::Usage(message) => {
            if !message.is_empty() {
                eprintln!("error: {message}");
            }
            eprintln!("{USAGE}");
        }
        Failure::Failed(message) | Failure::Internal(message) => eprintln!("{message}"),
    }
    ExitCode::from(failure.exit_code())
}

#[allow(clippy::panic)] // The point of this function: see `INJECT_PANIC_VAR`.
fn inject_panic() {
    panic!("{INJECT_PANIC_VAR} is set: panicking on purpose");
}

enum Failure {
    Usage(String),
    Failed(String),
    /// A bug in the generator.
    Internal(String),
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Failure::Failed(_) => 1,
            Failure::Usage(_) => 2,
            Failure::Internal(_) => EXIT_INTERNAL_ERROR,
        }
    }

    /// A failed generation; `untouched` names the output left as it was.
    fn generation(error: generator::Error, untouched: &str) -> Failure {
        match error {
            generator::Error::Diagnostics(d) => Failure::Failed(format!(
                "{d}\ngeneration failed; {untouched} was left untouched"
            )),
            generator::Error::Internal(bug) => {
                Failure::Internal(format!("{bug}\n{untouched} was left untouched"))
            }
        }
    }
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
    // Relative paths keep diagnostics and the committed output free of machine-specific paths.
    std::env::set_current_dir(&root)
        .map_err(|e| Failure::Failed(format!("cannot enter {}: {e}", root.display())))?;
    let config = Config::load(Path::new(config::FILE_NAME))
        .map_err(|d| Failure::Failed(format!("{d}\nno crate was generated")))?;
    let dir = config.output.as_path();
    let shown = dir.display().to_string();
    let output = generator::generate(&config.apis, &Options::new(config.settings()))
        .map_err(|e| Failure::generation(e, &format!("{shown}/")))?;
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
    // The committed surfaces, read before anything is written.
    let reports = api_change_reports(dir, &output.apis);
    if check {
        let changes = write::diff(dir, &output.files)
            .map_err(|e| Failure::Failed(format!("cannot read {shown}/: {e}")))?;
        if changes.is_empty() {
            println!("{shown}/ is up to date");
            return Ok(());
        }
        print!("{reports}");
        let mut message = format!("{shown}/ is stale:\n");
        for (label, paths) in [
            ("changed", &changes.modified),
            ("missing", &changes.added),
            ("extra", &changes.removed),
        ] {
            for p in paths {
                message.push_str(&format!("  {label}: {shown}/{p}\n"));
            }
        }
        message.push_str("run `cargo xtask codegen` to update it");
        return Err(Failure::Failed(message));
    }
    let changes = write::write_all(dir, &output.files)
        .map_err(|e| Failure::Failed(format!("cannot write {shown}/: {e}")))?;
    report_changes(&shown, &changes);
    print!("{reports}");
    Ok(())
}

/// `specs`: the document of every API of `codegen.toml`, relative to the root.
fn specs(root: &Path) -> Result<(), Failure> {
    let config =
        Config::load(&root.join(config::FILE_NAME)).map_err(|d| Failure::Failed(d.to_string()))?;
    for api in &config.apis {
        println!(
            "{}",
            api.spec.strip_prefix(root).unwrap_or(&api.spec).display()
        );
    }
    Ok(())
}

/// For each API, the change report from its committed surface file to the new surface, or a
/// line saying why there is none to compare with.
fn api_change_reports(dir: &Path, apis: &[generator::ir::Api]) -> String {
    let shown = dir.display();
    let mut out = String::new();
    for api in apis {
        let file = generator::surface_path(&api.module);
        let path = dir.join(&file);
        let new = Surface::from_api(api);
        let previous = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                out.push_str(&format!(
                    "{}: no committed API surface to compare with ({shown}/{file} is new)\n",
                    api.module
                ));
                continue;
            }
            Err(e) => {
                out.push_str(&format!(
                    "{}: cannot read {shown}/{file}: {e}\n",
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
                "{}: cannot compare with {shown}/{file}: {e}\n",
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
    let load = |spec: &String| {
        let doc = generator::stages::load_file(Path::new(spec), false)?;
        generator::stages::normalize(&doc, "api", &config::Renames::default())
    };
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
    let mut config_file = None;
    let mut out = None;
    let mut name = None;
    let mut lenient = false;
    let mut only = Vec::new();
    let mut features_per_tag = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let slot = match arg.as_str() {
            "--lenient" => {
                lenient = true;
                continue;
            }
            "--features-per-tag" => {
                features_per_tag = true;
                continue;
            }
            "--only" => {
                let text = rest
                    .next()
                    .ok_or_else(|| Failure::Usage("`--only` needs a selector".into()))?;
                only.push(
                    generator::select::Selector::parse(text, None)
                        .map_err(|e| Failure::Usage(format!("`--only`: {e}")))?,
                );
                continue;
            }
            "--spec" => &mut spec,
            "--config" => &mut config_file,
            "--out" => &mut out,
            "--name" => &mut name,
            other => return Err(Failure::Usage(format!("unexpected argument `{other}`"))),
        };
        let value = rest
            .next()
            .ok_or_else(|| Failure::Usage(format!("`{arg}` needs a value")))?;
        *slot = Some(value.clone());
    }
    let out = PathBuf::from(out.ok_or_else(|| Failure::Usage("`--out` is required".into()))?);
    let (sources, default_name, command) = match (spec, config_file) {
        (Some(spec), None) => {
            let spec = PathBuf::from(spec);
            let stem = spec
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_else(|| "api".into());
            let mut command = format!("cargo xtask generate --spec {}", spec.display());
            for selector in &only {
                command.push_str(&format!(" --only '{}'", selector.kind));
            }
            if features_per_tag {
                command.push_str(" --features-per-tag");
            }
            let source = ApiSource {
                only,
                features_per_tag,
                ..ApiSource::new(spec, "api")
            };
            (vec![source], crate_name_from(&stem), command)
        }
        (None, Some(_)) if !only.is_empty() || features_per_tag => {
            return Err(Failure::Usage(
                "with `--config`, set `only` and `features_per_tag` per API in the configuration"
                    .into(),
            ));
        }
        (None, Some(file)) => {
            let config = Config::load(Path::new(&file))
                .map_err(|d| Failure::Failed(format!("{d}\nno crate was generated")))?;
            let command = format!("cargo xtask generate --config {file}");
            (config.apis, config.crate_name, command)
        }
        _ => {
            return Err(Failure::Usage(
                "give either `--spec PATH` or `--config FILE`".into(),
            ));
        }
    };
    let settings = CrateSettings {
        crate_name: name.unwrap_or(default_name),
        layout: Layout::Standalone,
        command,
    };
    let options = Options {
        lenient,
        ..Options::new(settings)
    };
    let output = generator::generate(&sources, &options)
        .map_err(|e| Failure::generation(e, &out.display().to_string()))?;
    for warning in &output.warnings {
        eprintln!("{warning}\n");
    }
    for (source, api) in sources.iter().zip(&output.apis) {
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
        docs: corpus::DocsSelection::Subset,
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
            "--docs" => {
                options.docs = match rest.next().map(String::as_str) {
                    Some("none") => corpus::DocsSelection::None,
                    Some("subset") => corpus::DocsSelection::Subset,
                    Some("all") => corpus::DocsSelection::All,
                    _ => {
                        return Err(Failure::Usage(
                            "`--docs` takes `none`, `subset` or `all`".into(),
                        ));
                    }
                };
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

/// `verify --spec PATH [--lenient] [--out DIR]`, `verify --all [PATHS...] [--require-all-pass]
/// [--resume]` or `verify --generated`.
fn verify_command(args: &[String]) -> Result<(), Failure> {
    let root = workspace_root();
    let mut spec = None;
    let mut out = None;
    let mut lenient = false;
    let mut all = false;
    let mut generated = false;
    let mut require_all_pass = false;
    let mut resume = false;
    let mut paths = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--lenient" => lenient = true,
            "--all" => all = true,
            "--generated" => generated = true,
            "--require-all-pass" => require_all_pass = true,
            "--resume" => resume = true,
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
            resume,
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
        // Absolute: the smoke tests run in the crate's directory and write their report there.
        out: match out {
            Some(out) => std::path::absolute(&out)
                .map_err(|e| Failure::Failed(format!("{}: {e}", out.display())))?,
            None => verify::default_out(&root, &spec),
        },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generator_bug_exits_as_an_internal_error_and_diagnostics_do_not() {
        let bug = generator::Error::Internal(generator::InternalError {
            file: "src/api/types.rs".into(),
            message: "the emitted code of this file does not parse".into(),
        });
        let failure = Failure::generation(bug, "out/");
        assert_eq!(failure.exit_code(), EXIT_INTERNAL_ERROR);
        let Failure::Internal(message) = failure else {
            unreachable!("matched by the exit code");
        };
        assert!(message.contains("bug in the generator"), "{message}");
        assert!(message.ends_with("out/ was left untouched"), "{message}");
        let input = generator::Error::Diagnostics(generator::Diagnostics(Vec::new()));
        assert_eq!(Failure::generation(input, "out/").exit_code(), 1);
    }
}
