//! The feature document `tests/features/kitchen-sink.yaml` (every schema and operation feature
//! together) generates a crate that passes clippy with `-D warnings` (with and without its
//! `mock` feature), and whose behaviour against a loopback server is what the spec says:
//! `tests/features/kitchen_sink_test.rs`, copied into the generated crate and run there with
//! `cargo test`.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::FeatureCrate;

#[test]
fn kitchen_sink_crate_is_clippy_clean_and_behaves() {
    let stderr = FeatureCrate {
        name: "kitchen-sink",
        spec: "kitchen-sink.yaml",
        test: "kitchen_sink_test.rs",
        dev_dependencies: &[
            "tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"net\", \"io-util\", \"sync\"] }",
            "wiremock = \"0.6\"",
            "url = \"2\"",
        ],
        // The typed mocks of every operation feature (multipart, cookies, text and binary
        // bodies, status ranges, `default`) are clippy-clean and documented too.
        clippy_features: &["mock"],
    }
    .generate_check_and_run();

    // Schemas named like prelude types the generated code writes unqualified are renamed,
    // with a warning naming the new type.
    for (schema, rust) in [
        ("Option", "Option2"),
        ("String", "String2"),
        ("Vec", "Vec2"),
    ] {
        assert!(
            stderr.contains(&format!("schema `{schema}` becomes the Rust type `{rust}`")),
            "{stderr}"
        );
    }
}

/// An OpenAPI 3.2 document (the rules fixture of what 3.2 adds) generates a crate that passes
/// clippy and sends `QUERY`, `COPY` and a form query string as the document says:
/// `tests/features/openapi32_test.rs`.
#[test]
fn openapi_32_crate_is_clippy_clean_and_sends_its_methods() {
    FeatureCrate {
        name: "openapi32",
        spec: "../rules/openapi-3.2-additions.yaml",
        test: "openapi32_test.rs",
        dev_dependencies: &[
            "tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }",
            "wiremock = \"0.6\"",
        ],
        clippy_features: &["mock"],
    }
    .generate_check_and_run();
}
