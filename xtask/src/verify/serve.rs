//! Serving documents with Prism for the smoke tests, and the second chance some calls get.
//!
//! Every call is made against a dynamic Prism (`-d --errors --seed verify`): requests are
//! validated, answers generated from the schemas. Prism checks its own answers too, and when it
//! cannot produce a valid one (its generator overflows its stack on a recursive schema, or cuts
//! the recursion and leaves out required properties), that call is made again against a static
//! Prism, which answers from the document's examples (or a sample built from the schema). When
//! that answer is not valid either, the call is made a third time through a Prism proxy to a
//! loopback server giving an answer made up from the schema (as the smoke tests' arguments
//! are): Prism validates the request and that answer, and the client decodes it. The request is
//! validated every time; the report says which answer was decoded.
//!
//! A call the dynamic Prism never answered (it ran out of memory making up an answer, even after
//! restarts) goes to the static Prism too, and takes whatever that Prism says of it. Last, a
//! failed call whose path another operation shares on the wire is made again alone (see
//! [`super::twins`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use generator::ir::{Api, StatusSpec};
use prism_harness::{Install, Mode, Prism};
use serde_json::{Value, json};

use super::document::{read_record_lines, read_records};
use super::loopback::{Answer, Loopback};
use super::smoke_run::Cargo;
use super::twins;

/// How long Prism may take to listen on a document (large ones take a while to load).
pub const PRISM_STARTUP: Duration = Duration::from_secs(120);

/// One API's document as Prism serves it.
pub struct Served {
    pub module: String,
    pub spec: PathBuf,
}

/// Running Prisms, one per API; stopped when dropped.
pub struct Mocks {
    prisms: Vec<(String, Prism)>,
}

impl Mocks {
    /// Starts one Prism per document in `mode` and waits until all listen.
    pub fn start(install: &Install, served: &[Served], mode: Mode) -> Result<Mocks, String> {
        let ports = prism_harness::free_ports(served.len())?;
        let mut prisms = Vec::new();
        for (s, port) in served.iter().zip(ports) {
            let args: &[&str] = match mode {
                Mode::Dynamic => &["--seed", "verify"],
                Mode::Static => &[],
            };
            let name = format!("{}/{}", s.module, mode.name());
            let prism = Prism::start_with(install, &name, &s.spec, port, mode, args)?;
            prisms.push((s.module.clone(), prism));
        }
        let deadline = Instant::now() + PRISM_STARTUP;
        for (_, prism) in &mut prisms {
            prism.wait_until_listening(deadline)?;
        }
        Ok(Mocks { prisms })
    }

    /// `PRISM_URL_<MODULE>` for each API.
    pub fn env(&self) -> Vec<(String, String)> {
        self.prisms
            .iter()
            .map(|(module, prism)| {
                (
                    format!("PRISM_URL_{}", module.to_uppercase()),
                    prism.base_url(),
                )
            })
            .collect()
    }

    /// Starts one Prism proxy per document, each forwarding to a loopback server that gives
    /// `answers[module]`.
    fn start_proxies(
        install: &Install,
        served: &[Served],
        answers: &BTreeMap<String, Vec<Answer>>,
    ) -> Result<(Mocks, Vec<Loopback>), String> {
        let ports = prism_harness::free_ports(served.len())?;
        let mut prisms = Vec::new();
        let mut upstreams = Vec::new();
        for (s, port) in served.iter().zip(ports) {
            let upstream = Loopback::start(answers.get(&s.module).cloned().unwrap_or_default())?;
            let name = format!("{}/proxy", s.module);
            let prism = Prism::start_proxy(install, &name, &s.spec, port, &upstream.base_url())?;
            prisms.push((s.module.clone(), prism));
            upstreams.push(upstream);
        }
        let deadline = Instant::now() + PRISM_STARTUP;
        for (_, prism) in &mut prisms {
            prism.wait_until_listening(deadline)?;
        }
        Ok((Mocks { prisms }, upstreams))
    }

    /// Writes each Prism's output to `dir/prism-<module>-<mode>[-<round>].log`.
    fn save_logs(&self, dir: &Path, round: usize) {
        for (_, prism) in &self.prisms {
            let mut name = prism.name.replace('/', "-");
            if round > 0 {
                name.push_str(&format!("-{round}"));
            }
            let _ = std::fs::write(
                dir.join(format!("prism-{name}.log")),
                prism.log().join("\n"),
            );
        }
    }

    /// Whether every Prism is still running.
    pub fn all_running(&mut self) -> bool {
        self.prisms.iter_mut().all(|(_, p)| p.is_running())
    }

    /// Whether every Prism is still running after `grace`: a Prism that crashes on a call
    /// closes the connection a moment before its process ends, so a check made as soon as the
    /// call failed can still see it running.
    pub fn all_running_after(&mut self, grace: std::time::Duration) -> bool {
        let deadline = std::time::Instant::now() + grace;
        while self.all_running() {
            if std::time::Instant::now() >= deadline {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        false
    }
}

/// What a run against Prism produced.
pub enum Run {
    /// The report line of each call, by `module::operation`, and the test output.
    Done {
        records: BTreeMap<String, Value>,
        output: String,
    },
    /// Prism could not serve the documents; why.
    Unserved(String),
}

/// Runs every smoke test against dynamic Prisms, then the calls whose answer Prism itself
/// flagged against static ones, then those still failing through a proxy with made-up answers.
pub fn run_with_prism(
    install: &Install,
    served: &[Served],
    cargo: &Cargo,
    out: &Path,
    apis: &[Api],
) -> Result<Run, String> {
    let operations = operations(apis);
    let (mut records, mut output) = match run_dynamic(install, served, cargo, out, &operations)? {
        Run::Done { records, output } => (records, output),
        unserved @ Run::Unserved(_) => return Ok(unserved),
    };
    let calls = Calls {
        install,
        cargo,
        operations: &operations,
    };
    calls.retry(served, out, &mut records, &mut output)?;
    calls.alone(served, out, &mut records, &mut output)?;
    Ok(Run::Done { records, output })
}

/// What making calls again needs besides the documents served.
struct Calls<'a> {
    install: &'a Install,
    cargo: &'a Cargo,
    operations: &'a BTreeMap<String, OpRetry<'a>>,
}

impl Calls<'_> {
    /// Makes the calls of `records` whose dynamic answer failed again, against a static Prism on
    /// `served`, then through a proxy with made-up answers; merges what they say. Files go to `out`.
    fn retry(
        &self,
        served: &[Served],
        out: &Path,
        records: &mut BTreeMap<String, Value>,
        output: &mut String,
    ) -> Result<(), String> {
        let Calls {
            install,
            cargo,
            operations,
        } = *self;
        for (key, record) in records.iter_mut() {
            if operations
                .get(key)
                .is_some_and(|op| answer_breaks_the_types(op, record))
            {
                record["answer_breaks_types"] = json!(true);
            }
        }
        let flagged = |records: &BTreeMap<String, Value>| -> Vec<String> {
            records
                .iter()
                .filter(|(_, r)| {
                    (answer_flagged_by_prism(r) || answer_breaks_types(r) || stopped_prism(r))
                        && r["static_failure"].is_null()
                })
                .map(|(key, _)| key.clone())
                .collect()
        };
        // Second chance: the document's examples, from a static Prism. A call a dynamic Prism
        // never answered goes there too: the static Prism validates its request the same way and
        // answers without the faker that ran out of memory.
        let retry = flagged(records);
        if !retry.is_empty() {
            eprintln!(
                "verify: {} call(s) whose dynamic answer Prism could not make (valid), again against a static Prism",
                retry.len()
            );
            let file = out.join("smoke-static.jsonl");
            let again = match Mocks::start(install, served, Mode::Static) {
                Ok(mocks) => rerun(
                    cargo,
                    &mocks,
                    &file,
                    &test_names(&retry, operations),
                    output,
                )?,
                Err(reason) => {
                    eprintln!("verify: the static Prism did not start: {reason}");
                    BTreeMap::new()
                }
            };
            merge(records, again, "static");
        }
        // Third chance: an answer made up from the schema, validated by a Prism proxy.
        let retry: Vec<String> = records
            .iter()
            .filter(|(_, r)| !r["static_failure"].is_null())
            .map(|(key, _)| key.clone())
            .collect();
        if !retry.is_empty() {
            eprintln!(
                "verify: {} call(s) again through a Prism proxy, with answers made up from the schema",
                retry.len()
            );
            let mut answers: BTreeMap<String, Vec<Answer>> = BTreeMap::new();
            for key in &retry {
                if let Some((module, answer)) = operations.get(key).and_then(|op| op.answer.clone())
                {
                    answers.entry(module).or_default().push(answer);
                }
            }
            let file = out.join("smoke-proxy.jsonl");
            let again = match Mocks::start_proxies(install, served, &answers) {
                Ok((mocks, _upstreams)) => rerun(
                    cargo,
                    &mocks,
                    &file,
                    &test_names(&retry, operations),
                    output,
                )?,
                Err(reason) => {
                    eprintln!("verify: the Prism proxy did not start: {reason}");
                    BTreeMap::new()
                }
            };
            merge(records, again, "proxy");
        }
        Ok(())
    }

    /// Makes each failed call whose path another operation shares on the wire again, against a
    /// Prism serving a copy of the document with only the operations of its round (see
    /// [`twins`]), with the same second chances; its line there is the one that counts.
    fn alone(
        &self,
        served: &[Served],
        out: &Path,
        records: &mut BTreeMap<String, Value>,
        output: &mut String,
    ) -> Result<(), String> {
        let Calls {
            install,
            cargo,
            operations,
        } = *self;
        for (i, round) in twins::rounds(operations.values().map(|op| (op.api, op.op)))
            .iter()
            .enumerate()
        {
            let failed: Vec<&twins::Twin> = round
                .iter()
                .filter(|t| {
                    records
                        .get(&t.key)
                        .is_some_and(|r| r["outcome"] != "passed")
                })
                .collect();
            if failed.is_empty() {
                continue;
            }
            eprintln!(
                "verify: {} call(s) whose path another operation shares on the wire, again without it",
                failed.len()
            );
            let dir = out.join(format!("alone-{}", i + 1));
            let alone: Result<Vec<Served>, String> = served
                .iter()
                .filter_map(|s| {
                    let kept: Vec<(String, String)> = failed
                        .iter()
                        .filter(|t| t.module == s.module)
                        .map(|t| (t.path.clone(), t.method.clone()))
                        .collect();
                    (!kept.is_empty()).then(|| {
                        prism_harness::with_only_operations(&s.spec, &dir, &kept).map(|spec| {
                            Served {
                                module: s.module.clone(),
                                spec,
                            }
                        })
                    })
                })
                .collect();
            let alone = match alone {
                Ok(alone) => alone,
                Err(reason) => {
                    eprintln!("verify: no copy of the document without the twins: {reason}");
                    continue;
                }
            };
            let keys: Vec<String> = failed.iter().map(|t| t.key.clone()).collect();
            let mut again = match Mocks::start(install, &alone, Mode::Dynamic) {
                Ok(mocks) => rerun(
                    cargo,
                    &mocks,
                    &dir.join("smoke.jsonl"),
                    &test_names(&keys, operations),
                    output,
                )?,
                Err(reason) => {
                    eprintln!("verify: Prism did not start without the twins: {reason}");
                    continue;
                }
            };
            self.retry(&alone, &dir, &mut again, output)?;
            // Checked against its own operation, the call's line is the one that counts.
            for (key, alone) in again {
                if let Some(record) = records.get_mut(&key) {
                    let shared = summary(record);
                    *record = alone;
                    record["alone"] = json!(true);
                    record["shared_failure"] = shared;
                }
            }
        }
        Ok(())
    }
}

/// The most times a dynamic Prism that stopped during a run is started again.
const RESTARTS: usize = 4;

/// How long a Prism that left a call unanswered is given to exit, if it crashed on it.
const PRISM_EXIT_GRACE: std::time::Duration = std::time::Duration::from_secs(3);

/// Every smoke test against dynamic Prisms. When Prism stops during the run (it crashes or
/// runs out of memory on some documents) or stops answering (a call gets no answer in time;
/// the smoke tests then make no more calls, see `SMOKE_STUCK`), it is started again for the
/// calls that got no answer, one at a time; the first of them that gets none again is the one
/// Prism is stuck on, and is not made again. Calls still without an answer after the last
/// restart are marked so.
fn run_dynamic(
    install: &Install,
    served: &[Served],
    cargo: &Cargo,
    out: &Path,
    operations: &BTreeMap<String, OpRetry>,
) -> Result<Run, String> {
    let mut records = BTreeMap::new();
    let mut output = String::new();
    let mut tests: Vec<String> = Vec::new();
    let marker = out.join("prism-stuck");
    let mut interrupted = false;
    for round in 0..=RESTARTS {
        let mut mocks = match Mocks::start(install, served, Mode::Dynamic) {
            Ok(mocks) => mocks,
            Err(reason) if round == 0 => return Ok(Run::Unserved(reason)),
            Err(reason) => {
                eprintln!("verify: Prism did not start again: {reason}");
                break;
            }
        };
        let file = out.join(if round == 0 {
            "smoke.jsonl".to_string()
        } else {
            format!("smoke-restart-{round}.jsonl")
        });
        let _ = std::fs::remove_file(&file);
        let _ = std::fs::remove_file(&marker);
        let mut env = mocks.env();
        env.push(("SMOKE_REPORT".into(), file.display().to_string()));
        env.push(("SMOKE_STUCK".into(), marker.display().to_string()));
        let threads = if round == 0 { 2 } else { 1 };
        output.push_str(&cargo.run(&env, &tests, threads)?);
        let lines = read_record_lines(&file)?;
        let unanswered: Vec<String> = lines
            .iter()
            .filter(|(_, r)| unanswered(r))
            .map(|(key, _)| key.clone())
            .collect();
        let grace = if unanswered.is_empty() {
            std::time::Duration::ZERO
        } else {
            PRISM_EXIT_GRACE
        };
        interrupted = !mocks.all_running_after(grace) || marker.exists();
        mocks.save_logs(out, round);
        drop(mocks);
        records.extend(lines);
        if !interrupted || unanswered.is_empty() {
            interrupted = false;
            break;
        }
        // One at a time, the first call without an answer is the one Prism is stuck on.
        let culprit = (round > 0).then(|| unanswered[0].clone());
        if let Some(key) = &culprit {
            if let Some(record) = records.get_mut(key) {
                record["prism_stopped"] = json!(true);
            }
        }
        tests = unanswered
            .iter()
            .filter(|k| Some(*k) != culprit.as_ref())
            .filter_map(|k| operations.get(k).map(|op| op.test.clone()))
            .collect();
        if tests.is_empty() {
            interrupted = false;
            break;
        }
        eprintln!(
            "verify: Prism stopped answering; starting it again for {} call(s)",
            tests.len()
        );
    }
    if interrupted {
        for record in records.values_mut().filter(|r| unanswered(r)) {
            record["prism_stopped"] = json!(true);
        }
    }
    let _ = std::fs::remove_file(&marker);
    Ok(Run::Done { records, output })
}

/// A call that got no answer: Prism was down, busy or stuck.
fn unanswered(record: &Value) -> bool {
    record["outcome"] == "request" && record["status"].is_null()
}

/// A call a dynamic Prism never answered, after its restarts (see `run_dynamic`).
fn stopped_prism(record: &Value) -> bool {
    record["prism_stopped"] == true && unanswered(record)
}

/// What the retries need to know of an operation.
struct OpRetry<'a> {
    api: &'a Api,
    op: &'a generator::ir::Operation,
    test: String,
    /// The module and the made-up answer, when one can be made.
    answer: Option<(String, Answer)>,
}

fn operations(apis: &[Api]) -> BTreeMap<String, OpRetry<'_>> {
    let mut out = BTreeMap::new();
    for api in apis {
        for op in &api.operations {
            let key = record_key(api, op);
            let answer = generator::synth::response_sample(api, op).map(|sample| {
                let answer = Answer {
                    method: op.method.as_str().to_string(),
                    template: op.path.raw.clone(),
                    status: sample.status,
                    content_type: sample.content_type,
                    body: sample.body,
                };
                (api.module.clone(), answer)
            });
            out.insert(
                key,
                OpRetry {
                    api,
                    op,
                    test: generator::smoke_test_name(api, op),
                    answer,
                },
            );
        }
    }
    out
}

/// The key of an operation's report line: `module::operation`.
pub fn record_key(api: &Api, op: &generator::ir::Operation) -> String {
    format!(
        "{}::{}",
        api.module,
        op.method_name.trim_start_matches("r#")
    )
}

fn test_names(keys: &[String], operations: &BTreeMap<String, OpRetry>) -> Vec<String> {
    keys.iter()
        .filter_map(|k| operations.get(k).map(|op| op.test.clone()))
        .collect()
}

/// Runs `tests` against `mocks`, appending their output; their report lines.
fn rerun(
    cargo: &Cargo,
    mocks: &Mocks,
    file: &Path,
    tests: &[String],
    output: &mut String,
) -> Result<BTreeMap<String, Value>, String> {
    let _ = std::fs::remove_file(file);
    let mut env = mocks.env();
    env.push(("SMOKE_REPORT".into(), file.display().to_string()));
    output.push_str(&format!("\n--- again: {} ---\n", file.display()));
    output.push_str(&cargo.run(&env, tests, 2)?);
    read_records(file)
}

/// Takes a retry's passing lines (marked with what answered); keeps the first failure of the
/// others, with the retry's failure beside it. A call that got no answer at all takes the
/// retry's line whatever its outcome: that is the first thing Prism said of it.
pub(super) fn merge(
    records: &mut BTreeMap<String, Value>,
    again: BTreeMap<String, Value>,
    mock: &str,
) {
    for (key, retried) in again {
        let Some(record) = records.get_mut(&key) else {
            continue;
        };
        if retried["outcome"] == "passed" || (unanswered(record) && !unanswered(&retried)) {
            let failure = (retried["outcome"] != "passed").then(|| summary(&retried));
            let mut taken = retried;
            taken["mock"] = json!(mock);
            taken["dynamic_failure"] = summary(record);
            if let Some(failure) = failure {
                taken[format!("{mock}_failure")] = failure;
            }
            *record = taken;
        } else {
            record[format!("{mock}_failure")] = summary(&retried);
        }
    }
}

/// Prism answered with its own problem (`--errors`): its answer broke the document, or making
/// one failed.
fn answer_flagged_by_prism(record: &Value) -> bool {
    record["outcome"] == "response"
        && record["status"] == 500
        && record["response"]
            .as_str()
            .is_some_and(|body| body.contains("stoplight.io/prism/errors#"))
}

/// The answer did not decode, and it breaks what the document says of the answer as the
/// generator reads it (an integer beyond its `format`'s range, `uint8` → `u8`, which Prism's
/// generator ignores since it knows only the standard formats).
fn answer_breaks_the_types(op: &OpRetry, record: &Value) -> bool {
    if record["outcome"] != "response" {
        return false;
    }
    let Some(body) = record["undecodable_body"]
        .as_str()
        .and_then(|b| serde_json::from_str::<Value>(b).ok())
    else {
        return false;
    };
    let Some(status) = record["status"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
    else {
        return false;
    };
    let response = op.op.responses.iter().find(|r| match r.status {
        StatusSpec::Code(c) => c == status,
        StatusSpec::Range(r) => u16::from(r) == status / 100,
        StatusSpec::Default => false,
    });
    let response = response.or_else(|| {
        op.op
            .responses
            .iter()
            .find(|r| r.status == StatusSpec::Default)
    });
    response.and_then(|r| r.body.as_ref()).is_some_and(|b| {
        b.media == generator::ir::MediaKind::Json
            && !generator::synth::conforms(op.api, &body, &b.ty, &Default::default())
    })
}

/// The undecodable answer breaks the generator's reading of the document (marked after the
/// dynamic run, see `answer_breaks_the_types`).
pub fn answer_breaks_types(record: &Value) -> bool {
    record["answer_breaks_types"] == true
}

/// The part of a failed record another record keeps.
fn summary(record: &Value) -> Value {
    json!({
        "outcome": record["outcome"],
        "detail": record["detail"],
        "status": record["status"],
        "violations": record["violations"],
        "response": record["response"],
    })
}
