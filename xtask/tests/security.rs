//! The feature document `tests/features/schemes.yaml` (one operation per kind of security
//! scheme) generates a crate that passes clippy with `-D warnings` and keeps every kind of
//! credential on its origin: `tests/features/schemes_test.rs`, copied into the generated crate
//! and run there with `cargo test` against loopback servers.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::FeatureCrate;

#[test]
fn every_scheme_kind_keeps_its_credential_on_its_origin() {
    FeatureCrate {
        name: "schemes",
        spec: "schemes.yaml",
        test: "schemes_test.rs",
        dev_dependencies: &[
            "tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }",
            "wiremock = \"0.6\"",
            "tracing = \"0.1\"",
            "tracing-subscriber = { version = \"0.3\", default-features = false, features = [\"fmt\", \"std\"] }",
        ],
        clippy_features: &[],
    }
    .generate_check_and_run();
}
