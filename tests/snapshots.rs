//! insta snapshots of what the generator makes of each spec: a short summary of the IR (read
//! this first in review) and the generated source of the API's module.
//!
//! After an intended change: `cargo insta review` (or `INSTA_UPDATE=always cargo test`).

use generator::Options;

/// The API `module` of `codegen.toml`, generated alone into the repository's crate.
fn generate_one(module: &str) -> generator::Output {
    let config = tests::config();
    let source = config
        .apis
        .iter()
        .find(|a| a.module == module)
        .unwrap_or_else(|| panic!("codegen.toml has no API `{module}`"));
    let options = Options::new(config.settings());
    generator::generate(std::slice::from_ref(source), &options).unwrap_or_else(|e| panic!("{e}"))
}

fn check(module: &str) {
    let output = generate_one(module);
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

/// Every API `codegen.toml` lists: a new API gets its snapshots on the first run.
#[test]
fn every_api_of_the_config() {
    let config = tests::config();
    assert!(!config.apis.is_empty());
    for api in &config.apis {
        check(&api.module);
    }
}
