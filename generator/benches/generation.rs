//! Generation speed: where the time goes and how it scales. Peak heap: the `memory` bench.
//!
//! ```sh
//! cargo bench -p openapi-rs-generator --bench generation
//! cargo bench -p openapi-rs-generator --bench generation -- stages   # one criterion group
//! ```
//!
//! Three parts, all in one run so the ratios compare figures taken under the same load:
//!
//! 1. **stages** (criterion): for `spec/teams.yaml`, `membership.yaml`, `cpaas.yaml` and all three
//!    together, each stage on its own: `parse` (the floor: the document text to a
//!    `serde_json::Value`, the parser `load` itself uses), `load`, `normalize`, `emit`, `format`,
//!    `write` (into a fresh directory under `target/`), and `pipeline` (all of them, text to files
//!    on disk) on one thread and on all cores.
//! 2. **scaling** (criterion): the pipeline, on one thread and on all cores, on synthetic specs of
//!    10, 100, 1,000 and 5,000 operations, and on `stripe.yaml` and `oxide-nexus.json` from the
//!    shared corpus (`../shared/corpus` beside the repository; skipped with a note when absent).
//! 3. **summary** (printed last): every stage timed in interleaved rounds (one batch of each
//!    stage per round, so a disturbance hits all stages of a round alike), the median of each,
//!    the median per-round ratios `pipeline / parse` (one thread) and `parallel / parse` (all
//!    cores, as `cargo xtask codegen` runs), and time per operation. Peak heap is the `memory`
//!    bench's.
//!
//! Criterion's defaults here are short (sample size 10, 1 s warm-up, 2 s measurement); the usual
//! criterion flags after `--` override them. `BENCH_ROUNDS=N` sets the summary's rounds.

// Benchmarks are not tests, so the workspace's unwrap/panic lints apply here. A benchmark whose
// fixture fails to generate has nothing to measure: it stops with `expect` and the reason.
#![allow(clippy::expect_used)]

mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, Throughput};
use generator::stages::EmittedContent;
use serde_json::Value;
use support::*;

/// The allocator `cargo xtask` uses. Peak heap is measured by the `memory` bench, whose counting
/// allocator would slow down threads that allocate at the same time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// ---------------------------------------------------------------------------------------------
// Criterion groups

fn stages(c: &mut Criterion, fixtures: &[Fixture]) {
    let mut group = c.benchmark_group("stages");
    for fx in fixtures {
        let docs = load(fx);
        let apis = normalize(fx, &docs);
        let emitted = emit(fx, &apis);
        let files = format(fx, emitted.clone());
        group.bench_function(BenchmarkId::new("parse", &fx.name), |b| {
            b.iter(|| black_box(parse(fx)))
        });
        group.bench_function(BenchmarkId::new("load", &fx.name), |b| {
            b.iter(|| black_box(load(fx)))
        });
        group.bench_function(BenchmarkId::new("normalize", &fx.name), |b| {
            b.iter(|| black_box(normalize(fx, &docs)))
        });
        group.bench_function(BenchmarkId::new("emit", &fx.name), |b| {
            b.iter(|| black_box(emit(fx, &apis)))
        });
        group.bench_function(BenchmarkId::new("format", &fx.name), |b| {
            b.iter_batched(|| emitted.clone(), |e| format(fx, e), BatchSize::SmallInput)
        });
        group.bench_function(BenchmarkId::new("write", &fx.name), |b| {
            b.iter_batched(
                fresh_dir,
                |dir| {
                    write(dir.path(), &files);
                    dir
                },
                BatchSize::PerIteration,
            )
        });
        bench_pipelines(&mut group, fx);
    }
    group.finish();
}

/// The whole pipeline, text to files in a fresh directory, on one thread and on all cores.
fn bench_pipelines(group: &mut BenchmarkGroup<'_, WallTime>, fx: &Fixture) {
    for (name, threads) in [("pipeline-1-thread", 1), ("pipeline", threads())] {
        group.bench_function(BenchmarkId::new(name, &fx.name), |b| {
            b.iter_batched(
                fresh_dir,
                |dir| {
                    black_box(pipeline(fx, dir.path(), threads));
                    dir
                },
                BatchSize::PerIteration,
            )
        });
    }
}

fn scaling(c: &mut Criterion, fixtures: &[(Fixture, usize)]) {
    let mut group = c.benchmark_group("scaling");
    group.sampling_mode(SamplingMode::Flat);
    for (fx, operations) in fixtures {
        // Ten samples of one run each, whatever a run takes: no "unable to complete" warning.
        let once = checkpointed(fx)[7];
        group.measurement_time(Duration::from_secs(2).max(once.mul_f64(12.0)));
        group.throughput(Throughput::Elements(*operations as u64));
        bench_pipelines(&mut group, fx);
    }
    group.finish();
}

// ---------------------------------------------------------------------------------------------
// Summary: interleaved rounds, ratios, memory

/// The columns of a checkpointed pipeline run: each stage as it runs inside the pipeline, and
/// dropping what it made (the documents after normalize, as `generate` does, and the IR and
/// files at the end: what an isolated stage bench leaves outside its clock).
const COLUMNS: [&str; 9] = [
    "parse",
    "load",
    "normalize",
    "emit",
    "format",
    "write",
    "drop",
    "pipeline",
    "parallel",
];

/// Medians of each column's per-run time, and the median of per-round `pipeline / parse`.
struct Timings {
    median: [Duration; 9],
    /// The single-threaded pipeline (the sum of the stages) over parse.
    ratio: f64,
    /// The pipeline on all cores, as `cargo xtask codegen` runs it, over parse.
    parallel_ratio: f64,
}

/// One single-threaded pipeline run, text to files on disk, timed at every stage boundary;
/// index 0 (parse) and 8 (parallel) are left zero and `pipeline` is the sum.
fn checkpointed(fx: &Fixture) -> [Duration; 9] {
    let dir = fresh_dir();
    let mut out = [Duration::ZERO; 9];
    let start = Instant::now();
    let docs = load(fx);
    let t1 = Instant::now();
    let apis = normalize(fx, &docs);
    let t2 = Instant::now();
    // `generate` drops each document once normalized; the IR lives until the end.
    drop(black_box(docs));
    let t2b = Instant::now();
    let emitted = emit(fx, &apis);
    let t3 = Instant::now();
    let files = format(fx, emitted);
    let t4 = Instant::now();
    write(dir.path(), &files);
    let t5 = Instant::now();
    drop(black_box(files));
    drop(black_box(apis));
    let t6 = Instant::now();
    out[1] = t1 - start;
    out[2] = t2 - t1;
    out[3] = t3 - t2b;
    out[4] = t4 - t3;
    out[5] = t5 - t4;
    out[6] = (t2b - t2) + (t6 - t5);
    out[7] = t6 - start;
    out
}

/// Round-robin over `fixtures`: in each of `rounds` rounds, every fixture runs a batch of
/// `reps` parses, `reps` checkpointed pipelines and `reps` pipelines on all cores, so a disturbance of the machine hits the
/// floor and the pipelines of the same round alike. Returns each fixture's per-round samples
/// (per-run times).
fn interleaved(fixtures: &[(&Fixture, usize)], rounds: usize) -> Vec<Vec<[Duration; 9]>> {
    let mut samples = vec![Vec::with_capacity(rounds); fixtures.len()];
    for _ in 0..rounds {
        for ((fx, reps), out) in fixtures.iter().zip(&mut samples) {
            let mut round = [Duration::ZERO; 9];
            for _ in 0..*reps {
                round[0] += timed(|| parse(fx));
            }
            for _ in 0..*reps {
                let run = checkpointed(fx);
                for (slot, d) in round.iter_mut().zip(run).skip(1) {
                    *slot += d;
                }
            }
            for _ in 0..*reps {
                let dir = fresh_dir();
                round[8] += timed(|| pipeline(fx, dir.path(), threads()));
            }
            for slot in &mut round {
                *slot /= *reps as u32;
            }
            out.push(round);
        }
    }
    samples
}

fn timings(samples: &[[Duration; 9]]) -> Timings {
    let mut median = [Duration::ZERO; 9];
    for (i, slot) in median.iter_mut().enumerate() {
        let mut column: Vec<Duration> = samples.iter().map(|r| r[i]).collect();
        column.sort();
        *slot = column[column.len() / 2];
    }
    let ratio = |column: usize| {
        median_f64(
            samples
                .iter()
                .map(|r| r[column].as_secs_f64() / r[0].as_secs_f64())
                .collect(),
        )
    };
    Timings {
        median,
        ratio: ratio(7),
        parallel_ratio: ratio(8),
    }
}

/// Where `format` spends its time: `syn` parsing the emitted tokens into a file, `prettyplease`
/// printing it, and the rest (blank lines between items, the preamble). Medians of `reps` runs.
fn format_breakdown(fx: &Fixture, reps: usize) -> [Duration; 4] {
    let apis = normalize(fx, &load(fx));
    let header = generator::stages::preamble(&fx.settings.command);
    let mut runs: Vec<[Duration; 4]> = Vec::new();
    for _ in 0..reps.max(1) {
        let mut run = [Duration::ZERO; 4];
        // Two copies, so each token stream is consumed as uniquely owned, as in `format`.
        for (a, b) in emit(fx, &apis).into_iter().zip(emit(fx, &apis)) {
            let (EmittedContent::Rust(tokens), EmittedContent::Rust(again)) =
                (a.content, b.content)
            else {
                continue;
            };
            let start = Instant::now();
            let parsed: syn::File = syn::parse2(tokens).expect("the emitted code parses");
            let t1 = Instant::now();
            let printed = prettyplease::unparse(&parsed);
            let t2 = Instant::now();
            drop(black_box(parsed));
            let t3 = Instant::now();
            drop(printed);
            let t4 = Instant::now();
            black_box(generator::stages::format_tokens(again, &header).expect("it formats"));
            let whole = t4.elapsed();
            run[0] += t1 - start;
            run[1] += t2 - t1;
            run[2] += t3 - t2;
            run[3] += whole.saturating_sub(t3 - start);
        }
        runs.push(run);
    }
    let mut out = [Duration::ZERO; 4];
    for (i, slot) in out.iter_mut().enumerate() {
        let mut column: Vec<Duration> = runs.iter().map(|r| r[i]).collect();
        column.sort();
        *slot = column[column.len() / 2];
    }
    out
}

/// Where `load` spends its time: parsing the text (the floor), deserializing the tree into
/// `openapiv3` types through `serde_path_to_error` (as `load` does), and the same without path
/// tracking (what it would cost if the path were only sought after a failure). Medians of `reps`
/// runs, summed over the fixture's documents; `None` for documents converted on load.
fn load_breakdown(fx: &Fixture, reps: usize) -> Option<[Duration; 3]> {
    let trees = parse(fx);
    if trees.iter().any(|t| {
        !t.get("openapi")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with("3.0"))
    }) {
        return None;
    }
    let mut runs: Vec<[Duration; 3]> = Vec::new();
    for _ in 0..reps.max(1) {
        let mut run = [Duration::ZERO; 3];
        for tree in &trees {
            run[1] += timed(|| {
                serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(tree)
                    .expect("the document deserializes")
            });
            run[2] += timed(|| {
                <openapiv3::OpenAPI as serde::Deserialize>::deserialize(tree)
                    .expect("the document deserializes")
            });
        }
        run[0] = timed(|| parse(fx));
        runs.push(run);
    }
    let mut out = [Duration::ZERO; 3];
    for (i, slot) in out.iter_mut().enumerate() {
        let mut column: Vec<Duration> = runs.iter().map(|r| r[i]).collect();
        column.sort();
        *slot = column[column.len() / 2];
    }
    Some(out)
}

struct Row {
    name: String,
    operations: usize,
    types: usize,
    input_bytes: usize,
    output_lines: usize,
    output_bytes: usize,
    timings: Timings,
    /// `format` split: syn parse, prettyplease, dropping the syntax tree, the rest (spacing).
    format: [Duration; 4],
    /// `load` split: parse, typed deserialize with path tracking, and without.
    load: Option<[Duration; 3]>,
}

/// Measures `fixtures` in interleaved rounds; also returns, per round, each fixture's pipeline
/// time (for ratios between fixtures taken in the same round).
fn measure(fixtures: &[&Fixture], rounds: usize) -> (Vec<Row>, Vec<Vec<f64>>) {
    // Batches of at least ~20 ms of pipeline keep the clock's resolution out of the figures.
    let plan: Vec<(&Fixture, usize)> = fixtures
        .iter()
        .map(|fx| {
            let once = checkpointed(fx)[7];
            let reps = (0.02 / once.as_secs_f64().max(1e-9))
                .ceil()
                .clamp(1.0, 50.0);
            (*fx, reps as usize)
        })
        .collect();
    let samples = interleaved(&plan, rounds);
    let per_round = samples
        .iter()
        .map(|s| s.iter().map(|r| r[7].as_secs_f64()).collect())
        .collect();
    let rows = fixtures
        .iter()
        .zip(&samples)
        .map(|(fx, samples)| {
            let apis = normalize(fx, &load(fx));
            let files = format(fx, emit(fx, &apis));
            let slow = samples[0][7] > Duration::from_millis(500);
            Row {
                name: fx.name.clone(),
                operations: apis.iter().map(|a| a.operations.len()).sum(),
                types: apis.iter().map(|a| a.types.len()).sum(),
                input_bytes: fx.specs.iter().map(|s| s.text.len()).sum(),
                output_lines: files.iter().map(|f| f.contents.lines().count()).sum(),
                output_bytes: files.iter().map(|f| f.contents.len()).sum(),
                timings: timings(samples),
                format: format_breakdown(fx, if slow { 1 } else { 5 }),
                load: load_breakdown(fx, if slow { 3 } else { 9 }),
            }
        })
        .collect();
    (rows, per_round)
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms < 10.0 {
        format!("{ms:.2}")
    } else {
        format!("{ms:.0}")
    }
}

fn print_stage_table(title: &str, rows: &[Row]) {
    println!(
        "\n{title} (ms; the stages as they run inside one single-threaded pipeline, text to files on disk; parallel = the same on {} threads, as `cargo xtask codegen` runs)",
        threads()
    );
    print!("{:<16} {:>5}", "fixture", "ops");
    for column in COLUMNS {
        print!(" {column:>9}");
    }
    println!(" {:>15} {:>15}", "pipeline/parse", "parallel/parse");
    for row in rows {
        print!("{:<16} {:>5}", row.name, row.operations);
        for d in row.timings.median {
            print!(" {:>9}", ms(d));
        }
        println!(
            " {:>14.2}x {:>14.2}x",
            row.timings.ratio, row.timings.parallel_ratio
        );
    }
    println!("each stage as a multiple of parse (the floor), and format split into its parts:");
    for row in rows {
        let m = &row.timings.median;
        let floor = m[0].as_secs_f64();
        let shares: Vec<String> = COLUMNS[1..7]
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{s} {:.2}x", m[i + 1].as_secs_f64() / floor))
            .collect();
        let [syn, pretty, tree, rest] = row.format;
        let whole = (syn + pretty + tree + rest).as_secs_f64();
        let share = |d: Duration| 100.0 * d.as_secs_f64() / whole;
        println!(
            "  {:<16} {}; format = syn parse {:.0}% + prettyplease {:.0}% + drop tree {:.0}% + spacing {:.0}%",
            row.name,
            shares.join(", "),
            share(syn),
            share(pretty),
            share(tree),
            share(rest),
        );
        if let Some([parse, tracked, plain]) = row.load {
            println!(
                "  {:<16} load = parse + typed deserialize {:.2}x parse (without serde_path_to_error: {:.2}x)",
                "",
                tracked.as_secs_f64() / parse.as_secs_f64(),
                plain.as_secs_f64() / parse.as_secs_f64(),
            );
        }
    }
}

fn print_scaling_table(rows: &[Row], per_round: &[Vec<f64>]) {
    println!(
        "\nscaling (pipeline = text to files on disk on 1 thread; parallel = the same on {} threads; peak heap: the `memory` bench)",
        threads()
    );
    let per_op = |r: &Row| r.timings.median[7].as_secs_f64() / r.operations.max(1) as f64;
    let base = rows.iter().find(|r| r.name == "synthetic-100").map(per_op);
    println!(
        "{:<16} {:>5} {:>6} {:>9} {:>11} {:>8} {:>7} {:>11} {:>8} {:>8}",
        "fixture",
        "ops",
        "types",
        "input KB",
        "pipeline ms",
        "µs/op",
        "vs 100",
        "parallel ms",
        "lines/op",
        "bytes/op",
    );
    for row in rows {
        let ops = row.operations.max(1) as f64;
        let versus = base.map_or("-".to_string(), |b| format!("{:.2}x", per_op(row) / b));
        println!(
            "{:<16} {:>5} {:>6} {:>9.0} {:>11} {:>8.0} {:>7} {:>11} {:>8.0} {:>8.0}",
            row.name,
            row.operations,
            row.types,
            row.input_bytes as f64 / 1024.0,
            ms(row.timings.median[7]),
            per_op(row) * 1e6,
            versus,
            ms(row.timings.median[8]),
            row.output_lines as f64 / ops,
            row.output_bytes as f64 / ops,
        );
    }
    let index = |name: &str| rows.iter().position(|r| r.name == name);
    if let (Some(small), Some(large)) = (index("synthetic-100"), index("synthetic-5000")) {
        let per_op = |i: usize, round: usize| per_round[i][round] / rows[i].operations as f64;
        let ratio = median_f64(
            (0..per_round[small].len())
                .map(|round| per_op(large, round) / per_op(small, round))
                .collect(),
        );
        println!(
            "time per operation, 5,000 vs 100 operations (median of per-round ratios): {ratio:.2}x (target: within 2x): {}",
            if ratio <= 2.0 { "met" } else { "MISSED" }
        );
    }
}

/// Criterion's filter: the first argument that is neither an option nor an option's value.
fn positional(args: &[String]) -> Option<&str> {
    const TAKES_VALUE: &[&str] = &[
        "--color",
        "--save-baseline",
        "--baseline",
        "--baseline-lenient",
        "--load-baseline",
        "--sample-size",
        "--warm-up-time",
        "--measurement-time",
        "--nresamples",
        "--noise-threshold",
        "--confidence-level",
        "--significance-level",
        "--profile-time",
        "--plotting-backend",
        "--output-format",
        "--format",
    ];
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if TAKES_VALUE.contains(&arg.as_str()) {
            rest.next();
        } else if !arg.starts_with('-') {
            return Some(arg);
        }
    }
    None
}

fn main() {
    let rounds = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(15usize);
    let repository = repository_fixtures();
    let mut scaled: Vec<Fixture> = [10, 100, 1_000, 5_000]
        .into_iter()
        .map(synthetic_fixture)
        .collect();
    for fx in &scaled {
        if let Err(e) = try_generate(fx) {
            eprintln!("the synthetic spec {} does not generate: {e}", fx.name);
            std::process::exit(1);
        }
    }
    scaled.extend(corpus_fixtures());
    let scaled_ops: Vec<(Fixture, usize)> = scaled
        .into_iter()
        .map(|fx| {
            let ops = normalize(&fx, &load(&fx))
                .iter()
                .map(|a| a.operations.len())
                .sum();
            (fx, ops)
        })
        .collect();

    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    stages(&mut criterion, &repository);
    scaling(&mut criterion, &scaled_ops);
    criterion.final_summary();

    // `cargo bench -- <filter>` and `--list` run part of the criterion groups; the summary
    // runs whenever no filter or `summary` itself is named.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list" || a == "--test") {
        return;
    }
    if let Some(filter) = positional(&args) {
        if filter != "summary" {
            return;
        }
    }
    println!("\n== summary: medians of interleaved rounds ==");
    let (rows, _) = measure(&repository.iter().collect::<Vec<_>>(), rounds);
    print_stage_table(
        &format!("stages of the repository's specs, {rounds} rounds"),
        &rows,
    );
    let scale_rounds = rounds.div_ceil(3).max(3);
    let scaled: Vec<&Fixture> = scaled_ops.iter().map(|(fx, _)| fx).collect();
    let (rows, per_round) = measure(&scaled, scale_rounds);
    print_stage_table(&format!("stages at scale, {scale_rounds} rounds"), &rows);
    print_scaling_table(&rows, &per_round);
}
