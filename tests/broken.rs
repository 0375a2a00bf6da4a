//! The catalogue of broken specs in `tests/broken/`: each one's rendered diagnostics are a
//! snapshot, naming file, line, column and JSON pointer. A new file here is a new case.

use std::path::Path;

fn render(file: &Path) -> String {
    match tests::normalize(file, false) {
        Err(diagnostics) => diagnostics.to_string(),
        Ok(normalized) => {
            let mut out = String::new();
            for w in &normalized.warnings {
                out.push_str(&format!("{w}\n\n"));
            }
            out.push_str(&format!(
                "generated with {} warning(s)",
                normalized.warnings.len()
            ));
            out
        }
    }
}

#[test]
fn every_broken_spec_gives_located_diagnostics() {
    let dir = Path::new("broken");
    let mut cases: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 25, "the catalogue has {} cases", cases.len());
    for case in &cases {
        let rendered = render(case);
        assert!(
            rendered.contains(&case.display().to_string()),
            "{}: names the file\n{rendered}",
            case.display()
        );
        let name = case.file_stem().unwrap().to_string_lossy().to_string();
        insta::assert_snapshot!(name, rendered);
    }
    println!("{} broken specs checked", cases.len());
}
