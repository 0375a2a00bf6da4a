//! Client overhead: the generated client against the same request made by hand.
//!
//! ```sh
//! cargo bench -p tests --bench client
//! cargo bench -p tests --bench client -- summary     # only the interleaved summary
//! ```
//!
//! A loopback HTTP/1.1 server (hyper, on its own thread and current-thread runtime, so both
//! paths meet the same server) answers `GET /v2/Teams` with a Document360 Teams envelope: a page
//! of 10 team accounts, or 10,000 when asked for `take=10000` (about 2 MB, to measure decoding).
//!
//! The two paths do equal work on a multi-threaded tokio runtime and share one `reqwest::Client`
//! (so they reuse the same kept-alive connections):
//!
//! - **generated**: `teams::Client` with `.max_retries(0)`, `.http_client(...)` and an
//!   `api_token`, calling `v2_teams_get().take(n).send()` (URL building, credentials, tracing
//!   span, status dispatch, decoding through `serde_path_to_error`);
//! - **by hand**: `reqwest` with the same URL, query, `api_token` and `User-Agent` headers, the
//!   body read to bytes and decoded with `serde_json::from_slice` into the same generated type.
//!
//! Criterion measures each path (sequential latency, and throughput of 32 concurrent requests).
//! The summary printed last times the paths in interleaved rounds (the order rotating from round
//! to round) and reports calls per second, latency percentiles and the median per-round
//! overhead `generated / by hand - 1`. A third path, by hand but decoding through
//! `serde_path_to_error` as the generated runtime does, splits that overhead into the cost of
//! tracking the decode path and the rest of the client; decoding the large body alone is timed
//! last.

use std::convert::Infallible;
use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, Throughput};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use userapis::teams;
use userapis::teams::types::{
    TeamAccountSummaryCustomer, TeamAccountSummaryCustomerListCustomerApiResponse as Envelope,
};

#[path = "../../generator/benches/support/criterion_args.rs"]
mod criterion_args;
use criterion_args::positional;

const TOKEN: &str = "bench-token";
const USER_AGENT: &str = "userapis/0.1.0 (generated Rust client)";
const SMALL: i32 = 10;
const LARGE: i32 = 10_000;
const CONCURRENCY: usize = 32;

// ---------------------------------------------------------------------------------------------
// The server

fn envelope(items: usize) -> Bytes {
    let result = (0..items)
        .map(|i| TeamAccountSummaryCustomer {
            user_id: Some(format!("4f1c2a7e-0000-4000-8000-{i:012}")),
            first_name: Some(format!("First{i}")),
            last_name: Some(format!("Last{i}")),
            email_id: Some(format!("user{i}@example.com")),
            profile_logo_url: Some(format!("https://cdn.example.com/avatars/{i}.png")),
            portal_role: Some("Editor".into()),
            last_login_at: Some("2024-05-01T12:34:56.789".into()),
        })
        .collect();
    let body = Envelope {
        result: Some(result),
        success: Some(true),
        errors: Some(Vec::new()),
        warnings: Some(Vec::new()),
        information: Some(Vec::new()),
        ..Envelope::default()
    };
    Bytes::from(serde_json::to_vec(&body).expect("the envelope serializes"))
}

/// Starts the server on its own thread and runtime; returns its address.
fn start_server() -> SocketAddr {
    let small = envelope(SMALL as usize);
    let large = envelope(LARGE as usize);
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    std_listener
        .set_nonblocking(true)
        .expect("a non-blocking listener");
    let addr = std_listener.local_addr().expect("the bound address");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("the server's runtime");
        runtime.block_on(async move {
            let listener =
                tokio::net::TcpListener::from_std(std_listener).expect("a tokio listener");
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let (small, large) = (small.clone(), large.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |request: Request<Incoming>| {
                        let wants_large = request
                            .uri()
                            .query()
                            .is_some_and(|q| q.split('&').any(|p| p == "take=10000"));
                        let body = if wants_large {
                            large.clone()
                        } else {
                            small.clone()
                        };
                        async move {
                            let response = Response::builder()
                                .header("content-type", "application/json; charset=utf-8")
                                .body(Full::new(body))
                                .expect("a valid response");
                            Ok::<_, Infallible>(response)
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    addr
}

// ---------------------------------------------------------------------------------------------
// The two paths

struct Paths {
    generated: teams::Client,
    http: reqwest::Client,
    url: String,
}

fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .build()
        .expect("a reqwest client")
}

impl Paths {
    fn new(addr: SocketAddr) -> Self {
        let base = format!("http://{addr}");
        // One connection pool for every path: each call reuses the same kept-alive
        // connection(s), so no path is favoured by where its connection's task runs.
        let http = http_client();
        let generated = teams::Client::builder()
            .base_url(&base)
            .api_token(TOKEN)
            .max_retries(0)
            .http_client(http.clone())
            .build()
            .expect("the generated client builds");
        Self {
            generated,
            http,
            url: format!("{base}/v2/Teams"),
        }
    }

    async fn generated(&self, take: i32) -> Envelope {
        self.generated
            .v2_teams_get()
            .take(take)
            .send()
            .await
            .expect("the generated call succeeds")
            .into_inner()
    }

    /// The same request by hand; `decode` turns the body into the envelope.
    async fn by_hand(&self, take: i32, decode: fn(&[u8]) -> Envelope) -> Envelope {
        let response = self
            .http
            .get(&self.url)
            .query(&[("take", take)])
            .header("api_token", TOKEN)
            .header(reqwest::header::USER_AGENT, USER_AGENT)
            .send()
            .await
            .expect("the request succeeds");
        assert_eq!(response.status(), reqwest::StatusCode::OK);
        let body = response.bytes().await.expect("the body arrives");
        decode(&body)
    }

    async fn call(&self, path: Path, take: i32) -> Envelope {
        match path {
            Path::Generated => self.generated(take).await,
            Path::ByHand => self.by_hand(take, decode_plain).await,
            Path::ByHandTracked => self.by_hand(take, decode_with_path).await,
        }
    }

    async fn concurrent(&self, path: Path) -> usize {
        let calls = (0..CONCURRENCY).map(|_| self.call(path, SMALL));
        futures_util::future::join_all(calls).await.len()
    }
}

/// The ways of making the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Path {
    /// The generated client.
    Generated,
    /// reqwest, decoded with `serde_json::from_slice`: the baseline.
    ByHand,
    /// reqwest, decoded through `serde_path_to_error` as the generated runtime does: the
    /// difference to `ByHand` is the cost of tracking the path; to `Generated`, everything else.
    ByHandTracked,
}

const PATHS: [Path; 3] = [Path::Generated, Path::ByHand, Path::ByHandTracked];

fn decode_plain(body: &[u8]) -> Envelope {
    serde_json::from_slice(body).expect("the body decodes")
}

fn decode_with_path(body: &[u8]) -> Envelope {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).expect("the body decodes")
}

// ---------------------------------------------------------------------------------------------
// Criterion

fn criterion_groups(c: &mut Criterion, runtime: &tokio::runtime::Runtime, paths: &Paths) {
    let mut group = c.benchmark_group("client");
    for (label, take) in [("10 items", SMALL), ("10000 items", LARGE)] {
        group.throughput(Throughput::Elements(1));
        group.bench_function(BenchmarkId::new("generated", label), |b| {
            b.to_async(runtime)
                .iter(|| paths.call(Path::Generated, take))
        });
        group.bench_function(BenchmarkId::new("by_hand", label), |b| {
            b.to_async(runtime).iter(|| paths.call(Path::ByHand, take))
        });
    }
    group.throughput(Throughput::Elements(CONCURRENCY as u64));
    let label = format!("{CONCURRENCY} concurrent");
    group.bench_function(BenchmarkId::new("generated", &label), |b| {
        b.to_async(runtime)
            .iter(|| paths.concurrent(Path::Generated))
    });
    group.bench_function(BenchmarkId::new("by_hand", &label), |b| {
        b.to_async(runtime).iter(|| paths.concurrent(Path::ByHand))
    });
    group.finish();

    let large = envelope(LARGE as usize);
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(large.len() as u64));
    group.bench_function("serde_path_to_error/10000 items", |b| {
        b.iter(|| decode_with_path(black_box(&large)))
    });
    group.bench_function("serde_json/10000 items", |b| {
        b.iter(|| decode_plain(black_box(&large)))
    });
    group.finish();
}

// ---------------------------------------------------------------------------------------------
// Summary: interleaved rounds

/// Per-call times of each path over all rounds, and each round's mean per path.
struct Samples {
    calls: Vec<Vec<Duration>>,
    rounds: Vec<Vec<f64>>,
}

/// `rounds` rounds; in each, every path makes `reps` timed calls, the order of the paths
/// rotating from round to round so none is always first (or last).
fn interleave(
    rounds: usize,
    reps: usize,
    n: usize,
    mut call: impl FnMut(usize) -> Duration,
) -> Samples {
    let mut samples = Samples {
        calls: vec![Vec::new(); n],
        rounds: Vec::new(),
    };
    for round in 0..rounds {
        let mut sums = vec![Duration::ZERO; n];
        for k in 0..n {
            let path = (round + k) % n;
            for _ in 0..reps {
                let d = call(path);
                sums[path] += d;
                samples.calls[path].push(d);
            }
        }
        samples
            .rounds
            .push(sums.iter().map(|s| s.as_secs_f64() / reps as f64).collect());
    }
    samples
}

fn percentile(samples: &[Duration], p: f64) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Median over rounds of `a / b - 1`, in percent, with the range of the rounds.
fn overhead(samples: &Samples, a: usize, b: usize) -> (f64, f64, f64) {
    let per_round: Vec<f64> = samples
        .rounds
        .iter()
        .map(|r| (r[a] / r[b] - 1.0) * 100.0)
        .collect();
    let low = per_round.iter().copied().fold(f64::INFINITY, f64::min);
    let high = per_round.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (median(per_round), low, high)
}

fn print_rows(name: &str, per_call: usize, labels: &[&str], samples: &Samples) {
    for (i, label) in labels.iter().enumerate() {
        let mean_s = median(samples.rounds.iter().map(|r| r[i]).collect());
        println!(
            "{name:<20} {label:<30} {:>10.0} {:>9.1} {:>9.1} {:>9.1}",
            per_call as f64 / mean_s,
            us(percentile(&samples.calls[i], 0.5)),
            us(percentile(&samples.calls[i], 0.9)),
            us(percentile(&samples.calls[i], 0.99)),
        );
    }
}

fn print_overhead(name: &str, what: &str, samples: &Samples, a: usize, b: usize, target: bool) {
    let (median, low, high) = overhead(samples, a, b);
    let verdict = match (target, median <= 5.0) {
        (false, _) => String::new(),
        (true, true) => "; target ≤ 5 %: met".into(),
        (true, false) => "; target ≤ 5 %: MISSED".into(),
    };
    println!("{name:<20} {what:<30} {median:>+9.1}% (rounds {low:+.1}% to {high:+.1}%{verdict})");
}

fn summary(runtime: &tokio::runtime::Runtime, paths: &Paths, rounds: usize) {
    println!(
        "\n== summary: {rounds} interleaved rounds ({} for the 10-item call); overheads are medians of per-round ratios ==",
        rounds * 3
    );
    println!(
        "{:<20} {:<30} {:>10} {:>9} {:>9} {:>9}",
        "call", "path", "calls/s", "p50 µs", "p90 µs", "p99 µs"
    );
    let labels = [
        "generated client",
        "by hand, serde_json (baseline)",
        "by hand, serde_path_to_error",
    ];
    let time = |path: usize, take: i32| {
        let start = Instant::now();
        let out = black_box(runtime.block_on(paths.call(PATHS[path], take)));
        let elapsed = start.elapsed();
        drop(out);
        elapsed
    };
    let report = |name: &str, per_call: usize, samples: Samples| {
        print_rows(name, per_call, &labels, &samples);
        print_overhead(
            name,
            "overhead: generated vs baseline",
            &samples,
            0,
            1,
            true,
        );
        // The generated client decodes without path tracking and tracks the path only to
        // explain a failure; this row shows what tracking every decode would cost.
        print_overhead(
            name,
            "  (if every decode tracked paths)",
            &samples,
            2,
            1,
            false,
        );
    };
    // A 10-item call is ~100 µs of loopback round trip and thread hand-offs around a few µs of
    // client work: three times the rounds, to resolve a few per cent.
    report(
        "GET 10 items",
        1,
        interleave(rounds * 3, 400, 3, |p| time(p, SMALL)),
    );
    report(
        "GET 10000 items",
        1,
        interleave(rounds, 4, 3, |p| time(p, LARGE)),
    );
    let batch = |path: usize| {
        let start = Instant::now();
        black_box(runtime.block_on(paths.concurrent(PATHS[path])));
        start.elapsed()
    };
    report(
        &format!("GET 10 items x{CONCURRENCY}"),
        CONCURRENCY,
        interleave(rounds, 40, 3, batch),
    );
    println!(
        "(x{CONCURRENCY}: {CONCURRENCY} requests at once; calls/s counts requests, latency is of the whole batch)"
    );

    println!("decoding alone:");
    for (items, reps) in [(SMALL, 2000), (LARGE, 4)] {
        let body = envelope(items as usize);
        let decode = |path: usize| {
            let f = if path == 0 {
                decode_with_path
            } else {
                decode_plain
            };
            let start = Instant::now();
            let out = black_box(f(black_box(&body)));
            let elapsed = start.elapsed();
            drop(out);
            elapsed
        };
        let samples = interleave(rounds, reps, 2, decode);
        let name = format!("decode {items} items");
        print_rows(
            &name,
            1,
            &["serde_path_to_error", "serde_json (baseline)"],
            &samples,
        );
        print_overhead(
            &name,
            &format!("overhead ({} KB body)", body.len() / 1000),
            &samples,
            0,
            1,
            false,
        );
    }
}

fn main() {
    let rounds = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(15usize);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the client runtime");
    let paths = Paths::new(start_server());
    // Both paths must decode the same value before their speed means anything.
    for path in PATHS {
        let (reference, same) = runtime
            .block_on(async { (paths.generated(LARGE).await, paths.call(path, LARGE).await) });
        assert_eq!(reference, same, "{path:?} decodes the same envelope");
        assert_eq!(
            reference.result.as_ref().map(Vec::len),
            Some(LARGE as usize)
        );
    }

    let mut criterion = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    criterion_groups(&mut criterion, &runtime, &paths);
    criterion.final_summary();

    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list" || a == "--test") {
        return;
    }
    if let Some(filter) = positional(&args) {
        if filter != "summary" {
            return;
        }
    }
    summary(&runtime, &paths, rounds);
}
