//! Verify end to end on a document written for it (`tests/verify/regressions.yaml`: one
//! operation per failure verify found and the generator then fixed), and with an encoding
//! broken on purpose; plus the classification rules and the loopback server on their own.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

use serde_json::json;

use super::classify::{DocumentFacts, classify};
use super::loopback::{Answer, Loopback};
use super::report::Class;
use super::serve::merge;
use super::{Options, verify_document};

/// The operations of the regressions document, one per fixed failure.
const REGRESSIONS: &[&str] = &[
    "list_items",
    "submit_form",
    "delete_thing",
    "touch",
    "set_kind",
    "check",
    "start_login",
    "upload",
    "get_report",
    "report_summary",
    "get_workflow",
    "get_aws_config",
    "get_gcp_config",
];

/// The call the broken encoding is in, as the generated `operations.rs` writes it.
const FORM_EXPLODED: &str = r#"request.query("ids", &op.ids, runtime::QueryStyle::Form, true)?;"#;
const FORM_UNEXPLODED: &str =
    r#"request.query("ids", &op.ids, runtime::QueryStyle::Form, false)?;"#;

fn root() -> std::path::PathBuf {
    crate::workspace_root()
}

/// Sends `ids` as `ids=1,2` (form style, not exploded) where the document says `ids=1&ids=2`.
fn break_the_query_style(crate_dir: &Path) -> Result<(), String> {
    let path = crate_dir.join("src/api/operations.rs");
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    if !text.contains(FORM_EXPLODED) {
        return Err(format!(
            "{} does not encode `ids` as expected: {FORM_EXPLODED}",
            path.display()
        ));
    }
    std::fs::write(&path, text.replace(FORM_EXPLODED, FORM_UNEXPLODED)).map_err(|e| e.to_string())
}

#[test]
fn regressions_pass_and_a_broken_query_style_is_reported_as_a_request_failure() {
    let root = root();
    let install = prism_harness::check_install(&root).unwrap_or_else(|e| panic!("{e}"));
    let spec = root.join("tests/verify/regressions.yaml");
    assert!(spec.exists(), "missing fixture {}", spec.display());
    let out = root.join("target/verify-tests");

    // As generated, every operation passes under Prism.
    let options = Options {
        spec: spec.clone(),
        lenient: false,
        out: out.join("regressions"),
        tamper: None,
    };
    let report = verify_document(&root, &install, &options).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = report
        .results
        .iter()
        .map(|r| r.operation.as_str())
        .collect();
    assert_eq!(names, REGRESSIONS, "the fixture's operations");
    assert!(
        report.on_prism(),
        "Prism did not serve the fixture: {:?}",
        report.server
    );
    assert_eq!(
        report.passed(),
        REGRESSIONS.len(),
        "every regression passes:\n{}",
        report.render_text()
    );
    assert!(out.join("regressions/report.json").exists());
    // The twin templates: Prism checked one call against the other operation, and it passed
    // when made again alone.
    let alone: Vec<&str> = report
        .results
        .iter()
        .filter(|r| r.record["alone"] == true)
        .map(|r| r.operation.as_str())
        .collect();
    assert_eq!(alone.len(), 1, "{alone:?}");
    assert!(alone[0].ends_with("_config"), "{alone:?}");

    // With `ids` sent unexploded, Prism rejects that request, and only that one.
    let tampered = Options {
        spec,
        lenient: false,
        out: out.join("regressions-broken"),
        tamper: Some(&break_the_query_style),
    };
    let report = verify_document(&root, &install, &tampered).unwrap_or_else(|e| panic!("{e}"));
    let failed: Vec<_> = report.results.iter().filter(|r| !r.passed()).collect();
    assert_eq!(failed.len(), 1, "one failure:\n{}", report.render_text());
    let list_items = failed[0];
    assert_eq!(list_items.operation, "list_items");
    assert_eq!(list_items.outcome, "request", "{}", report.render_text());
    let (class, reason) = list_items.class.clone().expect("a failure has a class");
    assert_eq!(class, Class::Generator, "{reason}");
    assert!(reason.contains("request.query.ids"), "{reason}");
    let sent = list_items.record["requests"].to_string();
    assert!(
        sent.contains("ids=1%2C2") || sent.contains("ids=1,2"),
        "{sent}"
    );
    let last_line = format!(
        "verify: {}/{} operations passed",
        REGRESSIONS.len() - 1,
        REGRESSIONS.len()
    );
    assert!(
        report.render_text().ends_with(&last_line),
        "{}",
        report.render_text()
    );
}

/// The facts of a document written (as `name`) to the tests' scratch directory.
fn scan_document(name: &str, text: &str) -> DocumentFacts {
    let dir = root().join("target/verify-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join(name);
    std::fs::write(&spec, text).unwrap();
    DocumentFacts::scan(&[spec.as_path()])
}

fn record(
    outcome: &str,
    status: u64,
    violations: serde_json::Value,
    response: &str,
) -> serde_json::Value {
    json!({"outcome": outcome, "status": status, "violations": violations, "response": response, "detail": ""})
}

#[test]
fn failures_are_the_generators_unless_a_rule_explains_them() {
    let none = DocumentFacts::default();
    let violation = |location: &[&str], message: &str| json!([{"location": location, "severity": "Error", "message": message}]);

    let rejected = record(
        "request",
        422,
        violation(&["request", "query", "limit"], "must be integer"),
        "",
    );
    let (class, reason) = classify(&rejected, &none);
    assert_eq!(class, Class::Generator);
    assert!(
        reason.contains("request.query.limit: must be integer"),
        "{reason}"
    );

    let built = json!({"outcome": "build", "detail": "argument `body` does not decode"});
    assert_eq!(classify(&built, &none).0, Class::Generator);

    // An object inside an array parameter has no OpenAPI encoding, when the document says so.
    let refused = json!({"outcome": "build", "detail": "the request was not sent: invalid request: parameter `filters` is an object, which this location cannot carry"});
    assert_eq!(classify(&refused, &none).0, Class::Generator);
    let facts = scan_document(
        "object-array-parameter.yaml",
        "paths:\n  /search:\n    get:\n      parameters:\n        - name: filters\n          in: query\n          \
         schema: {type: array, items: {$ref: '#/components/schemas/Filter'}}\n        \
         - {name: clinic, in: query, schema: {type: object, properties: {addresses: {type: array, items: {$ref: '#/components/schemas/Filter'}}}}}\n        \
         - {name: page, in: query, style: deepObject, schema: {type: object, properties: {at: {$ref: '#/components/schemas/Filter'}}}}\n        \
         - {name: flat, in: query, schema: {$ref: '#/components/schemas/Filter'}}\n\
         components:\n  schemas:\n    Filter: {type: object, properties: {key: {type: string}}}\n",
    );
    assert_eq!(classify(&refused, &facts).0, Class::Spec);
    // So has an object inside a form object; `deepObject` writes one, and a flat object is
    // the client's to send.
    assert_eq!(
        facts.object_array_parameters.iter().collect::<Vec<_>>(),
        ["clinic", "filters"]
    );

    // Prism reads a JSON part of a multipart body as text, when the document makes it one.
    let as_text = record(
        "request",
        422,
        violation(
            &["request", "body", "attributes"],
            "Request body property attributes must be object",
        ),
        "",
    );
    assert_eq!(classify(&as_text, &none).0, Class::Generator);
    let facts = scan_document(
        "multipart-object.yaml",
        "paths:\n  /files:\n    post:\n      requestBody:\n        content:\n          multipart/form-data:\n            \
         schema:\n              properties:\n                attributes: {type: object}\n                file: {type: string, format: binary}\n                \
         include[]: {type: array, items: {type: string}}\n",
    );
    assert_eq!(classify(&as_text, &facts).0, Class::Prism);
    // An array of strings goes as one part per item, of which Prism keeps one.
    let one_part = record(
        "request",
        422,
        violation(
            &["request", "body", "include[]"],
            "Request body property include[] must be array",
        ),
        "",
    );
    assert_eq!(classify(&one_part, &none).0, Class::Generator);
    assert_eq!(classify(&one_part, &facts).0, Class::Prism);
    let mut attributes_array = one_part.clone();
    attributes_array["violations"] = violation(
        &["request", "body", "file"],
        "Request body property file must be array",
    );
    assert_eq!(classify(&attributes_array, &facts).0, Class::Generator);

    // A `Content-Type` parameter that contradicts the body is the document's.
    let content_type = record(
        "request",
        422,
        violation(
            &["request", "header", "content-type"],
            "Request header parameter content-type must be equal to one of the allowed values",
        ),
        "",
    );
    assert_eq!(classify(&content_type, &none).0, Class::Generator);
    let facts = scan_document(
        "content-type-parameter.yaml",
        "paths:\n  /restore:\n    post:\n      parameters:\n        - {name: Content-Type, in: header, schema: {type: string, enum: [application/octet-stream]}}\n",
    );
    assert_eq!(classify(&content_type, &facts).0, Class::Spec);

    // Prism requiring such a parameter, which OpenAPI ignores, is Prism's doing.
    let required = record(
        "request",
        422,
        violation(
            &["request", "header"],
            "Request header must have required property 'content-type'",
        ),
        "",
    );
    assert_eq!(classify(&required, &none).0, Class::Generator);
    assert_eq!(classify(&required, &facts).0, Class::Prism);

    let stack = record(
        "response",
        500,
        json!([]),
        r#"{"type":"https://stoplight.io/prism/errors#UNKNOWN","title":"RangeError: Maximum call stack size exceeded"}"#,
    );
    assert_eq!(classify(&stack, &none).0, Class::Prism);

    let no_response = record(
        "response",
        500,
        json!([]),
        r#"{"type":"https://stoplight.io/prism/errors#NO_RESPONSE_RESPONSE_DEFINED"}"#,
    );
    assert_eq!(classify(&no_response, &none).0, Class::Spec);

    // A decode failure of an answer Prism accepted is ours.
    let undecodable =
        json!({"outcome": "response", "status": 200, "detail": "the body does not decode at `id`"});
    assert_eq!(classify(&undecodable, &none).0, Class::Generator);

    // Prism failing to make any answer, and every other answer refused, is Prism's.
    let mut crashed = record(
        "response",
        500,
        json!([]),
        "{\"type\":\"https://stoplight.io/prism/errors#UNKNOWN\",\"title\":\"TypeError: Cannot read properties of undefined (reading 'items')\"}",
    );
    assert_eq!(classify(&crashed, &none).0, Class::Generator);
    crashed["static_failure"] = json!({"outcome": "response", "status": 500});
    assert_eq!(classify(&crashed, &none).0, Class::Generator);
    crashed["proxy_failure"] = json!({"outcome": "response", "status": 500});
    assert_eq!(classify(&crashed, &none).0, Class::Prism);
    // An object for a text media type (Server-Sent Events) is one Prism cannot write.
    let event_stream = record(
        "response",
        500,
        json!([]),
        "{\"type\":\"https://stoplight.io/prism/errors#NO_COMPLEX_OBJECT_TEXT\"}",
    );
    assert_eq!(classify(&event_stream, &none).0, Class::Prism);

    let mut stopped = json!({"outcome": "request", "detail": "error sending request"});
    assert_eq!(classify(&stopped, &none).0, Class::Generator);
    stopped["prism_stopped"] = json!(true);
    assert_eq!(classify(&stopped, &none).0, Class::Prism);
}

#[test]
fn a_call_prism_never_answered_takes_its_retrys_line_whatever_the_outcome() {
    let stopped = json!({"outcome": "request", "status": null, "prism_stopped": true,
        "detail": "error sending request"});
    let flagged = record(
        "response",
        500,
        json!([]),
        "stoplight.io/prism/errors#UNKNOWN",
    );
    let mut records = BTreeMap::from([
        ("api::stopped".to_string(), stopped),
        ("api::flagged".to_string(), flagged),
    ]);
    let rejected = record(
        "request",
        422,
        json!([{"location": ["request", "query", "ids"], "severity": "Error",
            "message": "Request query parameter ids must be array"}]),
        "",
    );
    let again = BTreeMap::from([
        ("api::stopped".to_string(), rejected.clone()),
        ("api::flagged".to_string(), rejected),
    ]);
    merge(&mut records, again, "static");

    // The static Prism's verdict on the request replaces "no answer", so a crash of the
    // dynamic Prism hides no encoding of ours.
    let taken = &records["api::stopped"];
    assert_eq!(taken["status"], 422);
    assert_eq!(taken["mock"], "static");
    assert_eq!(taken["dynamic_failure"]["detail"], "error sending request");
    assert_eq!(taken["static_failure"]["status"], 422);
    assert_eq!(
        classify(taken, &DocumentFacts::default()).0,
        Class::Generator
    );
    // A call the dynamic Prism did answer keeps its first failure, the retry's beside it.
    let kept = &records["api::flagged"];
    assert_eq!(kept["status"], 500);
    assert_eq!(kept["static_failure"]["status"], 422);
    assert!(kept["mock"].is_null());
}

#[test]
fn an_undeclared_required_name_is_the_documents_fault_unless_a_form_body_carries_it() {
    let facts = scan_document(
        "undeclared.yaml",
        "components:\n  schemas:\n    Folder:\n      required: [name]\n      properties:\n        Name: {type: string}\n    \
         Part:\n      allOf:\n        - {required: [id]}\n        - {properties: {id: {type: string}}}\n",
    );
    // `id` is declared by a sibling `allOf` part; `name` nowhere.
    assert_eq!(
        facts.undeclared_required.iter().collect::<Vec<_>>(),
        ["name"]
    );
    let violation = json!([{"location": ["request", "body"], "severity": "Error",
        "message": "Request body must have required property 'name'"}]);
    let missing = record("request", 422, violation, "");
    assert_eq!(classify(&missing, &facts).0, Class::Spec);
    assert_eq!(
        classify(&missing, &DocumentFacts::default()).0,
        Class::Generator
    );
    // A form body that carries the name anyway: Prism reads declared properties only.
    let mut sent = missing.clone();
    sent["requests"] = json!(["POST http://127.0.0.1:1/folders Name=a&name=smoke"]);
    let (class, reason) = classify(&sent, &facts);
    assert_eq!(class, Class::Prism, "{reason}");
    assert!(reason.contains("declared properties only"), "{reason}");
    // Only a pair named exactly so counts: `names=` or the name inside a value does not.
    sent["requests"] = json!(["POST http://127.0.0.1:1/folders names=a&Name=name%3D"]);
    assert_eq!(classify(&sent, &facts).0, Class::Spec);
}

#[test]
fn an_operation_told_apart_only_by_a_fragment_is_the_documents_fault() {
    let facts = scan_document(
        "fragment-twins.yaml",
        "paths:\n  /items:\n    get: {}\n  /items#app:\n    get: {}\n    post: {}\n  /other#x:\n    get: {}\n  \
         /keys:\n    get: {}\n  /keys?list:\n    get: {}\n  \
         /{aws}/config:\n    post: {}\n  /{gcp}/config:\n    post: {}\n    get: {}\n",
    );
    // `POST /items#app`, `GET /other#x` and `GET /{gcp}/config` have no twin on the wire.
    assert_eq!(
        facts.wire_twins.iter().collect::<Vec<_>>(),
        [
            "GET /items",
            "GET /items#app",
            "GET /keys",
            "GET /keys?list",
            "POST /{aws}/config",
            "POST /{gcp}/config"
        ]
    );
    let undecodable = |method: &str, path: &str| {
        json!({"outcome": "response", "status": 200, "method": method, "path": path,
            "detail": "the body does not decode at `entries`"})
    };
    assert_eq!(
        classify(&undecodable("GET", "/items#app"), &facts).0,
        Class::Spec
    );
    assert_eq!(
        classify(&undecodable("POST", "/items#app"), &facts).0,
        Class::Generator
    );
    assert_eq!(
        classify(&undecodable("GET", "/items#app"), &DocumentFacts::default()).0,
        Class::Generator
    );
    let mut refused = record(
        "request",
        422,
        json!([{"location": ["request", "body"], "severity": "Error",
            "message": "Request body must have required property 'token'"}]),
        "",
    );
    refused["method"] = json!("POST");
    refused["path"] = json!("/{aws}/config");
    assert_eq!(classify(&refused, &facts).0, Class::Spec);
    // Made again alone, against a copy without its twin, the failure is the call's own.
    refused["alone"] = json!(true);
    assert_eq!(classify(&refused, &facts).0, Class::Generator);
}

#[test]
fn an_operation_sent_to_its_own_server_that_prism_does_not_route_is_prisms() {
    let facts = scan_document(
        "own-servers.yaml",
        "servers: [{url: ''}]\npaths:\n  /legacy/users:\n    servers: [{url: /private}]\n    get: {}\n  \
         /files:\n    post: {servers: [{url: /upload}]}\n    get: {}\n",
    );
    assert_eq!(
        facts.own_servers.iter().collect::<Vec<_>>(),
        ["GET /legacy/users", "POST /files"]
    );
    let unrouted = |method: &str, path: &str| {
        json!({"outcome": "response", "status": 404, "method": method, "path": path,
            "detail": "the body does not decode at `.`: missing field `code`",
            "response": "{\"type\":\"https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR\"}"})
    };
    let (class, reason) = classify(&unrouted("GET", "/legacy/users"), &facts);
    assert_eq!(class, Class::Prism, "{reason}");
    assert!(reason.contains("server of its own"), "{reason}");
    // An operation on the document's servers that Prism does not route is not excused.
    assert_eq!(
        classify(&unrouted("GET", "/files"), &facts).0,
        Class::Generator
    );
    // Nor is another 404 of an operation with its own server.
    let mut other = unrouted("POST", "/files");
    other["response"] = json!("{\"code\": \"not_found\"}");
    assert_eq!(classify(&other, &facts).0, Class::Generator);
}

#[test]
fn a_path_prism_cannot_route_and_a_schema_without_produces_are_prisms() {
    let facts = scan_document(
        "prism-unroutable.yaml",
        "swagger: '2.0'\npaths:\n  /clusters/{id.value}:\n    get: {responses: {'200': {schema: {type: object}}}}\n  \
         /clusters/{id}:\n    delete: {produces: [application/json], responses: {'200': {schema: {type: object}}}}\n  \
         /services:\n    get: {responses: {'200': {schema: {type: array}}, '204': {}}}\n",
    );
    assert_eq!(
        facts.prism_unroutable_templates.iter().collect::<Vec<_>>(),
        ["GET /clusters/{id.value}"]
    );
    assert_eq!(
        facts.schemas_without_produces.iter().collect::<Vec<_>>(),
        ["GET /clusters/{id.value}", "GET /services"]
    );
    let unrouted = |method: &str, path: &str| {
        json!({"outcome": "request", "status": 404, "method": method, "path": path,
            "detail": "the server answered a problem (404)",
            "response": "{\"type\":\"https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR\"}"})
    };
    let (class, reason) = classify(&unrouted("GET", "/clusters/{id.value}"), &facts);
    assert_eq!(class, Class::Prism, "{reason}");
    assert!(reason.contains("`{id.value}`"), "{reason}");
    assert_eq!(
        classify(&unrouted("DELETE", "/clusters/{id}"), &facts).0,
        Class::Generator
    );
    // Or Prism routes the request to another path, which lacks the method.
    let mut elsewhere = unrouted("GET", "/clusters/{id.value}");
    elsewhere["status"] = json!(405);
    elsewhere["response"] =
        json!("{\"type\":\"https://stoplight.io/prism/errors#NO_METHOD_MATCHED_ERROR\"}");
    assert_eq!(classify(&elsewhere, &facts).0, Class::Prism);
    let empty = |method: &str, path: &str| {
        json!({"outcome": "response", "status": 200, "method": method, "path": path,
            "detail": "the body does not decode at `.`: EOF while parsing a value at line 1 column 0"})
    };
    let (class, reason) = classify(&empty("GET", "/services"), &facts);
    assert_eq!(class, Class::Prism, "{reason}");
    assert!(reason.contains("`produces`"), "{reason}");
    // With `produces`, an empty answer is the client's to explain.
    assert_eq!(
        classify(&empty("DELETE", "/clusters/{id}"), &facts).0,
        Class::Generator
    );
    // So is a body that does not decode for another reason.
    let mut other = empty("GET", "/services");
    other["detail"] = json!("the body does not decode at `.`: invalid type: map");
    assert_eq!(classify(&other, &facts).0, Class::Generator);
}

#[test]
fn an_openapi_32_method_prism_does_not_route_is_prisms() {
    let facts = scan_document(
        "additional-methods.yaml",
        "openapi: 3.2.0\npaths:\n  /books:\n    query: {responses: {'200': {description: ok}}}\n    get: {responses: {'200': {description: ok}}}\n  \
         /books/{id}:\n    additionalOperations:\n      COPY: {responses: {'201': {description: copied}}}\n",
    );
    assert_eq!(
        facts
            .additional_method_operations
            .iter()
            .collect::<Vec<_>>(),
        ["COPY /books/{id}", "QUERY /books"]
    );
    let unrouted = |method: &str, path: &str, status: u16, problem: &str| {
        json!({"outcome": "request", "status": status, "method": method, "path": path,
            "detail": format!("the server answered a problem ({status})"),
            "response": format!("{{\"type\":\"https://stoplight.io/prism/errors#{problem}\"}}")})
    };
    let query = unrouted("QUERY", "/books", 405, "NO_METHOD_MATCHED_ERROR");
    let (class, reason) = classify(&query, &facts);
    assert_eq!(class, Class::Prism, "{reason}");
    assert!(reason.contains("`query`"), "{reason}");
    let copy = unrouted("COPY", "/books/{id}", 404, "NO_PATH_MATCHED_ERROR");
    assert_eq!(classify(&copy, &facts).0, Class::Prism);
    let get = unrouted("GET", "/books", 405, "NO_METHOD_MATCHED_ERROR");
    assert_eq!(classify(&get, &facts).0, Class::Generator);
}

#[test]
fn a_multipart_related_body_prism_cannot_read_is_prisms() {
    let facts = scan_document(
        "multipart-related.yaml",
        "openapi: 3.0.3\npaths:\n  /bundle:\n    post:\n      requestBody:\n        content:\n          \
         multipart/related: {schema: {type: object}}\n    put:\n      requestBody:\n        content:\n          \
         multipart/form-data: {schema: {type: object}}\n",
    );
    assert_eq!(
        facts.other_multipart_bodies.iter().collect::<Vec<_>>(),
        ["POST /bundle"]
    );
    let refused = |method: &str| {
        let mut call = record(
            "request",
            422,
            json!([{"location": ["request", "body"], "severity": "Error",
                "message": "Request body must be object"}]),
            "",
        );
        call["method"] = json!(method);
        call["path"] = json!("/bundle");
        call
    };
    assert_eq!(classify(&refused("POST"), &facts).0, Class::Prism);
    assert_eq!(classify(&refused("PUT"), &facts).0, Class::Generator);
}

#[test]
fn a_swagger2_body_without_consumes_that_prism_refuses_is_prisms() {
    let facts = scan_document(
        "no-consumes.yaml",
        "swagger: '2.0'\npaths:\n  /pets:\n    parameters: [{name: pet, in: body, schema: {type: object}}]\n    \
         post: {responses: {'204': {}}}\n    put: {consumes: [application/json], parameters: [{name: pet, in: body, schema: {type: object}}], responses: {'204': {}}}\n  \
         /forms:\n    post: {parameters: [{name: a, in: formData, type: string}], responses: {'204': {}}}\n",
    );
    assert_eq!(
        facts.bodies_without_consumes.iter().collect::<Vec<_>>(),
        ["POST /forms", "POST /pets"]
    );
    let refused = |method: &str, path: &str| {
        json!({"outcome": "request", "status": 415, "method": method, "path": path,
            "detail": "the server answered a problem (415)",
            "response": "{\"type\":\"https://stoplight.io/prism/errors#INVALID_CONTENT_TYPE\",\"detail\":\"No supported content types, but request included a non-empty body\"}"})
    };
    let (class, reason) = classify(&refused("POST", "/pets"), &facts);
    assert_eq!(class, Class::Prism, "{reason}");
    assert!(reason.contains("`consumes`"), "{reason}");
    assert_eq!(
        classify(&refused("PUT", "/pets"), &facts).0,
        Class::Generator
    );
    // Prism's other wording: a violation of the request.
    let mut violated = record(
        "request",
        422,
        json!([{"location": ["request"], "severity": "Error",
            "message": "No supported content types, but request included a non-empty body"}]),
        "",
    );
    violated["method"] = json!("POST");
    violated["path"] = json!("/pets");
    assert_eq!(classify(&violated, &facts).0, Class::Prism);

    // `formData` with only JSON in `consumes` contradicts Swagger 2.0: the document's.
    let contradictory = scan_document(
        "form-data-json.yaml",
        "swagger: '2.0'\npaths:\n  /fake:\n    get: {consumes: [application/json], parameters: [{name: a, in: formData, type: string}], responses: {'200': {}}}\n",
    );
    assert_eq!(
        contradictory
            .form_data_without_form_consumes
            .iter()
            .collect::<Vec<_>>(),
        ["GET /fake"]
    );
    let mut fake = violated.clone();
    fake["method"] = json!("GET");
    fake["path"] = json!("/fake");
    assert_eq!(classify(&fake, &contradictory).0, Class::Spec);
}

#[test]
fn a_space_delimited_list_prism_reads_as_one_item_is_prisms() {
    let facts = scan_document(
        "space-delimited.yaml",
        "openapi: 3.0.3\npaths:\n  /q:\n    get:\n      parameters:\n        \
         - {name: sa, in: query, style: spaceDelimited, explode: false, schema: {type: array, items: {type: integer}}}\n        \
         - {name: pa, in: query, style: pipeDelimited, explode: false, schema: {type: array, items: {type: integer}}}\n",
    );
    assert_eq!(
        facts.space_delimited_parameters.iter().collect::<Vec<_>>(),
        ["GET /q sa"]
    );
    let refused = |name: &str| {
        let mut call = record(
            "request",
            422,
            json!([{"location": ["request", "query", name, "0"], "severity": "Error",
                "message": format!("Request query parameter {name}.0 must be integer")}]),
            "",
        );
        call["method"] = json!("GET");
        call["path"] = json!("/q");
        call
    };
    assert_eq!(classify(&refused("sa"), &facts).0, Class::Prism);
    assert_eq!(classify(&refused("pa"), &facts).0, Class::Generator);
}

#[test]
fn a_query_name_sent_twice_is_the_documents_and_a_schemaless_answer_prisms() {
    let dir = root().join("target/verify-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("query-collisions.yaml");
    // `mediaQuery` is exploded in form style by default, so its `type` meets the parameter
    // `type`; `filter` is not exploded, so its `sort` is sent inside its own value.
    std::fs::write(
        &spec,
        "paths:\n  /items:\n    parameters: [{name: type, in: query, schema: {type: integer}}]\n    \
         get:\n      parameters:\n        - {$ref: '#/components/parameters/mediaQuery'}\n        \
         - {name: filter, in: query, explode: false, schema: {type: object, properties: {sort: {type: string}}}}\n        \
         - {name: sort, in: query, schema: {type: integer}}\n\
         components:\n  parameters:\n    mediaQuery:\n      name: mediaQuery\n      in: query\n      \
         schema: {$ref: '#/components/schemas/MediaQuery'}\n  schemas:\n    MediaQuery:\n      \
         type: object\n      properties: {type: {type: integer}, limit: {type: integer}}\n",
    )
    .unwrap();
    let facts = DocumentFacts::scan(&[spec.as_path()]);
    assert_eq!(
        facts.query_name_collisions.iter().collect::<Vec<_>>(),
        ["GET /items type"]
    );
    let refused = |names: &[&str]| {
        let violations: Vec<serde_json::Value> = names
            .iter()
            .map(|name| {
                json!({"location": ["request", "query", "mediaquery", name],
                    "message": format!("Request query parameter mediaquery.{name} must be integer")})
            })
            .collect();
        json!({"outcome": "request", "status": 422, "method": "GET", "path": "/items",
            "detail": "", "violations": violations})
    };
    let (class, reason) = classify(&refused(&["type"]), &facts);
    assert_eq!(class, Class::Spec, "{reason}");
    assert!(reason.contains("query name twice"), "{reason}");
    // A violation of another name is the client's to explain.
    assert_eq!(
        classify(&refused(&["type", "limit"]), &facts).0,
        Class::Generator
    );

    // Prism's problem for a media type it cannot make, at a status the operation documents.
    let ndjson = json!({"outcome": "request", "status": 500, "method": "GET",
        "path": "/system/logs", "detail": "the server answered a problem (500)",
        "response": "{\"type\":\"https://stoplight.io/prism/errors#UNKNOWN\",\"title\":\"Cannot find serializer for application/x-ndjson\"}"});
    let (class, reason) = classify(&ndjson, &DocumentFacts::default());
    assert_eq!(class, Class::Prism, "{reason}");

    // A key Prism looks for under a name no request can carry is the document's fault.
    let keyed = scan_document(
        "unsendable-api-key.yaml",
        "swagger: '2.0'\nsecurityDefinitions:\n  jwt: {type: apiKey, in: header, name: 'Authorization: Bearer'}\n\
         paths: {}\n",
    );
    assert!(keyed.unsendable_api_keys);
    let refused = json!({"outcome": "request", "status": 401, "method": "GET", "path": "/alerts",
        "detail": "the server answered a problem (401)",
        "response": "{\"type\":\"https://stoplight.io/prism/errors#UNAUTHORIZED\"}"});
    let (class, reason) = classify(&refused, &keyed);
    assert_eq!(class, Class::Spec, "{reason}");
    assert_eq!(
        classify(&refused, &DocumentFacts::default()).0,
        Class::Generator
    );

    let schemaless = json!({"outcome": "request", "status": 500, "method": "PUT",
        "path": "/updater/apply", "detail": "the server answered a problem (500)",
        "response": "{\"type\":\"https://stoplight.io/prism/errors#UNKNOWN\",\"title\":\"Tried to force a dynamic response for: text/html but schema is not defined.\"}"});
    let (class, reason) = classify(&schemaless, &DocumentFacts::default());
    assert_eq!(class, Class::Prism, "{reason}");
}

#[test]
fn an_implicit_tag_the_variants_enum_refuses_is_the_documents_fault() {
    let dir = root().join("target/verify-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("implicit-tags.yaml");
    // `Sidecar` has no mapping entry, so its tag is `Sidecar`, which its enum refuses; `Runbook`
    // is mapped to a value the enum allows.
    std::fs::write(
        &spec,
        "components:\n  schemas:\n    Runner:\n      oneOf: [{$ref: '#/components/schemas/Sidecar'}, {$ref: '#/components/schemas/Runbook'}]\n      \
         discriminator: {propertyName: runner_type, mapping: {runbook: '#/components/schemas/Runbook'}}\n    \
         Kind: {type: string, enum: [sidecar, runbook]}\n    \
         Sidecar:\n      allOf:\n        - properties: {runner_type: {$ref: '#/components/schemas/Kind'}}\n    \
         Runbook:\n      properties: {runner_type: {$ref: '#/components/schemas/Kind'}}\n",
    )
    .unwrap();
    let facts = DocumentFacts::scan(&[spec.as_path()]);
    assert_eq!(
        facts.implicit_tags_outside_enum.iter().collect::<Vec<_>>(),
        ["runner_type"]
    );
    let violation = |location: &[&str]| {
        json!([{"location": location, "severity": "Error",
            "message": "Request body property runner.runner_type must be equal to one of the allowed values: sidecar, runbook"}])
    };
    let refused = record(
        "request",
        422,
        violation(&["request", "body", "runner", "runner_type"]),
        "",
    );
    assert_eq!(classify(&refused, &facts).0, Class::Spec);
    assert_eq!(
        classify(&refused, &DocumentFacts::default()).0,
        Class::Generator
    );
    let other = record(
        "request",
        422,
        violation(&["request", "body", "runner", "kind"]),
        "",
    );
    assert_eq!(classify(&other, &facts).0, Class::Generator);
}

#[test]
fn a_pattern_its_format_refuses_is_the_documents_fault() {
    let violation = json!([{"location": ["request", "query", "since"], "severity": "Error",
        "message": "Request query parameter since must match pattern \"YYYY-MM-DDThh:mm:ssZ\""}]);
    let mut refused = record("request", 400, violation, "");
    assert_eq!(
        classify(&refused, &DocumentFacts::default()).0,
        Class::Generator
    );
    refused["contradictions"] = json!(["pattern `YYYY-MM-DDThh:mm:ssZ` with format `date-time`"]);
    assert_eq!(classify(&refused, &DocumentFacts::default()).0, Class::Spec);
    // Another violation beside it is not explained.
    refused["violations"]
        .as_array_mut()
        .unwrap()
        .push(json!({"location": ["request", "query", "limit"], "severity": "Error", "message": "must be integer"}));
    assert_eq!(
        classify(&refused, &DocumentFacts::default()).0,
        Class::Generator
    );
}

#[test]
fn upper_case_deep_object_keys_prism_lower_cases_are_prisms() {
    let facts = scan_document(
        "deep-object-case.yaml",
        "openapi: 3.0.3\npaths:\n  /b:\n    get:\n      parameters:\n        - name: deepObj\n          in: query\n          \
         style: deepObject\n          schema: {type: object, required: [Id], properties: {Id: {type: integer}}}\n",
    );
    assert_eq!(
        facts
            .deep_objects_with_upper_case_keys
            .iter()
            .collect::<Vec<_>>(),
        ["GET /b deepObj"]
    );
    let missing = |property: &str| {
        let mut call = record(
            "request",
            422,
            json!([{"location": ["request", "query", "deepobj"], "severity": "Error",
                "message": format!("Request query parameter deepobj must have required property '{property}'")}]),
            "",
        );
        call["method"] = json!("GET");
        call["path"] = json!("/b");
        call
    };
    assert_eq!(classify(&missing("Id"), &facts).0, Class::Prism);
    assert_eq!(classify(&missing("id"), &facts).0, Class::Generator);
    // The parameter's own name, read lower-cased, is missing from the query.
    let mut whole = record(
        "request",
        422,
        json!([{"location": ["request", "query"], "severity": "Error",
            "message": "Request query must have required property 'deepobj'"}]),
        "",
    );
    whole["method"] = json!("GET");
    whole["path"] = json!("/b");
    assert_eq!(classify(&whole, &facts).0, Class::Prism);
    assert_eq!(
        classify(&missing("Id"), &DocumentFacts::default()).0,
        Class::Generator
    );
}

#[test]
fn a_pattern_written_as_a_javascript_literal_is_the_documents_fault() {
    let violation = |pattern: &str| {
        json!([{"location": ["request", "body", "password"], "severity": "Error",
            "message": format!("Request body property password must match pattern \"{pattern}\"")}])
    };
    let literal = record("request", 422, violation("/(?=.*[a-z])(?=.*[0-9])/"), "");
    let (class, reason) = classify(&literal, &DocumentFacts::default());
    assert_eq!(class, Class::Spec, "{reason}");
    let flagged = record("request", 422, violation("/^[a-z]+$/i"), "");
    assert_eq!(classify(&flagged, &DocumentFacts::default()).0, Class::Spec);
    // A pattern that only starts with a slash (a path) is the client's to explain.
    let path = record("request", 422, violation("/users/[0-9]+"), "");
    assert_eq!(
        classify(&path, &DocumentFacts::default()).0,
        Class::Generator
    );
}

#[test]
fn a_path_parameter_outside_the_template_is_the_documents_fault() {
    let facts = scan_document(
        "outside-template.yaml",
        "components:\n  parameters:\n    Org: {name: org, in: path, required: true, schema: {type: string}}\n\
         paths:\n  /issues/{id}:\n    parameters:\n      - {name: id, in: path, required: true, schema: {type: string}}\n    \
         get:\n      parameters:\n        - $ref: '#/components/parameters/Org'\n",
    );
    assert_eq!(
        facts
            .path_parameters_outside_template
            .iter()
            .collect::<Vec<_>>(),
        ["GET /issues/{id} org"]
    );
    let missing = |name: &str| {
        let mut call = record(
            "request",
            422,
            json!([{"location": ["request", "path"], "severity": "Error",
                "message": format!("Request path must have required property '{name}'")}]),
            "",
        );
        call["method"] = json!("GET");
        call["path"] = json!("/issues/{id}");
        call
    };
    assert_eq!(classify(&missing("org"), &facts).0, Class::Spec);
    assert_eq!(classify(&missing("id"), &facts).0, Class::Generator);
}

#[test]
fn a_tuple_closed_by_items_false_that_prism_refuses_is_prisms() {
    let facts = scan_document(
        "closed-tuple.yaml",
        "openapi: 3.1.0\ncomponents:\n  schemas:\n    Box:\n      type: array\n      \
         prefixItems: [{type: number}, {type: number}]\n      items: false\n      minItems: 2\n\
         paths:\n  /shapes:\n    get:\n      parameters:\n        - {name: range, in: query, schema: {$ref: '#/components/schemas/Box'}}\n",
    );
    assert!(facts.tuples_closed_by_items_false);
    let violation = |message: &str| {
        json!([{"location": ["request", "body", "0", "box", "0"], "severity": "Error",
            "message": message}])
    };
    let refused = record(
        "request",
        422,
        violation("Request body property 0.box.0 boolean schema is false"),
        "",
    );
    let (class, reason) = classify(&refused, &facts);
    assert_eq!(class, Class::Prism, "{reason}");
    assert!(reason.contains("prefixItems"), "{reason}");
    assert_eq!(
        classify(&refused, &DocumentFacts::default()).0,
        Class::Generator
    );
    let other = record(
        "request",
        422,
        violation("Request body property 0.box.0 must be number"),
        "",
    );
    assert_eq!(classify(&other, &facts).0, Class::Generator);

    // Prism keeps one value of a tuple query parameter.
    assert_eq!(
        facts.tuple_query_parameters.iter().collect::<Vec<_>>(),
        ["GET /shapes range"]
    );
    let short = |name: &str| {
        let mut call = record(
            "request",
            422,
            json!([{"location": ["request", "query", name], "severity": "Error",
                "message": format!("Request query parameter {name} must NOT have fewer than 2 items")}]),
            "",
        );
        call["method"] = json!("GET");
        call["path"] = json!("/shapes");
        call
    };
    assert_eq!(classify(&short("range"), &facts).0, Class::Prism);
    assert_eq!(classify(&short("other"), &facts).0, Class::Generator);
}

/// A call whose query Prism found without the required names given, sent as `url`.
fn missing_query(method: &str, path: &str, url: &str, names: &[&str]) -> serde_json::Value {
    let violations: Vec<serde_json::Value> = names
        .iter()
        .map(|name| {
            json!({"location": ["request", "query"], "severity": "Error",
                "message": format!("Request query must have required property '{name}'")})
        })
        .collect();
    let mut call = record("request", 422, json!(violations), "");
    call["method"] = json!(method);
    call["path"] = json!(path);
    call["requests"] = json!([format!("{method} http://127.0.0.1:1{url}")]);
    call
}

#[test]
fn a_head_call_to_an_operation_without_responses_is_the_documents_fault() {
    let facts = scan_document(
        "no-responses.yaml",
        "openapi: 3.0.3\npaths:\n  /simple:\n    head: {operationId: headSimple}\n    \
         get: {responses: {}}\n  /ok:\n    head: {responses: {'200': {description: ok}}}\n",
    );
    assert_eq!(
        facts
            .operations_without_responses
            .iter()
            .collect::<Vec<_>>(),
        ["GET /simple", "HEAD /simple"]
    );
    let head = |path: &str| {
        let mut call = record("response", 500, json!(null), "");
        call["detail"] = json!("the server answered 500: ");
        call["method"] = json!("HEAD");
        call["path"] = json!(path);
        call
    };
    let (class, reason) = classify(&head("/simple"), &facts);
    assert_eq!(class, Class::Spec, "{reason}");
    assert!(reason.contains("documents no response"), "{reason}");
    // A HEAD answered 500 for an operation with responses stays the generator's.
    assert_eq!(classify(&head("/ok"), &facts).0, Class::Generator);
}

#[test]
fn an_empty_default_sent_empty_and_read_as_missing_is_the_documents_fault() {
    let facts = scan_document(
        "empty-default.yaml",
        "openapi: 3.0.3\npaths:\n  /defaults:\n    put:\n      parameters:\n        \
         - {name: withEmptyDefault, in: query, required: true, schema: {type: string, default: ''}}\n        \
         - {name: allowed, in: query, required: true, allowEmptyValue: true, schema: {type: string, default: ''}}\n        \
         - {name: plain, in: query, required: true, schema: {type: string}}\n",
    );
    assert_eq!(
        facts
            .empty_default_query_parameters
            .iter()
            .collect::<Vec<_>>(),
        ["PUT /defaults withEmptyDefault"]
    );
    let url = "/defaults?withEmptyDefault=&allowed=&plain=";
    let (class, reason) = classify(
        &missing_query("PUT", "/defaults", url, &["withemptydefault"]),
        &facts,
    );
    assert_eq!(class, Class::Spec, "{reason}");
    assert!(reason.contains("allowEmptyValue"), "{reason}");
    // Without the document's empty default, or not sent at all, it stays the generator's.
    for (url, name) in [
        (url, "plain"),
        (url, "allowed"),
        ("/defaults?plain=x", "withemptydefault"),
    ] {
        let call = missing_query("PUT", "/defaults", url, &[name]);
        assert_eq!(
            classify(&call, &facts).0,
            Class::Generator,
            "{name} in {url}"
        );
    }
    // Swagger 2.0 writes the default on the parameter.
    let swagger = scan_document(
        "empty-default-2.yaml",
        "swagger: '2.0'\npaths:\n  /d:\n    get:\n      parameters:\n        \
         - {name: s, in: query, required: true, type: string, default: ''}\n",
    );
    assert_eq!(
        swagger
            .empty_default_query_parameters
            .iter()
            .collect::<Vec<_>>(),
        ["GET /d s"]
    );
}

#[test]
fn a_non_ascii_query_name_prism_compares_encoded_is_prisms() {
    let facts = scan_document(
        "non-ascii-query.yaml",
        "openapi: 3.0.3\npaths:\n  /non-ascii:\n    post:\n      parameters:\n        \
         - {name: paramÆø, in: query, required: true, schema: {type: integer}}\n        \
         - {name: plain, in: query, required: true, schema: {type: integer}}\n",
    );
    assert_eq!(
        facts.non_ascii_query_parameters.iter().collect::<Vec<_>>(),
        ["POST /non-ascii paramÆø"]
    );
    let url = "/non-ascii?param%C3%86%C3%B8=1";
    let (class, reason) = classify(
        &missing_query("POST", "/non-ascii", url, &["param%c3%86%c3%b8"]),
        &facts,
    );
    assert_eq!(class, Class::Prism, "{reason}");
    assert!(reason.contains("percent-encoded"), "{reason}");
    // An ASCII name, or one the operation does not declare, stays the generator's.
    for name in ["plain", "other%c3%86"] {
        let call = missing_query("POST", "/non-ascii", url, &[name]);
        assert_eq!(classify(&call, &facts).0, Class::Generator, "{name}");
    }
}

#[test]
fn a_tab_separated_list_prism_finds_missing_is_prisms() {
    let facts = scan_document(
        "tsv.yaml",
        "swagger: '2.0'\npaths:\n  /formats:\n    get:\n      parameters:\n        \
         - {name: arrayTSV, in: query, required: true, type: array, items: {type: string}, collectionFormat: tsv}\n        \
         - {name: arrayCSV, in: query, required: true, type: array, items: {type: string}}\n",
    );
    assert_eq!(
        facts
            .tab_separated_query_parameters
            .iter()
            .collect::<Vec<_>>(),
        ["GET /formats arrayTSV"]
    );
    let url = "/formats?arrayCSV=a%2Cb&arrayTSV=a%09b";
    let (class, reason) = classify(
        &missing_query("GET", "/formats", url, &["arraytsv"]),
        &facts,
    );
    assert_eq!(class, Class::Prism, "{reason}");
    assert!(reason.contains("tsv"), "{reason}");
    // Not sent at all, or another format, it stays the generator's.
    for (url, name) in [("/formats?arrayCSV=a", "arraytsv"), (url, "arraycsv")] {
        let call = missing_query("GET", "/formats", url, &[name]);
        assert_eq!(
            classify(&call, &facts).0,
            Class::Generator,
            "{name} in {url}"
        );
    }
}

#[test]
fn a_required_query_parameter_the_document_writes_as_no_parameter_is_its_fault() {
    let facts = scan_document(
        "defective-parameters.yaml",
        "swagger: '2.0'\ndefinitions:\n  Model: {type: object, properties: {prop: {type: string}}}\n\
         parameters:\n  Page: {name: page, in: query, required: true, type: integer}\n\
         paths:\n  /complex:\n    get:\n      parameters:\n        \
         - {name: reference, in: query, required: true, $ref: '#/definitions/Model'}\n        \
         - {name: dictionary, in: query, required: true, type: object}\n        \
         - {name: body, in: body, required: true, schema: {type: object}}\n        \
         - $ref: '#/parameters/Page'\n        \
         - {name: plain, in: query, required: true, type: string}\n",
    );
    assert_eq!(
        facts.defective_query_parameters.iter().collect::<Vec<_>>(),
        ["GET /complex dictionary", "GET /complex reference"]
    );
    let call = missing_query("GET", "/complex", "/complex", &["reference", "dictionary"]);
    let (class, reason) = classify(&call, &facts);
    assert_eq!(class, Class::Spec, "{reason}");
    assert!(reason.contains("siblings"), "{reason}");
    for names in [&["plain"][..], &["page"], &["reference", "plain"]] {
        let call = missing_query("GET", "/complex", "/complex", names);
        assert_eq!(classify(&call, &facts).0, Class::Generator, "{names:?}");
    }
    // In OpenAPI 3, `type: object` on a parameter's schema is no defect.
    let openapi3 = scan_document(
        "object-parameter-3.yaml",
        "openapi: 3.0.3\npaths:\n  /o:\n    get:\n      parameters:\n        \
         - {name: o, in: query, required: true, schema: {type: object}}\n",
    );
    assert!(openapi3.defective_query_parameters.is_empty());
}

/// One raw HTTP exchange with the loopback server.
fn exchange(port: u16, request: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let mut buf = [0u8; 4096];
    let n = stream.read(&mut buf).unwrap();
    answer.push_str(&String::from_utf8_lossy(&buf[..n]));
    answer
}

#[test]
fn the_loopback_server_gives_each_operation_its_answer() {
    let answer = Answer {
        method: "GET".into(),
        template: "/users/{id}/files/{name}.json".into(),
        status: 201,
        content_type: Some("application/json".into()),
        body: br#"{"id":1}"#.to_vec(),
    };
    let server = Loopback::start(vec![answer]).unwrap();
    let matched = exchange(
        server.port,
        "GET /users/7/files/a.json?x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(matched.starts_with("HTTP/1.1 201"), "{matched}");
    assert!(matched.ends_with(r#"{"id":1}"#), "{matched}");
    // Another path, or a body sent in chunks: the default answer, after the whole request.
    let other = exchange(
        server.port,
        "POST /users/7 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    );
    assert!(
        other.starts_with("HTTP/1.1 200") && other.ends_with("{}"),
        "{other}"
    );
    assert_eq!(server.received(), 2);
}

#[test]
fn swagger2_form_arrays_prism_reads_as_one_value_are_prisms() {
    let facts = scan_document(
        "form-arrays.yaml",
        "swagger: '2.0'\nconsumes: [application/x-www-form-urlencoded]\npaths:\n  /registrations:\n    post:\n      parameters:\n        \
         - {name: phoneNumbers, in: formData, type: array, items: {type: integer}}\n        \
         - {name: name, in: formData, type: string}\n  /files:\n    post:\n      consumes: [multipart/form-data]\n      parameters:\n        \
         - {name: files, in: formData, type: array, items: {type: file}}\n",
    );
    assert_eq!(
        facts.joined_form_arrays.iter().collect::<Vec<_>>(),
        ["phoneNumbers"]
    );
    assert!(facts.multipart_array_properties.contains("files"));
    let not_array = |name: &str| {
        record(
            "request",
            422,
            json!([{"location": ["request", "body", name], "severity": "Error",
                "message": format!("Request body property {name} must be array")}]),
            "",
        )
    };
    let (class, reason) = classify(&not_array("phoneNumbers"), &facts);
    assert_eq!(class, Class::Prism, "{reason}");
    assert!(reason.contains("collectionFormat"), "{reason}");
    let (class, reason) = classify(&not_array("files"), &facts);
    assert_eq!(class, Class::Prism, "{reason}");
    assert!(reason.contains("one part per item"), "{reason}");
    // A property that is no form array, or a document without them, stays the generator's.
    assert_eq!(classify(&not_array("name"), &facts).0, Class::Generator);
    let none = scan_document("none.yaml", "swagger: '2.0'\npaths: {}\n");
    assert_eq!(
        classify(&not_array("phoneNumbers"), &none).0,
        Class::Generator
    );
}

#[test]
fn violations_of_several_causes_are_classed_one_by_one() {
    let facts = scan_document(
        "closed-beside-ref.yaml",
        "openapi: 3.0.3\npaths:\n  /order:\n    post:\n      requestBody:\n        content:\n          application/json:\n            \
         schema: {$ref: '#/components/schemas/Order', additionalProperties: false}\n\
         components:\n  schemas:\n    Order: {type: object, required: [referenceId], properties: {reference_id: {type: string}}}\n",
    );
    assert!(facts.closed_beside_a_reference);
    let violation = |location: &[&str], message: &str| json!({"location": location, "severity": "Error", "message": message});
    let closed = violation(
        &["request", "body"],
        "Request body must NOT have additional properties; found 'reference_id'",
    );
    let required = violation(
        &["request", "body"],
        "Request body must have required property 'referenceId'",
    );
    // Alone, each has its rule.
    let (class, reason) = classify(&record("request", 422, json!([closed]), ""), &facts);
    assert_eq!(class, Class::Prism, "{reason}");
    assert!(reason.contains("beside a `$ref`"), "{reason}");
    // Together, no rule explains both, but each is explained: the document's fault wins.
    let both = record("request", 422, json!([closed, required]), "");
    let (class, reason) = classify(&both, &facts);
    assert_eq!(class, Class::Spec, "{reason}");
    assert!(
        reason.contains("beside a `$ref`") && reason.contains("; and "),
        "{reason}"
    );
    // A `oneOf` that no branch matched sums up what was found inside it.
    let summary = violation(
        &["request"],
        "Request must match exactly one schema in oneOf",
    );
    let summed = record("request", 422, json!([closed, summary]), "");
    assert_eq!(classify(&summed, &facts).0, Class::Prism);
    let apart = violation(
        &["request", "query"],
        "Request query must match exactly one schema in oneOf",
    );
    let alone = record("request", 422, json!([closed, apart]), "");
    assert_eq!(classify(&alone, &facts).0, Class::Generator);
    // One unexplained violation keeps the whole failure the client's.
    let unexplained = violation(&["request", "query", "limit"], "must be integer");
    let mixed = record("request", 422, json!([closed, unexplained]), "");
    assert_eq!(classify(&mixed, &facts).0, Class::Generator);
    // In OpenAPI 3.1 a reference's siblings apply, so the client should have honoured it.
    let v31 = scan_document(
        "closed-beside-ref-31.yaml",
        "openapi: 3.1.0\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B', additionalProperties: false}\n",
    );
    assert!(!v31.closed_beside_a_reference);
}

#[test]
fn not_acceptable_for_media_ranges_only_is_prisms() {
    let facts = scan_document(
        "ranges.yaml",
        "swagger: '2.0'\nproduces: [application/json]\npaths:\n  /:\n    get:\n      produces: ['*/*']\n      \
         responses: {'200': {description: ok, schema: {type: string}}}\n  /json:\n    get:\n      \
         responses: {'200': {description: ok, schema: {type: string}}}\n",
    );
    assert_eq!(
        facts.range_only_responses.iter().collect::<Vec<_>>(),
        ["GET /"]
    );
    let not_acceptable = |path: &str| {
        let mut r = record(
            "request",
            406,
            json!([]),
            r#"{"type":"https://stoplight.io/prism/errors#NOT_ACCEPTABLE","status":406,"detail":"Unable to find content for application/json"}"#,
        );
        r["method"] = json!("GET");
        r["path"] = json!(path);
        r
    };
    let (class, reason) = classify(&not_acceptable("/"), &facts);
    assert_eq!(class, Class::Prism, "{reason}");
    assert!(reason.contains("media ranges"), "{reason}");
    // An operation that names a concrete type, refused so, stays the client's.
    assert_eq!(
        classify(&not_acceptable("/json"), &facts).0,
        Class::Generator
    );
    let v3 = scan_document(
        "ranges-3.yaml",
        "openapi: 3.0.3\npaths:\n  /:\n    get:\n      responses:\n        '200': {description: ok, content: {'*/*': {schema: {type: string}}}}\n        \
         '404': {description: gone, content: {'application/*': {}}}\n",
    );
    assert!(v3.range_only_responses.contains("GET /"));
}

#[test]
fn path_keys_that_are_no_templates_and_enums_of_another_type_are_the_documents() {
    let facts = scan_document(
        "not-templates.yaml",
        "swagger: '2.0'\npaths:\n  /people{?page,size}:\n    get:\n      parameters:\n        \
         - {name: active, in: query, type: string, enum: [true, false]}\n        \
         - {name: kind, in: query, type: string, enum: [a, b, null]}\n      responses: {'200': {description: ok}}\n  \
         /files/{+path}:\n    get:\n      responses: {'200': {description: ok}}\n  \
         /fancy/?{id}:\n    post:\n      responses: {'200': {description: ok}}\n  \
         /people/{id}:\n    get:\n      responses: {'200': {description: ok}}\n",
    );
    assert_eq!(
        facts.paths_not_templates.iter().collect::<Vec<_>>(),
        [
            "GET /files/{+path}",
            "GET /people{?page,size}",
            "POST /fancy/?{id}"
        ]
    );
    assert_eq!(
        facts.enums_of_another_type.iter().collect::<Vec<_>>(),
        ["GET /people{?page,size} active"]
    );
    let call = |path: &str, url: &str, violations: serde_json::Value| {
        let mut r = record("request", 422, violations, "");
        r["method"] = json!("GET");
        r["path"] = json!(path);
        r["requests"] = json!([format!("GET http://127.0.0.1:1{url}")]);
        r
    };
    let refused = |name: &str, allowed: &str| {
        json!([{"location": ["request", "query", name], "severity": "Error",
            "message": format!("Request query parameter {name} must be equal to one of the allowed values: {allowed}")}])
    };
    let routed_elsewhere = json!([{"location": ["request", "path", "id"], "severity": "Error",
        "message": "Request path parameter id must be integer"}]);
    let (class, reason) = classify(
        &call(
            "/people{?page,size}",
            "/people?page=1",
            routed_elsewhere.clone(),
        ),
        &facts,
    );
    assert_eq!(class, Class::Spec, "{reason}");
    assert!(reason.contains("RFC 6570"), "{reason}");
    assert_eq!(
        classify(&call("/people/{id}", "/people/x", routed_elsewhere), &facts).0,
        Class::Generator
    );
    // A boolean enum on a string refuses every string; the path key's own rule comes first,
    // so this one is checked on an operation whose key is a template.
    let enums = scan_document(
        "enums.yaml",
        "swagger: '2.0'\npaths:\n  /org:\n    get:\n      parameters:\n        \
         - {name: active, in: query, type: string, enum: [true, false]}\n        \
         - {name: accountTypes, in: query, type: array, items: {type: string, enum: [BANK, CASH]}}\n      \
         responses: {'200': {description: ok}}\n",
    );
    let (class, reason) = classify(
        &call("/org", "/org?active=true", refused("active", "true, false")),
        &enums,
    );
    assert_eq!(class, Class::Spec, "{reason}");
    assert!(reason.contains("another type"), "{reason}");
    // Prism refusing a value its own message allows is Prism's; a value it does not list is
    // the client's.
    let (class, reason) = classify(
        &call(
            "/org",
            "/org?accountTypes=BANK",
            refused("accounttypes", "BANK, CASH"),
        ),
        &enums,
    );
    assert_eq!(class, Class::Prism, "{reason}");
    assert_eq!(
        classify(
            &call(
                "/org",
                "/org?accountTypes=bank",
                refused("accounttypes", "BANK, CASH")
            ),
            &enums
        )
        .0,
        Class::Generator
    );
}
