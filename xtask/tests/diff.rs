//! The API change report from the real `xtask` binary: `diff OLD NEW` on two versions of a
//! document, and the report `codegen` prints against the committed surface files.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{repo, scratch_checkout, xtask};

use std::fs;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// `spec/teams.yaml` with `first_name` added to the `required` list of `AddTeamAccountCustomer`
/// (a request type: the field was optional and nullable).
fn first_name_required(original: &str) -> String {
    let anchor = "    AddTeamAccountCustomer:
      type: object
      description: Request that adds a new team account.
      required:
";
    assert!(
        original.contains(anchor),
        "the fixture must contain the schema it changes"
    );
    original.replacen(anchor, &format!("{anchor}        - first_name\n"), 1)
}

#[test]
fn diff_reports_a_field_made_required_as_the_one_breaking_change() {
    let dir = tempfile::tempdir().unwrap();
    let original = fs::read_to_string(repo().join("spec/teams.yaml")).unwrap();
    let old = dir.path().join("old.yaml");
    let new = dir.path().join("new.yaml");
    fs::write(&old, &original).unwrap();
    fs::write(&new, first_name_required(&original)).unwrap();

    let out = xtask(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert_eq!(
        stdout,
        "1 API change: 1 breaking, 0 compatible\n\
         BREAKING   field `first_name` of `AddTeamAccountCustomer` (request type) is now required (was optional)\n",
        "{stderr}"
    );
}

#[test]
fn diff_of_a_document_with_itself_reports_no_changes() {
    let spec = repo().join("spec/cpaas.yaml");
    let out = xtask(&["diff", spec.to_str().unwrap(), spec.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "no API changes\n");
}

#[test]
fn diff_fails_on_diagnostics_and_on_bad_usage() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.yaml");
    fs::write(&broken, "openapi: 3.0.3\ninfo: [\n").unwrap();
    let good = repo().join("spec/teams.yaml");
    let out = xtask(&["diff", good.to_str().unwrap(), broken.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("broken.yaml"), "names the file: {stderr}");
    assert!(text(&out.stdout).is_empty());

    for args in [
        &["diff"][..],
        &["diff", good.to_str().unwrap()],
        &["diff", "a.yaml", "b.yaml", "c.yaml"],
    ] {
        let out = xtask(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cargo xtask diff OLD_SPEC NEW_SPEC"),
            "{stderr}"
        );
    }
}

#[test]
fn codegen_reports_api_changes_against_the_committed_surface() {
    let checkout = scratch_checkout();
    let root = checkout.path();
    let root_arg = root.to_str().unwrap();

    let out = xtask(&["codegen", "--check", "--root", root_arg]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(!stdout.contains("API change"), "{stdout}");

    let spec = root.join("spec/teams.yaml");
    fs::write(
        &spec,
        first_name_required(&fs::read_to_string(&spec).unwrap()),
    )
    .unwrap();
    let expected = "teams: 1 API change: 1 breaking, 0 compatible\n  \
        BREAKING   field `first_name` of `AddTeamAccountCustomer` (request type) is now required (was optional)\n\
        membership: no API changes\n\
        cpaas: no API changes\n";

    // `--check` writes nothing and shows what the stale files would change.
    let out = xtask(&["codegen", "--check", "--root", root_arg]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains(expected), "{stdout}");
    assert!(
        stderr.contains("changed: generated/teams.api.txt"),
        "{stderr}"
    );

    let out = xtask(&["codegen", "--root", root_arg]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains(expected), "{stdout}");
    let surface = fs::read_to_string(root.join("generated/teams.api.txt")).unwrap();
    assert!(
        surface.contains(
            "type AddTeamAccountCustomer field first_name Option<String> required nullable\n"
        ),
        "{surface}"
    );

    // Once written, the surface is the new baseline.
    let out = xtask(&["codegen", "--root", root_arg]);
    let stdout = text(&out.stdout);
    assert!(
        stdout
            .contains("teams: no API changes\nmembership: no API changes\ncpaas: no API changes\n"),
        "{stdout}"
    );
}
