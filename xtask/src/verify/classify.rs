//! Who is at fault for a failed smoke test: our generator, the document, or Prism.
//!
//! A failure is the generator's unless a rule below explains it otherwise; every rule names
//! what it recognizes and why that is not the client's fault. The rules look at what the smoke
//! test recorded: the outcome, Prism's violations, the status and the answer's body.

use serde_json::Value;

use super::report::Class;

/// A known cause of failure that is not the generator's.
struct Rule {
    /// Which outcome it applies to (`request`, `response`).
    outcome: &'static str,
    class: Class,
    /// Recognizes the failure.
    matches: fn(&Facts) -> bool,
    /// Why it is not the client's fault.
    reason: &'static str,
}

/// What a rule looks at.
pub struct Facts<'a> {
    /// The whole report line, retries included.
    pub record: &'a Value,
    pub status: Option<u64>,
    /// Prism's violations, `location: message`.
    pub violations: Vec<String>,
    pub detail: &'a str,
    pub response: &'a str,
}

impl<'a> Facts<'a> {
    pub fn of(record: &'a Value) -> Self {
        let violations = record["violations"]
            .as_array()
            .map(|list| list.iter().map(violation_text).collect())
            .unwrap_or_default();
        Facts {
            record,
            status: record["status"].as_u64(),
            violations,
            detail: record["detail"].as_str().unwrap_or_default(),
            response: record["response"].as_str().unwrap_or_default(),
        }
    }

    /// Prism answered with its own problem: its answer broke the document, or it failed.
    fn prism_problem(&self, kind: &str) -> bool {
        self.status == Some(500)
            && self.response.contains(&format!("stoplight.io/prism/errors#{kind}"))
    }

    /// A retry (`static`, `proxy`) failed, and how.
    fn retry(&self, mock: &str) -> Option<&'a Value> {
        let failure = &self.record[format!("{mock}_failure")];
        (!failure.is_null()).then_some(failure)
    }
}

/// `request.query.limit: must be integer`.
pub fn violation_text(v: &Value) -> String {
    let location = v["location"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(".")
        })
        .unwrap_or_default();
    let message = v["message"].as_str().unwrap_or_default();
    if location.is_empty() {
        message.to_string()
    } else {
        format!("{location}: {message}")
    }
}

const RULES: &[Rule] = &[
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.record["prism_stopped"] == true && f.status.is_none(),
        reason: "Prism stopped while answering this call (it was started again for the others)",
    },
    Rule {
        outcome: "response",
        class: Class::Generator,
        matches: |f| {
            f.retry("proxy").is_some_and(|p| {
                p["outcome"] == "response" && p["status"] != 500 && p["violations"].as_array().is_none_or(Vec::is_empty)
            })
        },
        reason: "the client cannot decode an answer that Prism's validator accepts (made up from the schema, through a Prism proxy)",
    },
    Rule {
        outcome: "response",
        class: Class::Spec,
        matches: |f| f.prism_problem("VIOLATIONS") && f.retry("proxy").is_some(),
        reason: "no answer satisfies the document's schema: Prism's generated answer, its static answer and one made up from the schema all break it",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| f.prism_problem("UNKNOWN") && f.response.contains("Maximum call stack size exceeded"),
        reason: "Prism's answer generator (json-schema-faker) overflows its stack on this recursive schema, and no other answer could be checked",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| f.prism_problem("VIOLATIONS"),
        reason: "Prism's generated answer breaks the document's schema (json-schema-faker leaves out required properties where it cuts a recursion), and no other answer could be checked",
    },
];

/// The class of a failure and the reason for it.
pub fn classify(record: &Value) -> (Class, String) {
    let outcome = record["outcome"].as_str().unwrap_or_default();
    let facts = Facts::of(record);
    if let Some(rule) = RULES
        .iter()
        .find(|r| r.outcome == outcome && (r.matches)(&facts))
    {
        return (rule.class, with_evidence(rule.reason, &facts));
    }
    let reason = match outcome {
        "build" => format!("the client could not make the request: {}", facts.detail),
        "request" if !facts.violations.is_empty() => {
            format!("Prism rejected the request: {}", facts.violations.join("; "))
        }
        "request" => format!("the request failed: {}", facts.detail),
        "response" => format!("the answer was not understood: {}", facts.detail),
        other => format!("unexpected outcome `{other}`: {}", facts.detail),
    };
    (Class::Generator, reason)
}

/// A rule's reason with what was observed.
fn with_evidence(reason: &str, facts: &Facts) -> String {
    let evidence = if facts.violations.is_empty() {
        clip(if facts.detail.is_empty() { facts.response } else { facts.detail })
    } else {
        clip(&facts.violations.join("; "))
    };
    if evidence.is_empty() {
        reason.to_string()
    } else {
        format!("{reason}: {evidence}")
    }
}

fn clip(text: &str) -> String {
    text.chars().take(300).collect()
}
