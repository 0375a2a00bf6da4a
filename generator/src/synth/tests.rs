//! Synthesis on small documents: examples first when they fit, else values that satisfy the
//! type and its facts.

use serde_json::{Value, json};

use super::{BodySample, operation_sample};
use crate::ir::{Api, Operation};

fn api(yaml: &str) -> Api {
    let doc = crate::stages::load(std::path::Path::new("synth.yaml"), yaml, false)
        .unwrap_or_else(|d| panic!("{d}"));
    crate::stages::normalize(&doc, "api", &crate::config::Renames::default())
        .unwrap_or_else(|d| panic!("{d}"))
        .api
}

fn op<'a>(api: &'a Api, name: &str) -> &'a Operation {
    api.operations
        .iter()
        .find(|o| o.method_name == name)
        .unwrap_or_else(|| panic!("no operation {name}"))
}

fn json_body(api: &Api, name: &str) -> Value {
    match operation_sample(api, op(api, name)).body {
        Some(BodySample::Json(v)) => v,
        other => panic!("{name}: not a JSON body: {other:?}"),
    }
}

const DOC: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
    post:
      operationId: make
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 10, maximum: 20, multipleOf: 4}}
        - {name: tags, in: query, required: true, schema: {type: array, minItems: 2, uniqueItems: true, items: {type: string, enum: [a, b, c]}}}
        - {name: code, in: header, example: "AB-12", schema: {type: string, pattern: "^[A-Z]{2}-\\d{2}$"}}
        - {name: wrong, in: query, example: 12, schema: {type: string, minLength: 3}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Thing"}
      responses:
        "200": {description: ok}
  /shapes:
    post:
      operationId: shape
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Shape"}
      responses:
        "204": {description: ok}
  /either:
    post:
      operationId: either
      requestBody:
        content:
          application/json:
            schema:
              oneOf:
                - {type: object, properties: {a: {type: string}}}
                - {type: object, required: [b], properties: {b: {type: integer, exclusiveMinimum: true, minimum: 0, maximum: 1}}}
                - {type: string, maxLength: 3}
      responses:
        "204": {description: ok}
  /tree:
    post:
      operationId: tree
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Node"}
      responses:
        "204": {description: ok}
  /notes:
    post:
      operationId: note
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Note"}
            example: {kind: null}
      responses:
        "204": {description: ok}
  /narrow:
    post:
      operationId: narrow
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [kind, ids]
              properties:
                kind: {type: integer, enum: [2], allOf: [{$ref: "#/components/schemas/Kind"}]}
                ids: {type: array, minItems: 3, uniqueItems: true, items: {type: string, pattern: "^(0|[1-9][0-9]*)$"}}
      responses:
        "204": {description: ok}
components:
  schemas:
    Note:
      type: object
      properties:
        kind: {allOf: [{$ref: "#/components/schemas/Kind"}], nullable: true}
    Kind: {type: integer, enum: [0, 1, 2]}
    Thing:
      type: object
      required: [name, created, count, ratio, email]
      properties:
        name: {type: string, minLength: 8, maxLength: 10}
        created: {type: string, format: date-time}
        count: {type: integer, format: int32, exclusiveMinimum: true, minimum: 5}
        ratio: {type: number, minimum: 0, maximum: 1, multipleOf: 0.25}
        email: {type: string, format: email}
        id: {type: integer, readOnly: true}
        sku: {$ref: "#/components/schemas/Sku"}
    Sku: {type: string, pattern: "^SKU[0-9]{4}$", example: "not a sku"}
    Shape:
      oneOf:
        - {$ref: "#/components/schemas/Circle"}
        - {$ref: "#/components/schemas/Square"}
      discriminator: {propertyName: kind}
    Circle:
      type: object
      required: [kind, radius]
      properties: {kind: {type: string}, radius: {type: number}}
    Square:
      type: object
      required: [kind, side]
      properties: {kind: {type: string}, side: {type: number}}
    Node:
      type: object
      required: [children]
      properties:
        children: {type: array, items: {$ref: "#/components/schemas/Node"}}
        parent: {$ref: "#/components/schemas/Node"}
"##;

#[test]
fn parameters_satisfy_format_bounds_enums_and_patterns() {
    let api = api(DOC);
    let sample = operation_sample(&api, op(&api, "make"));
    let by_name: Vec<(&str, &Value)> = op(&api, "make")
        .params
        .iter()
        .map(|p| p.name.as_str())
        .zip(&sample.params)
        .collect();
    let get = |name: &str| {
        by_name
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| (*v).clone())
            .unwrap_or_else(|| panic!("no value for {name}"))
    };
    assert_eq!(get("id"), json!("3fa85f64-5717-4562-b3fc-2c963f66afa6"));
    // 10..=20 and a multiple of 4.
    assert_eq!(get("limit"), json!(12));
    // Two distinct enum values.
    assert_eq!(get("tags"), json!(["a", "b"]));
    // The parameter's own example fits its pattern and is used.
    assert_eq!(get("code"), json!("AB-12"));
    // An example of the wrong type is not used.
    assert_eq!(get("wrong"), json!("smoke"));
}

#[test]
fn bodies_fill_required_fields_within_their_constraints() {
    let api = api(DOC);
    let body = json_body(&api, "make");
    let name = body["name"].as_str().expect("name");
    assert!((8..=10).contains(&name.len()), "{name}");
    assert_eq!(body["created"], json!("2024-01-02T03:04:05Z"));
    assert_eq!(body["count"], json!(6));
    assert_eq!(body["ratio"], json!(1.0));
    assert_eq!(body["email"], json!("smoke@example.com"));
    // Read-only fields are not sent; the schema's example breaks its pattern, so a generated
    // value is used instead.
    assert!(body.get("id").is_none(), "{body}");
    assert_eq!(body["sku"], json!("SKU0000"));
    let thing = crate::ir::TypeRef::Named("Thing".into());
    assert!(super::conforms(&api, &body, &thing, &Default::default()));
}

#[test]
fn tagged_unions_carry_their_tag_and_untagged_ones_fit_one_variant() {
    let api = api(DOC);
    let shape = json_body(&api, "shape");
    assert_eq!(shape["kind"], json!("Circle"), "{shape}");
    assert!(shape["radius"].is_number(), "{shape}");
    // The string variant is tried first (scalars first) and fits it alone.
    assert_eq!(json_body(&api, "either"), json!("smo"));
}

#[test]
fn recursive_types_end() {
    let api = api(DOC);
    let tree = json_body(&api, "tree");
    let depth = |mut v: &Value| {
        let mut d = 0;
        while let Some(next) = v["children"].get(0) {
            v = next;
            d += 1;
        }
        d
    };
    assert!(depth(&tree) < 16, "{tree}");
}

#[test]
fn null_is_not_sent_where_nullable_only_annotates_a_reference() {
    let api = api(DOC);
    // The media type's example sends `null`, which the referenced enum refuses (OpenAPI 3.0.3):
    // it is not used, and a value of the enum is made up instead.
    assert_eq!(json_body(&api, "note"), json!({"kind": 0}));
}

#[test]
fn an_enum_beside_a_reference_narrows_it_and_unique_items_differ() {
    let api = api(DOC);
    let body = json_body(&api, "narrow");
    assert_eq!(body["kind"], json!(2), "{body}");
    let ids: Vec<&str> = body["ids"]
        .as_array()
        .expect("ids")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(ids.len(), 3, "{body}");
    assert!(
        ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2],
        "{body}"
    );
}

#[test]
fn a_parameter_union_of_a_number_and_a_string_gets_text_only_the_string_fits() {
    let api = api(r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /workflows/{workflow_id}:
    get:
      operationId: getWorkflow
      parameters:
        - name: workflow_id
          in: path
          required: true
          schema:
            oneOf:
              - {type: integer}
              - {type: string}
      responses:
        "204": {description: ok}
"##);
    let sample = operation_sample(&api, op(&api, "get_workflow"));
    // `1` would be read as both variants from the path's text.
    let value = &sample.params[0];
    assert!(value.is_string(), "{value}");
    assert!(value.as_str().unwrap().parse::<f64>().is_err(), "{value}");
    assert!(sample.ambiguous_unions.is_empty());
}

#[test]
fn a_tagged_union_whose_variants_overlap_is_reported_ambiguous() {
    // A validator of `oneOf` ignores the discriminator: a value with only optional properties
    // fits both variants whatever its tag.
    let api = api(r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /actions:
    put:
      operationId: put_action
      requestBody:
        content:
          application/json:
            schema:
              oneOf:
                - {$ref: "#/components/schemas/Script"}
                - {$ref: "#/components/schemas/Job"}
              discriminator: {propertyName: type, mapping: {script: "#/components/schemas/Script", job: "#/components/schemas/Job"}}
      responses:
        "204": {description: ok}
  /shapes:
    put:
      operationId: put_shape
      requestBody:
        content:
          application/json:
            schema:
              oneOf:
                - {$ref: "#/components/schemas/Script"}
                - {$ref: "#/components/schemas/Square"}
              discriminator: {propertyName: type}
      responses:
        "204": {description: ok}
components:
  schemas:
    Script:
      type: object
      properties: {type: {type: string}, code: {type: string}}
    Job:
      type: object
      properties: {type: {type: string}, job_id: {type: string}}
    Square:
      type: object
      required: [side]
      properties: {type: {type: string}, side: {type: integer}}
"##);
    let overlapping = operation_sample(&api, op(&api, "put_action"));
    assert_eq!(overlapping.ambiguous_unions.len(), 1, "{overlapping:?}");
    // `Script` fits `Square` only with a side; a `Square` value fits `Script` too, but the
    // first variant's value fits it alone.
    let sample = operation_sample(&api, op(&api, "put_shape"));
    assert!(sample.ambiguous_unions.is_empty(), "{sample:?}");
    assert_eq!(json_body(&api, "put_shape")["type"], json!("Script"));
}

#[test]
fn a_pattern_its_format_refuses_is_a_contradiction() {
    let api = api(r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /events:
    get:
      operationId: list_events
      parameters:
        - {name: since, in: query, schema: {type: string, format: date-time, pattern: "YYYY-MM-DDThh:mm:ssZ"}}
        - {name: day, in: query, schema: {type: string, format: date, pattern: "^\\d{4}-\\d{2}-\\d{2}$"}}
      responses:
        "204": {description: ok}
"##);
    let sample = operation_sample(&api, op(&api, "list_events"));
    assert_eq!(
        sample.contradictions,
        ["pattern `YYYY-MM-DDThh:mm:ssZ` with format `date-time`"]
    );
    // The consistent one is satisfied by the pattern's text, which is also a date.
    assert_eq!(sample.params[1], json!("0000-00-00"));
}

#[test]
fn min_properties_is_met_below_the_depth_optional_fields_stop_at() {
    // trigger.dev: a union variant's `filter` needs one property, all of them optional.
    let api = api(r##"
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /bulk-actions:
    post:
      operationId: create
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf:
                - title: Cancel by filter
                  type: object
                  required: [action, wrap]
                  properties:
                    action: {type: string, enum: [cancel]}
                    wrap:
                      type: object
                      required: [inner]
                      properties:
                        inner:
                          type: object
                          required: [filter]
                          properties:
                            filter: {$ref: '#/components/schemas/Filter'}
                - title: Cancel by ids
                  type: object
                  required: [action, ids]
                  properties:
                    action: {type: string, enum: [cancel]}
                    ids: {type: array, items: {type: string}}
      responses:
        "204": {description: ok}
components:
  schemas:
    Filter:
      type: object
      minProperties: 2
      properties:
        id: {type: string, readOnly: true}
        status: {type: string}
        period: {type: string}
        tag: {type: string}
"##);
    let body = json_body(&api, "create");
    let filter = body["wrap"]["inner"]["filter"]
        .as_object()
        .unwrap_or_else(|| panic!("no filter in {body}"));
    // Two properties, and not the read-only one.
    assert_eq!(
        filter.keys().map(String::as_str).collect::<Vec<_>>(),
        ["status", "period"],
        "{body}"
    );
}

#[test]
fn a_url_is_a_web_or_ftp_url_and_another_example_is_not_sent() {
    assert!(super::formats::fits(
        Some("url"),
        "https://example.com/a?b=1"
    ));
    assert!(super::formats::fits(
        Some("url"),
        "ftp://files.example.com/x"
    ));
    assert!(!super::formats::fits(Some("url"), "file:///storage/a.mkv"));
    // `uri` takes any scheme.
    assert!(super::formats::fits(Some("uri"), "file:///storage/a.mkv"));
    let api = api(r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /library/file:
    post:
      operationId: ingest
      parameters:
        - name: url
          in: query
          required: true
          example: file:///storage%2Femulated%2F0%2FArcher-S01E01.mkv
          schema: {type: string, format: url}
      responses:
        "204": {description: ok}
"##);
    let sample = operation_sample(&api, op(&api, "ingest"));
    assert_eq!(sample.params[0], json!("https://example.com/smoke"));
}

#[test]
fn a_text_body_example_its_format_refuses_is_not_sent() {
    let api = api(r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /write:
    post:
      operationId: write
      requestBody:
        content:
          text/plain:
            examples:
              line: {value: "air,sensor=1 temperature=73.9 1630424257"}
            schema: {type: string, format: byte}
      responses:
        "204": {description: ok}
"##);
    let Some(BodySample::Text(text)) = operation_sample(&api, op(&api, "write")).body else {
        panic!("not a text body")
    };
    assert!(super::formats::fits(Some("byte"), &text), "{text}");
}

#[test]
fn a_required_name_only_extra_properties_can_carry_is_filled() {
    let api = api(r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /tracks:
    put:
      operationId: save_tracks
      requestBody:
        content:
          application/json:
            schema:
              type: object
              additionalProperties: true
              required: [uris]
              properties:
                ids: {type: array, items: {type: string}}
      responses:
        "204": {description: ok}
"##);
    let body = json_body(&api, "save_tracks");
    assert!(body.get("uris").is_some(), "{body}");
    let crate::ir::TypeKind::Struct(s) = &api.types[0].kind else {
        panic!("not a struct")
    };
    assert_eq!(s.required_extra, ["uris"]);
}

#[test]
fn a_required_name_the_schema_does_not_declare_is_kept_when_other_properties_are_allowed() {
    // Box's token revocation requires `grant_type` without declaring it. Without
    // `additionalProperties` any property is allowed, so the struct keeps extra properties and
    // made-up values carry the required one; `additionalProperties: false` forbids it.
    let api = api(r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /revoke:
    post:
      operationId: revoke
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [grant_type]
              properties:
                token: {type: string}
      responses:
        "204": {description: ok}
  /closed:
    post:
      operationId: closed
      requestBody:
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [grant_type]
              properties:
                token: {type: string}
      responses:
        "204": {description: ok}
"##);
    let strukt = |name: &str| {
        let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
        let def = api
            .types
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("no {name} in {names:?}"));
        let crate::ir::TypeKind::Struct(s) = &def.kind else {
            panic!("{name} is not a struct")
        };
        s.clone()
    };
    let open = strukt("RevokeBody");
    assert_eq!(open.required_extra, ["grant_type"]);
    assert_eq!(open.additional, Some(crate::ir::TypeRef::Any));
    // A string, which the form body writes (it writes nothing for an empty object).
    let body = json_body(&api, "revoke");
    assert_eq!(body["grant_type"], json!("smoke"), "{body}");

    let closed = strukt("ClosedBody");
    assert!(closed.required_extra.is_empty() && closed.additional.is_none());
}

#[test]
fn a_binary_body_whose_schema_constrains_its_text_satisfies_it() {
    let api = api(r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /attachments:
    put:
      operationId: attach
      requestBody:
        content:
          application/octet-stream:
            schema: {type: string, format: byte, pattern: "^[\\w\\d+\\/=]*$"}
      responses:
        "204": {description: ok}
"##);
    let Some(BodySample::Bytes(bytes)) = operation_sample(&api, op(&api, "attach")).body else {
        panic!("not a binary body")
    };
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        super::check::pattern_matches(r"^[\w\d+\/=]*$", &text),
        "{text}"
    );
}

#[test]
fn a_choice_of_required_properties_is_made_once() {
    let api = api(r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /threads:
    post:
      operationId: create_thread
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                vector_store_ids: {type: array, items: {type: string}}
                vector_stores: {type: array, items: {type: string}}
                name: {type: string}
              oneOf:
                - required: [vector_store_ids]
                - required: [vector_stores]
      responses:
        "204": {description: ok}
"##);
    // Optional fields are filled at this depth, but `oneOf` wants exactly one of the two.
    let body = json_body(&api, "create_thread");
    assert!(body.get("vector_store_ids").is_some(), "{body}");
    assert!(body.get("vector_stores").is_none(), "{body}");
    assert!(body.get("name").is_some(), "{body}");
    let crate::ir::TypeKind::Struct(s) = &api.types[0].kind else {
        panic!("not a struct")
    };
    assert_eq!(
        s.required_choices,
        [crate::ir::RequiredChoice {
            exactly_one: true,
            alternatives: vec![
                vec!["vector_store_ids".into()],
                vec!["vector_stores".into()]
            ],
        }]
    );
    let ty = crate::ir::TypeRef::Named(api.types[0].name.clone());
    let fits = |value: Value| super::conforms(&api, &value, &ty, &Default::default());
    assert!(fits(json!({"vector_store_ids": []})));
    assert!(!fits(json!({"name": "n"})), "neither set");
    assert!(
        !fits(json!({"vector_store_ids": [], "vector_stores": []})),
        "both sets"
    );
}

#[test]
fn union_variants_told_apart_only_by_optional_properties_get_a_value_with_them() {
    // PagerDuty's cache variables: three variants with the same top-level properties, all
    // optional, that differ only in the `enum` of `configuration.type`. A value with no
    // optional fields fits all three; one with them fits exactly one.
    let api = api(r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /variables/{id}:
    get:
      operationId: get_variable
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  wrapper:
                    type: object
                    properties:
                      variable:
                        oneOf:
                          - $ref: "#/components/schemas/Recent"
                          - $ref: "#/components/schemas/Count"
components:
  schemas:
    Recent:
      type: object
      properties:
        name: {type: string}
        configuration:
          type: object
          properties:
            type: {type: string, enum: [recent_value]}
            regex: {type: string}
    Count:
      type: object
      properties:
        name: {type: string}
        configuration:
          type: object
          properties:
            type: {type: string, enum: [trigger_event_count]}
            ttl_seconds: {type: integer}
"##);
    let op = op(&api, "get_variable");
    let sample = super::response_sample(&api, op).expect("an answer");
    assert!(
        sample.ambiguous_unions.is_empty(),
        "{:?}",
        sample.ambiguous_unions
    );
    let body: Value = serde_json::from_slice(&sample.body).unwrap();
    assert_eq!(
        body["wrapper"]["variable"]["configuration"]["type"],
        json!("recent_value"),
        "{body}"
    );
}
