//! Criterion's command line as the benchmarks' own `main` reads it. Both benchmark binaries
//! (`generator/benches/generation.rs`, `tests/benches/client.rs`) include this one file.

/// Criterion's filter: the first argument that is neither an option nor an option's value.
pub fn positional(args: &[String]) -> Option<&str> {
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
