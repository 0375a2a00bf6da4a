//! `cargo xtask bench-features`: what filtering and per-tag features save the users of large
//! APIs, as check times measured side by side in one run (machines are noisy; ratios travel).
//!
//! From the shared corpus (`../shared/corpus`), each crate is generated as a standalone crate
//! into `target/bench-features/<name>` with the workspace's `Cargo.lock`:
//!
//! - GitHub (`github-api.json`) with `--features-per-tag`, checked with `--features full` and
//!   with `--no-default-features --features issues` (and with no feature: the client alone);
//! - GitHub with `--only tag:issues`;
//! - Stripe (`stripe.yaml`, no tags) whole and with `--only 'path:/v1/customers*'`.
//!
//! The dependencies are built once into `target/bench-features/target`; then, for each crate and
//! feature set in turn, `src/lib.rs` is touched and `cargo check` is timed with
//! `CARGO_INCREMENTAL=0`, so the whole crate is type-checked again. Every check must pass
//! without a warning. `BENCH_ROUNDS` (default 1: the large checks take minutes on two cores)
//! repeats the interleaved rounds and reports the median. Besides wall time, the CPU time of
//! `cargo` and the compiler (user and system, from `/proc/self/stat` on Linux) is measured:
//! on a machine shared with other work it varies far less, so the ratios are taken from it
//! where it is available. `cargo xtask bench-features github`
//! (or `stripe`) measures one API's crates alone.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use generator::ir::Api;
use generator::select::Selector;
use generator::{ApiSource, CrateSettings, Layout, Options, write};

/// One crate, generated once.
struct Crate {
    dir: PathBuf,
    api: Api,
}

/// What a check compiles of its crate.
#[derive(Clone, Copy)]
enum Enabled {
    All,
    /// One per-tag feature.
    Feature(&'static str),
    /// No feature: the client and runtime alone.
    Nothing,
}

impl Crate {
    /// How many operations and types a check compiles.
    fn compiled(&self, enabled: Enabled) -> (usize, usize) {
        let api = &self.api;
        match (enabled, &api.features) {
            (Enabled::Feature(name), Some(gates)) => (
                gates
                    .operations
                    .values()
                    .filter(|f| f.iter().any(|f| f == name))
                    .count(),
                gates
                    .types
                    .values()
                    .filter(|f| f.iter().any(|f| f == name))
                    .count(),
            ),
            (Enabled::Nothing, _) => (0, 0),
            _ => (api.operations.len(), api.types.len()),
        }
    }
}

/// One timed check: a crate and the cargo feature arguments.
struct Check {
    label: &'static str,
    krate: usize,
    features: &'static [&'static str],
    enabled: Enabled,
    /// The label of the check this one is compared with.
    against: &'static str,
}

/// Runs the benchmark and returns its report; `api` (`github` or `stripe`) limits it to the
/// crates of one API.
pub fn run(root: &Path, api: Option<&str>) -> Result<String, String> {
    if let Some(other) = api.filter(|a| !["github", "stripe"].contains(a)) {
        return Err(format!(
            "`bench-features {other}`: the APIs measured are `github` and `stripe`"
        ));
    }
    let rounds = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let corpus = root
        .parent()
        .map(|p| p.join("shared/corpus"))
        .unwrap_or_default();
    let github = corpus.join("github-api.json");
    let stripe = corpus.join("stripe.yaml");
    for spec in [&github, &stripe] {
        if !spec.exists() {
            return Err(format!(
                "{} is absent: this benchmark needs the shared corpus beside the repository",
                spec.display()
            ));
        }
    }
    let dir = root.join("target/bench-features");
    let target = dir.join("target");
    let selector = |text: &str| Selector::parse(text, None);
    let crates = [
        ("github-tags", &github, Vec::new(), true),
        (
            "github-issues",
            &github,
            vec![selector("tag:issues")?],
            false,
        ),
        ("stripe", &stripe, Vec::new(), false),
        (
            "stripe-customers",
            &stripe,
            vec![selector("path:/v1/customers*")?],
            false,
        ),
    ]
    .into_iter()
    .map(|(name, spec, only, per_tag)| {
        if api.is_some_and(|api| !name.starts_with(api)) {
            return Ok(None);
        }
        let source = ApiSource {
            only,
            features_per_tag: per_tag,
            ..ApiSource::new(spec, "api")
        };
        generate(root, &dir, name, source).map(Some)
    })
    .collect::<Result<Vec<_>, _>>()?;
    let checks = [
        Check {
            label: "GitHub, per-tag features: `--features full`",
            krate: 0,
            features: &["--features", "full"],
            enabled: Enabled::All,
            against: "",
        },
        Check {
            label: "GitHub, per-tag features: `--no-default-features --features issues`",
            krate: 0,
            features: &["--no-default-features", "--features", "issues"],
            enabled: Enabled::Feature("issues"),
            against: "GitHub, per-tag features: `--features full`",
        },
        Check {
            label: "GitHub, per-tag features: `--no-default-features` (the client alone)",
            krate: 0,
            features: &["--no-default-features"],
            enabled: Enabled::Nothing,
            against: "GitHub, per-tag features: `--features full`",
        },
        Check {
            label: "GitHub, `--only tag:issues`",
            krate: 1,
            features: &[],
            enabled: Enabled::All,
            against: "GitHub, per-tag features: `--features full`",
        },
        Check {
            label: "Stripe, whole",
            krate: 2,
            features: &[],
            enabled: Enabled::All,
            against: "",
        },
        Check {
            label: "Stripe, `--only 'path:/v1/customers*'`",
            krate: 3,
            features: &[],
            enabled: Enabled::All,
            against: "Stripe, whole",
        },
    ];
    let checks: Vec<Check> = checks
        .into_iter()
        .filter(|c| crates.get(c.krate).is_some_and(Option::is_some))
        .collect();
    // The dependencies, built once with the smallest feature set (features of the generated
    // crate do not change its dependencies').
    if let Some(first) = crates.iter().flatten().next() {
        cargo_check(&first.dir, &target, &["--no-default-features"])?;
    }
    let mut times: Vec<Vec<Sample>> = checks.iter().map(|_| Vec::new()).collect();
    for _ in 0..rounds {
        for (check, samples) in checks.iter().zip(&mut times) {
            let Some(krate) = crates.get(check.krate).and_then(Option::as_ref) else {
                continue;
            };
            touch(&krate.dir.join("src/lib.rs"))?;
            samples.push(cargo_check(&krate.dir, &target, check.features)?);
        }
    }
    Ok(report(&crates, &checks, &times, rounds))
}

fn generate(
    root: &Path,
    dir: &Path,
    name: &'static str,
    source: ApiSource,
) -> Result<Crate, String> {
    let settings = CrateSettings {
        crate_name: name.into(),
        layout: Layout::Standalone,
        command: "cargo xtask bench-features".into(),
    };
    let output = generator::generate(&[source], &Options::new(settings))
        .map_err(|e| format!("{name}: not generated:\n{e}"))?;
    let out = dir.join(name);
    write::write_all(&out, &output.files)
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    // The workspace's lock file: the same dependency versions, already downloaded.
    let lock = root.join("Cargo.lock");
    if lock.exists() {
        std::fs::copy(&lock, out.join("Cargo.lock"))
            .map_err(|e| format!("cannot copy Cargo.lock into {}: {e}", out.display()))?;
    }
    let api = output
        .apis
        .into_iter()
        .next()
        .ok_or_else(|| format!("{name}: no API was generated"))?;
    Ok(Crate { dir: out, api })
}

/// What one check took.
#[derive(Clone, Copy)]
struct Sample {
    wall: Duration,
    /// User and system CPU time of `cargo` and the compiler; `None` where it cannot be read.
    cpu: Option<Duration>,
}

/// The CPU time (user and system) of this process's children that have been waited for:
/// `cutime` and `cstime` of `/proc/self/stat`, in clock ticks. `None` off Linux.
fn children_cpu_time() -> Option<Duration> {
    static TICKS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let ticks = *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|t| t.trim().parse().ok())
            .filter(|t| *t > 0)
            .unwrap_or(100)
    });
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at the third, `state`.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let field = |n: usize| fields.get(n - 3).and_then(|f| f.parse::<u64>().ok());
    let total = field(16)? + field(17)?;
    Some(Duration::from_millis(total * 1000 / ticks))
}

/// `cargo check` of the crate in `dir` with `features`: its wall and CPU time. A failure or a
/// warning is an error, with the compiler's output.
fn cargo_check(dir: &Path, target: &Path, features: &[&str]) -> Result<Sample, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let cpu_before = children_cpu_time();
    let start = Instant::now();
    let output = Command::new(&cargo)
        .args([
            "check",
            "--quiet",
            "--message-format",
            "short",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        .args(features)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .map_err(|e| format!("cannot run `{cargo} check`: {e}"))?;
    let wall = start.elapsed();
    let cpu = children_cpu_time()
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() || stderr.contains("warning") {
        return Err(format!(
            "`cargo check {}` of {} failed or warned:\n{stderr}",
            features.join(" "),
            dir.display()
        ));
    }
    Ok(Sample { wall, cpu })
}

/// Sets the file's modification time to now, as `touch` does.
fn touch(path: &Path) -> Result<(), String> {
    std::fs::File::options()
        .append(true)
        .open(path)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .map_err(|e| format!("cannot touch {}: {e}", path.display()))
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn report(
    crates: &[Option<Crate>],
    checks: &[Check],
    times: &[Vec<Sample>],
    rounds: usize,
) -> String {
    // Ratios of CPU time when every check has one, else of wall time.
    let by_cpu = times.iter().flatten().all(|s| s.cpu.is_some());
    let measure = |s: &Sample| {
        if by_cpu {
            s.cpu.unwrap_or_default().as_secs_f64()
        } else {
            s.wall.as_secs_f64()
        }
    };
    let mut out = format!(
        "`cargo check` after touching the crate, dependencies built; times and ratios are \
         medians of {rounds} interleaved round(s); ratios of {} time\n\n\
         | crate | operations | types | check (wall) | check (CPU) | ratio |\n\
         |---|---:|---:|---:|---:|---:|\n",
        if by_cpu { "CPU" } else { "wall" }
    );
    for (check, samples) in checks.iter().zip(times) {
        let Some(krate) = crates.get(check.krate).and_then(Option::as_ref) else {
            continue;
        };
        let ratio = checks
            .iter()
            .position(|c| c.label == check.against)
            .and_then(|j| times.get(j))
            .map(|base| {
                // The median of the per-round ratios: a disturbance hits both in one round.
                let ratios = samples
                    .iter()
                    .zip(base)
                    .map(|(s, b)| measure(s) / measure(b))
                    .collect();
                format!(
                    "{:.3} of {}",
                    median(ratios),
                    if check.against.starts_with("Stripe") {
                        "Stripe whole"
                    } else {
                        "GitHub full"
                    }
                )
            })
            .unwrap_or_else(|| "1".into());
        let (operations, types) = krate.compiled(check.enabled);
        let wall = median(samples.iter().map(|s| s.wall.as_secs_f64()).collect());
        let cpu = if samples.iter().all(|s| s.cpu.is_some()) {
            format!(
                "{:.2} s",
                median(
                    samples
                        .iter()
                        .filter_map(|s| s.cpu)
                        .map(|c| c.as_secs_f64())
                        .collect()
                )
            )
        } else {
            "-".to_string()
        };
        out.push_str(&format!(
            "| {} | {operations} | {types} | {wall:.2} s | {cpu} | {ratio} |\n",
            check.label,
        ));
    }
    out
}
