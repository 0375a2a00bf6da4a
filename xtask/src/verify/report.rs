//! The report of a verify run: one result per operation, written as `report.json`.

use std::fmt::Write as _;

use serde_json::{Value, json};

/// What checked the requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Server {
    /// Prism served the document (possibly adjusted, see `adjustments`).
    Prism { version: String },
    /// Prism could not serve the document; a plain loopback server took every request.
    Loopback { reason: String },
}

/// Who is at fault for a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// Our encoding or decoding is wrong.
    Generator,
    /// The document contradicts itself.
    Spec,
    /// A known Prism limitation.
    Prism,
}

impl Class {
    pub fn name(self) -> &'static str {
        match self {
            Class::Generator => "generator",
            Class::Spec => "spec",
            Class::Prism => "prism",
        }
    }
}

/// The result of one operation.
#[derive(Debug, Clone)]
pub struct OpResult {
    pub operation: String,
    pub method: String,
    pub path: String,
    /// `passed`, or where it failed: `build`, `request`, `response`.
    pub outcome: String,
    /// Set for failures.
    pub class: Option<(Class, String)>,
    /// What the smoke test recorded (violations, requests, status, response excerpt).
    pub record: Value,
}

impl OpResult {
    pub fn passed(&self) -> bool {
        self.outcome == "passed"
    }

    /// With a loopback server: the request left the client (whatever came back).
    pub fn sent(&self) -> bool {
        self.outcome != "build" && self.record["status"].is_u64()
    }
}

/// Everything verify found for one document.
#[derive(Debug, Clone)]
pub struct Report {
    pub document: String,
    pub lenient: bool,
    pub server: Server,
    /// Changes made so that Prism can serve the document.
    pub adjustments: Vec<String>,
    pub results: Vec<OpResult>,
    /// Set when no smoke test could run (generation or compilation failed).
    pub fatal: Option<String>,
}

impl Report {
    pub fn operations(&self) -> usize {
        self.results.len()
    }

    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.passed()).count()
    }

    pub fn on_prism(&self) -> bool {
        matches!(self.server, Server::Prism { .. })
    }

    /// Failures of a class; with a loopback server only failures to build or send count.
    pub fn counted_failures(&self) -> Vec<&OpResult> {
        self.results
            .iter()
            .filter(|r| {
                if self.on_prism() {
                    !r.passed()
                } else {
                    !r.sent()
                }
            })
            .collect()
    }

    pub fn count_class(&self, class: Class) -> usize {
        self.counted_failures()
            .iter()
            .filter(|r| r.class.as_ref().is_some_and(|(c, _)| *c == class))
            .count()
    }

    pub fn to_json(&self) -> Value {
        let server = match &self.server {
            Server::Prism { version } => json!({"kind": "prism", "version": version}),
            Server::Loopback { reason } => json!({"kind": "loopback", "reason": reason}),
        };
        let results: Vec<Value> = self
            .results
            .iter()
            .map(|r| {
                let mut entry = json!({
                    "operation": r.operation,
                    "method": r.method,
                    "path": r.path,
                    "outcome": r.outcome,
                });
                if let Some((class, reason)) = &r.class {
                    entry["class"] = json!(class.name());
                    entry["reason"] = json!(reason);
                }
                for key in [
                    "detail",
                    "status",
                    "violations",
                    "requests",
                    "response",
                    "mock",
                    "dynamic_failure",
                    "static_failure",
                    "proxy_failure",
                    "alone",
                    "shared_failure",
                    "prism_stopped",
                    "ambiguous_unions",
                    "contradictions",
                    "answer_breaks_types",
                ] {
                    let value = &r.record[key];
                    if !value.is_null() && value != &json!("") && value != &json!([]) {
                        entry[key] = value.clone();
                    }
                }
                entry
            })
            .collect();
        json!({
            "document": self.document,
            "mode": if self.lenient { "lenient" } else { "strict" },
            "server": server,
            "adjustments": self.adjustments,
            "fatal": self.fatal,
            "operations": self.operations(),
            "passed": self.passed(),
            "failures_by_class": {
                "generator": self.count_class(Class::Generator),
                "spec": self.count_class(Class::Spec),
                "prism": self.count_class(Class::Prism),
            },
            "results": results,
        })
    }

    /// A report as [`Report::to_json`] wrote it, for `verify --all --resume`; `None` when the
    /// text is not such a report.
    pub fn from_json(value: &Value) -> Option<Report> {
        let text = |v: &Value| v.as_str().map(str::to_string);
        let server = &value["server"];
        let server = match server["kind"].as_str()? {
            "prism" => Server::Prism {
                version: text(&server["version"])?,
            },
            "loopback" => Server::Loopback {
                reason: text(&server["reason"])?,
            },
            _ => return None,
        };
        let class_named = |name: &str| {
            [Class::Generator, Class::Spec, Class::Prism]
                .into_iter()
                .find(|c| c.name() == name)
        };
        let mut results = Vec::new();
        for entry in value["results"].as_array()? {
            let class = match (entry["class"].as_str(), text(&entry["reason"])) {
                (Some(name), Some(reason)) => Some((class_named(name)?, reason)),
                _ => None,
            };
            results.push(OpResult {
                operation: text(&entry["operation"])?,
                method: text(&entry["method"])?,
                path: text(&entry["path"])?,
                outcome: text(&entry["outcome"])?,
                class,
                record: entry.clone(),
            });
        }
        Some(Report {
            document: text(&value["document"])?,
            lenient: value["mode"].as_str()? == "lenient",
            server,
            adjustments: value["adjustments"]
                .as_array()?
                .iter()
                .filter_map(text)
                .collect(),
            results,
            fatal: text(&value["fatal"]),
        })
    }

    /// One line per failure, then the tally (`verify: P/N operations passed`).
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        if let Some(fatal) = &self.fatal {
            let _ = writeln!(out, "{}: {fatal}", self.document);
        }
        if let Server::Loopback { reason } = &self.server {
            let _ = writeln!(
                out,
                "{}: Prism cannot serve this document ({}); requests went to a plain loopback server",
                self.document,
                prism_reason(reason)
            );
        }
        for r in self.counted_failures() {
            let (class, reason) = r
                .class
                .as_ref()
                .map_or(("unclassified", String::new()), |(c, why)| {
                    (c.name(), why.clone())
                });
            let _ = writeln!(
                out,
                "FAILED {} ({} {}) at {}: [{class}] {reason}",
                r.operation, r.method, r.path, r.outcome
            );
        }
        let _ = write!(out, "{}", self.tally());
        out
    }

    pub fn tally(&self) -> String {
        let n = self.operations();
        match &self.server {
            Server::Prism { .. } => format!("verify: {}/{n} operations passed", self.passed()),
            Server::Loopback { .. } => {
                let sent = self.results.iter().filter(|r| r.sent()).count();
                format!(
                    "verify: {sent}/{n} operations built and sent to a loopback server (not checked by Prism)"
                )
            }
        }
    }
}

pub fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// Why Prism could not serve a document, in one line: its fatal message when it gave one
/// (`Error opening file "/components/schemas/petdetails"`), else the first line.
pub fn prism_reason(text: &str) -> String {
    let fatal = text.lines().find_map(|l| {
        l.split_once("✖  fatal")
            .map(|(_, rest)| rest.trim().to_string())
    });
    match fatal {
        Some(message) => format!("{} ({message})", first_line(text)),
        None => first_line(text).to_string(),
    }
}
