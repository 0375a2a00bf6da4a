//! One fixture per rule of the OpenAPI grammar the generator once broke (`tests/rules/`).
//!
//! Each fixture is the smallest document that exercises its rule. Valid constructs generate in
//! strict mode; `lenient-*` fixtures are real-world defects: strict mode refuses them with
//! located errors, lenient mode repairs them with located warnings. Every fixture's crate is
//! compiled with clippy `-D warnings` and all features (all fixtures of a mode as modules of one crate), and the IR
//! is checked for what each rule promises.

use std::collections::BTreeMap;
use std::path::PathBuf;

use generator::ir::{
    Api, ApiKeyLocation, Field, MediaKind, ParamLocation, PathStyle, QueryStyle, SecurityKind,
    TypeDef, TypeKind, TypeRef, UnionDef, ValueFacts,
};
use generator::{ApiSource, CrateSettings, Diagnostics, Layout, Options, Output};

/// The fixtures this test knows the rules of; a fixture on disk that is not listed, or listed
/// but missing, fails the test.
const STRICT: &[&str] = &[
    "allof-shared-ancestor.yaml",
    "boolean-schemas.yaml",
    "builder-and-model-type-names.yaml",
    "defined-but-unsupported-security-scheme.yaml",
    "deeply-nested-container-types.yaml",
    "integer-bounds-beyond-64-bits.yaml",
    "keyword-named-properties.yaml",
    "numeric-exclusive-bounds-in-3.0.yaml",
    "operation-without-responses-3.1.yaml",
    "ref-to-any-local-pointer.yaml",
    "type-list-in-swagger2.json",
    "yaml-flow-collections-at-key-indentation.yaml",
    "yaml-merge-keys.yaml",
    "allof-reference-with-bare-type.yaml",
    "swagger2-path-level-body.json",
    "object-type-with-items.yaml",
    "reserved-header-parameters.yaml",
    "object-with-required-only-alternatives.yaml",
    "allof-property-narrowed-by-a-later-part.yaml",
    "markdown-that-clippy-lints-in-descriptions.yaml",
    "discriminator-tags-from-the-variants-enum.yaml",
    "refs-into-schema-definitions.yaml",
    "operation-names-that-meet-only-in-rust.yaml",
    "rust-keywords-as-names.yaml",
    "path-parameter-styles.yaml",
    "operation-and-path-servers.yaml",
    "operation-and-path-servers-3.1.yaml",
    "allof-polymorphism-through-a-discriminated-base.yaml",
    "allof-polymorphism-swagger2.yaml",
    "deprecated-fields-the-client-reads.yaml",
    "callbacks-by-reference-and-with-extensions.yaml",
    "callbacks-by-reference-and-with-extensions-3.1.yaml",
    "allof-beside-properties-and-unions.yaml",
    "operation-schemes-swagger2.yaml",
    "union-members-named-by-title.yaml",
    "oneof-of-constants-is-an-enum.yaml",
    "oneof-of-constants-is-an-enum-3.1.yaml",
    "document-without-operations.yaml",
    "response-keyed-by-a-media-range.yaml",
    "read-only-on-the-referenced-schema.yaml",
    "read-only-on-the-referenced-schema-3.1.yaml",
    "multipart-responses.yaml",
    "query-names-sent-twice.yaml",
    "type-lists-hand-keywords-to-their-branch-3.1.yaml",
    "names-outside-ascii.yaml",
    "bodiless-statuses-swagger2.yaml",
    "parameter-values-no-style-writes.yaml",
    "tuples-of-a-fixed-length-3.1.yaml",
    "discriminator-tags-matched-once.yaml",
    "openapi-3.2-additions.yaml",
    "refs-into-moved-places-swagger2.yaml",
    "pattern-properties-3.1.yaml",
    "pattern-properties-in-3.0.yaml",
    "request-bodies-in-a-media-range.yaml",
    "dynamic-refs-bind-generic-schemas-3.1.yaml",
    "json-sequences.yaml",
    "json-sequence-item-schemas-3.2.yaml",
    "form-encoding-explode.yaml",
    "form-collection-formats-swagger2.yaml",
    "allof-with-not-parts.yaml",
    "form-bodies-of-one-value.yaml",
    "compositions-of-one-inline-schema.yaml",
    "object-parameters-swagger2.yaml",
    "event-streams.yaml",
    "parameter-names-lints-would-read-as-placeholders-or-operators.yaml",
    "query-arrays-without-collection-format-swagger2.yaml",
    "numbers-of-an-integer-format.yaml",
    "path-keys-with-a-query-string.yaml",
];
const LENIENT: &[&str] = &[
    "lenient-dangling-refs.yaml",
    "lenient-dangling-refs-swagger2.yaml",
    "lenient-document-fields-of-the-wrong-type.yaml",
    "lenient-duplicate-operation-ids.yaml",
    "lenient-info-incomplete.yaml",
    "lenient-invalid-objects.yaml",
    "lenient-items-list.json",
    "lenient-parameter-required-not-boolean.yaml",
    "lenient-path-template-and-parameters-disagree.yaml",
    "lenient-ref-to-an-object-of-another-kind.yaml",
    "lenient-reference-cycles.yaml",
    "lenient-security-not-a-list.yaml",
    "lenient-response-without-description.yaml",
    "lenient-keys-given-twice.yaml",
    "lenient-discriminator-mapping-to-nothing.yaml",
    "lenient-server-variables-undefined.yaml",
    "lenient-empty-schema-lists.yaml",
    "lenient-http-names-that-are-not-tokens.yaml",
    "lenient-parameters-and-headers-without-schema.yaml",
    "lenient-parameters-without-type-swagger2.yaml",
    "lenient-additional-operation-methods-3.2.yaml",
    "lenient-parameter-styles-of-another-location.yaml",
    "lenient-body-parameters-in-openapi-3.yaml",
    "lenient-errors-of-every-stage-in-one-run-swagger2.yaml",
    "lenient-rfc6570-expressions-in-path-templates-swagger2.yaml",
];

fn rules_dir() -> PathBuf {
    tests::workspace_root().join("tests/rules")
}

fn module_of(file: &str) -> String {
    file.split('.')
        .next()
        .unwrap_or(file)
        .replace('-', "_")
        .to_string()
}

fn sources(files: &[&str]) -> Vec<ApiSource> {
    files
        .iter()
        .map(|f| ApiSource::new(rules_dir().join(f), module_of(f)))
        .collect()
}

fn generate(files: &[&str], lenient: bool, name: &str) -> Output {
    let settings = CrateSettings {
        crate_name: name.into(),
        layout: Layout::Standalone,
        command: "the rules test".into(),
    };
    let options = Options {
        lenient,
        ..Options::new(settings)
    };
    generator::generate(&sources(files), &options)
        .unwrap_or_else(|e| panic!("{name} fixtures do not generate:\n{e}"))
}

/// The diagnostics of a refused document; a generator bug fails the test.
fn refusal(error: generator::Error) -> Diagnostics {
    match error {
        generator::Error::Diagnostics(d) => d,
        generator::Error::Internal(bug) => panic!("{bug}"),
    }
}

fn api<'a>(output: &'a Output, file: &str) -> &'a Api {
    let module = module_of(file);
    output
        .apis
        .iter()
        .find(|a| a.module == module)
        .unwrap_or_else(|| panic!("no API {module}"))
}

/// The union named `name`; any other kind of type fails the test.
fn union<'a>(api: &'a Api, name: &str) -> &'a UnionDef {
    match &ty(api, name).kind {
        TypeKind::Union(u) => u,
        other => panic!("{}: {name} is not a union: {other:?}", api.module),
    }
}

fn ty<'a>(api: &'a Api, name: &str) -> &'a TypeDef {
    api.types
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| {
            let names: Vec<_> = api.types.iter().map(|t| &t.name).collect();
            panic!("{}: no type {name} among {names:?}", api.module)
        })
}

fn fields(def: &TypeDef) -> BTreeMap<&str, &Field> {
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().map(|f| (f.name.as_str(), f)).collect(),
        other => panic!("{} is not a struct: {other:?}", def.name),
    }
}

/// The warnings about the fixture `file`.
fn warnings_of<'a>(output: &'a Output, file: &str) -> Vec<&'a generator::Diagnostic> {
    let path = rules_dir().join(file);
    output.warnings.iter().filter(|w| w.file == path).collect()
}

/// The messages of the warnings about the fixture `file`.
fn warning_pointers<'a>(output: &'a Output, file: &str) -> Vec<&'a str> {
    warnings_of(output, file)
        .into_iter()
        .map(|w| w.pointer.as_str())
        .collect()
}

fn messages_of<'a>(output: &'a Output, file: &str) -> Vec<&'a str> {
    warnings_of(output, file)
        .into_iter()
        .map(|w| w.message.as_str())
        .collect()
}

fn compile(output: &Output, name: &str) {
    let dir = tests::write_crate(output, "rules", name);
    // All features, so that the typed mocks are linted too.
    tests::assert_clippy_clean(&dir, &["--all-features"], name);
}

#[test]
fn every_fixture_is_known_and_present() {
    let mut on_disk: Vec<String> = std::fs::read_dir(rules_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = STRICT
        .iter()
        .chain(LENIENT)
        .map(|s| s.to_string())
        .collect();
    listed.sort();
    assert_eq!(on_disk, listed, "tests/rules/ and this test's lists differ");
    for file in LENIENT {
        assert!(file.starts_with("lenient-"), "{file}");
    }
}

#[test]
fn valid_constructs_generate_in_strict_mode_and_compile() {
    let output = generate(STRICT, false, "rules-strict");

    // Shared ancestors are merged once; no cycle is reported.
    let cat_dog = fields(ty(api(&output, STRICT[0]), "CatDog"));
    assert_eq!(
        cat_dog.keys().copied().collect::<Vec<_>>(),
        ["barks", "id", "meows"]
    );
    assert!(cat_dog["id"].required);

    // `false` properties are never present; `true` is any value; a `false` branch is never taken.
    let thing = fields(ty(api(&output, "boolean-schemas.yaml"), "Thing"));
    assert_eq!(
        thing.keys().copied().collect::<Vec<_>>(),
        ["choice", "id", "list", "payload"]
    );
    assert_eq!(thing["payload"].ty, TypeRef::Any);
    assert_eq!(thing["choice"].ty, TypeRef::String);
    assert_eq!(thing["list"].ty, TypeRef::Array(Box::new(TypeRef::Any)));

    // An allOf part that narrows a property to an enum decides its type.
    let narrowed = api(&output, "allof-property-narrowed-by-a-later-part.yaml");
    let service = fields(ty(narrowed, "ServiceReference"));
    let TypeRef::Named(kind) = &service["type"].ty else {
        panic!("`type` is not the enum: {:?}", service["type"].ty)
    };
    assert!(
        matches!(ty(narrowed, kind).kind, TypeKind::Enum(_)),
        "{kind}"
    );
    assert!(service["type"].required);

    // A variant's enum gives its tags where its schema name could never be the value.
    let tagged = api(&output, "discriminator-tags-from-the-variants-enum.yaml");
    let tool = union(tagged, "Tool");
    let tags: Vec<(&str, Vec<&str>)> = tool
        .variants
        .iter()
        .map(|v| (v.name.as_str(), v.tags.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        tags,
        [
            ("FileSearchTool", vec!["file_search"]),
            ("WebSearchTool", vec!["web_search", "web_search_2025"]),
            ("NamedTool", vec!["NamedTool"]),
            ("MappedTool", vec!["mapped"]),
            ("DerivedTool", vec!["derived"]),
        ]
    );
    assert_eq!(tool.discriminator.as_deref(), Some("type"));
    let step = tagged.operations[0].responses[0].body.as_ref().unwrap();
    let TypeRef::Named(step) = &step.ty else {
        panic!("not a named response: {:?}", step.ty)
    };
    let step = union(tagged, step);
    assert_eq!(step.discriminator.as_deref(), Some("kind"));
    assert_eq!(
        step.variants
            .iter()
            .map(|v| v.tags.clone())
            .collect::<Vec<_>>(),
        [vec!["click".to_string()], vec!["scroll".to_string()]]
    );

    // Members that only require properties constrain the object beside them: a struct.
    let alternatives = api(&output, "object-with-required-only-alternatives.yaml");
    let body_type = |op: usize| {
        let body = alternatives.operations[op].body.as_ref().unwrap();
        let TypeRef::Named(name) = &body.ty else {
            panic!("not a named body: {:?}", body.ty)
        };
        ty(alternatives, name)
    };
    let reviewers = body_type(0);
    let TypeKind::Struct(s) = &reviewers.kind else {
        panic!("not a struct: {reviewers:?}")
    };
    // The choice stays known: for the docs and for values made up for the operation.
    assert_eq!(
        s.required_choices,
        [generator::ir::RequiredChoice {
            exactly_one: false,
            alternatives: vec![vec!["reviewers".into()], vec!["team_reviewers".into()]],
        }]
    );
    let reviewers = fields(reviewers);
    assert_eq!(
        reviewers.keys().copied().collect::<Vec<_>>(),
        ["reviewers", "team_reviewers"]
    );
    assert!(!reviewers["reviewers"].required && !reviewers["team_reviewers"].required);
    // A member with properties of its own makes a union, flattened beside `names`.
    let labels = fields(body_type(1));
    assert_eq!(
        labels.keys().copied().collect::<Vec<_>>(),
        ["names", "variant"]
    );
    assert!(labels["variant"].flatten);
    let TypeRef::Named(variant) = &labels["variant"].ty else {
        panic!("{:?}", labels["variant"])
    };
    assert!(matches!(ty(alternatives, variant).kind, TypeKind::Union(_)));

    // Builders and their outcome enums never take a model type's name.
    let names = api(&output, "builder-and-model-type-names.yaml");
    let create = &names.operations[0];
    assert_eq!(create.type_name, "CreateThing2");
    for op in &names.operations {
        for suffix in ["", "Error", "Success"] {
            let builder = format!("{}{suffix}", op.type_name);
            assert!(!names.types.iter().any(|t| t.name == builder), "{builder}");
        }
    }

    // A scheme the client cannot send leaves an alternative without credentials.
    let unsupported = api(&output, "defined-but-unsupported-security-scheme.yaml");
    let alternatives: Vec<usize> = unsupported.operations[0]
        .security
        .iter()
        .map(|r| r.schemes.len())
        .collect();
    assert_eq!(alternatives, [1, 0]);

    // Integer bounds pick the type that holds them.
    let counter = fields(ty(
        api(&output, "integer-bounds-beyond-64-bits.yaml"),
        "Counter",
    ));
    let int = |bits, signed| TypeRef::Integer { bits, signed };
    assert_eq!(counter["seed"].ty, int(64, true));
    assert_eq!(counter["unsigned"].ty, int(64, false));
    assert_eq!(counter["unsigned_js"].ty, int(64, false));
    assert_eq!(counter["huge"].ty, TypeRef::Number { bits: 64 });
    assert_eq!(counter["huge"].facts.multiple_of, Some(1.0));
    assert!(
        counter["huge"]
            .description
            .as_deref()
            .is_some_and(|d| d.contains("floating-point")),
        "{:?}",
        counter["huge"].description
    );

    // A type clippy would find too complex where a field uses it gets a name (the innermost
    // such, as schemas are lowered from the inside out); a simpler one stays inline.
    let nested = api(&output, "deeply-nested-container-types.yaml");
    let role = fields(ty(nested, "Role"));
    let map = |v| TypeRef::Map(Box::new(v));
    assert_eq!(
        role["global"].ty,
        map(TypeRef::Named("RoleGlobalValue".into()))
    );
    let strings = TypeRef::Array(Box::new(TypeRef::String));
    assert_eq!(
        ty(nested, "RoleGlobalValue").kind,
        TypeKind::Alias(map(map(strings)))
    );
    let number = TypeRef::Number { bits: 64 };
    let list = |v| TypeRef::Array(Box::new(v));
    assert_eq!(role["area"].ty, list(list(list(number))));

    // Property names that are JSON Schema keywords are properties.
    let setting = fields(ty(api(&output, "keyword-named-properties.yaml"), "Setting"));
    assert_eq!(
        setting.keys().copied().collect::<Vec<_>>(),
        [
            "$ref",
            "const",
            "default",
            "enum",
            "examples",
            "items",
            "properties",
            "type"
        ]
    );
    assert_eq!(
        setting["default"].ty,
        TypeRef::Nullable(Box::new(TypeRef::String))
    );
    assert!(matches!(setting["properties"].ty, TypeRef::Map(_)));

    // A 3.1 numeric exclusive bound in a 3.0 document is read, with a located note each.
    let notes: Vec<_> = warnings_of(&output, "numeric-exclusive-bounds-in-3.0.yaml")
        .into_iter()
        .map(|w| w.pointer.as_str())
        .collect();
    assert_eq!(
        notes,
        [
            "/components/schemas/Parameters/properties/best_of",
            "/components/schemas/Parameters/properties/temperature"
        ]
    );
    let parameters = fields(ty(
        api(&output, "numeric-exclusive-bounds-in-3.0.yaml"),
        "Parameters",
    ));
    assert_eq!(
        parameters["best_of"].ty,
        TypeRef::Integer {
            bits: 32,
            signed: true
        }
    );

    // A 3.1 operation without `responses` is generated, with no typed response.
    let no_responses = api(&output, "operation-without-responses-3.1.yaml");
    assert_eq!(no_responses.operations.len(), 2);
    assert!(no_responses.operations[0].responses.is_empty());

    // Refs to pointers inside other objects share one hoisted type with the place they name.
    let refs = api(&output, "ref-to-any-local-pointer.yaml");
    let tag_part = fields(ty(refs, "TagAllOf0"));
    assert!(tag_part["name"].required);
    let get_tag = refs
        .operations
        .iter()
        .find(|o| o.method_name == "get_tag")
        .unwrap();
    assert_eq!(
        get_tag.responses[0].body.as_ref().map(|b| &b.ty),
        Some(&TypeRef::Named("TagAllOf0".into()))
    );
    let params: Vec<&str> = get_tag.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(params, ["tagId", "dryRun"]);
    // The path item given as a reference is a copy, named by method and path.
    assert!(
        refs.operations
            .iter()
            .any(|o| o.method_name == "labels_tag_id_get")
    );

    // Type lists in a Swagger 2.0 document.
    let user = fields(ty(api(&output, "type-list-in-swagger2.json"), "User"));
    assert_eq!(
        user["nickname"].ty,
        TypeRef::Nullable(Box::new(TypeRef::String))
    );
    assert!(matches!(user["age"].ty, TypeRef::Named(_)));

    // YAML merge keys.
    let extended = fields(ty(api(&output, "yaml-merge-keys.yaml"), "Extended"));
    assert!(extended.contains_key("id"));

    // A part that only repeats the type adds nothing to an `allOf`.
    let authorize = fields(ty(
        api(&output, "allof-reference-with-bare-type.yaml"),
        "Authorize",
    ));
    assert_eq!(
        authorize["response_type"].ty,
        TypeRef::Named("ResponseType".into())
    );
    assert_eq!(
        authorize["scope"].ty,
        TypeRef::nullable(TypeRef::Named("ResponseType".into()))
    );
    assert_eq!(
        authorize["limit"].ty,
        TypeRef::Integer {
            bits: 64,
            signed: true
        }
    );
    assert_eq!(authorize["limit"].facts.minimum, Some(1.0));

    // `items` beside `type: object` is ignored.
    let creation = fields(ty(
        api(&output, "object-type-with-items.yaml"),
        "PrincipalCreation",
    ));
    assert_eq!(
        creation["settings"].ty,
        TypeRef::Map(Box::new(TypeRef::Any))
    );

    // Accept, Content-Type and Authorization header parameters are ignored.
    let build = &api(&output, "reserved-header-parameters.yaml").operations[0];
    let headers: Vec<&str> = build.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(headers, ["X-Registry-Config"]);

    // A body parameter of the path item is its operations' request body.
    let log = &api(&output, "swagger2-path-level-body.json").operations[0];
    let body = log.body.as_ref().expect("the path-level body parameter");
    assert!(body.required);
    assert_eq!(body.ty, TypeRef::Named("LogMessage".into()));

    // Every diagnostic has a line, also in a document the event parser finds under-indented.
    let flow = rules_dir().join("yaml-flow-collections-at-key-indentation.yaml");
    assert!(
        output.warnings.iter().any(|w| w.file == flow),
        "the fixture's `allOf` of string enums warns"
    );
    for w in &output.warnings {
        let position = w.position.map(|p| p.line);
        assert!(position.is_some(), "a warning without a line: {w}");
        if w.file == flow {
            assert_eq!(position, Some(38), "{w}");
        }
    }

    // Operation names that meet only once made Rust names are numbered, with a warning each.
    let meet = api(&output, "operation-names-that-meet-only-in-rust.yaml");
    let names = tests::method_names(meet);
    assert_eq!(
        names,
        ["get_comment", "get_comment2", "a_b_get", "a_b_get2"]
    );
    for (name, at) in [
        ("get_comment", "/paths/~1comments~1{name}/get"),
        ("a_b_get", "/paths/~1a-b/get"),
    ] {
        let said = format!(
            "operation name `{name}` is already used by the operation at {at}; this operation's method is `{name}2`"
        );
        assert!(
            output.warnings.iter().any(|w| w.message == said),
            "no warning {said:?}"
        );
    }

    // Beside `allOf`, the schema's own properties and required list count; constraint-only
    // unions are required choices; a union of shapes is a flattened field, typed, without a
    // word (its variant's properties stand beside the others, as `#[serde(flatten)]` writes).
    let merged = api(&output, "allof-beside-properties-and-unions.yaml");
    let fields_of = |name: &str| -> Vec<(String, bool, bool)> {
        let TypeKind::Struct(s) = &ty(merged, name).kind else {
            panic!("{name} is not a struct")
        };
        s.fields
            .iter()
            .map(|f| (f.name.clone(), f.required, f.flatten))
            .collect()
    };
    let owned = |fields: &[(&str, bool, bool)]| -> Vec<(String, bool, bool)> {
        fields
            .iter()
            .map(|(n, r, f)| (n.to_string(), *r, *f))
            .collect()
    };
    assert_eq!(
        fields_of("Thing"),
        owned(&[("name", true, false), ("id", true, false)])
    );
    assert_eq!(
        fields_of("Restriction"),
        owned(&[("kind", false, false), ("areas", false, false)])
    );
    let TypeKind::Struct(restriction) = &ty(merged, "Restriction").kind else {
        unreachable!()
    };
    assert_eq!(restriction.required_choices.len(), 1, "{restriction:?}");
    assert_eq!(restriction.additional, None);
    assert_eq!(
        fields_of("CreateSource"),
        owned(&[("name", true, false), ("source_type", true, true)])
    );
    assert_eq!(
        fields_of("Labelled"),
        owned(&[("label", true, false), ("variant", true, true)])
    );
    let TypeKind::Struct(labelled) = &ty(merged, "Labelled").kind else {
        unreachable!()
    };
    assert_eq!(
        labelled.fields[1].ty,
        TypeRef::Named("LabelledVariant".into())
    );
    assert!(matches!(
        ty(merged, "LabelledVariant").kind,
        TypeKind::Union(_)
    ));
    assert_eq!(
        fields_of("Partial"),
        owned(&[("id", false, false), ("note", false, false)])
    );
    let TypeKind::Struct(partial) = &ty(merged, "Partial").kind else {
        unreachable!()
    };
    assert_eq!(partial.additional, Some(TypeRef::Any));
    let said: Vec<(String, &str)> = warnings_of(&output, "allof-beside-properties-and-unions.yaml")
        .into_iter()
        .map(|w| (w.pointer.clone(), w.message.as_str()))
        .collect();
    assert_eq!(
        said,
        [(
            "/components/schemas/Partial".to_string(),
            "a union beside properties its variants repeat is not flattened; its properties are kept in `additional_properties`"
        )]
    );

    // An inline union member is named by a short title; a long or empty one leaves the name to
    // its kind, as before.
    let titled = api(&output, "union-members-named-by-title.yaml");
    let variants = |name: &str| -> Vec<(String, TypeRef)> {
        let u = union(titled, name);
        let mut out: Vec<(String, TypeRef)> = u
            .variants
            .iter()
            .map(|v| (v.name.clone(), v.ty.clone()))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    };
    let named = |n: &str| TypeRef::Named(n.to_string());
    assert_eq!(
        variants("PersonDob"),
        [
            (
                "DateOfBirthSpecs".to_string(),
                named("PersonDobDateOfBirthSpecs")
            ),
            ("PersonDobVariant2".to_string(), named("PersonDobVariant2")),
        ]
    );
    assert_eq!(
        variants("PersonPayment"),
        [
            ("BankParams".to_string(), named("PersonPaymentBankParams")),
            ("CardParams".to_string(), named("PersonPaymentCardParams")),
            (
                "WalletParams".to_string(),
                named("PersonPaymentWalletParams")
            ),
        ]
    );
    let timeout: Vec<String> = variants("PersonTimeout").into_iter().map(|v| v.0).collect();
    assert_eq!(timeout, ["Boolean", "Seconds", "String"]);
    let TypeKind::Struct(shipment) = &ty(titled, "Shipment").kind else {
        panic!("Shipment is not a struct")
    };
    let shipment: Vec<(&str, &TypeRef, bool)> = shipment
        .fields
        .iter()
        .map(|f| (f.name.as_str(), &f.ty, f.flatten))
        .collect();
    assert_eq!(
        shipment,
        [
            ("id", &TypeRef::String, false),
            ("delivery", &named("ShipmentDelivery"), true)
        ]
    );
    assert_eq!(
        variants("ShipmentDelivery"),
        [
            ("Courier".to_string(), named("ShipmentDeliveryCourier")),
            ("Pickup".to_string(), named("ShipmentDeliveryPickup")),
        ]
    );

    // A `oneOf`/`anyOf` of constants is an enum named by titles and described by descriptions.
    let enum_of = |file: &str, name: &str| -> Vec<(String, String, Option<String>)> {
        let TypeKind::Enum(e) = &ty(api(&output, file), name).kind else {
            panic!("{name} is not an enum")
        };
        e.variants
            .iter()
            .map(|v| {
                (
                    v.name.clone(),
                    format!("{:?}", v.value),
                    v.description.clone(),
                )
            })
            .collect()
    };
    let said = |text: &str| Some(text.to_string());
    assert_eq!(
        enum_of("oneof-of-constants-is-an-enum-3.1.yaml", "Visibility"),
        [
            (
                "None".into(),
                "Integer(0)".into(),
                said("Invisible to everyone but the owner.")
            ),
            (
                "Everyone".into(),
                "Integer(1)".into(),
                said("Visible to everyone.")
            ),
        ]
    );
    assert_eq!(
        enum_of("oneof-of-constants-is-an-enum-3.1.yaml", "SettingsLevel"),
        [
            ("Low".into(), "String(\"low\")".into(), None),
            ("High".into(), "String(\"high\")".into(), None),
            ("Medium".into(), "String(\"medium\")".into(), None),
        ]
    );
    assert_eq!(
        enum_of("oneof-of-constants-is-an-enum.yaml", "ListJobsState"),
        [
            (
                "Waiting".into(),
                "String(\"queued\")".into(),
                said("Not started yet.")
            ),
            ("Running".into(), "String(\"running\")".into(), None),
            ("Done".into(), "String(\"done\")".into(), None),
            ("Failed".into(), "String(\"failed\")".into(), None),
        ]
    );
    assert_eq!(
        enum_of(
            "oneof-of-constants-is-an-enum.yaml",
            "ListJobsResponsePriority"
        ),
        [
            (
                "Low".into(),
                "Integer(1)".into(),
                said("Whenever there is time.")
            ),
            (
                "High".into(),
                "Integer(2)".into(),
                said("Before anything else.")
            ),
        ]
    );

    let response = ty(
        api(&output, "oneof-of-constants-is-an-enum.yaml"),
        "ListJobsResponse",
    );
    let field_types: BTreeMap<&str, &TypeRef> = fields(response)
        .into_iter()
        .map(|(n, f)| (n, &f.ty))
        .collect();
    assert_eq!(
        field_types["model"],
        &TypeRef::Named("ListJobsResponseModel".into())
    );
    assert_eq!(
        enum_of(
            "oneof-of-constants-is-an-enum.yaml",
            "ListJobsResponseModel"
        ),
        [
            ("Gpt4o".into(), "String(\"gpt-4o\")".into(), None),
            ("Gpt4oMini".into(), "String(\"gpt-4o-mini\")".into(), None),
        ]
    );
    assert_eq!(field_types["status"], &TypeRef::Named("Status".into()));
    let size = api(&output, "oneof-of-constants-is-an-enum.yaml");
    assert!(
        matches!(ty(size, "ListJobsResponseSize").kind, TypeKind::Union(_)),
        "a plain member of another kind keeps the union"
    );

    // A 2.0 operation's own schemes are its servers.
    let schemes = api(&output, "operation-schemes-swagger2.yaml");
    let servers: Vec<(&str, Vec<&str>)> = schemes
        .operations
        .iter()
        .map(|op| {
            let urls = op.servers.iter().map(|s| s.url.as_str()).collect();
            (op.method_name.as_str(), urls)
        })
        .collect();
    assert_eq!(
        servers,
        [
            ("get_status", vec![]),
            ("login", vec!["https://api.example.com/v1"])
        ]
    );

    // Callbacks by reference and with extensions keep their operation, without a word.
    for file in [
        "callbacks-by-reference-and-with-extensions.yaml",
        "callbacks-by-reference-and-with-extensions-3.1.yaml",
    ] {
        assert_eq!(
            tests::method_names(api(&output, file)),
            ["subscribe"],
            "{file}"
        );
        let said = messages_of(&output, file);
        assert!(said.is_empty(), "{file}: {said:?}");
    }

    // Every path style is kept, with its explode; none is warned about.
    let styles = api(&output, "path-parameter-styles.yaml");
    let locations: Vec<(&str, ParamLocation)> = styles
        .operations
        .iter()
        .flat_map(|op| op.params.iter())
        .map(|p| (p.name.as_str(), p.location))
        .collect();
    let path = |style, explode| ParamLocation::Path { style, explode };
    assert_eq!(
        locations,
        [
            ("ids", path(PathStyle::Label, false)),
            ("coord", path(PathStyle::Matrix, false)),
            ("plain", path(PathStyle::Simple, false)),
            ("at", path(PathStyle::Matrix, true)),
        ]
    );
    let said = messages_of(&output, "path-parameter-styles.yaml");
    assert!(said.is_empty(), "{said:?}");

    // Reserved names: the types built on them stay camel case (clippy runs below).
    let reserved = api(&output, "rust-keywords-as-names.yaml");
    let mut names: Vec<&str> = reserved.types.iter().map(|t| t.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "SelfValue",
            "SelfValue2NotFoundResponse",
            "SelfValueInner",
            "SelfValueKind"
        ]
    );
    let TypeKind::Enum(kind) = &ty(reserved, "SelfValueKind").kind else {
        panic!("SelfValueKind is not an enum")
    };
    let variants: Vec<&str> = kind.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        variants,
        ["SelfValue", "SelfValue2", "Super", "Crate", "Value"]
    );

    // A definition in `$defs` is one type wherever it is referenced from, a cycle included;
    // an unreferenced one is no type.
    let defs = api(&output, "refs-into-schema-definitions.yaml");
    let entry = fields(ty(defs, "FolderEntry"));
    assert!(entry["name"].required);
    let TypeRef::Named(children) = &entry["children"].ty else {
        panic!("`children` is not named: {:?}", entry["children"].ty)
    };
    let TypeKind::Alias(TypeRef::Array(item)) = &ty(defs, children).kind else {
        panic!("{children} is not an array alias")
    };
    assert_eq!(**item, TypeRef::Named("FolderEntry".into()));
    let root = fields(ty(defs, "Folder"));
    assert_eq!(root["root"].ty, TypeRef::Named("FolderEntry".into()));
    let list = &defs.operations[0].responses[0].body.as_ref().map(|b| &b.ty);
    assert_eq!(
        *list,
        Some(&TypeRef::Array(Box::new(TypeRef::Named(
            "FolderEntry".into()
        ))))
    );
    assert!(defs.types.iter().all(|t| !t.name.contains("Unused")));
    let details = fields(ty(defs, "CompanyDetails"));
    assert_eq!(
        details["parent"].ty,
        TypeRef::Named("CompanyReference".into())
    );

    // An operation's servers win over its path item's, which win over the document's; listing
    // the document's again changes nothing. Each operation goes to the first it lists.
    for file in [
        "operation-and-path-servers.yaml",
        "operation-and-path-servers-3.1.yaml",
    ] {
        let served = api(&output, file);
        let first_servers: Vec<(&str, Option<&str>)> = served
            .operations
            .iter()
            .map(|op| {
                let server = op.servers.first().map(|s| s.url.as_str());
                (op.method_name.as_str(), server)
            })
            .collect();
        assert_eq!(
            first_servers,
            [
                ("list_files", Some("https://{region}.files.example.com")),
                ("upload_file", Some("https://upload.example.com/v1")),
                ("get_file", Some("https://{region}.files.example.com")),
                ("get_status", None),
                ("export", Some("/exports-service")),
            ],
            "{file}"
        );
        let listed: Vec<&str> = served
            .operation_servers()
            .iter()
            .map(|s| s.url.as_str())
            .collect();
        assert_eq!(
            listed,
            [
                "https://{region}.files.example.com",
                "https://upload.example.com/v1",
                "/exports-service"
            ]
        );
        let region = &served.operations[0].servers[0].variables[0];
        assert_eq!(
            (region.default.as_str(), &region.allowed[..]),
            ("eu", &["eu".to_string(), "us".to_string()][..])
        );
        let module = module_of(file);
        let operations = output
            .files
            .iter()
            .find(|f| f.path == format!("src/{module}/operations.rs"))
            .map(|f| f.contents.as_str())
            .unwrap_or_default();
        assert_eq!(operations.matches("request.server(").count(), 4, "{file}");
    }

    // A discriminated base that schemas extend is the union of them and of its own properties,
    // which the subtypes include.
    let union_tags = |file: &str, name: &str| -> Vec<(String, Vec<String>)> {
        let u = union(api(&output, file), name);
        u.variants
            .iter()
            .map(|v| (v.ty.to_string(), v.tags.clone()))
            .collect()
    };
    let polymorphic = "allof-polymorphism-through-a-discriminated-base.yaml";
    let strings = |tags: &[&str]| tags.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    assert_eq!(
        union_tags(polymorphic, "Pet"),
        [
            ("Cat".to_string(), strings(&["kitty"])),
            ("Lion".to_string(), strings(&["Lion"])),
            ("Dog".to_string(), strings(&["Dog"])),
            ("PetBase".to_string(), strings(&["Pet"])),
        ]
    );
    let lion = fields(ty(api(&output, polymorphic), "Lion"));
    assert_eq!(
        lion.keys().copied().collect::<Vec<_>>(),
        ["friend", "lives", "name", "petType", "pride"]
    );
    assert_eq!(lion["friend"].ty.to_string(), "Pet");
    assert_eq!(
        union_tags("allof-polymorphism-swagger2.yaml", "Shape"),
        [
            ("Circle".to_string(), strings(&["Circle"])),
            ("Square".to_string(), strings(&["square"])),
            ("ShapeBase".to_string(), strings(&["Shape"])),
        ]
    );

    // Markdown clippy's doc lints reject is reshaped, its text kept; `compile` below runs clippy.
    let module = module_of("markdown-that-clippy-lints-in-descriptions.yaml");
    let source = |file: &str| {
        let path = format!("src/{module}/{file}");
        output
            .files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.contents.as_str())
            .unwrap_or_else(|| panic!("no {path}"))
    };
    for (file, lines) in [
        (
            "mod.rs",
            &[
                "    ///    Either failure is a 409.\n",
                "    /// 1. The account is stored\n    ///    and indexed,\n",
                "    /// > Accounts are kept for a year\n    /// > after they are closed.\n",
            ][..],
        ),
        (
            "types.rs",
            &[
                "    /// * accents, so é becomes e.\n    ///   What is left must be",
                "    ///   - as a UUID\n    ///     and nothing else.\n",
                "    ///     \"--dry-run\",\n",
                "    /// Separated   by tabs in the text too.\n",
                "/// An account; one per owner;\n/// closed accounts are kept.\n",
            ][..],
        ),
    ] {
        for line in lines {
            assert!(source(file).contains(line), "{file} lacks {line:?}");
        }
        assert!(!source(file).contains('\t'), "{file} holds a tab");
    }

    // A response keyed by a media range asks for that range; a JSON range asks for JSON.
    let image = &api(&output, "response-keyed-by-a-media-range.yaml").operations[0];
    assert_eq!(image.accept.as_deref(), Some("image/*, application/json"));

    // `readOnly`/`writeOnly` count on the referenced schema, through a chain of references, and
    // beside a 3.1 `$ref`; the type keeps its own description.
    for (file, read_only, write_only) in [
        (
            "read-only-on-the-referenced-schema.yaml",
            &["custom_mappings", "created_at", "updated_at"][..],
            &["secret"][..],
        ),
        (
            "read-only-on-the-referenced-schema-3.1.yaml",
            &["id", "owner"][..],
            &[][..],
        ),
    ] {
        let note = fields(ty(api(&output, file), "Note"));
        for (name, field) in &note {
            assert_eq!(field.read_only, read_only.contains(name), "{file}: {name}");
            assert_eq!(
                field.write_only,
                write_only.contains(name),
                "{file}: {name}"
            );
        }
    }

    // Multipart answers are bytes, with no type lowered for their parts and no warning.
    let multipart = api(&output, "multipart-responses.yaml");
    for op in &multipart.operations {
        let body = op.responses[0].body.as_ref().expect("a body");
        assert_eq!(body.ty, TypeRef::Bytes, "{:?}", op.operation_id);
    }
    assert!(multipart.types.is_empty());
    assert!(messages_of(&output, "multipart-responses.yaml").is_empty());

    // A query name two parameters send is warned about, once, at the second parameter.
    let twice: Vec<(&str, &str)> = warnings_of(&output, "query-names-sent-twice.yaml")
        .into_iter()
        .map(|w| (w.pointer.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(
        twice,
        [(
            "/paths/~1sections~1{id}~1items/get/parameters/0",
            "query name `type` is sent twice, by parameter `type` and by property `type` of \
             parameter `mediaQuery` (an exploded `form` object writes each property as a query \
             name); a server reads the two values as a list"
        )]
    );

    // Each branch of a list of types takes the keywords of its type; an enum stands alone.
    let lists = api(&output, "type-lists-hand-keywords-to-their-branch-3.1.yaml");
    let branches = |name: &str| -> Vec<(TypeRef, ValueFacts)> {
        let u = union(lists, name);
        let mut out: Vec<(TypeRef, ValueFacts)> = u
            .variants
            .iter()
            .map(|v| (v.ty.clone(), v.facts.clone()))
            .collect();
        out.sort_by_key(|(ty, _)| format!("{ty:?}"));
        out
    };
    let int32 = TypeRef::Integer {
        bits: 32,
        signed: true,
    };
    let tags = branches("ThingTags");
    assert_eq!(tags[0].0, TypeRef::Array(Box::new(int32.clone())));
    let count = branches("ThingCount");
    assert_eq!(
        count.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>(),
        [int32, TypeRef::String]
    );
    assert_eq!(count[0].1.minimum, Some(1.0));
    assert_eq!(count[0].1.pattern, None);
    assert_eq!(count[1].1.pattern.as_deref(), Some(r"^-?(?:0|[1-9]\d*)$"));
    assert_eq!(count[1].1.minimum, None);
    let thing = fields(ty(lists, "Thing"));
    assert!(thing["count"].ty.is_nullable(), "{:?}", thing["count"].ty);
    assert!(thing["count"].description.is_some());
    let TypeKind::Enum(kind) = &ty(lists, "ThingKind").kind else {
        panic!("ThingKind is not an enum")
    };
    assert_eq!(kind.repr, generator::ir::EnumRepr::Mixed);
    let both = branches("ThingBoth");
    assert!(
        both.iter()
            .any(|(t, _)| *t == TypeRef::Array(Box::new(TypeRef::String))),
        "{both:?}"
    );
    assert!(
        both.iter().any(|(t, _)| matches!(t, TypeRef::Named(_))),
        "{both:?}"
    );

    // Names in any script are transliterated, keeping their case (clippy checks it below).
    let foreign = api(&output, "names-outside-ascii.yaml");
    assert_eq!(tests::method_names(foreign), ["creer_element"]);
    assert_eq!(foreign.operations[0].params[0].rust_name, "trie");
    let element = fields(ty(foreign, "Element"));
    let mut rust_names: Vec<&str> = element.values().map(|f| f.rust_name.as_str()).collect();
    rust_names.sort_unstable();
    assert_eq!(rust_names, ["ming_qian", "prenom", "voix"]);
    let TypeKind::Enum(voices) = &ty(foreign, "ElementVoix").kind else {
        panic!("ElementVoix is not an enum")
    };
    let voices: Vec<&str> = voices.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(voices, ["Etienne", "Helene", "Zoe"]);

    // A body a bodiless status is given is ignored, located where the 2.0 document has it.
    let bodiless: Vec<(&str, &str)> = warnings_of(&output, "bodiless-statuses-swagger2.yaml")
        .into_iter()
        .map(|w| (w.pointer.as_str(), w.message.as_str()))
        .collect();
    let ignored = "this status never has a body in HTTP; the body given here is ignored";
    assert_eq!(
        bodiless,
        [
            ("/paths/~1items~1{id}/delete/responses/204/schema", ignored),
            ("/paths/~1items~1{id}/delete/responses/304/schema", ignored),
        ]
    );
    let gone = &api(&output, "bodiless-statuses-swagger2.yaml").operations[0];
    assert!(gone.responses.iter().all(|r| r.body.is_none()));

    // Objects nested where no parameter style writes them are warned about, at the schema.
    let nested: Vec<&str> = warnings_of(&output, "parameter-values-no-style-writes.yaml")
        .into_iter()
        .map(|w| w.pointer.as_str())
        .collect();
    assert_eq!(
        nested,
        [
            "/paths/~1doctors~1search/get/parameters/0/schema",
            "/paths/~1doctors~1search/get/parameters/1/schema",
            "/paths/~1doctors~1search/get/parameters/2/schema",
            "/paths/~1doctors~1search/get/parameters/4/schema",
        ]
    );
    assert!(
        messages_of(&output, "parameter-values-no-style-writes.yaml")[3].starts_with(
            "no parameter style defines an array inside an object (property `by` of parameter `sort`)"
        )
    );
    assert!(
        messages_of(&output, "parameter-values-no-style-writes.yaml")[0].starts_with(
            "no parameter style writes an array of objects inside an object (property `addresses`)"
        )
    );

    // `prefixItems` of a fixed length is a tuple, each element its own type, in any position;
    // a tuple that contains its own type is boxed. Open-ended `prefixItems` stays a list.
    let tuples = api(&output, "tuples-of-a-fixed-length-3.1.yaml");
    let number = TypeRef::Number { bits: 64 };
    let point = TypeRef::Named("Point".into());
    assert_eq!(
        ty(tuples, "Point").kind,
        TypeKind::Alias(TypeRef::Tuple(vec![number.clone(), number]))
    );
    let shape = fields(ty(tuples, "Shape"));
    assert_eq!(shape["box"].ty, TypeRef::Tuple(vec![point.clone(), point]));
    assert_eq!(
        shape["label"].ty,
        TypeRef::Tuple(vec![
            TypeRef::String,
            TypeRef::nullable(TypeRef::Integer {
                bits: 64,
                signed: true
            }),
            // Shared with `style`, which refers to it: a component of its own.
            TypeRef::Named("ShapeLabelItemsAnyOf2".into()),
        ])
    );
    assert_eq!(shape["label"].facts.elements[0].min_length, Some(1));
    assert_eq!(shape["label"].facts.elements[1].minimum, Some(0.0));
    assert_eq!(shape["flag"].ty, TypeRef::Tuple(vec![TypeRef::Boolean]));
    // A reference into `prefixItems` follows the element to where the conversion put it.
    assert_eq!(
        shape["style"].ty.non_null(),
        &TypeRef::Named("ShapeLabelItemsAnyOf2".into())
    );
    assert!(shape["parent"].boxed && !shape["box"].boxed);
    assert!(
        matches!(&shape["history"].ty, TypeRef::Array(item) if matches!(**item, TypeRef::Named(_))),
        "{:?}",
        shape["history"].ty
    );
    let params: Vec<&TypeRef> = tuples.operations[0].params.iter().map(|p| &p.ty).collect();
    assert!(
        params
            .iter()
            .all(|t| matches!(t.non_null(), TypeRef::Tuple(e) if e.len() == 2)),
        "{params:?}"
    );
    let open: Vec<(&str, &str)> = warnings_of(&output, "tuples-of-a-fixed-length-3.1.yaml")
        .into_iter()
        .map(|w| (w.pointer.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(
        open,
        [(
            "/components/schemas/Shape/properties/history/prefixItems",
            "a tuple (`prefixItems`) whose length `minItems` and `maxItems` (or `items: false`) do not fix is not generated as a Rust tuple; the array's items may be any of the listed types"
        )]
    );

    // Each tag selects one variant: names before enums, a repeated member once, a shared enum
    // value for the first variant only.
    let once = api(&output, "discriminator-tags-matched-once.yaml");
    let tags = |name: &str| -> Vec<(String, Vec<String>)> {
        union(once, name)
            .variants
            .iter()
            .map(|v| (v.ty.to_string(), v.tags.clone()))
            .collect()
    };
    let owned = |pairs: &[(&str, &[&str])]| -> Vec<(String, Vec<String>)> {
        pairs
            .iter()
            .map(|(t, g)| (t.to_string(), g.iter().map(|g| g.to_string()).collect()))
            .collect()
    };
    assert_eq!(
        tags("Restriction"),
        owned(&[
            ("CouponRestriction", &["CouponRestriction"]),
            ("PerCustomer", &["per-customer"]),
            ("ToPlans", &["to-plans"]),
            ("RestrictionBase", &["Restriction"]),
        ])
    );
    assert_eq!(
        tags("GetPetResponse"),
        owned(&[("Cat", &["Cat"]), ("Dog", &["Dog"])])
    );
    assert_eq!(
        tags("GetShapeResponse"),
        owned(&[
            ("GetShapeResponseRound", &["circle"]),
            ("GetShapeResponseRing", &["ring"]),
        ])
    );
    assert_eq!(
        messages_of(&output, "discriminator-tags-matched-once.yaml"),
        ["`#/components/schemas/Cat` is listed again; the repeat is left out"]
    );

    // OpenAPI 3.2: `query` and `additionalOperations` are operations of their own methods; a
    // reusable media type is read in place; a form `querystring` is an exploded form parameter.
    let v32 = api(&output, "openapi-3.2-additions.yaml");
    let methods: Vec<(&str, &str)> = v32
        .operations
        .iter()
        .map(|o| (o.method_name.as_str(), o.method.as_str()))
        .collect();
    assert_eq!(
        methods,
        [
            ("list_books", "GET"),
            ("find_books", "QUERY"),
            ("copy_book", "COPY")
        ]
    );
    let find = &v32.operations[1];
    assert!(find.body.as_ref().is_some_and(|b| b.required));
    let found = find.responses.iter().find(|r| r.body.is_some()).unwrap();
    assert_eq!(
        found.body.as_ref().map(|b| b.ty.to_string()).as_deref(),
        Some("Vec<Book>")
    );
    let filter = &v32.operations[0].params[0];
    assert_eq!(
        (filter.name.as_str(), &filter.location),
        (
            "filter",
            &ParamLocation::Query {
                style: QueryStyle::Form,
                explode: true
            }
        )
    );
    assert_eq!(
        warning_pointers(&output, "openapi-3.2-additions.yaml"),
        [
            "/$self",
            "/paths/~1books/get/responses/200/content/text~1event-stream/itemSchema",
            "/components/schemas/Format/discriminator/defaultMapping"
        ]
    );

    // References into places the 2.0 conversion moved follow them, and are typed.
    let moved = api(&output, "refs-into-moved-places-swagger2.yaml");
    let tree = fields(ty(moved, "TreeGet200"));
    assert!(tree["child"].boxed);
    assert_eq!(
        tree["child"].ty.non_null(),
        &TypeRef::Named("TreeGet200".into())
    );
    let body = fields(ty(moved, "TreePutRequestBody"));
    assert_eq!(
        body["children"].ty.non_null(),
        &TypeRef::Array(Box::new(TypeRef::Named("TreePutRequestBody".into())))
    );

    // `patternProperties` type the additional properties, with what other members may be.
    let patterns = api(&output, "pattern-properties-3.1.yaml");
    let metrics = match &ty(patterns, "Metrics").kind {
        TypeKind::Struct(s) => s.additional.clone(),
        other => panic!("Metrics is no struct: {other:?}"),
    };
    assert_eq!(metrics, Some(TypeRef::Named("MetricsValue".into())));
    let mut shapes: Vec<String> = union(patterns, "MetricsValue")
        .variants
        .iter()
        .map(|v| v.ty.to_string())
        .collect();
    shapes.sort();
    assert_eq!(shapes, ["Value", "f64"]);
    assert_eq!(
        ty(patterns, "Labels").kind,
        TypeKind::Alias(TypeRef::Map(Box::new(TypeRef::String)))
    );
    let mut limits: Vec<String> = union(patterns, "LimitsValue")
        .variants
        .iter()
        .map(|v| v.ty.to_string())
        .collect();
    limits.sort();
    assert_eq!(limits, ["bool", "i64"]);
    for file in [
        "pattern-properties-3.1.yaml",
        "pattern-properties-in-3.0.yaml",
    ] {
        assert!(
            messages_of(&output, file).iter().all(|m| m.ends_with(
                "are read as additional properties of their schema; the names are not checked"
            )),
            "{file}"
        );
    }
    let labels = &api(&output, "pattern-properties-in-3.0.yaml").operations[0];
    let body = labels.responses[0].body.as_ref().map(|b| b.ty.to_string());
    assert_eq!(body.as_deref(), Some("BTreeMap<String,String>"));

    // A body in a media range carries the type the caller gives; multipart/related is warned.
    let ranges = api(&output, "request-bodies-in-a-media-range.yaml");
    let range_of = |i: usize| {
        ranges.operations[i]
            .body
            .as_ref()
            .and_then(|b| b.media_range.clone())
    };
    assert_eq!(range_of(0).as_deref(), Some("image/*"));
    assert_eq!(range_of(1).as_deref(), Some("video/*"));
    assert_eq!(range_of(2), None);
    assert_eq!(
        warning_pointers(&output, "request-bodies-in-a-media-range.yaml"),
        ["/paths/~1bundle/post/requestBody/content/multipart~1related"]
    );

    // JSON sequences are lists of their texts: an item `schema` is wrapped, with a warning; an
    // array schema and 3.2's `itemSchema` are not; one JSON text is preferred to a sequence.
    let sequences = api(&output, "json-sequences.yaml");
    let bodies: Vec<(String, String, String)> = sequences
        .operations
        .iter()
        .flat_map(|o| {
            o.body
                .iter()
                .map(|b| (b.media, &b.content_type, &b.ty))
                .chain(
                    o.responses
                        .iter()
                        .filter_map(|r| r.body.as_ref())
                        .map(|b| (b.media, &b.content_type, &b.ty)),
                )
        })
        .map(|(media, content_type, ty)| {
            (
                media.name().to_string(),
                content_type.clone(),
                ty.to_string(),
            )
        })
        .collect();
    let body = |media: &str, content_type: &str, ty: &str| {
        (media.to_string(), content_type.to_string(), ty.to_string())
    };
    assert_eq!(
        bodies,
        [
            body("json-sequence", "application/jsonl", "Vec<EventMessage>"),
            body("json-sequence", "application/geo+json-seq", "EventList"),
            body("json-sequence", "application/x-ndjson", "Vec<String>"),
            body("json", "application/json", "EventMessage"),
        ]
    );
    assert_eq!(
        warning_pointers(&output, "json-sequences.yaml"),
        ["/paths/~1events/get/responses/200/content/application~1jsonl/schema"]
    );
    let items = api(&output, "json-sequence-item-schemas-3.2.yaml");
    let bodies: Vec<Option<(MediaKind, String)>> = items
        .operations
        .iter()
        .map(|o| {
            o.responses[0]
                .body
                .as_ref()
                .map(|b| (b.media, b.ty.to_string()))
        })
        .collect();
    assert_eq!(
        bodies,
        [
            Some((MediaKind::JsonSequence, "Vec<LogLine>".into())),
            Some((MediaKind::EventStream, "String".into())),
            Some((MediaKind::EventStream, "LogLine".into())),
        ]
    );
    assert_eq!(
        warning_pointers(&output, "json-sequence-item-schemas-3.2.yaml"),
        Vec::<&str>::new()
    );

    // A query string in a path key is sent as written, with a warning.
    assert_eq!(
        warning_pointers(&output, "path-keys-with-a-query-string.yaml"),
        ["/paths/~1responses?beta=true/post"]
    );
    let beta = &api(&output, "path-keys-with-a-query-string.yaml").operations[0];
    assert_eq!(
        beta.path.parts,
        [generator::ir::PathPart::Literal(
            "/responses?beta=true".into()
        )]
    );

    // A number of an integer format is an integer; other numbers are `f64`.
    let numbers = api(&output, "numbers-of-an-integer-format.yaml");
    let page: Vec<(&str, String)> = fields(ty(numbers, "Page"))
        .into_iter()
        .map(|(name, f)| (name, f.ty.to_string()))
        .collect();
    let field = |name: &'static str, ty: &str| (name, ty.to_string());
    assert_eq!(
        page,
        [
            field("count", "i32"),
            field("ratio", "f64"),
            field("score", "f64"),
            field("size", "i32"),
            field("total", "i64"),
        ]
    );
    assert_eq!(numbers.operations[0].params[0].ty.to_string(), "i32");

    // A 2.0 query array without `collectionFormat` is `csv`: one name, items joined by commas.
    let orders = &api(
        &output,
        "query-arrays-without-collection-format-swagger2.yaml",
    )
    .operations[0];
    let locations: Vec<(&str, &ParamLocation)> = orders
        .params
        .iter()
        .map(|p| (p.name.as_str(), &p.location))
        .collect();
    assert_eq!(
        locations,
        [
            (
                "MarketplaceIds",
                &ParamLocation::Query {
                    style: QueryStyle::Form,
                    explode: false
                }
            ),
            (
                "OrderStatuses",
                &ParamLocation::Query {
                    style: QueryStyle::Form,
                    explode: true
                }
            ),
            ("X-Tags", &ParamLocation::Header { explode: false }),
        ]
    );

    // An event stream is streamed only as the one success; elsewhere it is text, with a
    // warning in responses; JSON is preferred to it.
    let streams = api(&output, "event-streams.yaml");
    let bodies: Vec<(String, String, String)> = streams
        .operations
        .iter()
        .flat_map(|o| {
            let request = o.body.iter().map(|b| ("body".to_string(), b.media, &b.ty));
            let responses = o.responses.iter().filter_map(|r| {
                let b = r.body.as_ref()?;
                Some((r.status.to_string(), b.media, &b.ty))
            });
            request
                .chain(responses)
                .map(|(at, media, ty)| (at, media.name().to_string(), ty.to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    let body =
        |at: &str, media: &str, ty: &str| (at.to_string(), media.to_string(), ty.to_string());
    assert_eq!(
        bodies,
        [
            body("200", "event-stream", "Update"),
            body("4XX", "text", "String"),
            body("200", "event-stream", "String"),
            body("body", "text", "String"),
            body("200", "json", "Update"),
            body("202", "text", "String"),
        ]
    );
    assert_eq!(
        warning_pointers(&output, "event-streams.yaml"),
        [
            "/paths/~1events/get/responses/4XX/content/text~1event-stream",
            "/paths/~1chat/post/responses/202/content/text~1event-stream",
        ]
    );

    // A form property's `explode: false` is kept; 2.0 form arrays carry their collection format.
    let encodings = |file: &str| -> Vec<(String, QueryStyle, bool)> {
        let body = api(&output, file).operations[0].body.as_ref();
        body.map(|b| &b.form_encodings)
            .into_iter()
            .flatten()
            .map(|e| (e.property.clone(), e.style, e.explode))
            .collect()
    };
    let encoding =
        |property: &str, style: QueryStyle, explode: bool| (property.to_string(), style, explode);
    assert_eq!(
        encodings("form-encoding-explode.yaml"),
        [
            encoding("tags", QueryStyle::Form, false),
            encoding("ids", QueryStyle::Form, false),
            encoding("pipes", QueryStyle::PipeDelimited, false),
            encoding("spaces", QueryStyle::SpaceDelimited, false),
        ]
    );
    assert_eq!(
        encodings("form-collection-formats-swagger2.yaml"),
        [
            encoding("phoneNumbers", QueryStyle::Form, false),
            encoding("pipes", QueryStyle::PipeDelimited, false),
            encoding("tabs", QueryStyle::TabDelimited, false),
        ]
    );
    let columns = &api(&output, "form-collection-formats-swagger2.yaml").operations[0].params[0];
    assert_eq!(
        (columns.name.as_str(), &columns.location),
        (
            "columns",
            &ParamLocation::Query {
                style: QueryStyle::TabDelimited,
                explode: false
            }
        )
    );
    assert!(warnings_of(&output, "form-collection-formats-swagger2.yaml").is_empty());

    // `not` parts of `allOf` leave the type to the other parts, with a warning each.
    let excluded = api(&output, "allof-with-not-parts.yaml");
    assert_eq!(
        ty(excluded, "RecordRef").kind,
        TypeKind::Alias(TypeRef::String)
    );
    assert_eq!(
        fields(ty(excluded, "Inputs"))["type"].ty.non_null(),
        &TypeRef::Named("RecordRef".into())
    );
    assert_eq!(
        warning_pointers(&output, "allof-with-not-parts.yaml"),
        [
            "/components/schemas/RecordRef/allOf/0/not",
            "/components/schemas/RecordRef/allOf/1/not",
            "/components/schemas/Inputs/allOf/1/not"
        ]
    );

    // A composition of one inline schema is that schema, under the component's name.
    let single = api(&output, "compositions-of-one-inline-schema.yaml");
    for name in ["Wrapper", "Other", "Described"] {
        assert!(fields(ty(single, name)).len() == 1, "{name}");
        assert!(
            single.types.iter().all(|t| t.name != format!("{name}2")),
            "{name}2"
        );
    }
    assert!(fields(ty(single, "Other"))["id"].required);

    // A 2.0 object parameter keeps its properties, with a warning.
    let objects = api(&output, "object-parameters-swagger2.yaml");
    let page = &objects.operations[0].params[0];
    let TypeRef::Named(page_type) = page.ty.non_null() else {
        panic!("page is {:?}", page.ty)
    };
    let page_fields = fields(ty(objects, page_type));
    assert_eq!(
        page_fields.keys().copied().collect::<Vec<_>>(),
        ["cursor", "size"]
    );
    assert_eq!(
        warning_pointers(&output, "object-parameters-swagger2.yaml"),
        ["/paths/~1search/get/parameters/0/type"]
    );

    // A form body of one string or file is the form's text; other non-objects are warned about.
    let forms = api(&output, "form-bodies-of-one-value.yaml");
    let media: Vec<&str> = forms
        .operations
        .iter()
        .filter_map(|o| o.body.as_ref().map(|b| b.media.name()))
        .collect();
    assert_eq!(media, ["binary", "text", "form", "form"]);
    assert_eq!(
        messages_of(&output, "form-bodies-of-one-value.yaml")
            .iter()
            .map(|m| m.ends_with("sent as the form's text, as given"))
            .collect::<Vec<_>>(),
        [true, true, false, false]
    );

    // A template bound by `$defs` is a copy with the bound schema; unbound, its own anchor.
    let generic = api(&output, "dynamic-refs-bind-generic-schemas-3.1.yaml");
    let items = |name: &str| fields(ty(generic, name))["items"].ty.clone();
    let list = |name: &str| TypeRef::Array(Box::new(TypeRef::Named(name.into())));
    assert_eq!(items("ListUsersResponse"), list("User"));
    assert_eq!(items("TeamPage"), list("Team"));
    assert_eq!(items("Page"), list("Page"));
    assert!(fields(ty(generic, "TeamPage")).contains_key("next"));
    assert_eq!(
        fields(ty(generic, "Team"))["lead"].ty.non_null(),
        &TypeRef::Any
    );
    assert_eq!(
        warnings_of(&output, "dynamic-refs-bind-generic-schemas-3.1.yaml")
            .iter()
            .map(|w| (w.pointer.as_str(), w.message.as_str()))
            .collect::<Vec<_>>(),
        [(
            "/components/schemas/Team/properties/lead/$dynamicRef",
            "`$dynamicRef: #nowhere` cannot be resolved (no schema declares the anchor); the value is any JSON value"
        )]
    );

    // A document of components only has no operations but keeps its types and a mock module;
    // `compile` below lints both with every feature on.
    let library = api(&output, "document-without-operations.yaml");
    assert!(library.operations.is_empty());
    ty(library, "Reference");
    let mock = format!(
        "src/{}/mock.rs",
        module_of("document-without-operations.yaml")
    );
    assert!(output.files.iter().any(|f| f.path == mock), "no {mock}");

    compile(&output, "rules-strict");
}

#[test]
fn defects_fail_located_in_strict_mode_and_degrade_locally_in_lenient_mode() {
    for file in LENIENT {
        let settings = CrateSettings {
            crate_name: "strict".into(),
            layout: Layout::Standalone,
            command: "the rules test".into(),
        };
        let err = generator::generate(&sources(&[file]), &Options::new(settings))
            .err()
            .unwrap_or_else(|| panic!("{file}: strict mode accepted a defect"));
        let err = refusal(err);
        for d in err.0.iter().filter(|d| d.is_error()) {
            assert!(d.position.is_some(), "{file}: an error without a line: {d}");
            assert!(d.file.ends_with(file), "{file}: {d}");
        }
        if *file == "lenient-discriminator-mapping-to-nothing.yaml" {
            let at: Vec<&str> = err.0.iter().map(|d| d.pointer.as_str()).collect();
            assert_eq!(
                at,
                ["/components/schemas/Pet/discriminator/mapping/bird"],
                "{err}"
            );
        }
        if *file == "lenient-server-variables-undefined.yaml" {
            let at: Vec<&str> = err.0.iter().map(|d| d.pointer.as_str()).collect();
            assert_eq!(
                at,
                [
                    "/servers/0/variables/tenant/default",
                    "/paths/~1reports/get/servers/0/url"
                ],
                "{err}"
            );
        }
        if *file == "lenient-empty-schema-lists.yaml" {
            let at: Vec<&str> = err.0.iter().map(|d| d.pointer.as_str()).collect();
            assert_eq!(
                at,
                [
                    "/components/schemas/Chat/properties/extra/anyOf",
                    "/components/schemas/Chat/properties/base/allOf",
                    "/components/schemas/Truncation/oneOf",
                ],
                "{err}"
            );
        }
        if *file == "lenient-http-names-that-are-not-tokens.yaml" {
            let at: Vec<&str> = err.0.iter().map(|d| d.pointer.as_str()).collect();
            assert_eq!(
                at,
                [
                    "/components/securitySchemes/jwt/name",
                    "/components/securitySchemes/session/name",
                    "/components/securitySchemes/blank/name",
                    "/paths/~1alerts/get/parameters/0/name",
                    "/paths/~1alerts/get/parameters/1/name",
                    "/paths/~1alerts/get/responses/200/headers/X Rate Limit",
                ],
                "{err}"
            );
            assert_eq!(
                err.0[0].message,
                "`Authorization: Bearer` is not an HTTP header name (RFC 9110 token)"
            );
        }
        if *file == "lenient-rfc6570-expressions-in-path-templates-swagger2.yaml" {
            let at: Vec<&str> = err.0.iter().map(|d| d.pointer.as_str()).collect();
            assert_eq!(
                at,
                [
                    "/paths/~1addresses{?page,size}/get",
                    "/paths/~1search{?q,limit}/get",
                    "/paths/~1files~1{+path}/get",
                ],
                "{err}"
            );
        }
        if *file == "lenient-errors-of-every-stage-in-one-run-swagger2.yaml" {
            let at: Vec<&str> = err.0.iter().map(|d| d.pointer.as_str()).collect();
            assert_eq!(
                at,
                [
                    "/paths/~1pets~1{id}/get/summary",
                    "/paths/~1pets/get/parameters/0",
                    "/paths/~1pets~1{id}/get",
                    "/paths/~1owners/get/operationId",
                ],
                "{err}"
            );
        }
        let schemaless = [
            (
                "lenient-parameters-and-headers-without-schema.yaml",
                vec![
                    "/paths/~1pets~1{id}/get/parameters/0",
                    "/paths/~1pets~1{id}/get/responses/200/headers/X-Expires",
                    "/components/parameters/Id",
                    "/components/headers/RateLimit",
                ],
            ),
            (
                "lenient-parameters-without-type-swagger2.yaml",
                vec![
                    "/paths/~1pets~1{id}/get/parameters/0",
                    "/paths/~1pets~1{id}/get/parameters/1",
                    "/paths/~1pets~1{id}/get/responses/200/headers/X-Expires",
                ],
            ),
        ];
        if let Some((_, places)) = schemaless.iter().find(|(name, _)| name == file) {
            let at: Vec<&str> = err.0.iter().map(|d| d.pointer.as_str()).collect();
            assert_eq!(&at, places, "{err}");
            assert!(
                err.0[0]
                    .message
                    .ends_with("a parameter or header needs a `schema` or a `content` (Swagger 2.0: a `type`), and this one has neither"),
                "{err}"
            );
        }
        if *file == "lenient-body-parameters-in-openapi-3.yaml" {
            let at: Vec<&str> = err.0.iter().map(|d| d.pointer.as_str()).collect();
            assert_eq!(
                at,
                [
                    "/paths/~1pets/post/parameters/0",
                    "/paths/~1pets~1{id}~1photo/post/parameters/1",
                    "/paths/~1pets~1{id}~1photo/post/parameters/2"
                ],
                "{err}"
            );
            assert!(
                err.0[0]
                    .message
                    .ends_with("OpenAPI 3 writes the body as the operation's `requestBody`"),
                "{err}"
            );
        }
        if *file == "lenient-parameter-styles-of-another-location.yaml" {
            let at: Vec<&str> = err.0.iter().map(|d| d.pointer.as_str()).collect();
            assert_eq!(
                at,
                [
                    "/paths/~1foo/get/parameters/0",
                    "/paths/~1foo/get/parameters/1"
                ],
                "{err}"
            );
        }
        if *file == "lenient-additional-operation-methods-3.2.yaml" {
            let at: Vec<(&str, &str)> = err
                .0
                .iter()
                .map(|d| (d.pointer.as_str(), d.message.as_str()))
                .collect();
            assert_eq!(
                at,
                [(
                    "/paths/~1items/additionalOperations/SEARCH ALL",
                    "`SEARCH ALL` is not an HTTP method name (RFC 9110 token)"
                )]
            );
        }
        if *file == "lenient-keys-given-twice.yaml" {
            let d = &err.0[0];
            assert_eq!(
                (d.pointer.as_str(), d.position.map(|p| p.line)),
                ("/paths/~1a", Some(12)),
                "{d}"
            );
            assert_eq!(d.message, "`/a` is given twice in one mapping");
        }
        // Every object that does not read is named, not only the first.
        if *file == "lenient-response-without-description.yaml" {
            let at: Vec<&str> = err
                .0
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.pointer.as_str())
                .collect();
            assert_eq!(
                at,
                [
                    "/paths/~1indices/get/responses/200",
                    "/components/responses/Missing"
                ],
                "{err}"
            );
        }
        // Messages quote references as the document writes them, not in the 3.0 form it is
        // read in.
        if *file == "lenient-dangling-refs-swagger2.yaml" {
            let d = &err.0[0];
            assert!(
                d.message
                    .starts_with("`$ref: #/definitions/Tags` points at nothing")
                    && d.message.ends_with("in #/definitions"),
                "{d}"
            );
            assert_eq!(d.hint.as_deref(), Some("did you mean `#/definitions/Tag`?"));
        }
    }

    let output = generate(LENIENT, true, "rules-lenient");
    for file in LENIENT {
        let warnings = warnings_of(&output, file);
        assert!(
            !warnings.is_empty(),
            "{file}: no warning says what was repaired"
        );
        for w in warnings {
            assert!(
                w.position.is_some(),
                "{file}: a warning without a line: {w}"
            );
        }
    }

    // A parameter or header without a schema is read as the string it is on the wire, the
    // path parameter included (it used to be left out, then made up from the template).
    for file in [
        "lenient-parameters-and-headers-without-schema.yaml",
        "lenient-parameters-without-type-swagger2.yaml",
    ] {
        let op = &api(&output, file).operations[0];
        let params: Vec<(&str, &TypeRef)> =
            op.params.iter().map(|p| (p.name.as_str(), &p.ty)).collect();
        assert_eq!(
            params,
            [("id", &TypeRef::String), ("trace", &TypeRef::String)],
            "{file}"
        );
        let headers: Vec<(&str, &TypeRef)> = op
            .responses
            .iter()
            .flat_map(|r| &r.headers)
            .map(|h| (h.name.as_str(), &h.ty))
            .collect();
        assert!(
            headers.iter().all(|(_, ty)| **ty == TypeRef::String) && !headers.is_empty(),
            "{file}: {headers:?}"
        );
        let repaired = messages_of(&output, file)
            .into_iter()
            .filter(|m| m.starts_with("repaired: a parameter needs a `schema`"))
            .count();
        assert_eq!(repaired, 2, "{file}");
    }

    // An RFC 6570 query expansion leaves the path, its names query parameters (an undeclared
    // one added as an optional string); `{+path}` is the path parameter `path`.
    let templates = api(
        &output,
        "lenient-rfc6570-expressions-in-path-templates-swagger2.yaml",
    );
    // The path as the client sends it, and each parameter: name, in the path, required.
    type Shape<'a> = (String, Vec<(&'a str, bool, bool)>);
    let shapes: Vec<Shape> = templates
        .operations
        .iter()
        .map(|op| {
            let literal: String = op
                .path
                .parts
                .iter()
                .map(|part| match part {
                    generator::ir::PathPart::Literal(text) => text.clone(),
                    generator::ir::PathPart::Param(name) => format!("{{{name}}}"),
                })
                .collect();
            let params = op
                .params
                .iter()
                .map(|p| (p.name.as_str(), p.location.is_path(), p.required))
                .collect();
            (literal, params)
        })
        .collect();
    assert_eq!(
        shapes,
        [
            (
                "/addresses".to_string(),
                vec![("page", false, false), ("size", false, false)]
            ),
            (
                "/search".to_string(),
                vec![("q", false, true), ("limit", false, false)]
            ),
            ("/files/{path}".to_string(), vec![("path", true, true)]),
        ]
    );

    // Swagger 2.0 body and form parameters in a 3.0 document are the request body they describe;
    // the warnings stand where each parameter is written.
    let bodies = api(&output, "lenient-body-parameters-in-openapi-3.yaml");
    let add = &bodies.operations[0];
    assert_eq!(
        add.body.as_ref().map(|b| (b.media, b.required)),
        Some((generator::ir::MediaKind::Json, true))
    );
    assert_eq!(
        add.params
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["dryRun"]
    );
    let upload = &bodies.operations[1];
    assert_eq!(
        upload.body.as_ref().map(|b| b.media),
        Some(generator::ir::MediaKind::Multipart)
    );
    assert_eq!(
        upload
            .params
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["id", "X-Trace"]
    );
    let file = fields(ty(bodies, "UploadPhotoBody"));
    assert!(file["file"].required && file["file"].ty == TypeRef::Bytes);
    assert_eq!(
        warning_pointers(&output, "lenient-body-parameters-in-openapi-3.yaml"),
        [
            "/paths/~1pets/post/parameters/0",
            "/paths/~1pets~1{id}~1photo/post/parameters/1",
            "/paths/~1pets~1{id}~1photo/post/parameters/2"
        ]
    );

    let styles = &api(&output, "lenient-parameter-styles-of-another-location.yaml").operations[0];
    let locations: Vec<(&str, ParamLocation, bool)> = styles
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.location, p.required))
        .collect();
    assert_eq!(
        locations,
        [
            (
                "ids",
                ParamLocation::Query {
                    style: QueryStyle::Form,
                    explode: true
                },
                true
            ),
            ("X-Tags", ParamLocation::Header { explode: false }, false),
        ]
    );

    let methods = api(&output, "lenient-additional-operation-methods-3.2.yaml");
    assert_eq!(tests::method_names(methods), ["purge_items"]);
    assert_eq!(methods.operations[0].method.as_str(), "PURGE");

    let required = api(&output, "lenient-parameter-required-not-boolean.yaml");
    let flags: Vec<(&str, bool)> = required.operations[0]
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.required))
        .collect();
    assert_eq!(flags, [("q", false), ("page", true)]);

    let disagree = api(
        &output,
        "lenient-path-template-and-parameters-disagree.yaml",
    );
    let params: Vec<(&str, &TypeRef)> = disagree.operations[0]
        .params
        .iter()
        .map(|p| (p.name.as_str(), &p.ty))
        .collect();
    assert_eq!(
        params,
        [
            ("org", &TypeRef::String),
            ("certificate_id", &TypeRef::String)
        ]
    );

    let dangling = api(&output, "lenient-dangling-refs.yaml");
    let create = &dangling.operations[0];
    assert!(create.params.is_empty() && create.body.is_none());
    assert_eq!(tests::method_names(dangling), ["create_item", "put_item"]);
    assert_eq!(fields(ty(dangling, "Item"))["kind"].ty, TypeRef::Any);

    let other_kind = api(&output, "lenient-ref-to-an-object-of-another-kind.yaml");
    let forbidden = other_kind.operations[0]
        .responses
        .iter()
        .find(|r| r.variant == "Forbidden")
        .unwrap();
    assert_eq!(forbidden.body.as_ref().map(|b| &b.ty), Some(&TypeRef::Any));
    // A request body read as a response, and a response read as a request body: typed.
    let put = &other_kind.operations[1];
    let ok = put.responses.iter().find(|r| r.variant == "Ok").unwrap();
    let ok_type = ok.body.as_ref().map(|b| b.ty.clone());
    let Some(TypeRef::Named(ok_name)) = ok_type else {
        panic!("the 200 of putCache is not a named type: {ok_type:?}")
    };
    assert_eq!(fields(ty(other_kind, &ok_name))["data"].ty, TypeRef::String);
    let body_type = put.body.as_ref().map(|b| b.ty.clone());
    let Some(TypeRef::Named(body_name)) = body_type else {
        panic!("the body of putCache is not a named type: {body_type:?}")
    };
    assert!(fields(ty(other_kind, &body_name)).contains_key("message"));
    // A parameter read as a header.
    let traced = other_kind.operations[2].responses[0].headers.clone();
    assert_eq!(
        traced
            .iter()
            .map(|h| (h.name.as_str(), &h.ty, h.required))
            .collect::<Vec<_>>(),
        [("X-Trace", &TypeRef::String, true)]
    );

    // The mapping's other entries still tag the union.
    let mapped = api(&output, "lenient-discriminator-mapping-to-nothing.yaml");
    let pet = union(mapped, "Pet");
    let tags: Vec<Vec<&str>> = pet
        .variants
        .iter()
        .map(|v| v.tags.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(tags, [vec!["cat"], vec!["dog"]]);
    assert_eq!(pet.discriminator.as_deref(), Some("petType"));

    // Empty unions are any JSON value, and an empty `allOf` adds nothing.
    let empty = api(&output, "lenient-empty-schema-lists.yaml");
    let chat = fields(ty(empty, "Chat"));
    for field in ["extra", "base"] {
        assert_eq!(chat[field].ty, TypeRef::Any, "{field}");
    }
    assert_eq!(chat["truncation"].ty, TypeRef::Named("Truncation".into()));
    assert_eq!(ty(empty, "Truncation").kind, TypeKind::Alias(TypeRef::Any));

    // An API key goes in its name's leading token, a scheme without one and parameters that
    // cannot be sent are left out.
    let names = api(&output, "lenient-http-names-that-are-not-tokens.yaml");
    let keys: Vec<(&str, &SecurityKind)> = names
        .security_schemes
        .iter()
        .map(|s| (s.key.as_str(), &s.kind))
        .collect();
    assert_eq!(
        keys,
        [
            (
                "jwt",
                &SecurityKind::ApiKey {
                    location: ApiKeyLocation::Header,
                    name: "Authorization".into()
                }
            ),
            (
                "session",
                &SecurityKind::ApiKey {
                    location: ApiKeyLocation::Cookie,
                    name: "session".into()
                }
            ),
        ]
    );
    let params: Vec<&str> = names.operations[0]
        .params
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(params, ["X-Request-Id"]);
    let headers: Vec<&str> = names.operations[0].responses[0]
        .headers
        .iter()
        .map(|h| h.name.as_str())
        .collect();
    assert_eq!(headers, ["X-Rate-Remaining"]);
    assert!(
        messages_of(&output, "lenient-http-names-that-are-not-tokens.yaml")
            .contains(&"`Authorization: Bearer` is not an HTTP header name (RFC 9110 token); the key is sent in header `Authorization`, so its value must hold the rest")
    );

    // Of a key given twice, the last entry is read.
    let twice = api(&output, "lenient-keys-given-twice.yaml");
    let names = tests::method_names(twice);
    assert_eq!(names, ["second"]);

    // An operation server with an undefined variable leaves the operation on the document's
    // servers; a default outside its enum is allowed.
    let variables = api(&output, "lenient-server-variables-undefined.yaml");
    assert!(variables.operations[0].servers.is_empty());
    assert_eq!(
        variables.servers[0].variables[0].allowed,
        ["north", "south", "acme"]
    );

    // A response without a description keeps its body.
    let described = api(&output, "lenient-response-without-description.yaml");
    let bodies: Vec<bool> = described.operations[0]
        .responses
        .iter()
        .map(|r| {
            matches!(
                r.body.as_ref().map(|b| &b.ty),
                Some(TypeRef::Array(_) | TypeRef::Named(_))
            )
        })
        .collect();
    assert_eq!(bodies, [true, true]);

    let swagger2 = api(&output, "lenient-dangling-refs-swagger2.yaml");
    assert_eq!(fields(ty(swagger2, "Item"))["tag"].ty, TypeRef::Any);

    let items = fields(ty(
        api(&output, "lenient-items-list.json"),
        "ListChannelsResponse",
    ));
    assert_eq!(items["ids"].ty, TypeRef::Array(Box::new(TypeRef::String)));
    // Nothing says `channel` is an array: its list names what the value may be.
    let TypeRef::Named(channel) = &items["channel"].ty else {
        panic!("`channel` is not a named type: {:?}", items["channel"].ty)
    };
    assert!(matches!(
        ty(api(&output, "lenient-items-list.json"), channel).kind,
        TypeKind::Union(_)
    ));

    let info = api(&output, "lenient-info-incomplete.yaml");
    assert_eq!(info.version, "0.0.0");
    assert_eq!(info.servers[0].variables[0].allowed, ["80", "8080"]);

    let top = api(&output, "lenient-document-fields-of-the-wrong-type.yaml");
    assert!(top.operations.is_empty() && top.servers.is_empty());

    let invalid = api(&output, "lenient-invalid-objects.yaml");
    assert_eq!(
        invalid.operations.len(),
        1,
        "the `post: 42` operation is left out"
    );
    let list = &invalid.operations[0];
    let params: Vec<&str> = list.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(params, ["limit"]);

    let duplicates = api(&output, "lenient-duplicate-operation-ids.yaml");
    let names = tests::method_names(duplicates);
    assert_eq!(names.len(), 2);
    assert_ne!(names[0], names[1]);

    let security = api(&output, "lenient-security-not-a-list.yaml");
    let alternatives: Vec<usize> = security.operations[0]
        .security
        .iter()
        .map(|r| r.schemes.len())
        .collect();
    assert_eq!(alternatives, [1], "only the oauth2 requirement is left");

    compile(&output, "rules-lenient");
}

#[test]
fn lenient_mode_generates_every_broken_document_that_parses() {
    // `tests/broken/` holds one document per kind of problem. Those that parse and declare a
    // supported version must all generate in lenient mode: lenient mode never refuses.
    let dir = tests::workspace_root().join("tests/broken");
    let refused_by_design = [
        "01-unparsable-yaml.yaml",
        "02-unparsable-json.json",
        "03-not-an-object.yaml",
        "04-missing-openapi-field.yaml",
        "05-unsupported-version.yaml",
        "06-openapi-not-a-string.yaml",
    ];
    let mut generated = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let settings = CrateSettings {
            crate_name: "broken".into(),
            layout: Layout::Standalone,
            command: "the rules test".into(),
        };
        let source = ApiSource::new(path.clone(), "api");
        let options = Options {
            lenient: true,
            ..Options::new(settings)
        };
        let result = generator::generate(&[source], &options);
        if refused_by_design.contains(&name.as_str()) {
            let err = refusal(result.err().unwrap_or_else(|| panic!("{name} generated")));
            assert!(
                err.0.iter().all(|d| !d.file.as_os_str().is_empty()),
                "{name}"
            );
        } else {
            result.unwrap_or_else(|d| panic!("{name} refused in lenient mode:\n{d}"));
            generated += 1;
        }
    }
    assert!(
        generated >= 20,
        "only {generated} broken documents generated"
    );
}
