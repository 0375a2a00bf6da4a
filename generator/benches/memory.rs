//! Generation memory: the most heap held at once while generating, per operation, and what each
//! stage adds.
//!
//! ```sh
//! cargo bench -p openapi-rs-generator --bench memory
//! ```
//!
//! A counting global allocator around mimalloc (the allocator `cargo xtask` uses) records the
//! peak. It updates shared counters on every allocation, which slows down threads that allocate
//! at the same time, so this bench measures no time; the `generation` bench does.

#![allow(clippy::expect_used)]

mod support;

use std::hint::black_box;

use peakmem_alloc::{PeakMemAlloc, PeakMemAllocTrait};
use support::*;

/// `reset_peak_memory` then `get_peak_memory` gives the most heap held at once in between, over
/// what was held at the reset.
#[global_allocator]
static ALLOCATOR: PeakMemAlloc<mimalloc::MiMalloc> = PeakMemAlloc::new(mimalloc::MiMalloc);

/// Peak heap of one pipeline run on `threads` threads (bytes over what was held before it).
fn pipeline_peak(fx: &Fixture, threads: usize) -> usize {
    let dir = fresh_dir();
    ALLOCATOR.reset_peak_memory();
    black_box(pipeline(fx, dir.path(), threads));
    ALLOCATOR.get_peak_memory()
}

/// The peak each of load, normalize, emit and format adds over what is held when it starts,
/// run as separate stages on one thread (the documents are dropped after normalize, as
/// `generate` does, so emit and format start from the IR alone).
fn stage_peaks(fx: &Fixture) -> [usize; 4] {
    let mut stages = [0; 4];
    ALLOCATOR.reset_peak_memory();
    let docs = load(fx);
    stages[0] = ALLOCATOR.get_peak_memory();
    ALLOCATOR.reset_peak_memory();
    let apis = normalize(fx, &docs);
    stages[1] = ALLOCATOR.get_peak_memory();
    drop(docs);
    ALLOCATOR.reset_peak_memory();
    let emitted = emit(fx, &apis);
    stages[2] = ALLOCATOR.get_peak_memory();
    ALLOCATOR.reset_peak_memory();
    black_box(format(fx, emitted));
    stages[3] = ALLOCATOR.get_peak_memory();
    stages
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return;
    }
    let mut fixtures = repository_fixtures();
    fixtures.extend([10, 100, 1_000, 5_000].into_iter().map(synthetic_fixture));
    fixtures.extend(corpus_fixtures());
    let mb = |b: usize| b as f64 / (1024.0 * 1024.0);
    println!(
        "peak heap of one generation, text to files on disk (MB; KB per operation), on 1 thread and on {} threads, and what each stage adds on 1 thread (MB)",
        threads()
    );
    println!(
        "{:<16} {:>5} {:>9} {:>10} {:>10} {:>10}   load / normalize / emit / format",
        "fixture", "ops", "output MB", "1 thread", "KB/op", "parallel",
    );
    for fx in &fixtures {
        let apis = normalize(fx, &load(fx));
        let operations: usize = apis.iter().map(|a| a.operations.len()).sum();
        let output: usize = format(fx, emit(fx, &apis))
            .iter()
            .map(|f| f.contents.len())
            .sum();
        drop(apis);
        let single = pipeline_peak(fx, 1);
        let parallel = pipeline_peak(fx, threads());
        let [l, n, e, f] = stage_peaks(fx);
        println!(
            "{:<16} {:>5} {:>9.1} {:>10.1} {:>10.0} {:>10.1}   {:.1} / {:.1} / {:.1} / {:.1}",
            fx.name,
            operations,
            mb(output),
            mb(single),
            single as f64 / 1024.0 / operations.max(1) as f64,
            mb(parallel),
            mb(l),
            mb(n),
            mb(e),
            mb(f),
        );
    }
}
