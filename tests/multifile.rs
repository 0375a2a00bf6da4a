//! Multi-file documents (`tests/multifile/`): the three layouts load whole, with readable type
//! names and no warnings, the same way every time; every broken case under
//! `tests/multifile/broken/` gives diagnostics located in the file the problem is written in (a
//! snapshot each, strict and lenient). That the layouts compile is `xtask/tests/multifile.rs`.

use std::path::{Path, PathBuf};

use generator::ir::TypeKind;
use generator::{ApiSource, CrateSettings, Layout, Options};

/// The good layouts: root document and the Rust types it must have.
const LAYOUTS: &[(&str, &[&str])] = &[
    (
        "multifile/split-3.0/openapi.yaml",
        &[
            "User",
            "Address",
            "Order",
            "NewUser",
            "Error",
            "OrderStatus",
        ],
    ),
    (
        "multifile/nested-2.0-json/swagger.json",
        &[
            "Health", "User", "Pet", "Address", "Country", "Tag", "Error",
        ],
    ),
    (
        "multifile/whole-files-3.1/openapi.yaml",
        &["Label", "Note", "Tag", "Problem", "Error"],
    ),
    (
        "multifile/maps-by-reference-3.1/openapi.yaml",
        &["Book", "Author", "Problem"],
    ),
    (
        "multifile/maps-by-reference-2.0/swagger.yaml",
        &["Dog", "Owner", "Failure"],
    ),
    (
        "multifile/discriminator-mappings-3.0/openapi.yaml",
        &["Circle", "Shape", "ShapesCircle", "Square", "Triangle"],
    ),
];

fn root(path: &str) -> PathBuf {
    let root = PathBuf::from(path);
    assert!(root.exists(), "the fixture {path} is missing");
    root
}

/// Loads and normalizes a document as the module `api`, strict or lenient (the tests of maps
/// and text given as references).
#[test]
fn each_layout_loads_whole_with_readable_names_and_no_warnings() {
    for (path, expected) in LAYOUTS {
        let normalized =
            tests::normalize(&root(path), false).unwrap_or_else(|d| panic!("{path}:\n{d}"));
        assert!(
            normalized.warnings.is_empty(),
            "{path}: {:?}",
            normalized.warnings
        );
        let names = sorted_type_names(&normalized.api);
        let mut wanted = expected.to_vec();
        wanted.sort();
        assert_eq!(names, wanted, "{path}");
        // No name is a path, and every origin is a component of the bundled document.
        for t in &normalized.api.types {
            assert!(
                t.origin.starts_with("#/components/schemas/") && !t.name.contains('/'),
                "{path}: {} from {}",
                t.name,
                t.origin
            );
        }
    }
}

#[test]
fn operations_of_referenced_path_items_and_parts_are_typed() {
    let api = |path: &str| {
        tests::normalize(&root(path), false)
            .unwrap_or_else(|d| panic!("{d}"))
            .api
    };
    let split = api("multifile/split-3.0/openapi.yaml");
    let ids = tests::method_names(&split);
    assert_eq!(
        ids,
        ["list_users", "create_user", "get_user", "get_order"],
        "path items from `paths/users.yaml` and, by pointer, from `paths/by-id.yaml`"
    );
    let rendered = format!("{:?}", split.operations[0]);
    assert!(
        rendered.contains("\"limit\""),
        "the root's parameter, referenced from a path file: {rendered}"
    );
    // Response headers from a file of shared headers, an `x-` name among them.
    let headers: Vec<(&str, String)> = split.operations[0]
        .responses
        .iter()
        .flat_map(|r| &r.headers)
        .map(|h| (h.name.as_str(), h.ty.to_string()))
        .collect();
    assert_eq!(
        headers,
        [
            ("x-request-id", "String".to_string()),
            ("ratelimit-remaining", "i64".to_string())
        ]
    );

    let nested = api("multifile/nested-2.0-json/swagger.json");
    let add_pet = nested
        .operations
        .iter()
        .find(|o| o.method_name == "add_pet")
        .unwrap();
    // A Swagger 2.0 body parameter from another file is the request body.
    let rendered = format!("{add_pet:?}");
    assert!(rendered.contains("Named(\"Pet\")"), "{rendered}");

    let whole = api("multifile/whole-files-3.1/openapi.yaml");
    let list = format!("{:?}", whole.operations[0]);
    for fragment in [
        "\"page\"",
        "\"tag\"",
        "Named(\"Tag\")",
        "Named(\"Problem\")",
    ] {
        assert!(list.contains(fragment), "{fragment} in {list}");
    }
}

/// A discriminator mapping in another file names schemas of that file (by reference relative to
/// it, or by name), whatever the root's components are called.
#[test]
fn discriminator_mappings_in_other_files_select_the_schemas_they_name() {
    let path = "multifile/discriminator-mappings-3.0/openapi.yaml";
    let api = tests::normalize(&root(path), false)
        .unwrap_or_else(|d| panic!("{d}"))
        .api;
    let shape = api.types.iter().find(|t| t.name == "Shape").unwrap();
    let TypeKind::Union(union) = &shape.kind else {
        panic!("Shape is no union: {shape:?}")
    };
    let tags: Vec<(String, String)> = union
        .variants
        .iter()
        .map(|v| (v.ty.to_string(), v.tags.join(",")))
        .collect();
    let expected = [
        ("ShapesCircle", "CIRCLE"),
        ("Square", "SQUARE"),
        ("Triangle", "TRIANGLE"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(t, g)| (t.to_string(), g.to_string()))
        .collect();
    assert_eq!(tags, expected);
    assert_eq!(union.discriminator.as_deref(), Some("kind"));
}

/// Maps given as a reference (`paths`, components sections, 2.0 `definitions`, `parameters` and
/// `responses`, a schema's `properties`), to an index file, to a map inside a file or to a map of
/// the same file, and text given as a reference, are followed wherever they stand.
#[test]
fn maps_and_text_given_as_references_are_followed() {
    let api = |path: &str| {
        tests::normalize(&root(path), false)
            .unwrap_or_else(|d| panic!("{d}"))
            .api
    };
    let library = api("multifile/maps-by-reference-3.1/openapi.yaml");
    let ids = tests::method_names(&library);
    assert_eq!(
        ids,
        ["list_books", "get_book", "delete_book"],
        "paths from the index file, an operation from a file of its own"
    );
    // The response header refers to `#/components/headers/RateLimit`, a map of the root given
    // as a reference: strict mode loading at all shows it was found.
    let list = format!("{:?}", library.operations[0]);
    for fragment in ["\"limit\"", "Named(\"Book\")", "Named(\"Problem\")"] {
        assert!(list.contains(fragment), "{fragment} in {list}");
    }
    // A Markdown file is its text, heading and all.
    let deleting =
        std::fs::read_to_string(root("multifile/maps-by-reference-3.1/texts/delete-book.md"))
            .unwrap();
    assert_eq!(
        library.operations[2].description.as_deref(),
        Some(deleting.trim_end())
    );
    let book = library.types.iter().find(|t| t.name == "Book").unwrap();
    let rendered = format!("{book:?}");
    // `properties` from a map in another file, merged with the properties written beside it;
    // the `id` description is text from a third file.
    for fragment in [
        "\"id\"",
        "\"title\"",
        "Named(\"Author\")",
        "The book's identifier, stable across editions.",
    ] {
        assert!(rendered.contains(fragment), "{fragment} in {rendered}");
    }

    let kennel = api("multifile/maps-by-reference-2.0/swagger.yaml");
    let list = format!("{:?}", kennel.operations[0]);
    for fragment in ["\"page\"", "Named(\"Dog\")", "Named(\"Failure\")"] {
        assert!(list.contains(fragment), "{fragment} in {list}");
    }
    for name in ["Dog", "Owner"] {
        let def = kennel.types.iter().find(|t| t.name == name).unwrap();
        assert!(format!("{def:?}").contains("\"name\""), "{name}: {def:?}");
    }
}

#[test]
fn bundled_generation_is_deterministic() {
    let settings = CrateSettings {
        crate_name: "multifile".into(),
        layout: Layout::Standalone,
        command: "test".into(),
    };
    for (path, _) in LAYOUTS {
        let source = [ApiSource::new(root(path), "api")];
        let on = |threads| Options {
            threads,
            ..Options::new(settings.clone())
        };
        let first = generator::generate(&source, &on(1)).unwrap_or_else(|e| panic!("{e}"));
        let second = generator::generate(&source, &on(4)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first.files, second.files, "{path}");
    }
}

fn render(file: &Path, lenient: bool) -> String {
    match tests::normalize(file, lenient) {
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
fn problems_in_other_files_are_located_in_those_files() {
    let dir = Path::new("multifile/broken");
    // Each case is a folder whose only file at the top is the root document.
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let folder = e.unwrap().path();
            let roots: Vec<PathBuf> = std::fs::read_dir(&folder)
                .unwrap()
                .map(|f| f.unwrap().path())
                .filter(|f| f.is_file())
                .collect();
            assert_eq!(roots.len(), 1, "{}: one root document", folder.display());
            roots[0].clone()
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 8, "the catalogue has {} cases", cases.len());
    for case in &cases {
        let name = case
            .parent()
            .and_then(Path::file_name)
            .unwrap()
            .to_string_lossy()
            .to_string();
        for lenient in [false, true] {
            let rendered = render(case, lenient);
            let mode = if lenient { "lenient" } else { "strict" };
            insta::assert_snapshot!(format!("{name}-{mode}"), rendered);
        }
    }
}

/// The located facts the snapshots show, asserted outright for the error the task names: a
/// schema with `type: 5` in a referenced file is reported at that file's line and column.
#[test]
fn an_error_inside_a_referenced_file_has_that_files_line_and_column() {
    let case = root("multifile/broken/type-in-schema-file/openapi.yaml");
    let err = tests::normalize(&case, false).unwrap_err();
    let d = &err.0[0];
    assert_eq!(
        d.file,
        Path::new("multifile/broken/type-in-schema-file/schemas/user.yaml")
    );
    assert_eq!(d.pointer, "/properties/age/type");
    let position = d.position.unwrap();
    assert_eq!((position.line, position.column), (6, 5));
    assert_eq!(d.source_line.as_deref(), Some("    type: 5"));

    let case = root("multifile/broken/undeclared-path-parameter/openapi.yaml");
    let err = tests::normalize(&case, false).unwrap_err();
    let d = &err.0[0];
    assert_eq!(
        d.file,
        Path::new("multifile/broken/undeclared-path-parameter/paths/post.yaml")
    );
    assert_eq!(d.position.map(|p| (p.line, p.column)), Some((7, 1)));
}

#[test]
fn remote_and_missing_references_are_named() {
    let case = root("multifile/broken/http-ref/openapi.yaml");
    let err = tests::normalize(&case, false).unwrap_err();
    assert_eq!(err.0.len(), 2, "{err}");
    assert!(
        err.0.iter().all(|d| d.message.contains("another server")
            && d.file == case
            && d.position.is_some()),
        "{err}"
    );
    let lenient = tests::normalize(&case, true).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(lenient.warnings.len(), 2, "{:?}", lenient.warnings);

    let case = root("multifile/broken/missing-file/openapi.yaml");
    let err = tests::normalize(&case, false).unwrap_err();
    let text = err.to_string();
    for named in [
        "`multifile/broken/missing-file/parameters/page.yaml`, which does not exist",
        "`multifile/broken/missing-file/schemas/user.yaml`, which does not exist",
        "multifile/broken/missing-file/openapi.yaml:10:11",
        "multifile/broken/missing-file/openapi.yaml:17:17",
    ] {
        assert!(text.contains(named), "{named} in\n{text}");
    }
}

#[test]
fn maps_and_text_that_cannot_be_followed_are_located_at_their_ref() {
    let case = root("multifile/broken/map-and-text-refs/openapi.yaml");
    let err = tests::normalize(&case, false).unwrap_err();
    let found: Vec<(String, Option<usize>)> = err
        .0
        .iter()
        .map(|d| (d.pointer.clone(), d.position.map(|p| p.line)))
        .collect();
    assert_eq!(
        found,
        [
            (
                "/paths/~1things/get/responses/200/content/application~1json/schema/properties/$ref"
                    .to_string(),
                Some(23)
            ),
            ("/components/schemas/$ref".to_string(), Some(26)),
            ("/tags/0/description/$ref".to_string(), Some(10)),
        ],
        "{err}"
    );
    assert!(err.0.iter().all(|d| d.file == case), "{err}");
    let lenient = tests::normalize(&case, true).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(lenient.warnings.len(), 3, "{:?}", lenient.warnings);
    assert_eq!(lenient.api.operations.len(), 1);
}

/// A file's own `#/definitions/flag` that only the root document has is, in lenient mode, the
/// root's definition (as tools that paste the file into the root read it), typed, not any value.
#[test]
fn local_refs_only_the_root_has_are_the_roots_in_lenient_mode() {
    let case = root("multifile/broken/local-refs-meant-for-the-root/swagger.yaml");
    let normalized = tests::normalize(&case, true).unwrap_or_else(|d| panic!("{d}"));
    let names = sorted_type_names(&normalized.api);
    assert_eq!(names, ["Error", "Flag"]);
    let list = format!("{:?}", normalized.api.operations[0].responses);
    assert!(list.contains("Named(\"Flag\")"), "{list}");
    assert_eq!(normalized.warnings.len(), 2, "{:?}", normalized.warnings);
}

/// The Rust names of an API's types, sorted.
fn sorted_type_names(api: &generator::ir::Api) -> Vec<&str> {
    let mut names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    names.sort_unstable();
    names
}
