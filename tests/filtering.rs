//! Filtering (`--only`, `only = [...]`) and per-tag features (`--features-per-tag`) on small
//! documents of `tests/tags/`: which operations and types a selection keeps, the located errors
//! of selectors that pick nothing, and per-tag crates that pass clippy `-D warnings` with no
//! feature, with each feature alone and with `full`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use generator::config::Config;
use generator::ir::Api;
use generator::select::Selector;
use generator::{ApiSource, CrateSettings, Diagnostics, Layout, Options, Output};

fn fixture(name: &str) -> PathBuf {
    let path = tests::workspace_root().join("tests/tags").join(name);
    assert!(path.exists(), "missing fixture {}", path.display());
    path
}

fn options(name: &str) -> Options {
    Options::new(CrateSettings {
        crate_name: name.into(),
        layout: Layout::Standalone,
        command: "the filtering test".into(),
    })
}

fn source(file: &str, only: &[&str], features_per_tag: bool) -> ApiSource {
    ApiSource {
        only: only
            .iter()
            .map(|s| Selector::parse(s, None).unwrap_or_else(|e| panic!("{s}: {e}")))
            .collect(),
        features_per_tag,
        ..ApiSource::new(fixture(file), "api")
    }
}

fn generate(file: &str, only: &[&str], features_per_tag: bool) -> Output {
    generator::generate(
        &[source(file, only, features_per_tag)],
        &options("filtered"),
    )
    .unwrap_or_else(|e| panic!("{file} with {only:?} does not generate:\n{e}"))
}

/// The diagnostics of a refused generation; a generator bug fails the test.
fn refused(file: &str, only: &[&str], features_per_tag: bool) -> Diagnostics {
    match generator::generate(&[source(file, only, features_per_tag)], &options("refused")) {
        Ok(_) => panic!("{file} with {only:?} generated"),
        Err(generator::Error::Diagnostics(d)) => d,
        Err(generator::Error::Internal(bug)) => panic!("{bug}"),
    }
}

fn api(output: &Output) -> &Api {
    output.apis.first().expect("one API")
}

fn operation_ids(api: &Api) -> BTreeSet<&str> {
    api.operations
        .iter()
        .map(|o| {
            o.operation_id
                .as_deref()
                .expect("every fixture operation has an id")
        })
        .collect()
}

fn type_names(api: &Api) -> BTreeSet<&str> {
    api.types.iter().map(|t| t.name.as_str()).collect()
}

fn set<'a>(names: &[&'a str]) -> BTreeSet<&'a str> {
    names.iter().copied().collect()
}

#[test]
fn a_tag_keeps_its_operations_and_the_types_they_reach() {
    let whole = generate("shop.yaml", &[], false);
    assert!(type_names(api(&whole)).contains("Unused"));
    assert_eq!(api(&whole).operations.len(), 7);

    let pets = generate("shop.yaml", &["tag:pets"], false);
    assert_eq!(
        operation_ids(api(&pets)),
        set(&["listPets", "createPet", "getPetStore"])
    );
    // Through a parameter (PetKind), a response array and union (Pet, Cat, Dog), a field's
    // array (Toy), a chain of fields and aliases (Collar, Tag, TagText), a body (NewPet,
    // Address), a recursive type (Store) and an error response (Problem).
    assert_eq!(
        type_names(api(&pets)),
        set(&[
            "PetKind", "Pet", "Cat", "Dog", "Toy", "Collar", "Tag", "TagText", "NewPet", "Address",
            "Store", "Problem",
        ])
    );
}

#[test]
fn an_operation_is_picked_by_operation_id_or_method_name() {
    for selector in ["op:cancelOrder", "op:cancel_order"] {
        let output = generate("shop.yaml", &[selector], false);
        assert_eq!(
            operation_ids(api(&output)),
            set(&["cancelOrder"]),
            "{selector}"
        );
        assert_eq!(type_names(api(&output)), set(&["Problem"]), "{selector}");
    }
}

#[test]
fn a_path_glob_matches_templates_and_selectors_add_up() {
    // `*` crosses `/`, and `{petId}` is matched as the template writes it.
    let output = generate("shop.yaml", &["path:/pets/*"], false);
    assert_eq!(operation_ids(api(&output)), set(&["getPetStore"]));
    assert_eq!(type_names(api(&output)), set(&["Store", "Address"]));

    let output = generate("shop.yaml", &["path:/orders/{orderId}"], false);
    assert_eq!(operation_ids(api(&output)), set(&["cancelOrder"]));

    let output = generate(
        "shop.yaml",
        &["tag:stores", "op:health", "path:/pets/*"],
        false,
    );
    assert_eq!(
        operation_ids(api(&output)),
        set(&["getPetStore", "listStores", "health"])
    );
    assert_eq!(
        type_names(api(&output)),
        set(&["Store", "StoreList", "Address"])
    );
}

#[test]
fn a_document_without_tags_is_filtered_by_path() {
    let output = generate("untagged.yaml", &["path:/v1/customers*"], false);
    assert_eq!(
        operation_ids(api(&output)),
        set(&["listCustomers", "deleteCustomer"])
    );
    assert_eq!(
        type_names(api(&output)),
        set(&["Customer", "Address", "Deleted"])
    );
    let dir = tests::write_crate(&output, "filtering", "untagged-customers");
    tests::assert_clippy_clean(&dir, &[], "untagged.yaml with path:/v1/customers*");

    // A tag selects nothing there, and features per tag have nothing to split by: both errors
    // point to paths.
    let text = refused("untagged.yaml", &["tag:customers"], false).to_string();
    assert!(text.contains("untagged.yaml"), "{text}");
    assert!(text.contains("tags no operation"), "{text}");
    assert!(text.contains("select by path"), "{text}");
    let text = refused("untagged.yaml", &[], true).to_string();
    assert!(text.contains("untagged.yaml"), "{text}");
    assert!(text.contains("--only path:GLOB"), "{text}");
}

#[test]
fn selectors_that_pick_nothing_are_errors_listing_what_the_document_has() {
    let text = refused("shop.yaml", &["tag:pet"], false).to_string();
    assert!(text.contains("shop.yaml"), "{text}");
    assert!(text.contains("`--only tag:pet`"), "{text}");
    assert!(text.contains("did you mean `pets`?"), "{text}");
    assert!(
        text.contains("the tags are: `Order Admin`, `full`, `pets`, `stores`"),
        "{text}"
    );

    let text = refused("shop.yaml", &["op:listPet"], false).to_string();
    assert!(text.contains("did you mean `listPets`?"), "{text}");
    for name in [
        "cancelOrder",
        "createPet",
        "getInventory",
        "getPetStore",
        "health",
        "listPets",
        "listStores",
    ] {
        assert!(
            text.contains(&format!("`{name}`")),
            "{name} not listed: {text}"
        );
    }

    let text = refused("shop.yaml", &["path:/users/*"], false).to_string();
    assert!(
        text.contains("no path of the document matches `/users/*`"),
        "{text}"
    );
    assert!(text.contains("`/pets/{petId}/store`"), "{text}");

    // Every selector that picks nothing is reported in one run, a good one is not.
    let d = refused("shop.yaml", &["tag:nope", "tag:pets", "op:nope"], false);
    let errors: Vec<_> = d.0.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 2, "{d}");
}

#[test]
fn selectors_in_the_configuration_are_located_there() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("codegen.toml");
    let text = format!(
        "[crate]\nname = \"shop\"\noutput = \"out\"\n\n[[api]]\nmodule = \"shop\"\nspec = {:?}\n\
         only = [\"tag:pets\", \"tag:Pets\"]\n",
        fixture("shop.yaml")
    );
    std::fs::write(&config, &text).unwrap();
    let config = Config::load(&config).unwrap_or_else(|d| panic!("{d}"));
    let Err(generator::Error::Diagnostics(d)) =
        generator::generate(&config.apis, &Options::new(config.settings()))
    else {
        panic!("an unknown tag in the configuration generated");
    };
    let [error] = d.0.as_slice() else {
        panic!("one error expected: {d}")
    };
    assert!(error.file.ends_with("codegen.toml"), "{d}");
    let position = error.position.expect("a line and column");
    assert_eq!(position.line, 8, "{d}");
    assert!(error.message.contains("did you mean `pets`?"), "{d}");

    // A selector that is not one is refused when the configuration loads, at its place.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, text.replace("tag:Pets", "label:Pets")).unwrap();
    let Err(d) = Config::load(&bad) else {
        panic!("`label:Pets` was accepted")
    };
    assert!(
        d.to_string().contains("`label:Pets` is not a selector"),
        "{d}"
    );
    assert_eq!(d.0[0].position.map(|p| p.line), Some(8), "{d}");
}

/// Whether `file` defines a top-level type named `name`.
fn defines(file: &str, name: &str) -> bool {
    syn::parse_file(file)
        .unwrap()
        .items
        .iter()
        .any(|item| match item {
            syn::Item::Struct(s) => s.ident == name,
            syn::Item::Enum(e) => e.ident == name,
            syn::Item::Type(t) => t.ident == name,
            _ => false,
        })
}

/// The `#[cfg(...)]` of the module of `types.rs` that defines the type `name`, as written: its
/// items are compiled only when it holds.
fn type_gate(output: &Output, name: &str) -> String {
    let defining: Vec<&str> = output
        .files
        .iter()
        .filter(|f| f.path.starts_with("src/api/types/") && defines(&f.contents, name))
        .map(|f| f.path.as_str())
        .collect();
    let [path] = defining.as_slice() else {
        panic!("{name} is defined in {defining:?}")
    };
    let module = path
        .trim_start_matches("src/api/types/")
        .trim_end_matches(".rs");
    let parent = syn::parse_file(file(output, "src/api/types.rs")).unwrap();
    parent
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == module => m
                .attrs
                .iter()
                .find(|a| a.path().is_ident("cfg"))
                .map(|a| a.meta.require_list().unwrap().tokens.to_string()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no gated `mod {module};` in types.rs"))
}

fn file<'a>(output: &'a Output, path: &str) -> &'a str {
    output
        .files
        .iter()
        .find(|f| f.path == path)
        .map(|f| f.contents.as_str())
        .unwrap_or_else(|| panic!("no {path}"))
}

#[test]
fn per_tag_features_gate_operations_and_the_types_they_reach() {
    let output = generate("shop.yaml", &[], true);
    let gates = api(&output).features.as_ref().expect("features per tag");
    let names: Vec<&str> = gates.features.iter().map(|f| f.name.as_str()).collect();
    // `Order Admin` is not a feature name and `full` is taken; `health` has no tag.
    assert_eq!(
        names,
        ["full-2", "order-admin", "pets", "stores", "untagged"]
    );
    let types = |name: &str| gates.types.get(name).cloned().unwrap_or_default();
    assert_eq!(types("Toy"), ["pets"]);
    assert_eq!(types("Address"), ["pets", "stores"]);
    assert_eq!(types("StoreList"), ["stores"]);
    assert_eq!(types("Problem"), ["order-admin", "pets"]);
    assert!(types("Unused").is_empty());
    assert_eq!(gates.operations["get_pet_store"], ["pets", "stores"]);

    // The emitted items follow the gates: a type is compiled only when a feature that reaches
    // it is enabled; one no operation reaches only with `full`.
    assert_eq!(type_gate(&output, "Toy"), r#"feature = "pets""#);
    assert_eq!(
        type_gate(&output, "Address"),
        r#"any (feature = "pets" , feature = "stores")"#
    );
    assert_eq!(type_gate(&output, "Unused"), r#"feature = "full""#);
    // Operations too: a disabled feature's code is never read.
    let operations = file(&output, "src/api/operations/feature_order_admin.rs");
    assert!(defines(operations, "CancelOrder"), "{operations}");
    // The client's methods live with their builders, one `impl Client` per feature set, so the
    // API module holds none of them.
    assert_eq!(client_methods(operations), ["cancel_order"]);
    let both = file(&output, "src/api/operations/shared_1.rs");
    assert_eq!(client_methods(both), ["get_pet_store"]);
    let api_module = file(&output, "src/api/mod.rs");
    assert_eq!(client_methods(api_module), ["base_url", "builder"]);
    let manifest = file(&output, "Cargo.toml");
    assert!(manifest.contains("default = [\"full\"]"), "{manifest}");
    assert!(
        manifest
            .contains("full = [\"full-2\", \"order-admin\", \"pets\", \"stores\", \"untagged\"]"),
        "{manifest}"
    );

    let dir = tests::write_crate(&output, "filtering", "shop-per-tag");
    tests::assert_clippy_clean(&dir, &["--no-default-features"], "shop, no feature");
    for feature in &names {
        tests::assert_clippy_clean(
            &dir,
            &["--no-default-features", "--features", feature],
            &format!("shop, feature {feature} alone"),
        );
    }
    tests::assert_clippy_clean(&dir, &[], "shop, full (the default)");

    // A crate that depends on it with `stores` alone gets the types `stores` reaches and not
    // the others.
    let uses =
        |ty: &str| consumer_check(&dir, "stores", &format!("pub type Used = filtered::{ty};"));
    let reached = uses("Store");
    assert!(
        reached.status.success(),
        "{}",
        String::from_utf8_lossy(&reached.stderr)
    );
    let not_reached = uses("Toy");
    let stderr = String::from_utf8_lossy(&not_reached.stderr);
    assert!(
        !not_reached.status.success(),
        "Toy compiled with `stores` alone"
    );
    assert!(stderr.contains("Toy"), "{stderr}");
    // The same for the client's methods.
    let calls = |method: &str| {
        consumer_check(
            &dir,
            "stores",
            &format!("pub fn method() {{ let _ = filtered::Client::{method}; }}"),
        )
    };
    let enabled = calls("list_stores");
    assert!(
        enabled.status.success(),
        "{}",
        String::from_utf8_lossy(&enabled.stderr)
    );
    let disabled = calls("list_pets");
    let stderr = String::from_utf8_lossy(&disabled.stderr);
    assert!(
        !disabled.status.success(),
        "list_pets compiled with `stores` alone"
    );
    assert!(stderr.contains("list_pets"), "{stderr}");
}

/// The names of the methods of the `impl Client` blocks of `file`, sorted.
fn client_methods(file: &str) -> Vec<String> {
    let mut names: Vec<String> = syn::parse_file(file)
        .unwrap()
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(imp) if imp.trait_.is_none() => Some(imp),
            _ => None,
        })
        .filter(|imp| matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client")))
        .flat_map(|imp| &imp.items)
        .filter_map(|item| match item {
            syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
            _ => None,
        })
        .collect();
    names.sort();
    names
}

/// `cargo check` of a crate whose `lib.rs` is `code`, depending on the generated crate in
/// `generated` with `feature` alone.
fn consumer_check(generated: &Path, feature: &str, code: &str) -> std::process::Output {
    let dir = generated.with_file_name("consumer");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"consumer\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
         [dependencies]\nfiltered = {{ path = {:?}, default-features = false, features = [{feature:?}] }}\n\n\
         [workspace]\n",
        generated.to_str().unwrap()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    // The workspace's versions, already downloaded.
    std::fs::copy(
        tests::workspace_root().join("Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .unwrap();
    std::fs::write(
        dir.join("src/lib.rs"),
        format!("//! Uses the generated crate.\n{code}\n"),
    )
    .unwrap();
    Command::new(env!("CARGO"))
        .args([
            "check",
            "--quiet",
            "--message-format",
            "short",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        .env(
            "CARGO_TARGET_DIR",
            tests::workspace_root().join("target/generated-check"),
        )
        .output()
        .unwrap()
}
