//! `cargo xtask bench`: what the generated code costs its users, per operation.
//!
//! For our `userapis` crate (the APIs `codegen.toml` lists) and, when the shared corpus is checked
//! out beside the repository (`../shared/corpus`), for `stripe.yaml` and `oxide-nexus.json`:
//!
//! - lines and bytes of generated code per operation (all files, and without the runtime module
//!   every crate carries);
//! - the time of `cargo check` of the generated crate alone, with its dependencies already built:
//!   each crate is generated as a standalone crate into `target/bench/<name>` (with the
//!   workspace's `Cargo.lock`, so the dependency versions are the ones already downloaded), checked
//!   once to build the dependencies into a shared `target/bench/target`, then `src/lib.rs` is
//!   touched and the second `cargo check` is timed. `CARGO_INCREMENTAL=0`, so the timed check
//!   type-checks the whole crate again instead of replaying the incremental cache.
//!
//! The baseline of the same run is `floor`: a crate generated from a document with no operations,
//! i.e. the runtime module and the crate root alone. Each crate's check time is reported as a ratio
//! to the floor's, and its cost per operation as `(check - floor) / operations`. Checks run in
//! interleaved rounds (every crate once per round; `BENCH_ROUNDS`, default 3) and the median is
//! reported, so a disturbance during one round does not decide a figure.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use generator::config::{self, Config};
use generator::{ApiSource, CrateSettings, Layout, Options, write};

/// One crate to measure.
struct Subject {
    name: String,
    sources: Vec<ApiSource>,
    layout: Layout,
    /// Set when the strict load fails and the lenient one is used.
    lenient: bool,
}

/// What generation produced for one crate.
struct Generated {
    name: String,
    dir: PathBuf,
    operations: usize,
    types: usize,
    files: usize,
    lines: usize,
    bytes: usize,
    runtime_lines: usize,
    runtime_bytes: usize,
    generate: Duration,
    lenient: bool,
}

/// Runs the benchmark and returns its report.
pub fn run(root: &Path) -> Result<String, String> {
    let rounds = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse::<usize>().ok())
        .unwrap_or(3)
        .max(1);
    let bench_dir = root.join("target/bench");
    let target_dir = bench_dir.join("target");
    std::fs::create_dir_all(&bench_dir)
        .map_err(|e| format!("cannot create {}: {e}", bench_dir.display()))?;
    let mut notes = Vec::new();
    let subjects = subjects(root, &bench_dir, &mut notes)?;

    let mut generated = Vec::new();
    for subject in &subjects {
        match generate(root, &bench_dir, subject) {
            Ok(g) => generated.push(g),
            Err(e) => notes.push(format!("{}: not generated: {e}", subject.name)),
        }
    }
    if !generated.iter().any(|g| g.name == "floor") {
        return Err(format!(
            "the baseline crate could not be generated:\n{}",
            notes.join("\n")
        ));
    }

    // Warm: builds the dependencies (shared by all crates) and checks each crate once.
    let mut failed = Vec::new();
    for g in &generated {
        let (ok, _, output) = cargo_check(&g.dir, &target_dir)?;
        if !ok {
            notes.push(format!(
                "{}: `cargo check` fails:\n{}",
                g.name,
                tail(&output, 30)
            ));
            failed.push(g.name.clone());
        }
    }
    generated.retain(|g| !failed.contains(&g.name));

    // Timed: touch src/lib.rs, check again; every crate once per round.
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); generated.len()];
    for _ in 0..rounds {
        for (g, samples) in generated.iter().zip(&mut times) {
            touch(&g.dir.join("src/lib.rs"))?;
            let (ok, elapsed, output) = cargo_check(&g.dir, &target_dir)?;
            if !ok {
                return Err(format!(
                    "{}: the timed `cargo check` failed:\n{}",
                    g.name,
                    tail(&output, 30)
                ));
            }
            samples.push(elapsed);
        }
    }
    let medians: Vec<Duration> = times.iter().map(|t| median(t)).collect();
    Ok(report(&generated, &medians, rounds, &notes))
}

/// The crates to measure: the floor, ours, and the corpus documents present.
fn subjects(
    root: &Path,
    bench_dir: &Path,
    notes: &mut Vec<String>,
) -> Result<Vec<Subject>, String> {
    let floor_spec = bench_dir.join("floor.yaml");
    std::fs::write(
        &floor_spec,
        "openapi: 3.0.3\ninfo:\n  title: Floor\n  version: '1'\nservers:\n  - url: https://api.example.com\npaths: {}\n",
    )
    .map_err(|e| format!("cannot write {}: {e}", floor_spec.display()))?;
    let repository = Config::load(&root.join(config::FILE_NAME)).map_err(|d| d.to_string())?;
    let mut subjects = vec![
        Subject {
            name: "floor".into(),
            sources: vec![ApiSource::new(floor_spec, "api")],
            layout: Layout::Standalone,
            lenient: false,
        },
        Subject {
            name: repository.crate_name,
            sources: repository.apis,
            // Standalone only adds an empty `[workspace]` (and re-exports nothing for three
            // APIs), so the crate builds under target/ as it does in generated/.
            layout: Layout::Standalone,
            lenient: false,
        },
    ];
    let corpus = root
        .parent()
        .map(|p| p.join("shared/corpus"))
        .unwrap_or_default();
    for (name, file) in [
        ("stripe", "stripe.yaml"),
        ("oxide-nexus", "oxide-nexus.json"),
    ] {
        let spec = corpus.join(file);
        if !spec.exists() {
            notes.push(format!("{}: absent, skipped", spec.display()));
            continue;
        }
        subjects.push(Subject {
            name: name.into(),
            sources: vec![ApiSource::new(spec, "api")],
            layout: Layout::Standalone,
            lenient: false,
        });
    }
    Ok(subjects)
}

/// Generates `subject` into `target/bench/<name>` (strictly, else leniently) and counts it.
fn generate(root: &Path, bench_dir: &Path, subject: &Subject) -> Result<Generated, String> {
    let settings = CrateSettings {
        crate_name: subject.name.clone(),
        layout: subject.layout,
        command: "cargo xtask bench".into(),
    };
    let start = Instant::now();
    let mut lenient = subject.lenient;
    let strict = Options::new(settings);
    let output = match generator::generate(&subject.sources, &strict) {
        Ok(output) => output,
        Err(error) => {
            lenient = true;
            let options = Options {
                lenient: true,
                ..strict
            };
            generator::generate(&subject.sources, &options).map_err(|_| first_error(&error))?
        }
    };
    let generate = start.elapsed();
    let dir = bench_dir.join(&subject.name);
    write::write_all(&dir, &output.files)
        .map_err(|e| format!("cannot write {}: {e}", dir.display()))?;
    // The workspace's lock file: the same dependency versions, already downloaded and built.
    let lock = root.join("Cargo.lock");
    if lock.exists() {
        std::fs::copy(&lock, dir.join("Cargo.lock"))
            .map_err(|e| format!("cannot copy Cargo.lock into {}: {e}", dir.display()))?;
    }
    let rust: Vec<_> = output
        .files
        .iter()
        .filter(|f| f.path.ends_with(".rs"))
        .collect();
    let runtime: Vec<_> = rust
        .iter()
        .filter(|f| f.path.starts_with("src/runtime/"))
        .collect();
    Ok(Generated {
        name: subject.name.clone(),
        dir,
        operations: output.apis.iter().map(|a| a.operations.len()).sum(),
        types: output.apis.iter().map(|a| a.types.len()).sum(),
        files: rust.len(),
        lines: rust.iter().map(|f| f.contents.lines().count()).sum(),
        bytes: rust.iter().map(|f| f.contents.len()).sum(),
        runtime_lines: runtime.iter().map(|f| f.contents.lines().count()).sum(),
        runtime_bytes: runtime.iter().map(|f| f.contents.len()).sum(),
        generate,
        lenient,
    })
}

fn first_error(error: &generator::Error) -> String {
    let Some(d) = error.diagnostics() else {
        return error.to_string();
    };
    let errors = d.0.iter().filter(|d| d.is_error()).count();
    let first =
        d.0.iter()
            .find(|d| d.is_error())
            .map(|d| d.to_string())
            .unwrap_or_default();
    format!(
        "{errors} errors, the first: {}",
        first.lines().next().unwrap_or_default()
    )
}

/// `cargo check` in `dir` with the shared target directory: success, wall time, output.
fn cargo_check(dir: &Path, target_dir: &Path) -> Result<(bool, Duration, String), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let start = Instant::now();
    let output = Command::new(&cargo)
        .arg("check")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir)
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .map_err(|e| format!("cannot run `{cargo} check`: {e}"))?;
    let elapsed = start.elapsed();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok((output.status.success(), elapsed, text))
}

/// Sets the file's modification time to now, as `touch` does.
fn touch(path: &Path) -> Result<(), String> {
    std::fs::File::options()
        .append(true)
        .open(path)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .map_err(|e| format!("cannot touch {}: {e}", path.display()))
}

fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn report(generated: &[Generated], checks: &[Duration], rounds: usize, notes: &[String]) -> String {
    let mut out = String::new();
    let floor = generated
        .iter()
        .zip(checks)
        .find(|(g, _)| g.name == "floor")
        .map(|(g, t)| (g, *t));
    let _ = writeln!(
        out,
        "cost of the generated code (cargo check: median of {rounds} interleaved rounds, dependencies built, CARGO_INCREMENTAL=0)\n"
    );
    let _ = writeln!(
        out,
        "{:<12} {:>5} {:>6} {:>5} {:>8} {:>10} {:>9} {:>9} {:>11} {:>12} {:>9} {:>9} {:>11} {:>12}",
        "crate",
        "ops",
        "types",
        "files",
        "lines",
        "bytes",
        "lines/op",
        "bytes/op",
        "lines/op*",
        "bytes/op*",
        "gen ms",
        "check s",
        "vs floor",
        "check ms/op"
    );
    for (g, check) in generated.iter().zip(checks) {
        let ops = g.operations as f64;
        let per_op = |n: usize| {
            if g.operations == 0 {
                "-".to_string()
            } else {
                format!("{:.0}", n as f64 / ops)
            }
        };
        let versus = floor.map_or("-".into(), |(_, f)| {
            format!("{:.2}x", check.as_secs_f64() / f.as_secs_f64())
        });
        let check_per_op = match floor {
            Some((_, f)) if g.operations > 0 => {
                format!("{:.1}", (check.as_secs_f64() - f.as_secs_f64()) * 1e3 / ops)
            }
            _ => "-".into(),
        };
        let name = if g.lenient {
            format!("{} (lenient)", g.name)
        } else {
            g.name.clone()
        };
        let _ = writeln!(
            out,
            "{:<12} {:>5} {:>6} {:>5} {:>8} {:>10} {:>9} {:>9} {:>11} {:>12} {:>9.0} {:>9.2} {:>11} {:>12}",
            name,
            g.operations,
            g.types,
            g.files,
            g.lines,
            g.bytes,
            per_op(g.lines),
            per_op(g.bytes),
            per_op(g.lines - g.runtime_lines),
            per_op(g.bytes - g.runtime_bytes),
            g.generate.as_secs_f64() * 1e3,
            check.as_secs_f64(),
            versus,
            check_per_op,
        );
    }
    let _ = writeln!(
        out,
        "\nlines and bytes are of the generated .rs files; * without src/runtime/ (the same in every crate).\n\
         floor: a crate generated from a document with no operations (runtime and crate root only), the baseline.\n\
         check ms/op: (check - floor) / operations, the compile cost each operation adds.\n\
         gen ms: one run of load, normalize, emit and format (cargo bench -p openapi-rs-generator --bench generation measures it properly)."
    );
    for note in notes {
        let _ = writeln!(out, "note: {note}");
    }
    out
}
