//! The integration tests: one binary, one module per concern. `cargo test -p tests --test
//! integration MODULE::` runs one of them (e.g. `snapshots::`).

mod broken;
mod client_cpaas;
mod client_membership;
mod client_teams;
mod codegen;
mod conformance;
mod filtering;
mod fixtures;
mod fuzz;
mod mocks;
mod multifile;
mod readme;
mod rules;
mod runtime;
mod security;
mod snapshots;

#[path = "support/wire.rs"]
mod wire;
