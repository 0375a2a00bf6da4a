//! `codegen.toml` read by the real `xtask` binary on scratch copies of the repository: a rename
//! in the configuration renames the operation's method and builder and the change report marks
//! it as breaking; a rename of nothing is an error located in the configuration.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{scratch_checkout, xtask};

use std::fs;
use std::path::Path;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// Adds `lines` to the `[[api]]` of `module` in the checkout's `codegen.toml`.
fn configure(root: &Path, module: &str, lines: &str) {
    let path = root.join("codegen.toml");
    let config = fs::read_to_string(&path).unwrap();
    let table = format!("module = \"{module}\"\nspec = \"spec/{module}.yaml\"\n");
    assert!(
        config.contains(&table),
        "codegen.toml lists {module}:\n{config}"
    );
    let changed = config.replacen(&table, &format!("{table}{lines}"), 1);
    fs::write(&path, changed).unwrap();
}

#[test]
fn renaming_an_operation_renames_its_method_and_builder_and_is_a_breaking_change() {
    let checkout = scratch_checkout();
    let root = checkout.path();
    let root_arg = root.to_str().unwrap();
    let operations = root.join("generated/src/teams/operations.rs");
    let before = fs::read_to_string(&operations).unwrap();
    assert!(before.contains("pub struct V2TeamsGet<'a>"), "the baseline");
    configure(
        root,
        "teams",
        "rename.operations = { \"GET /v2/Teams\" = \"list_team_accounts\" }\n",
    );

    // `--check` shows the change report and writes nothing.
    let out = xtask(&["codegen", "--check", "--root", root_arg]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    for line in [
        "teams: 2 API changes: 1 breaking, 1 compatible\n",
        "  BREAKING   operation `v2_teams_get` (GET /v2/Teams) removed\n",
        "  compatible operation `list_team_accounts` (GET /v2/Teams) added\n",
        "membership: no API changes\n",
    ] {
        assert!(stdout.contains(line), "{line} in:\n{stdout}");
    }
    assert_eq!(fs::read_to_string(&operations).unwrap(), before);

    let out = xtask(&["codegen", "--root", root_arg]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("operation `v2_teams_get` (GET /v2/Teams) removed"),
        "{stdout}"
    );
    let operations = fs::read_to_string(&operations).unwrap();
    let client = fs::read_to_string(root.join("generated/src/teams/mod.rs")).unwrap();
    let surface = fs::read_to_string(root.join("generated/teams.api.txt")).unwrap();
    // The method, its builder and its outcome enum are named after the new name.
    assert!(
        client.contains("pub fn list_team_accounts(&self) -> operations::ListTeamAccounts<'_>"),
        "{client}"
    );
    assert!(
        operations.contains("pub struct ListTeamAccounts<'a>"),
        "{operations}"
    );
    assert!(
        operations.contains("pub enum ListTeamAccountsError"),
        "{operations}"
    );
    for old in ["V2TeamsGet<", "V2TeamsGetError", "fn v2_teams_get("] {
        assert!(
            !operations.contains(old) && !client.contains(old),
            "{old} is gone"
        );
    }
    assert!(
        surface.contains("op list_team_accounts GET /v2/Teams\n"),
        "{surface}"
    );
}

#[test]
fn renaming_a_type_renames_it_and_every_use() {
    let checkout = scratch_checkout();
    let root = checkout.path();
    configure(
        root,
        "teams",
        "rename.types = { TeamAccountSummaryCustomer = \"TeamAccountSummary\" }\n",
    );
    let out = xtask(&["codegen", "--root", root.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("BREAKING   type `TeamAccountSummaryCustomer` removed (was a struct)"),
        "{stdout}"
    );
    let types = fs::read_to_string(root.join("generated/src/teams/types.rs")).unwrap();
    assert!(types.contains("pub struct TeamAccountSummary {"), "{types}");
    assert!(
        types.contains("Vec<TeamAccountSummary>"),
        "uses follow: {types}"
    );
    assert!(!types.contains("TeamAccountSummaryCustomer {"), "{types}");
}

#[test]
fn a_rename_of_nothing_is_located_in_the_config_and_writes_nothing() {
    let checkout = scratch_checkout();
    let root = checkout.path();
    let before = fs::read_to_string(root.join("generated/src/teams/mod.rs")).unwrap();
    configure(
        root,
        "teams",
        "rename.operations = { \"GET /v2/Team\" = \"list_team_accounts\" }\n",
    );
    let line = fs::read_to_string(root.join("codegen.toml"))
        .unwrap()
        .lines()
        .position(|l| l.starts_with("rename.operations"))
        .unwrap()
        + 1;
    let out = xtask(&["codegen", "--root", root.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for expected in [
        "error: `GET /v2/Team` names no operation of spec/teams.yaml".to_string(),
        format!("--> codegen.toml:{line}:23"),
        "= help: did you mean `GET /v2/Teams`?".to_string(),
        "generated/ was left untouched".to_string(),
    ] {
        assert!(stderr.contains(&expected), "{expected} in:\n{stderr}");
    }
    let after = fs::read_to_string(root.join("generated/src/teams/mod.rs")).unwrap();
    assert_eq!(before, after);
}

#[test]
fn generate_takes_a_config_with_renames_for_a_standalone_crate() {
    let checkout = scratch_checkout();
    let root = checkout.path();
    let config = root.join("standalone.toml");
    fs::write(
        &config,
        "[crate]\nname = \"cpaas-client\"\n\n[[api]]\nmodule = \"cpaas\"\n\
         spec = \"spec/cpaas.yaml\"\nrename.operations = { \"GET /v1/mgmt/user\" = \"list_users\" }\n",
    )
    .unwrap();
    let out_dir = root.join("out");
    let out = xtask(&[
        "generate",
        "--config",
        config.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let manifest = fs::read_to_string(out_dir.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"cpaas-client\""), "{manifest}");
    let client = fs::read_to_string(out_dir.join("src/cpaas/mod.rs")).unwrap();
    assert!(client.contains("pub fn list_users(&self)"), "{client}");

    let out = xtask(&[
        "generate", "--spec", "x.yaml", "--config", "c.toml", "--out", "o",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}
