//! The README's code is what `examples/readme.rs` compiles: `build.rs` copies every ```rust
//! block into it. This checks that copy from the other side, so a block the build script
//! missed or changed does not go uncompiled in silence.

/// The text `build.rs` generated for this build.
const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/readme_blocks.rs"));

#[test]
fn every_rust_block_of_the_readme_is_compiled_as_written() {
    let readme = std::fs::read_to_string(tests::workspace_root().join("README.md")).unwrap();
    let blocks: Vec<&str> = readme
        .split("\n```rust\n")
        .skip(1)
        .map(|rest| rest.split("\n```").next().unwrap())
        .collect();
    assert!(!blocks.is_empty(), "README.md has no ```rust block");
    for block in &blocks {
        assert!(
            GENERATED.contains(&format!("{block}\n")),
            "README block not compiled as written:\n{block}"
        );
    }
    assert_eq!(
        GENERATED.matches("async fn readme_line_").count(),
        blocks.len(),
        "one compiled function per README block"
    );
    let example =
        std::fs::read_to_string(tests::workspace_root().join("tests/examples/readme.rs")).unwrap();
    assert!(
        example.contains(r#"include!(concat!(env!("OUT_DIR"), "/readme_blocks.rs"));"#),
        "the example compiles the blocks"
    );
}
