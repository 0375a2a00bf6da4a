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
            status: record["status"].as_u64(),
            violations,
            detail: record["detail"].as_str().unwrap_or_default(),
            response: record["response"].as_str().unwrap_or_default(),
        }
    }

    fn any_violation(&self, needle: &str) -> bool {
        self.violations.iter().any(|v| v.contains(needle))
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

const RULES: &[Rule] = &[Rule {
    outcome: "response",
    class: Class::Spec,
    matches: |f| f.status == Some(500) && f.response.contains("VIOLATIONS"),
    reason: "Prism's own answer, generated from the document, breaks the document's schema (`--errors` turns that into a 500)",
}];

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
