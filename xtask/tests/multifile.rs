//! `cargo xtask generate --spec ROOT` on the multi-file layouts of `tests/multifile/`: each
//! generates a crate that `cargo check`s without warnings and has the readable type names; a
//! reference to another server and a missing file fail, naming them, and write nothing.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{repo, xtask};

use std::fs;

/// Layout, root document, and types its crate must define.
const LAYOUTS: &[(&str, &str, &[&str])] = &[
    (
        "split-3.0",
        "openapi.yaml",
        &[
            "pub struct User",
            "pub struct Address",
            "pub struct Order",
            "pub struct NewUser",
            "pub enum OrderStatus",
        ],
    ),
    (
        "nested-2.0-json",
        "swagger.json",
        &[
            "pub struct User",
            "pub struct Pet",
            "pub struct Address",
            "pub enum Country",
            "pub struct Tag",
        ],
    ),
    (
        "whole-files-3.1",
        "openapi.yaml",
        &[
            "pub struct Note",
            "pub enum Tag",
            "pub struct Problem",
            "pub struct Error",
            "pub type Label",
        ],
    ),
    (
        "maps-by-reference-3.1",
        "openapi.yaml",
        &["pub struct Book", "pub struct Author", "pub struct Problem"],
    ),
    (
        "maps-by-reference-2.0",
        "swagger.yaml",
        &["pub struct Dog", "pub struct Owner", "pub struct Failure"],
    ),
    (
        "discriminator-mappings-3.0",
        "openapi.yaml",
        &[
            "pub enum Shape",
            "pub struct ShapesCircle",
            "pub struct Triangle",
            "pub struct Circle",
        ],
    ),
];

#[test]
fn multi_file_layouts_generate_crates_that_compile_without_warnings() {
    for (layout, root, types) in LAYOUTS {
        let spec = repo().join("tests/multifile").join(layout).join(root);
        assert!(spec.exists(), "the fixture {} is missing", spec.display());
        let out_dir = repo().join("target/scratch/multifile").join(layout);
        let out = xtask(&[
            "generate",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{layout}: {stderr}");
        assert!(
            !stderr.contains("warning"),
            "{layout}: no warnings: {stderr}"
        );
        let generated = fs::read_to_string(out_dir.join("src/api/types.rs")).unwrap();
        for item in *types {
            assert!(
                generated.contains(&format!("{item} ")),
                "{layout}: `{item}` in\n{generated}"
            );
        }
        common::assert_checks_clean(&out_dir, layout);
    }
}

#[test]
fn remote_and_missing_references_fail_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    for (case, expected) in [
        (
            "http-ref",
            "`$ref: https://schemas.example.com/pet.yaml#/Pet` points at another server",
        ),
        (
            "missing-file",
            "missing-file/schemas/user.yaml`, which does not exist",
        ),
    ] {
        let spec = repo()
            .join("tests/multifile/broken")
            .join(case)
            .join("openapi.yaml");
        let out = xtask(&[
            "generate",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{case}: {stderr}");
        assert!(stderr.contains(expected), "{case}: {expected}\n{stderr}");
        assert!(
            stderr.contains(&format!("{case}/openapi.yaml:")),
            "{case}: located in the root: {stderr}"
        );
        assert!(!out_dir.exists(), "{case}: nothing is written on failure");
    }
}
