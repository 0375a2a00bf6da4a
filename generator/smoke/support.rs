//! Support of the smoke tests: where the mock server is, and how each call went.
//!
//! Every test names its operation, builds a client for the mock server (`PRISM_URL_<MODULE>`,
//! else `PRISM_URL`), calls the operation once and hands the result to [`Smoke::finish`], which
//! decides the outcome: `passed`, or failed at `build` (the arguments or the request could not
//! be made), `request` (the server found the request invalid: Prism's `sl-violations` header or
//! a problem answer) or `response` (the answer did not decode, or the mock's own answer broke
//! the document). When `SMOKE_REPORT` names a file, one JSON line per call is appended to it.
//!
//! When `SMOKE_STUCK` names a file, a call that gets no answer in time creates it, and the
//! calls after it are not made (the mock has stopped answering; `cargo xtask verify` starts
//! it again for them).

use std::fmt::Debug;
use std::io::Write as _;
use std::sync::{Arc, Mutex};

use super::runtime;

/// The longest excerpt of a body kept in a report line.
const CLIP: usize = 2000;
/// The most of an undecodable body kept whole, for checking it against the document.
const UNDECODABLE_BODY: usize = 1 << 20;

/// Serializes report lines written by tests running on several threads.
static REPORT_LOCK: Mutex<()> = Mutex::new(());

/// One smoke test: the operation it calls and the requests it sent.
pub struct Smoke {
    module: &'static str,
    operation: &'static str,
    method: &'static str,
    path: &'static str,
    sent: Arc<Mutex<Vec<String>>>,
}

/// What a call produced, reduced to what the report needs.
struct Observed {
    status: Option<u16>,
    content_type: Option<String>,
    violations: Vec<serde_json::Value>,
    body: String,
    /// The client's error, when the call did not succeed.
    error: Option<String>,
    kind: Kind,
}

#[derive(PartialEq)]
enum Kind {
    Success,
    DocumentedError,
    UndocumentedStatus,
    Undecodable,
    NotSent,
    NoAnswer,
    TimedOut,
}

impl Smoke {
    /// A smoke test of `module`'s `operation` (`METHOD path`).
    pub fn new(
        module: &'static str,
        operation: &'static str,
        method: &'static str,
        path: &'static str,
    ) -> Self {
        Self { module, operation, method, path, sent: Arc::default() }
    }

    /// The mock server's URL: `PRISM_URL_<MODULE>`, else `PRISM_URL`.
    pub fn base_url(&self) -> String {
        let specific = format!("PRISM_URL_{}", self.module.to_uppercase());
        match std::env::var(&specific).or_else(|_| std::env::var("PRISM_URL")) {
            Ok(url) => url,
            Err(_) => panic!(
                "set {specific} or PRISM_URL to the URL of a mock server of the document (`prism mock -d --errors SPEC`)"
            ),
        }
    }

    /// A request hook that remembers each request's method, URL and body.
    pub fn hook(&self) -> impl Fn(&mut ::reqwest::Request) -> Result<(), runtime::HookError> + Send + Sync + 'static {
        let sent = Arc::clone(&self.sent);
        move |request| {
            let mut line = format!("{} {}", request.method(), request.url());
            if let Some(body) = request.body().and_then(|b| b.as_bytes()) {
                line.push(' ');
                line.push_str(&clip(&String::from_utf8_lossy(body)));
            }
            if let Ok(mut sent) = sent.lock() {
                sent.push(line);
            }
            Ok(())
        }
    }

    /// The built client, or a `build` failure. Fails at `request` without calling when the
    /// mock has stopped answering (see `SMOKE_STUCK`).
    pub fn client<C, E: std::fmt::Display>(&self, built: Result<C, E>) -> C {
        if stuck_marker().is_some_and(|marker| marker.exists()) {
            let detail = "not sent: the mock server stopped answering (an earlier call got no answer in time)";
            let observed = Observed {
                status: None,
                content_type: None,
                violations: Vec::new(),
                body: String::new(),
                error: Some(detail.to_string()),
                kind: Kind::NoAnswer,
            };
            self.report("request", detail, &observed);
            panic!("{}::{} was not called: {detail}", self.module, self.operation);
        }
        match built {
            Ok(client) => client,
            Err(e) => self.fail_to_build(format!("the client was not built: {e}")),
        }
    }

    /// An argument decoded from its JSON text, or a `build` failure.
    pub fn arg<T: ::serde::de::DeserializeOwned>(&self, name: &str, json: &str) -> T {
        match ::serde_json::from_str(json) {
            Ok(value) => value,
            Err(e) => self.fail_to_build(format!("argument `{name}` does not decode into its type: {e}")),
        }
    }

    /// Decides the outcome of the call, reports it, and fails the test unless it passed.
    pub fn finish<T: Debug, E: Debug, H>(&self, result: Result<runtime::ResponseValue<T, H>, runtime::Error<E>>) {
        let observed = observe(result);
        // Later calls would wait behind this one: they are not made.
        if observed.kind == Kind::TimedOut
            && let Some(marker) = stuck_marker()
        {
            let _ = std::fs::write(marker, self.operation);
        }
        // Prism reports request violations (`request.query.limit`) and, checking its own
        // answer, response violations (`response.body.id`); warnings do not fail a call.
        let is_error = |v: &&::serde_json::Value| v["severity"].as_str().is_none_or(|s| s.eq_ignore_ascii_case("error"));
        let about = |v: &&::serde_json::Value, part: &str| v["location"][0].as_str() == Some(part);
        let request_errors = observed.violations.iter().filter(is_error).any(|v| !about(&v, "response"));
        let response_errors = observed.violations.iter().filter(is_error).any(|v| about(&v, "response"));
        // Prism's own problem answers (not the document's) name their kind by this URL.
        let problem = observed.body.contains("stoplight.io/prism/errors#");
        let status = observed.status.unwrap_or_default();
        let (outcome, detail) = match observed.kind {
            _ if request_errors => ("request", "the server found the request invalid".to_string()),
            _ if response_errors => ("response", "the mock's own answer breaks the document".to_string()),
            Kind::NotSent => ("build", observed.error.clone().unwrap_or_default()),
            Kind::NoAnswer | Kind::TimedOut => ("request", observed.error.clone().unwrap_or_default()),
            Kind::Success => ("passed", String::new()),
            Kind::Undecodable => ("response", observed.error.clone().unwrap_or_default()),
            Kind::UndocumentedStatus if status >= 500 => {
                ("response", format!("the server answered {status}: {}", clip(&observed.body)))
            }
            // A valid request answered with a documented error status (Prism's choice when an
            // operation documents no success) that decoded into the operation's error type.
            Kind::DocumentedError if !problem => ("passed", format!("the documented status {status} was answered and decoded")),
            Kind::DocumentedError | Kind::UndocumentedStatus => {
                let what = if problem { "a problem" } else { "an error status" };
                ("request", format!("the server answered {what} ({status}): {}", clip(&observed.body)))
            }
        };
        self.report(outcome, &detail, &observed);
        if outcome != "passed" {
            panic!(
                "{}::{} failed at {outcome}: {detail}\nviolations: {:?}\nsent: {:?}",
                self.module,
                self.operation,
                observed.violations,
                self.sent()
            );
        }
    }

    fn fail_to_build(&self, detail: String) -> ! {
        let observed = Observed {
            status: None,
            content_type: None,
            violations: Vec::new(),
            body: String::new(),
            error: Some(detail.clone()),
            kind: Kind::NotSent,
        };
        self.report("build", &detail, &observed);
        panic!("{}::{} failed at build: {detail}", self.module, self.operation);
    }

    fn sent(&self) -> Vec<String> {
        self.sent.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Appends this call's line to the `SMOKE_REPORT` file, when one is named.
    fn report(&self, outcome: &str, detail: &str, observed: &Observed) {
        let Some(path) = std::env::var_os("SMOKE_REPORT") else {
            return;
        };
        let line = ::serde_json::json!({
            "module": self.module,
            "operation": self.operation,
            "method": self.method,
            "path": self.path,
            "outcome": outcome,
            "detail": detail,
            "status": observed.status,
            "content_type": observed.content_type,
            "violations": observed.violations,
            "requests": self.sent(),
            "response": clip(&observed.body),
            "undecodable_body": (observed.kind == Kind::Undecodable && observed.body.len() <= UNDECODABLE_BODY)
                .then_some(&observed.body),
        });
        let _guard = REPORT_LOCK.lock();
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut file| writeln!(file, "{line}"));
        if let Err(e) = written {
            panic!("cannot append to SMOKE_REPORT {}: {e}", path.to_string_lossy());
        }
    }
}

fn observe<T: Debug, E: Debug, H>(result: Result<runtime::ResponseValue<T, H>, runtime::Error<E>>) -> Observed {
    let answered = |status: u16, headers: &::reqwest::header::HeaderMap, body: &[u8], error: Option<String>, kind: Kind| {
        let header = |name: &str| headers.get(name).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let violations = header("sl-violations")
            .map(|text| {
                // A long list comes as `Too many violations! [...]`.
                let list = text.find('[').map_or("", |at| &text[at..]);
                match ::serde_json::from_str::<Vec<::serde_json::Value>>(list) {
                    Ok(list) => list,
                    // Cut short: the locations in the text still say what was found wrong.
                    Err(_) => {
                        let part = if text.contains(r#""location":["request""#) { "request" } else { "response" };
                        vec![::serde_json::json!({ "location": [part], "severity": "Error", "message": text })]
                    }
                }
            })
            .unwrap_or_default();
        let violations = if violations.is_empty() { problem_violations(body) } else { violations };
        Observed {
            status: Some(status),
            content_type: header("content-type"),
            violations,
            body: String::from_utf8_lossy(body).into_owned(),
            error,
            kind,
        }
    };
    match result {
        Ok(v) => answered(v.status().as_u16(), v.headers(), v.raw_body(), None, Kind::Success),
        Err(runtime::Error::Api(e)) => {
            let error = format!("{:?}", e.value());
            answered(e.status().as_u16(), e.headers(), e.raw_body(), Some(error), Kind::DocumentedError)
        }
        Err(runtime::Error::UnexpectedStatus(r)) => {
            answered(r.status().as_u16(), r.headers(), r.body(), None, Kind::UndocumentedStatus)
        }
        Err(runtime::Error::Decode(d)) => {
            let error = format!("the body does not decode at `{}`: {}", d.path, d.message);
            answered(d.response.status().as_u16(), d.response.headers(), d.response.body(), Some(error), Kind::Undecodable)
        }
        Err(e @ (runtime::Error::InvalidRequest(_) | runtime::Error::Credentials(_))) => Observed {
            status: None,
            content_type: None,
            violations: Vec::new(),
            body: String::new(),
            error: Some(format!("the request was not sent: {e}")),
            kind: Kind::NotSent,
        },
        Err(other) => Observed {
            status: other.status().map(|s| s.as_u16()),
            content_type: None,
            violations: Vec::new(),
            body: String::new(),
            kind: if matches!(other, runtime::Error::Timeout { .. }) { Kind::TimedOut } else { Kind::NoAnswer },
            error: Some(other.to_string()),
        },
    }
}

/// The request violations listed in Prism's own `422` problem answer (sent instead of the
/// `sl-violations` header when it refuses a request), located under `request` as the header's
/// are.
fn problem_violations(body: &[u8]) -> Vec<::serde_json::Value> {
    let Ok(problem) = ::serde_json::from_slice::<::serde_json::Value>(body) else {
        return Vec::new();
    };
    let refused = problem["type"].as_str().is_some_and(|t| t.ends_with("stoplight.io/prism/errors#UNPROCESSABLE_ENTITY"));
    let Some(list) = problem["validation"].as_array().filter(|_| refused) else {
        return Vec::new();
    };
    list.iter()
        .map(|v| {
            let mut v = v.clone();
            if let Some(location) = v["location"].as_array_mut() {
                location.insert(0, ::serde_json::Value::from("request"));
            }
            v
        })
        .collect()
}

/// The file that says the mock has stopped answering, when `SMOKE_STUCK` names one.
fn stuck_marker() -> Option<std::path::PathBuf> {
    std::env::var_os("SMOKE_STUCK").map(std::path::PathBuf::from)
}

fn clip(text: &str) -> String {
    if text.len() <= CLIP {
        return text.to_string();
    }
    let mut end = CLIP;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}
