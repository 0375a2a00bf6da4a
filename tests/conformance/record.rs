//! What each call sent and got back, Prism's verdict on it, and the spec's list of endpoints
//! that every call is matched against.

use std::fmt::Debug;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use userapis::runtime::{Error, ResponseValue};

use super::prism::{Mode, Prism, is_request_start};

/// One HTTP request as it left the client (seen by a request hook).
#[derive(Debug, Clone)]
pub struct Wire {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub body: Option<String>,
}

impl Wire {
    pub fn describe(&self) -> String {
        let query = self
            .query
            .as_ref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        match &self.body {
            Some(body) => format!("{} {}{query} {}", self.method, self.path, clip(body, 600)),
            None => format!("{} {}{query}", self.method, self.path),
        }
    }
}

/// A request hook (for `ClientBuilder::request_hook`) that records every request into `$wires`.
macro_rules! record_wire {
    ($wires:expr) => {{
        let wires: ::std::sync::Arc<::std::sync::Mutex<Vec<$crate::conformance::record::Wire>>> =
            $wires;
        move |req| {
            let body = req
                .body()
                .and_then(|b| b.as_bytes())
                .map(|b| String::from_utf8_lossy(b).into_owned());
            wires
                .lock()
                .expect("wire lock")
                .push($crate::conformance::record::Wire {
                    method: req.method().as_str().to_string(),
                    path: req.url().path().to_string(),
                    query: req.url().query().map(str::to_string),
                    body,
                });
            Ok(())
        }
    }};
}
pub(crate) use record_wire;

/// How a call ended, as the generated client reported it.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// A documented success status, decoded.
    Ok,
    /// A documented error status, decoded (`Error::Api`).
    Api,
    /// A status the spec does not document (`Error::UnexpectedStatus`).
    Unexpected,
    /// A body that did not decode into the generated type (`Error::Decode`).
    Decode { path: String, message: String },
    /// No response (transport, timeout, invalid request, credentials).
    Failed(String),
}

impl Outcome {
    pub fn name(&self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Api => "api_error",
            Outcome::Unexpected => "unexpected_status",
            Outcome::Decode { .. } => "decode_failure",
            Outcome::Failed(_) => "failed",
        }
    }
}

/// The parts of a response the conformance check looks at.
#[derive(Debug, Clone)]
pub struct Observed {
    pub status: Option<u16>,
    pub content_type: Option<String>,
    /// Prism's `sl-violations` header: a JSON array of the violations it found.
    pub sl_violations: Option<String>,
    pub body: String,
    pub outcome: Outcome,
}

/// Reduces a call's result to what the check needs (status, headers, raw body, outcome).
pub fn observe<T, E: Debug>(result: Result<ResponseValue<T>, Error<E>>) -> Observed {
    macro_rules! parts {
        ($status:expr, $headers:expr, $body:expr, $outcome:expr) => {{
            let headers = $headers;
            let header = |name: &str| {
                headers
                    .get(name)
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            };
            Observed {
                status: Some($status.as_u16()),
                content_type: header("content-type"),
                sl_violations: header("sl-violations"),
                body: String::from_utf8_lossy($body).into_owned(),
                outcome: $outcome,
            }
        }};
    }
    match result {
        Ok(v) => parts!(v.status(), v.headers(), v.raw_body(), Outcome::Ok),
        Err(Error::Api(v)) => parts!(v.status(), v.headers(), v.raw_body(), Outcome::Api),
        Err(Error::UnexpectedStatus(r)) => {
            parts!(r.status(), r.headers(), r.body(), Outcome::Unexpected)
        }
        Err(Error::Decode(d)) => parts!(
            d.response.status(),
            d.response.headers(),
            d.response.body(),
            Outcome::Decode {
                path: d.path.clone(),
                message: d.message.clone()
            }
        ),
        Err(other) => Observed {
            status: None,
            content_type: None,
            sl_violations: None,
            body: String::new(),
            outcome: Outcome::Failed(other.to_string()),
        },
    }
}

/// What a call is expected to produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// A valid request answered with a documented success, decoded.
    Success,
    /// A valid request answered (on request, with `Prefer: code=N`) with a documented error
    /// status, decoded into the operation's error type.
    ApiStatus(u16),
    /// A request Prism must reject: with this status, and (when `violation`) with the
    /// violation reported.
    Rejected { status: u16, violation: bool },
}

/// One call of the generated client and everything observed about it.
#[derive(Debug, Clone)]
pub struct CallRecord {
    pub op: &'static str,
    pub label: String,
    pub mode: Mode,
    pub expect: Expect,
    pub wires: Vec<Wire>,
    pub observed: Observed,
    /// Prism's log lines for this call's requests.
    pub log: Vec<String>,
}

impl CallRecord {
    /// Every violation Prism reported for this call: the `sl-violations` header, a 422 or
    /// other problem answer generated by Prism, and error/warning lines of its log.
    pub fn violations(&self) -> Vec<String> {
        let mut found = Vec::new();
        if let Some(header) = &self.observed.sl_violations {
            match serde_json::from_str::<Vec<Value>>(header) {
                Ok(items) => found.extend(items.iter().map(|v| {
                    format!(
                        "sl-violations: {} {} ({})",
                        v["location"]
                            .as_array()
                            .map(|l| l
                                .iter()
                                .filter_map(Value::as_str)
                                .collect::<Vec<_>>()
                                .join("."))
                            .unwrap_or_default(),
                        v["message"].as_str().unwrap_or_default(),
                        v["severity"].as_str().unwrap_or_default()
                    )
                })),
                Err(_) => found.push(format!("sl-violations: {header}")),
            }
        }
        let problem = self
            .observed
            .content_type
            .as_deref()
            .is_some_and(|ct| ct.starts_with("application/problem+json"));
        if problem || self.observed.status == Some(422) {
            found.push(format!(
                "Prism answered {}: {}",
                self.observed.status.unwrap_or_default(),
                clip(&self.observed.body, 800)
            ));
        }
        found.extend(
            self.log
                .iter()
                .filter(|l| is_issue_line(l))
                .map(|l| format!("log: {}", log_message(l))),
        );
        found
    }

    /// The content negotiator's warnings for this call (reported, not counted as violations).
    pub fn negotiator_warnings(&self) -> Vec<String> {
        self.log
            .iter()
            .filter(|l| is_negotiator_line(l) && (l.contains('⚠') || l.contains('✖')))
            .map(|l| log_message(l).to_string())
            .collect()
    }

    /// True when Prism's log shows it validated this call's request(s) and found them valid.
    pub fn validated(&self) -> bool {
        self.log
            .iter()
            .any(|l| l.contains("The request passed the validation rules"))
    }

    pub fn decode_failure(&self) -> Option<String> {
        match &self.observed.outcome {
            Outcome::Decode { path, message } => Some(format!(
                "{} ({}, {}): {} body does not decode at `{path}`: {message}; body: {}",
                self.op,
                self.mode.name(),
                self.label,
                self.observed.status.unwrap_or_default(),
                clip(&self.observed.body, 600)
            )),
            _ => None,
        }
    }

    /// For positive calls: why the outcome is not what was expected, if it is not.
    pub fn unexpected_outcome(&self) -> Option<String> {
        let o = &self.observed;
        let fine = match (&self.expect, &o.outcome) {
            (Expect::Success, Outcome::Ok) => o.status.is_some_and(|s| (200..300).contains(&s)),
            (Expect::ApiStatus(code), Outcome::Api) => o.status == Some(*code),
            (_, Outcome::Decode { .. }) => true, // counted as a decode failure instead
            (Expect::Rejected { .. }, _) => true,
            _ => false,
        };
        (!fine).then(|| {
            format!(
                "{} ({}, {}): expected {:?}, got {} {}: {}{}",
                self.op,
                self.mode.name(),
                self.label,
                self.expect,
                o.outcome.name(),
                o.status.map(|s| s.to_string()).unwrap_or_default(),
                match &o.outcome {
                    Outcome::Failed(e) => e.clone(),
                    _ => clip(&o.body, 400),
                },
                self.wires
                    .first()
                    .map(|w| format!(" [request: {}]", w.describe()))
                    .unwrap_or_default()
            )
        })
    }

    /// For negative checks: whether Prism rejected the call as expected.
    pub fn rejected_as_expected(&self) -> bool {
        match self.expect {
            Expect::Rejected { status, violation } => {
                self.observed.status == Some(status)
                    && (!violation || !self.violations().is_empty())
            }
            _ => false,
        }
    }
}

/// The calls made against one Prism server, in order (calls to one server are sequential, so
/// the n-th request Prism logs is the n-th request recorded here).
pub struct Session {
    pub mode: Mode,
    /// Filled by the clients' request hooks, drained after each call.
    pub wires: Arc<Mutex<Vec<Wire>>>,
    pub calls: Vec<CallRecord>,
}

impl Session {
    pub fn new(mode: Mode) -> Session {
        Session {
            mode,
            wires: Arc::new(Mutex::new(Vec::new())),
            calls: Vec::new(),
        }
    }

    /// Awaits one call and records it with the requests it sent.
    pub async fn call(
        &mut self,
        op: &'static str,
        label: impl Into<String>,
        expect: Expect,
        call: impl std::future::Future<Output = Observed>,
    ) {
        let observed = call.await;
        let wires = std::mem::take(&mut *self.wires.lock().expect("wire lock"));
        self.calls.push(CallRecord {
            op,
            label: label.into(),
            mode: self.mode,
            expect,
            wires,
            observed,
            log: Vec::new(),
        });
    }

    /// Splits Prism's log into one block per received request and gives each call the blocks
    /// of its requests. Fails when Prism logged a different number of requests than were sent.
    pub fn attach_log(&mut self, prism: &Prism) {
        let sent: usize = self.calls.iter().map(|c| c.wires.len()).sum();
        let log = prism.flush_log();
        let mut blocks: Vec<Vec<String>> = Vec::new();
        for line in log {
            if is_request_start(&line) {
                blocks.push(vec![line]);
            } else if let Some(block) = blocks.last_mut() {
                block.push(line);
            }
        }
        assert_eq!(
            blocks.len(),
            sent,
            "Prism {} logged {} request(s), the clients sent {sent}; cannot attribute its log.\n{}",
            prism.name,
            blocks.len(),
            prism.output_tail(40)
        );
        let mut blocks = blocks.into_iter();
        for call in &mut self.calls {
            for _ in 0..call.wires.len() {
                call.log.extend(blocks.next().unwrap_or_default());
            }
        }
    }
}

/// A log line reporting a problem: Prism marks errors with ✖ and warnings with ⚠, and writes
/// each request or response violation as a `Violation:` line. The content negotiator's notes
/// are not violations (it warns "Unable to find content for */*" for every response declared
/// without a body); when negotiation really fails, Prism's answer (406/500 problem) and the
/// server's "Request terminated with error" line report it.
pub fn is_issue_line(line: &str) -> bool {
    (line.contains('✖') || line.contains('⚠') || line.contains("Violation:"))
        && !is_negotiator_line(line)
}

/// A line of Prism's content negotiator.
pub fn is_negotiator_line(line: &str) -> bool {
    line.contains("[NEGOTIATOR]")
}

/// A log line without its timestamp prefix.
fn log_message(line: &str) -> &str {
    line.split_once("› ").map_or(line, |(_, rest)| rest.trim())
}

pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

/// One operation of a spec: method, path template and documented statuses.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub method: String,
    pub template: String,
    pub statuses: Vec<String>,
}

impl Endpoint {
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.template)
    }

    /// Documented error statuses (4xx/5xx), which `Prefer: code=N` can ask Prism for.
    pub fn error_statuses(&self) -> Vec<u16> {
        self.statuses
            .iter()
            .filter_map(|s| s.parse::<u16>().ok())
            .filter(|s| *s >= 400)
            .collect()
    }
}

/// Every operation of a spec, read from the document itself.
pub fn endpoints(spec: &Path) -> Vec<Endpoint> {
    let doc: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(spec).expect("spec is readable"))
            .expect("spec is YAML");
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_mapping().expect("spec has paths") {
        for (method, operation) in item.as_mapping().expect("path item is a mapping") {
            let method = method.as_str().unwrap_or_default();
            if ![
                "get", "put", "post", "delete", "patch", "head", "options", "trace",
            ]
            .contains(&method)
            {
                continue;
            }
            let statuses = operation["responses"]
                .as_mapping()
                .map(|r| r.keys().map(yaml_text).collect())
                .unwrap_or_default();
            out.push(Endpoint {
                method: method.to_uppercase(),
                template: path.as_str().expect("path is a string").to_string(),
                statuses,
            });
        }
    }
    out
}

/// The endpoint a request went to: same method, and the template whose segments match, with
/// literal segments preferred over parameters (`/v2/Teams/roles` over `/v2/Teams/{userId}`).
pub fn resolve<'a>(endpoints: &'a [Endpoint], method: &str, path: &str) -> Option<&'a Endpoint> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    endpoints
        .iter()
        .filter(|e| e.method == method)
        .filter_map(|e| {
            let template: Vec<&str> = e.template.trim_end_matches('/').split('/').collect();
            if template.len() != segments.len() {
                return None;
            }
            let mut literal = 0;
            for (t, s) in template.iter().zip(&segments) {
                if t.starts_with('{') && t.ends_with('}') {
                    if s.is_empty() {
                        return None;
                    }
                } else if t == s {
                    literal += 1;
                } else {
                    return None;
                }
            }
            Some((literal, e))
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, e)| e)
}

/// A YAML key as text (status codes may be numbers or strings).
fn yaml_text(key: &serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::Number(n) => n.to_string(),
        other => other.as_str().unwrap_or_default().to_string(),
    }
}
