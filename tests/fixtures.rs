//! Feature fixtures: each document of `tests/fixtures/` is one feature, pinned by two insta
//! snapshots, the IR summary (`<name>_ir`) and the generated code of its API (`<name>_code`).
//! A new feature gets a fixture here; its snapshots are written on the first run for review.

use std::fs;

use generator::{ApiSource, CrateSettings, Layout, Options};

#[test]
fn every_feature_fixture_matches_its_snapshots() {
    let dir = tests::workspace_root().join("tests/fixtures");
    let mut fixtures: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "json")
            )
        })
        .collect();
    fixtures.sort();
    assert!(!fixtures.is_empty(), "{}: no fixtures", dir.display());
    for spec in fixtures {
        let name = spec.file_stem().unwrap().to_string_lossy().into_owned();
        let settings = CrateSettings {
            crate_name: "fixture".into(),
            layout: Layout::Standalone,
            command: "cargo xtask generate".into(),
        };
        let output = generator::generate(&[ApiSource::new(&spec, "api")], &Options::new(settings))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(output.warnings.is_empty(), "{name}: {:?}", output.warnings);
        insta::assert_snapshot!(
            format!("{name}_ir"),
            generator::summary::summarize(&output.apis[0])
        );
        let code: Vec<String> = ["mod", "types", "operations"]
            .iter()
            .filter_map(|part| {
                let path = format!("src/api/{part}.rs");
                let file = output.files.iter().find(|f| f.path == path)?;
                Some(format!("// {path}\n{}", file.contents))
            })
            .collect();
        assert!(!code.is_empty(), "{name}: no API module was generated");
        insta::assert_snapshot!(format!("{name}_code"), code.join("\n"));
    }
}
