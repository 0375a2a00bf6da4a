//! insta snapshots of what the generator makes of each spec: a short summary of the IR (read
//! this first in review) and the generated source of the API's module.
//!
//! After an intended change: `cargo insta review` (or `INSTA_UPDATE=always cargo test`).

use generator::{ApiSource, CrateSettings, Layout};

fn generate_one(file: &str, module: &str) -> generator::Output {
    let spec = tests::workspace_root().join("spec").join(file);
    let settings = CrateSettings {
        crate_name: "userapis".into(),
        layout: Layout::WorkspaceMember,
        command: "cargo xtask codegen".into(),
    };
    generator::generate(
        &[ApiSource {
            spec,
            module: module.into(),
        }],
        &settings,
    )
    .unwrap_or_else(|d| panic!("{d}"))
}

fn check(file: &str, module: &str) {
    let output = generate_one(file, module);
    assert!(
        output.warnings.is_empty(),
        "unexpected warnings: {:?}",
        output.warnings
    );
    let api = &output.apis[0];
    insta::assert_snapshot!(format!("{module}_ir"), generator::summary::summarize(api));
    for part in ["mod", "types", "operations"] {
        let path = format!("src/{module}/{part}.rs");
        let file = output
            .files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path} missing"));
        insta::assert_snapshot!(format!("{module}_{part}"), file.contents);
    }
}

#[test]
fn teams() {
    check("teams.yaml", "teams");
}

#[test]
fn membership() {
    check("membership.yaml", "membership");
}

#[test]
fn cpaas() {
    check("cpaas.yaml", "cpaas");
}
