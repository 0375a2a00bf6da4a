//! Behaviour of the crate generated from `tests/features/kitchen-sink.yaml`, against a loopback
//! server. `xtask/tests/features.rs` copies this file into the generated crate and runs it.
#![allow(clippy::unwrap_used, clippy::panic)]

use kitchen_sink::runtime::{Error, FilePart};
use kitchen_sink::*;
use serde_json::json;
use wiremock::matchers::{body_json, body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).key_header("hk").build().unwrap()
}

fn raw_query(request: &wiremock::Request) -> String {
    percent_decode(request.url.query().unwrap_or_default())
}

fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(text.as_bytes()).map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

#[tokio::test]
async fn query_styles_cookies_headers_and_path_level_parameters() {
    let server = MockServer::start().await;
    let pet = json!({"id": 7, "name": "Tom", "kind": "cat", "type": "t", "self": "s", "labels": {"a": "b"}, "extra": [1]});
    Mock::given(method("GET")).and(path("/pets")).and(header("X-Api-Key", "hk")).and(header("X-Trace", "tr-1"))
        .and(header("cookie", "session=s1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([pet])).insert_header("X-Total", "1"))
        .mount(&server).await;
    let pets = client(&server)
        .list_pets()
        .x_trace("tr-1")
        .tags(vec!["a".into(), "b".into()])
        .ids(vec![1, 2])
        .filter(ListPetsFilter { kind: Some("cat".into()), min_age: Some(2) })
        .pipes(vec!["x".into(), "y".into()])
        .spaces(vec!["p".into(), "q+r".into()])
        .session("s1")
        .sort(ListPetsSort::MinusName)
        .send()
        .await
        .unwrap();
    assert_eq!(pets.headers().get("X-Total").unwrap(), "1");
    let pet = &pets[0];
    assert_eq!((pet.id, pet.name.as_str(), &pet.kind), (7, "Tom", &Kind::Cat));
    assert_eq!((pet.r#type.as_deref(), pet.self_.as_deref()), (Some("t"), Some("s")));
    assert_eq!(pet.labels.as_ref().unwrap()["a"], "b");
    assert_eq!(pet.extra, Some(json!([1])));
    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        raw_query(received),
        "tags=a&tags=b&ids=1,2&filter[kind]=cat&filter[min_age]=2&pipes=x|y&spaces=p q+r&sort=-name"
    );
    // On the wire a space is `%20` (RFC 3986, as OpenAPI's styles write it) and a plus `%2B`.
    let wire = received.url.query().unwrap_or_default();
    assert!(wire.contains("&spaces=p%20q%2Br&"), "{wire}");
    assert!(!wire.contains('+'), "{wire}");
}

#[tokio::test]
async fn documented_response_headers_are_typed() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/pets")).and(query_param("sort", "name"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([]))
            .insert_header("X-Total", "12").insert_header("X-Next-Tags", "a, b").insert_header("X-Kind", "dog"))
        .mount(&server).await;
    Mock::given(method("GET")).and(path("/pets")).and(query_param("sort", "-name"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])).insert_header("X-Total", "many"))
        .mount(&server).await;
    let typed = client(&server).list_pets().sort(ListPetsSort::Name).send().await.unwrap();
    let headers: operations::ListPetsHeaders = typed.typed_headers().unwrap();
    assert_eq!(headers.x_total, Some(12));
    assert_eq!(headers.x_next_tags, Some(vec!["a".to_string(), "b".to_string()]));
    assert_eq!(headers.x_kind, Some(Kind::Dog));
    // The raw headers stay as received.
    assert_eq!(typed.headers().get("X-Next-Tags").unwrap(), "a, b");

    // A header that does not parse is an error naming it; the others are still readable raw.
    let wrong = client(&server).list_pets().sort(ListPetsSort::MinusName).send().await.unwrap();
    let err = wrong.typed_headers().unwrap_err();
    assert_eq!(err.name, "X-Total");
    assert!(err.to_string().contains("\"many\""), "{err}");
    assert_eq!(wrong.headers().get("X-Total").unwrap(), "many");
}

#[tokio::test]
async fn ranges_and_default_responses_are_typed_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/pets")).and(query_param("sort", "age"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"title": "nope", "status": 404, "trace": "x"}))
            .insert_header("Retry-After", "30"))
        .mount(&server).await;
    Mock::given(method("GET")).and(path("/pets")).and(query_param("sort", "name"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"title": "boom"})))
        .mount(&server).await;
    Mock::given(method("GET")).and(path("/pets")).and(query_param("sort", "-name"))
        .respond_with(ResponseTemplate::new(400).set_body_string("bad sort"))
        .mount(&server).await;
    let c = Client::builder().base_url(server.uri()).max_retries(0).build().unwrap();
    // 400 has its own answer though it begins the 4XX class.
    match c.list_pets().sort(ListPetsSort::MinusName).send().await {
        Err(Error::Api(e)) => assert!(matches!(e.value(), operations::ListPetsError::BadRequest(t) if t == "bad sort"), "{e:?}"),
        other => panic!("{other:?}"),
    }
    match c.list_pets().sort(ListPetsSort::Age).send().await {
        Err(Error::Api(e)) => match e.value() {
            operations::ListPetsError::ClientError(p) => {
                assert_eq!(p.title.as_deref(), Some("nope"));
                // The headers error responses document are typed too.
                let headers: operations::ListPetsErrorHeaders = e.headers_as().unwrap();
                assert_eq!(headers.retry_after, Some(30));
                assert_eq!(p.additional_properties["trace"], json!("x"), "additionalProperties: true keeps extras");
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    match c.list_pets().sort(ListPetsSort::Name).send().await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status(), 500);
            assert!(matches!(e.value(), operations::ListPetsError::Default(p) if p.title.as_deref() == Some("boom")));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn json_bodies_with_renamed_fields_and_several_success_statuses() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/pets"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1, "name": "Rex", "kind": "dog"})))
        .up_to_n_times(1).mount(&server).await;
    Mock::given(method("POST")).and(path("/pets")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let body = NewPet {
        name: "Rex".into(),
        kind: Kind::Dog,
        nickname: runtime::Nullable::Null,
        r#type: Some("k9".into()),
        self_: Some("me".into()),
        ..NewPet { name: String::new(), kind: Kind::Empty, nickname: Default::default(), r#type: None, self_: None, birth: None, weight: None, chip: None, age: None }
    };
    let created = client(&server).create_pet(body.clone()).send().await.unwrap();
    assert!(matches!(created.value(), operations::CreatePetSuccess::Created(p) if p.id == 1));
    let again = client(&server).create_pet(body).send().await.unwrap();
    assert_eq!(*again.value(), operations::CreatePetSuccess::NoContent);
    let sent: serde_json::Value = server.received_requests().await.unwrap()[0].body_json().unwrap();
    assert_eq!(sent, json!({"name": "Rex", "kind": "dog", "nickname": null, "type": "k9", "self": "me"}));
}

#[tokio::test]
async fn multipart_upload_with_a_file_and_basic_auth() {
    let server = MockServer::start().await;
    Mock::given(method("PUT")).and(path("/pets/5/photo")).and(header("authorization", "Basic dTpw"))
        .respond_with(ResponseTemplate::new(200).set_body_string("stored"))
        .mount(&server).await;
    let c = Client::builder().base_url(server.uri()).basic("u", Some("p".into())).build().unwrap();
    let body = UploadPhotoBody {
        photo: FilePart::new(b"\x89PNG".to_vec()).file_name("p.png").content_type("image/png"),
        caption: Some("hi".into()),
        tags: Some(vec!["a".into(), "b".into()]),
    };
    let stored = c.upload_photo(5, body).send().await.unwrap();
    assert_eq!(stored.into_inner(), "stored");
    let request = &server.received_requests().await.unwrap()[0];
    let content_type = request.headers.get("content-type").unwrap().to_str().unwrap();
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    let body = String::from_utf8_lossy(&request.body);
    assert!(body.contains("name=\"photo\"; filename=\"p.png\"") && body.contains("Content-Type: image/png"), "{body}");
    assert!(body.contains("name=\"caption\"\r\n\r\nhi"), "{body}");
    assert_eq!(body.matches("name=\"tags\"").count(), 2, "{body}");
}

#[tokio::test]
async fn multipart_bodies_that_are_named_maps_send_each_entry_as_a_field() {
    let server = MockServer::start().await;
    Mock::given(path("/forms/x")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let c = client(&server);
    let mut labels = Labels::new();
    labels.insert("color".into(), json!("red"));
    c.put_labels("x", labels).send().await.unwrap();
    let attributes = Attributes::from([("size".to_string(), "L".to_string())]);
    c.post_attributes("x", attributes).send().await.unwrap();
    let settings = Settings::from([("mode".to_string(), "dark".to_string())]);
    c.patch_settings("x", settings).send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let sent: Vec<(String, String)> = requests
        .iter()
        .map(|r| (r.method.to_string(), String::from_utf8_lossy(&r.body).into_owned()))
        .collect();
    for ((method, body), (want_method, field)) in sent.iter().zip([
        ("PUT", "name=\"color\"\r\n\r\nred"),
        ("POST", "name=\"size\"\r\n\r\nL"),
        ("PATCH", "name=\"mode\"\r\n\r\ndark"),
    ]) {
        assert_eq!(method, want_method);
        assert!(body.contains(field), "{method}: {body}");
    }
    assert_eq!(sent.len(), 3);
}

#[tokio::test]
async fn a_body_in_a_media_range_is_sent_in_the_type_the_caller_gives() {
    let server = MockServer::start().await;
    Mock::given(method("PUT")).and(path("/pets/5/picture")).and(header("content-type", "image/png"))
        .and(body_string("\u{89}PNG"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server).await;
    let picture = runtime::TypedBytes::new("image/png", "\u{89}PNG");
    client(&server).put_picture(5, picture).send().await.unwrap();
    // A media type no header can carry is refused before anything is sent.
    let refused = client(&server).put_picture(5, runtime::TypedBytes::new("image/png\n", "x")).send().await;
    assert!(matches!(refused, Err(Error::InvalidRequest(_))), "{refused:?}");
}

#[tokio::test]
async fn a_multipart_related_body_is_sent_under_its_own_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/bundles"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server).await;
    let body = PostBundleBody { meta: "m1".into(), file: Some(FilePart::new("abc").file_name("a.txt")) };
    client(&server).post_bundle(body).send().await.unwrap();
    let received = &server.received_requests().await.unwrap()[0];
    let content_type = received.headers.get("content-type").unwrap().to_str().unwrap().to_string();
    let boundary = content_type.strip_prefix("multipart/related; boundary=").unwrap_or_else(|| panic!("{content_type}"));
    assert_eq!(received.headers.get_all("content-type").iter().count(), 1);
    let text = String::from_utf8_lossy(&received.body);
    assert!(text.contains(&format!("--{boundary}")) && text.contains("name=\"meta\"") && text.contains("m1"), "{text}");
    assert!(text.contains("filename=\"a.txt\"") && text.contains("abc"), "{text}");
}

#[tokio::test]
async fn octet_stream_form_and_text_bodies_with_their_auth() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/pets/5/raw")).and(header("authorization", "Bearer jwt"))
        .and(header("content-type", "application/octet-stream"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![1u8, 2, 3]))
        .mount(&server).await;
    Mock::given(method("POST")).and(path("/login")).and(body_string("user=ann&remember=true"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "t", "expires": "2024-06-13T14:30:00"})))
        .mount(&server).await;
    Mock::given(method("POST")).and(path("/notes")).and(header("authorization", "Bearer o"))
        .and(header("x-request-id", "9b2c")).and(header("content-type", "text/plain")).and(body_string("hello"))
        .respond_with(ResponseTemplate::new(202))
        .mount(&server).await;
    let c = Client::builder().base_url(server.uri()).key_header("hk").bearer_token("jwt").oauth_token("o").build().unwrap();
    let raw = c.put_raw(5, runtime::Bytes::from_static(&[9, 9])).send().await.unwrap();
    assert_eq!(raw.into_inner().as_ref(), &[1, 2, 3]);
    let token = c.login(LoginBody { user: "ann".into(), remember: Some(true) }).send().await.unwrap();
    assert_eq!(token.expires.as_deref(), Some("2024-06-13T14:30:00"), "offset-less date-times round-trip");
    c.post_note("9b2c", "hello".into()).send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let login = requests.iter().find(|r| r.url.path() == "/login").unwrap();
    assert!(login.headers.get("x-api-key").is_none() && login.headers.get("authorization").is_none(), "security: [] sends nothing");
}

#[tokio::test]
async fn form_bodies_follow_the_encoding_of_their_properties() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/accounts"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server).await;
    let body: CreateAccountBody = serde_json::from_value(json!({
        "email": "a@example.com",
        "profile": {"name": "Shop", "address": {"city": "Paris"}},
        "items": [{"price": "p_1", "quantity": 2}],
        "expand": ["customer"],
    })).unwrap();
    client(&server).create_account(body).send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let sent = percent_decode(std::str::from_utf8(&requests[0].body).unwrap());
    // The properties' order follows serde_json's map (sorted, or as declared with its
    // `preserve_order` feature); the pairs are what matters.
    let mut pairs: Vec<&str> = sent.split('&').collect();
    pairs.sort_unstable();
    assert_eq!(
        pairs,
        ["email=a@example.com", "expand[0]=customer", "items[0][price]=p_1", "items[0][quantity]=2",
         "profile[address][city]=Paris", "profile[name]=Shop"]
    );
}

#[tokio::test]
async fn api_keys_in_query_and_alternatives() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/pets")).and(query_param("api_key", "qk"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([]))).expect(1).mount(&server).await;
    // Only the second alternative of the document's security is configured: it is used.
    let c = Client::builder().base_url(server.uri()).key_query("qk").build().unwrap();
    c.list_pets().send().await.unwrap();
}

#[tokio::test]
async fn discriminated_untagged_and_recursive_types_decode() {
    let server = MockServer::start().await;
    for (route, body) in [
        ("/shapes", json!({"shape": "circle", "radius": 2.0})),
        ("/values", json!({"a": 1})),
        ("/tree", json!({"name": "root", "children": [{"name": "leaf", "parent": {"name": "root"}}]})),
    ] {
        Mock::given(method("GET")).and(path(route)).respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&server).await;
    }
    let c = client(&server);
    assert!(matches!(c.get_shape().send().await.unwrap().into_inner(), Shape::Circle(ci) if ci.radius == 2.0));
    assert!(matches!(c.get_value().send().await.unwrap().into_inner(), GetValueResponse::Object(m) if m["a"] == 1));
    let tree = c.get_tree().send().await.unwrap().into_inner();
    let leaf = &tree.children.as_ref().unwrap()[0];
    assert_eq!(leaf.parent.as_ref().unwrap().name.as_deref(), Some("root"));

    let square: Shape = serde_json::from_value(json!({"shape": "square", "side": 1.0})).unwrap();
    assert!(matches!(square, Shape::Square(_)));
    let unknown: Shape = serde_json::from_value(json!({"shape": "triangle", "sides": 3})).unwrap();
    assert_eq!(unknown, Shape::Unknown(json!({"shape": "triangle", "sides": 3})));
    assert_eq!(serde_json::to_value(&unknown).unwrap(), json!({"shape": "triangle", "sides": 3}));
    for (value, expected) in [
        (json!(3), GetValueResponse::Integer(3)),
        (json!("s"), GetValueResponse::String("s".into())),
        (json!(["x"]), GetValueResponse::Array(vec!["x".into()])),
    ] {
        assert_eq!(serde_json::from_value::<GetValueResponse>(value).unwrap(), expected);
    }
}

#[tokio::test]
async fn a_discriminated_variant_is_sent_with_its_tag_though_its_schema_does_not_declare_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/shapes")).and(body_json(json!({"length": 3, "kind": "Line"})))
        .respond_with(ResponseTemplate::new(204)).expect(1).mount(&server).await;
    // `Line` has no mapping entry: OpenAPI's implicit tag is its schema name.
    client(&server).draw_shape(Drawing::Line(Line { length: 3 })).send().await.unwrap();
    let dot = Drawing::Dot(Dot { x: Some(1) });
    assert_eq!(serde_json::to_value(&dot).unwrap(), json!({"x": 1, "kind": "dot"}));
    assert_eq!(serde_json::from_value::<Drawing>(json!({"x": 1, "kind": "dot"})).unwrap(), dot);
    // A value the variant's own fields carry is left as it is.
    let circle = Shape::Circle(Circle { shape: "round".into(), radius: 1.0 });
    assert_eq!(serde_json::to_value(&circle).unwrap(), json!({"shape": "round", "radius": 1.0}));
}

#[test]
fn enums_of_every_kind_round_trip() {
    let mixed: Vec<Mixed> = serde_json::from_value(json!(["one", 2, true, false])).unwrap();
    assert_eq!(mixed, [Mixed::One, Mixed::Value2, Mixed::True, Mixed::Unknown(json!(false))]);
    assert_eq!(serde_json::to_value(&mixed).unwrap(), json!(["one", 2, true, false]));
    let levels: Vec<Level> = serde_json::from_value(json!([-1, 0, 7])).unwrap();
    assert_eq!(levels, [Level::ValueMinus1, Level::Value0, Level::Unknown(7)]);
    let kinds: Vec<Kind> = serde_json::from_value(json!(["2-headed", "", "bird"])).unwrap();
    assert_eq!(kinds, [Kind::V2Headed, Kind::Empty, Kind::Unknown("bird".into())]);
    assert_eq!(serde_json::to_value(&kinds).unwrap(), json!(["2-headed", "", "bird"]));
    // A oneOf of constants is one enum: each value is its own variant, not the first member's.
    let seen: Vec<Visibility> = serde_json::from_value(json!([0, 1, 5])).unwrap();
    assert_eq!(seen, [Visibility::None, Visibility::Everyone, Visibility::Unknown(5)]);
    assert_eq!(serde_json::to_value(&seen).unwrap(), json!([0, 1, 5]));
}

#[tokio::test]
async fn types_named_like_the_prelude_are_renamed_and_decode() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/prelude"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": {"text": "hi"}, "items": ["a", "c"]})))
        .mount(&server).await;
    let found: Option2 = client(&server).result().send().await.unwrap().into_inner();
    assert_eq!(found.value, Some(String2 { text: Some("hi".into()) }));
    assert_eq!(found.items, Some(vec![Vec2::A, Vec2::Unknown("c".into())]));
}

#[tokio::test]
async fn a_discriminated_base_extended_through_all_of_decodes_every_subtype_whole() {
    let server = MockServer::start().await;
    let animals = json!([
        {"animalType": "Parrot", "name": "Polly", "wingspan": 0.5, "words": ["hello"]},
        {"animalType": "Bird", "name": "Tweety", "wingspan": 0.2},
        {"animalType": "Animal", "name": "Generic"},
        {"animalType": "Fish", "name": "Nemo", "fins": 3}
    ]);
    Mock::given(method("GET")).and(path("/animals")).respond_with(ResponseTemplate::new(200).set_body_json(animals))
        .mount(&server).await;
    Mock::given(method("POST")).and(path("/animals"))
        .and(body_json(json!({"animalType": "Bird", "name": "Zazu", "wingspan": 1.0})))
        .respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let c = client(&server);

    let listed = c.list_animals().send().await.unwrap().into_inner();

    let Animal::Parrot(polly) = &listed[0] else { panic!("{:?}", listed[0]) };
    assert_eq!((polly.name.as_str(), polly.wingspan, polly.words.as_deref()), ("Polly", Some(0.5), Some(&["hello".to_string()][..])));
    assert!(matches!(&listed[1], Animal::Bird(b) if b.wingspan == Some(0.2)));
    assert!(matches!(&listed[2], Animal::AnimalBase(a) if a.name == "Generic"));
    // A kind this client does not know is kept whole.
    assert_eq!(listed[3], Animal::Unknown(json!({"animalType": "Fish", "name": "Nemo", "fins": 3})));

    // A subtype sent where the base is expected carries its tag and its own properties.
    let zazu = Bird { animal_type: "Bird".into(), name: "Zazu".into(), wingspan: Some(1.0) };
    c.add_animal(Animal::Bird(zazu)).send().await.unwrap();
}

#[tokio::test]
async fn path_parameters_are_written_in_their_style() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let at = GetCellAt { x: 3, y: 4 };
    client(&server)
        .get_cell(vec!["a".into(), "b.c".into()], vec![1, 2], at, "x;y")
        .send()
        .await
        .unwrap();
    let received = &server.received_requests().await.unwrap()[0];
    // Label exploded, matrix, matrix exploded (an object: its fields), simple; each value's own
    // separators encoded (a `.` is unreserved and stays, as in RFC 6570).
    assert_eq!(received.url.path(), "/grid/.a.b.c/;columns=1,2/;x=3;y=4/x%3By");
}

#[tokio::test]
async fn json_content_parameters_and_object_headers_and_cookies_are_written_as_specified() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let filter = GetReportFilter { name: "q1".into(), ids: vec![1, 2] };
    client(&server)
        .get_report(vec!["eu".into()], filter)
        .x_filter(GetReportXFilter { role: Some("admin".into()), first: Some("Alex".into()) })
        .x_range(GetReportXRange { from: Some(1), to: Some(9) })
        .prefs(GetReportPrefs { theme: Some("dark".into()), lang: None })
        .layout(GetReportLayout { cols: Some(3) })
        .send()
        .await
        .unwrap();
    let received = &server.received_requests().await.unwrap()[0];
    // The JSON text of the value, encoded for its place.
    assert_eq!(received.url.path(), "/reports/%5B%22eu%22%5D");
    assert_eq!(raw_query(received), r#"filter={"ids":[1,2],"name":"q1"}"#);
    // Headers in simple style: exploded `key=value`, else keys and values alternating.
    assert_eq!(received.headers.get("X-Filter").unwrap(), "first=Alex,role=admin");
    assert_eq!(received.headers.get("X-Range").unwrap(), "from,1,to,9");
    // Cookies in form style: exploded, a cookie per property (null ones send nothing).
    assert_eq!(received.headers.get("cookie").unwrap(), "theme=dark; layout=cols,3");
}

#[tokio::test]
async fn unions_that_are_part_of_an_object_are_flattened_into_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/media"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"label": "logo", "url": "https://x.test/l.png"})))
        .mount(&server).await;
    Mock::given(method("POST")).and(path("/media"))
        .and(body_json(json!({"name": "docs", "type": "git", "repo": "r"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "docs", "type": "bucket", "bucket": "b"})))
        .mount(&server).await;
    let c = client(&server);

    // The properties beside the union are typed, and so is the variant the rest fits.
    let media = c.get_media().send().await.unwrap().into_inner();
    assert_eq!(media.label, "logo");
    let MediaVariant::MediaVariantVariant2(link) = &media.variant else { panic!("{media:?}") };
    assert_eq!(link.url, "https://x.test/l.png");

    // Sent, the variant's properties (its tag among them) stand beside the object's own; read,
    // the tag picks the variant.
    let git = GitSource { r#type: "git".into(), repo: "r".into() };
    let stored = c
        .add_source(NewSource { name: "docs".into(), source_kind: SourceKind::GitSource(git) })
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stored.name, "docs");
    let SourceKind::BucketSource(bucket) = &stored.source_kind else { panic!("{stored:?}") };
    assert_eq!(bucket.bucket, "b");
}

#[tokio::test]
async fn a_base_whose_union_includes_its_subtypes_decodes_each_subtype_whole() {
    let server = MockServer::start().await;
    let keys = json!([{"kid": "k1", "crv": "P-256"}, {"kid": "k2", "n": "abc"}]);
    Mock::given(method("GET")).and(path("/keys")).respond_with(ResponseTemplate::new(200).set_body_json(keys))
        .mount(&server).await;
    let keys: Vec<SigningKey> = client(&server).list_keys().send().await.unwrap().into_inner();
    // The base is the union of its subtypes, each holding the base's properties and its own.
    let SigningKeyVariant::EcKey(ec) = &keys[0] else { panic!("{:?}", keys[0]) };
    assert_eq!((ec.kid.as_deref(), ec.crv.as_str()), (Some("k1"), "P-256"));
    let SigningKeyVariant::RsaKey(rsa) = &keys[1] else { panic!("{:?}", keys[1]) };
    assert_eq!((rsa.kid.as_deref(), rsa.n.as_str()), (Some("k2"), "abc"));
}

#[tokio::test]
async fn json_sequences_are_read_and_written_one_text_at_a_time() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/events"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{\"kind\":\"a\",\"at\":1}\n\n{\"kind\":\"b\"}\n", "application/x-ndjson"))
        .mount(&server).await;
    Mock::given(method("POST")).and(path("/events"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("\u{1e}{\"kind\":\"c\",\"at\":3}\n", "application/json-seq"))
        .mount(&server).await;
    let client = client(&server);

    let events = client.list_events().send().await.unwrap().into_inner();
    assert_eq!(events, vec![Event { kind: "a".into(), at: Some(1) }, Event { kind: "b".into(), at: None }]);
    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(received.headers.get("accept").unwrap(), "application/x-ndjson");

    let sent = vec![Event { kind: "c".into(), at: Some(3) }, Event { kind: "d".into(), at: None }];
    let stored = client.post_events(sent).send().await.unwrap().into_inner();
    assert_eq!(stored, vec![Event { kind: "c".into(), at: Some(3) }]);
    let received = &server.received_requests().await.unwrap()[1];
    assert_eq!(received.headers.get("content-type").unwrap(), "application/json-seq");
    let body = String::from_utf8(received.body.clone()).unwrap();
    assert_eq!(body, "\u{1e}{\"kind\":\"c\",\"at\":3}\n\u{1e}{\"kind\":\"d\"}\n");

    // A text that is not JSON, or does not match, is named by its place in the sequence.
    server.reset().await;
    Mock::given(method("GET")).and(path("/events"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{\"kind\":\"a\"}\n{\"at\":2}\n", "application/x-ndjson"))
        .mount(&server).await;
    match client.list_events().send().await {
        Err(Error::Decode(e)) => assert_eq!(e.path, "[1]", "{}", e.message),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

/// A server that answers one request with the head of a chunked `text/event-stream` response
/// and its first chunk, then waits for `go` before the second chunk and the end of the body.
async fn two_part_event_server(first: &'static str, second: &'static str) -> (String, tokio::sync::oneshot::Sender<()>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (go, wait) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut byte = [0_u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            socket.read_exact(&mut byte).await.unwrap();
            head.push(byte[0]);
        }
        let chunk = |text: &str| format!("{:x}\r\n{text}\r\n", text.len());
        let start = format!("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n{}", chunk(first));
        socket.write_all(start.as_bytes()).await.unwrap();
        socket.flush().await.unwrap();
        let _ = wait.await;
        socket.write_all(format!("{}0\r\n\r\n", chunk(second)).as_bytes()).await.unwrap();
        socket.flush().await.unwrap();
    });
    (base, go)
}

#[tokio::test]
async fn event_streams_are_read_one_event_at_a_time_as_they_arrive() {
    // The second event is only sent once the first has been read: a client that waited for
    // the end of the body would wait forever.
    let (base, go) = two_part_event_server(
        ": hello\nevent: created\nid: 1\ndata: {\"kind\":\"a\",\n",
        "data: \"at\":1}\n\ndata: [DONE]\n\ndata: {\"kind\":\"b\"}\n\n",
    ).await;
    let client = Client::builder().base_url(base).timeout(std::time::Duration::from_secs(1)).build().unwrap();
    let response = client.watch_events().send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let mut events = response.into_inner();
    go.send(()).unwrap();
    // The timeout covers the headers, not the stream: reading after it has passed still works.
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let first = events.next().await.unwrap().unwrap();
    assert_eq!(first.data, Event { kind: "a".into(), at: Some(1) });
    assert_eq!(first.event.as_deref(), Some("created"));
    assert_eq!(first.id.as_deref(), Some("1"));
    // Data that does not decode is named by its place; the stream goes on after it.
    match events.next().await {
        Some(Err(runtime::EventStreamError::Data { index, data, .. })) => assert_eq!((index, data.as_str()), (1, "[DONE]")),
        other => panic!("expected the second event's data to fail, got {other:?}"),
    }
    let third = events.next().await.unwrap().unwrap();
    assert_eq!((third.data, third.id), (Event { kind: "b".into(), at: None }, Some("1".into())));
    assert!(events.next().await.is_none());
}

#[tokio::test]
async fn event_streams_arrive_before_the_body_ends_and_errors_are_read_whole() {
    let (base, go) = two_part_event_server("data: line one\n\n", "data: line two\ndata: and three\n\n").await;
    let streaming = Client::builder().base_url(base).build().unwrap();
    let mut log = streaming.tail_log().send().await.unwrap().into_inner();
    // Read before the server sends the rest: the event came as it arrived.
    assert_eq!(log.next().await.unwrap().unwrap().data, "line one");
    go.send(()).unwrap();
    let rest: Vec<String> = log.collect().await.unwrap().into_iter().map(|e| e.data).collect();
    assert_eq!(rest, ["line two\nand three"]);

    // A documented error status is read whole and decoded as its media type says.
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/events/live"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"kind": "busy"})))
        .mount(&server).await;
    match client(&server).watch_events().send().await {
        Err(Error::Api(response)) => assert_eq!(response.value(), &operations::WatchEventsError::ServiceUnavailable(Event { kind: "busy".into(), at: None })),
        other => panic!("expected the documented 503, got {other:?}"),
    }
    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(received.headers.get("accept").unwrap(), "text/event-stream, application/json");
}
