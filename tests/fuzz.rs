//! Property test: mutated specs (keys deleted, values of the wrong type, broken references)
//! never make the generator panic; they generate, or fail with diagnostics.
//!
//! `FUZZ_CASES=100000 cargo test --release -p tests --test fuzz -- --nocapture` runs a longer
//! campaign locally; the suite runs 2,000 cases.

use std::path::Path;

use generator::{CrateSettings, Layout};
use proptest::prelude::*;
use serde_json::Value;

fn seeds() -> Vec<(String, Value)> {
    let root = tests::workspace_root();
    let mut files: Vec<std::path::PathBuf> = ["teams.yaml", "membership.yaml", "cpaas.yaml"]
        .iter()
        .map(|f| root.join("spec").join(f))
        .collect();
    for extra in [
        "oai-petstore-expanded.yaml",
        "oxide-keeper.json",
        "swagger-petstore3.yaml",
        "v2-oai-uber.json",
        "v31-swagger-petstore.yaml",
    ] {
        let path = root.join("../shared/corpus").join(extra);
        if path.exists() {
            files.push(path);
        }
    }
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let value: Value = serde_yaml::from_str(&text).unwrap();
            (
                path.file_name().unwrap().to_string_lossy().to_string(),
                value,
            )
        })
        .collect()
}

/// Every node's pointer, in document order.
fn pointers(value: &Value, base: String, out: &mut Vec<String>) {
    out.push(base.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(
                    v,
                    format!("{base}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{base}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete,
    Replace(u8),
    BreakRef,
    Rename,
}

fn replacement(kind: u8) -> Value {
    match kind % 8 {
        0 => Value::Null,
        1 => serde_json::json!(0),
        2 => serde_json::json!(-1),
        3 => serde_json::json!(true),
        4 => serde_json::json!("x"),
        5 => serde_json::json!([]),
        6 => serde_json::json!({}),
        _ => serde_json::json!({"$ref": "#/components/schemas/Nope"}),
    }
}

fn mutate(doc: &mut Value, pointer: &str, mutation: &Mutation) {
    let Some((parent_ptr, key)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = key.replace("~1", "/").replace("~0", "~");
    let Some(parent) = doc.pointer_mut(parent_ptr) else {
        return;
    };
    match (parent, mutation) {
        (Value::Object(map), Mutation::Delete) => {
            map.shift_remove(&key);
        }
        (Value::Array(items), Mutation::Delete) => {
            if let Ok(i) = key.parse::<usize>() {
                if i < items.len() {
                    items.remove(i);
                }
            }
        }
        (Value::Object(map), Mutation::Rename) => {
            if let Some(v) = map.shift_remove(&key) {
                map.insert(format!("{key}_renamed"), v);
            }
        }
        (parent, Mutation::Replace(kind)) => {
            if let Some(slot) =
                parent.pointer_mut(&format!("/{}", key.replace('~', "~0").replace('/', "~1")))
            {
                *slot = replacement(*kind);
            }
        }
        (parent, Mutation::BreakRef) => {
            if let Some(Value::String(s)) = parent.get_mut(&key) {
                s.push_str("Gone");
            } else if let Some(slot) =
                parent.pointer_mut(&format!("/{}", key.replace('~', "~0").replace('/', "~1")))
            {
                *slot = serde_json::json!({"$ref": "#/components/schemas/Gone"});
            }
        }
        _ => {}
    }
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::Delete),
        any::<u8>().prop_map(Mutation::Replace),
        Just(Mutation::BreakRef),
        Just(Mutation::Rename),
    ]
}

fn run_pipeline(name: &str, doc: &Value, lenient: bool) {
    let text = serde_json::to_string(doc).unwrap();
    let file = Path::new(name).with_extension("json");
    let settings = CrateSettings {
        crate_name: "fuzz".into(),
        layout: Layout::Standalone,
        command: "fuzz".into(),
    };
    let options = generator::load::LoadOptions { lenient };
    if let Ok(loaded) = generator::load::load_str_with(&file, &text, options) {
        if let Ok(normalized) = generator::normalize::normalize(&loaded, "api") {
            let _ = generator::emit::emit_crate(&[normalized.api], &settings);
        }
    }
}

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

#[test]
fn mutated_specs_never_panic() {
    let seeds = seeds();
    let all: Vec<(String, Value, Vec<String>)> = seeds
        .into_iter()
        .map(|(name, value)| {
            let mut ps = Vec::new();
            pointers(&value, String::new(), &mut ps);
            (name, value, ps)
        })
        .collect();
    let config = ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let strategy = (
        0..all.len(),
        proptest::collection::vec((any::<prop::sample::Index>(), mutation()), 1..4),
        any::<bool>(),
    );
    proptest::test_runner::TestRunner::new(config)
        .run(&strategy, |(seed, mutations, lenient)| {
            let (name, value, ps) = &all[seed];
            let mut doc = value.clone();
            for (index, m) in &mutations {
                let pointer = index.get(ps);
                mutate(&mut doc, pointer, m);
            }
            run_pipeline(name, &doc, lenient);
            Ok(())
        })
        .unwrap();
    println!(
        "fuzz: {} mutated specs generated or rejected without a panic",
        cases()
    );
}
