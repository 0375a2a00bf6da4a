use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::files::FileSource;
use super::{Bundle, bundle_from};
use crate::diagnostics::Diagnostics;
use crate::grammar::Dialect;

/// Files in memory, counting every read.
struct Memory {
    files: HashMap<PathBuf, String>,
    reads: RefCell<Vec<PathBuf>>,
}

impl FileSource for Memory {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        self.reads.borrow_mut().push(path.to_path_buf());
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    }
}

/// Bundles the first of `files` (path, YAML text) with the others; also returns every read.
fn bundle(files: &[(&str, &str)], lenient: bool) -> (Result<Bundle, Diagnostics>, Vec<PathBuf>) {
    let memory = Memory {
        files: files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect(),
        reads: RefCell::new(Vec::new()),
    };
    let (root, text) = files[0];
    let value: Value = serde_yaml::from_str(text).unwrap();
    let dialect = if value.get("swagger").is_some() {
        Dialect::Swagger2
    } else if value["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.1"))
    {
        Dialect::OpenApi31
    } else {
        Dialect::OpenApi30
    };
    let result = bundle_from(&memory, Path::new(root), text, value, dialect, lenient);
    (result, memory.reads.into_inner())
}

fn ok(files: &[(&str, &str)]) -> Bundle {
    bundle(files, false).0.unwrap_or_else(|d| panic!("{d}"))
}

const ROOT_30: &str = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /users:
    $ref: paths/users.yaml
  /users/{id}:
    $ref: 'paths/by-id.yaml#/~1users~1{id}'
components:
  schemas:
    User:
      $ref: schemas/user.yaml
    Error:
      type: object
";

const USERS: &str = "get:
  responses:
    '200':
      description: ok
      content:
        application/json:
          schema:
            type: array
            items:
              $ref: ../schemas/user.yaml
    default:
      description: error
      content:
        application/json:
          schema:
            $ref: '../api.yaml#/components/schemas/Error'
";

const BY_ID: &str = "/users/{id}:
  get:
    parameters:
      - $ref: '../common/params.yaml#/Id'
    responses:
      '200':
        description: ok
        content:
          application/json:
            schema:
              $ref: ../schemas/user.yaml
";

const USER: &str = "type: object
properties:
  address:
    $ref: ./address.yaml
  home:
    $ref: '#/properties/address'
  friends:
    type: array
    items:
      $ref: '#'
  example-data:
    type: object
    example:
      $ref: not/a/file.yaml
    x-origin:
      $ref: neither/a/file.yaml
";

const ADDRESS: &str = "type: object
properties:
  owner:
    $ref: user.yaml
  city:
    type: string
";

const PARAMS: &str = "Id:
  name: id
  in: path
  required: true
  schema:
    $ref: '#/IdValue'
IdValue:
  type: string
";

fn split_30() -> Vec<(&'static str, &'static str)> {
    vec![
        ("api.yaml", ROOT_30),
        ("paths/users.yaml", USERS),
        ("paths/by-id.yaml", BY_ID),
        ("schemas/user.yaml", USER),
        ("schemas/address.yaml", ADDRESS),
        ("common/params.yaml", PARAMS),
    ]
}

#[test]
fn parts_are_placed_under_readable_names_and_path_items_inlined() {
    let b = ok(&split_30());
    let doc = &b.document;
    // The root's alias keeps its name and receives the file.
    assert_eq!(doc["components"]["schemas"]["User"]["type"], "object");
    let users = &doc["paths"]["/users"]["get"]["responses"];
    assert_eq!(
        users["200"]["content"]["application/json"]["schema"]["items"],
        json!({"$ref": "#/components/schemas/User"})
    );
    // A reference back into the root is a local one.
    assert_eq!(
        users["default"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Error"})
    );
    let by_id = &doc["paths"]["/users/{id}"]["get"];
    assert_eq!(
        by_id["parameters"][0],
        json!({"$ref": "#/components/parameters/Id"})
    );
    assert_eq!(
        doc["components"]["parameters"]["Id"]["schema"],
        json!({"$ref": "#/components/schemas/IdValue"})
    );
    let user = &doc["components"]["schemas"]["User"]["properties"];
    assert_eq!(
        user["address"],
        json!({"$ref": "#/components/schemas/address"})
    );
    // `#/properties/address` inside user.yaml is a part of user.yaml.
    // A part named by its key, clashing with a file's stem, takes its file's name.
    assert_eq!(
        user["home"],
        json!({"$ref": "#/components/schemas/user-address"})
    );
    assert_eq!(
        user["friends"]["items"],
        json!({"$ref": "#/components/schemas/User"})
    );
    // Examples and extensions are data.
    assert_eq!(
        user["example-data"]["example"],
        json!({"$ref": "not/a/file.yaml"})
    );
    assert_eq!(
        user["example-data"]["x-origin"],
        json!({"$ref": "neither/a/file.yaml"})
    );
    let names: Vec<&String> = doc["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(
        names,
        ["User", "Error", "address", "user-address", "IdValue"]
    );
}

#[test]
fn each_file_is_read_once_and_cycles_end() {
    let (result, reads) = bundle(&split_30(), false);
    result.unwrap();
    let mut sorted = reads.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        sorted.len(),
        reads.len(),
        "a file was read twice: {reads:?}"
    );
    assert_eq!(reads.len(), 5, "{reads:?}");
    // user.yaml ↔ address.yaml, and user.yaml → itself, ended with one part each.
    let b = ok(&split_30());
    assert_eq!(
        b.document["components"]["schemas"]["address"]["properties"]["owner"],
        json!({"$ref": "#/components/schemas/User"})
    );
}

#[test]
fn bundled_parts_point_back_at_their_files() {
    let b = ok(&split_30());
    let origin = |pointer: &str| {
        b.sources
            .origin(pointer)
            .map(|(file, p)| (file.to_path_buf(), p))
    };
    assert_eq!(
        origin("/components/schemas/User/properties/friends/items"),
        Some((
            "schemas/user.yaml".into(),
            "/properties/friends/items".into()
        ))
    );
    assert_eq!(
        origin("/components/schemas/user-address"),
        Some(("schemas/user.yaml".into(), "/properties/address".into()))
    );
    assert_eq!(
        origin("/components/schemas/address/properties/city"),
        Some(("schemas/address.yaml".into(), "/properties/city".into()))
    );
    assert_eq!(
        origin("/paths/~1users~1{id}/get/parameters/0"),
        Some((
            "paths/by-id.yaml".into(),
            "/~1users~1{id}/get/parameters/0".into()
        ))
    );
    assert_eq!(
        origin("/components/parameters/Id/schema"),
        Some(("common/params.yaml".into(), "/Id/schema".into()))
    );
    assert_eq!(origin("/components/schemas/Error"), None);
    let files: Vec<&Path> = b.sources.files().iter().map(|f| f.path.as_path()).collect();
    assert_eq!(files[0], Path::new("api.yaml"));
    assert_eq!(files.len(), 6);
}

#[test]
fn relative_references_follow_the_referencing_file_across_folders() {
    let root = "swagger: '2.0'
info: {title: t, version: '1'}
paths:
  /users:
    $ref: resources/users/paths.yaml#/users
definitions:
  Health: {type: object}
";
    let paths = "users:
  get:
    parameters:
      - $ref: ../../shared/parameters.yaml#/Body
    responses:
      '200':
        description: ok
        headers:
          X-Rate:
            $ref: ../../shared/headers.yaml#/Rate
        schema:
          $ref: models/user.yaml
      default:
        $ref: ../../shared/responses.yaml#/Problem
";
    let user = "type: object
properties:
  address:
    $ref: ../../../shared/definitions.yaml#/definitions/Address
";
    let shared_defs = "definitions:
  Address:
    type: object
    properties:
      country:
        $ref: '#/definitions/Country'
  Country: {type: string}
";
    let b = ok(&[
        ("api/swagger.yaml", root),
        ("api/resources/users/paths.yaml", paths),
        ("api/resources/users/models/user.yaml", user),
        ("api/shared/definitions.yaml", shared_defs),
        (
            "api/shared/parameters.yaml",
            "Body: {in: body, name: body, schema: {$ref: '../resources/users/models/user.yaml'}}",
        ),
        ("api/shared/headers.yaml", "Rate: {type: integer}"),
        (
            "api/shared/responses.yaml",
            "Problem: {description: bad, schema: {$ref: 'definitions.yaml#/definitions/Address'}}",
        ),
    ]);
    let doc = &b.document;
    let get = &doc["paths"]["/users"]["get"];
    assert_eq!(get["parameters"][0], json!({"$ref": "#/parameters/Body"}));
    assert_eq!(
        doc["parameters"]["Body"]["schema"],
        json!({"$ref": "#/definitions/user"})
    );
    assert_eq!(
        get["responses"]["200"]["schema"],
        json!({"$ref": "#/definitions/user"})
    );
    // Swagger 2.0 has no section for headers: the header is copied in place.
    assert_eq!(
        get["responses"]["200"]["headers"]["X-Rate"],
        json!({"type": "integer"})
    );
    assert_eq!(
        get["responses"]["default"],
        json!({"$ref": "#/responses/Problem"})
    );
    let names: Vec<&String> = doc["definitions"].as_object().unwrap().keys().collect();
    assert_eq!(names, ["Health", "user", "Address", "Country"]);
    assert_eq!(
        doc["definitions"]["Address"]["properties"]["country"],
        json!({"$ref": "#/definitions/Country"})
    );
}

#[test]
fn a_cycle_of_parts_copied_in_place_is_an_error() {
    let root = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    $ref: a.yaml
";
    let a = "post:
  callbacks:
    again:
      '{$request.body#/url}':
        $ref: a.yaml
  responses:
    '200': {description: ok}
";
    let (result, _) = bundle(&[("api.yaml", root), ("a.yaml", a)], false);
    let err = result.unwrap_err();
    assert_eq!(err.0.len(), 1, "{err}");
    assert_eq!(err.0[0].file, Path::new("a.yaml"));
    assert!(err.0[0].message.contains("leads back to itself"), "{err}");
    assert_eq!(err.0[0].position.map(|p| p.line), Some(5));
}

#[test]
fn openapi31_ids_and_other_schemes_are_not_files() {
    let root = "openapi: 3.1.0
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Label:
      $id: https://example.com/schemas/label
      type: string
    Details:
      $id: /schemas/details
      properties:
        id: {$anchor: details_id, type: integer}
    Pet:
      properties:
        label: {$ref: 'https://example.com/schemas/label'}
        id: {$ref: '/schemas/details#details_id'}
        urn: {$ref: 'urn:example:thing'}
        file: {$ref: pet-file.yaml}
";
    let (result, reads) = bundle(
        &[("api.yaml", root), ("pet-file.yaml", "type: string")],
        false,
    );
    let b = result.unwrap();
    assert_eq!(reads, [PathBuf::from("pet-file.yaml")]);
    let pet = &b.document["components"]["schemas"]["Pet"]["properties"];
    assert_eq!(pet["label"]["$ref"], "https://example.com/schemas/label");
    assert_eq!(pet["id"]["$ref"], "/schemas/details#details_id");
    assert_eq!(pet["urn"]["$ref"], "urn:example:thing");
    assert_eq!(pet["file"]["$ref"], "#/components/schemas/pet-file");
}

#[test]
fn documents_of_one_file_are_returned_as_they_are() {
    let root = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/A'}
              example: {$ref: 'https://example.com/data'}
components:
  schemas:
    A: {type: object}
";
    let (result, reads) = bundle(&[("api.yaml", root)], false);
    let b = result.unwrap();
    assert!(reads.is_empty());
    assert_eq!(b.document, serde_yaml::from_str::<Value>(root).unwrap());
    assert_eq!(b.sources.files().len(), 1);
    assert!(b.warnings.is_empty());
}

#[test]
fn lenient_mode_degrades_what_cannot_be_followed() {
    let root = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      parameters:
        - $ref: 'https://example.com/p.yaml'
        - $ref: missing.yaml
        - $ref: p.yaml
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: 'https://example.com/s.yaml#/S'}
        '404':
          $ref: gone.yaml
";
    let files = [
        ("api.yaml", root),
        ("p.yaml", "name: q\nin: query\nschema: {type: string}\n"),
    ];
    let err = bundle(&files, false).0.unwrap_err();
    assert_eq!(err.0.iter().filter(|d| d.is_error()).count(), 4, "{err}");
    let b = bundle(&files, true).0.unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(b.warnings.len(), 4);
    assert!(
        b.warnings
            .iter()
            .all(|w| !w.is_error() && w.position.is_some())
    );
    let get = &b.document["paths"]["/a"]["get"];
    assert_eq!(
        get["parameters"],
        json!([{"$ref": "#/components/parameters/p"}])
    );
    assert_eq!(
        get["responses"]["200"]["content"]["application/json"]["schema"],
        json!({})
    );
    assert!(get["responses"].get("404").is_none());
    // The parameter that moved up still points at the line it was written on.
    assert_eq!(
        b.sources
            .origin("/paths/~1a/get/parameters/0")
            .map(|(f, p)| (f.to_path_buf(), p)),
        Some(("api.yaml".into(), "/paths/~1a/get/parameters/2".into()))
    );
}

#[test]
fn references_from_other_files_into_the_root_are_checked() {
    let root = "openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    A:
      $ref: a.yaml
    Error: {type: object}
";
    let a = "properties:
  e:
    $ref: 'api.yaml#/components/schemas/Eror'
";
    let err = bundle(&[("api.yaml", root), ("a.yaml", a)], false)
        .0
        .unwrap_err();
    let d = &err.0[0];
    assert_eq!(d.file, Path::new("a.yaml"));
    assert_eq!(d.pointer, "/properties/e/$ref");
    assert_eq!(
        d.hint.as_deref(),
        Some("did you mean `api.yaml#/components/schemas/Error`?")
    );
}

#[test]
fn the_same_input_gives_the_same_output() {
    let first = ok(&split_30());
    for _ in 0..3 {
        let again = ok(&split_30());
        assert_eq!(
            serde_json::to_string(&first.document).unwrap(),
            serde_json::to_string(&again.document).unwrap()
        );
        assert_eq!(first.sources, again.sources);
    }
}

const MAPS_ROOT: &str = "openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  $ref: paths.yaml
components:
  schemas:
    $ref: schemas/index.yaml
";

const MAPS_PATHS: &str = "/users:
  get:
    responses:
      '200':
        description: ok
        content:
          application/json:
            schema:
              $ref: schemas/user.yaml
";

const MAPS_INDEX: &str = "User:
  $ref: ./user.yaml
Pet:
  type: object
  properties:
    $ref: parts/a.yaml#/m
    name:
      type: integer
";

const MAPS_USER: &str = "type: object
properties:
  $ref: '#/x-parts/userProps'
x-parts:
  userProps:
    name:
      type: string
";

#[test]
fn maps_given_as_references_are_expanded_where_they_stand() {
    let files = [
        ("api.yaml", MAPS_ROOT),
        ("paths.yaml", MAPS_PATHS),
        ("schemas/index.yaml", MAPS_INDEX),
        ("schemas/user.yaml", MAPS_USER),
        // A map that is a reference to a map of another file, whose entries refer relative to
        // that file.
        ("schemas/parts/a.yaml", "m:\n  $ref: b.yaml#/n\n"),
        (
            "schemas/parts/b.yaml",
            "n:\n  name:\n    type: string\n  age:\n    $ref: ./age.yaml\n",
        ),
        ("schemas/parts/age.yaml", "type: integer\nminimum: 0\n"),
    ];
    let b = ok(&files);
    let doc = &b.document;
    // The index's keys name the parts, and a reference straight to a listed file finds it.
    let names: Vec<&String> = doc["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(names, ["User", "Pet", "age"]);
    assert_eq!(
        doc["paths"]["/users"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/User"})
    );
    // A map of the same file is copied; the copy points back at where it is written.
    let user = &doc["components"]["schemas"]["User"];
    assert_eq!(user["properties"], json!({"name": {"type": "string"}}));
    let (file, pointer) = b
        .sources
        .origin("/components/schemas/User/properties/name")
        .unwrap();
    assert_eq!(
        (file, pointer.as_str()),
        (Path::new("schemas/user.yaml"), "/x-parts/userProps/name")
    );
    // A chain of map references is followed; entries written beside `$ref` win; entries of a
    // map outside the components are copied in place.
    let pet = &doc["components"]["schemas"]["Pet"]["properties"];
    assert_eq!(pet["name"], json!({"type": "integer"}));
    assert_eq!(pet["age"], json!({"$ref": "#/components/schemas/age"}));
    let (file, pointer) = b
        .sources
        .origin("/components/schemas/Pet/properties/age")
        .unwrap();
    assert_eq!(
        (file, pointer.as_str()),
        (Path::new("schemas/parts/b.yaml"), "/n/age")
    );
}

#[test]
fn text_given_as_a_reference_becomes_the_text() {
    let root = "openapi: 3.0.3
info: {title: t, version: '1'}
tags:
  - name: users
    description: {$ref: 'texts.yaml#/users'}
paths:
  /users:
    get:
      summary: {$ref: '#/x-texts/list'}
      responses:
        '200': {description: ok}
x-texts:
  list: List the users.
";
    let b = ok(&[
        ("api.yaml", root),
        ("texts.yaml", "users: All about users.\n"),
    ]);
    assert_eq!(b.document["tags"][0]["description"], "All about users.");
    assert_eq!(
        b.document["paths"]["/users"]["get"]["summary"],
        "List the users."
    );
    let (file, pointer) = b.sources.origin("/tags/0/description").unwrap();
    assert_eq!(
        (file, pointer.as_str()),
        (Path::new("texts.yaml"), "/users")
    );
}

#[test]
fn a_map_copied_into_itself_is_an_error_and_lenient_mode_empties_it() {
    let root = "openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    A:
      type: object
      properties:
        $ref: '#/components/schemas'
";
    let err = bundle(&[("api.yaml", root)], false).0.unwrap_err();
    let d = &err.0[0];
    assert!(d.message.contains("leads back to itself"), "{err}");
    assert_eq!(d.pointer, "/components/schemas/A/properties/$ref");
    assert_eq!(d.position.map(|p| p.line), Some(9));
    let b = bundle(&[("api.yaml", root)], true).0.unwrap();
    assert_eq!(b.warnings.len(), 1, "{:?}", b.warnings);
    assert_eq!(
        b.document["components"]["schemas"]["A"]["properties"],
        json!({})
    );
}
