//! The API surface of a generated client, and the change report between two of them.
//!
//! A [`Surface`] is what callers of the generated client see of one
//! API: every operation (client method, HTTP method and path, parameters, request body,
//! responses by status) and every type (struct fields, enum values, union variants, aliases),
//! with Rust-facing types. It is built from the IR ([`Surface::from_api`], `from_ir.rs`), never
//! from the generated Rust.
//!
//! [`Surface::render`] writes it as text (`text.rs` describes the format), one item per line in
//! a deterministic order, so a diff of the file reads well in review; [`Surface::parse`] reads
//! that text back. [`diff`] compares two surfaces structurally into [`Change`]s whose
//! [`ChangeKind`] says whether it is [`Impact::Breaking`] or [`Impact::Compatible`]
//! (`change.rs`); [`render_report`] prints the result.

mod change;
mod diff;
mod from_ir;
mod model;
mod report;
mod text;

#[cfg(test)]
mod fixtures;

pub use change::{Change, ChangeKind, Impact, Usage};
pub use diff::diff;
pub use model::{
    Body, EnumMember, Field, Operation, Param, Response, Shape, Surface, Type, Variant,
};
pub use report::render_report;
