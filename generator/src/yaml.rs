//! YAML → JSON tree, for every YAML a document may contain.
//!
//! `serde_json::Value` cannot hold integers beyond 64 bits, and deserializing YAML straight into
//! it fails on them (`minimum: -9223372036854776000` in real documents). Such integers load as
//! floats here, as they do from JSON. Mapping keys that are not strings (`200:`, `true:`) become
//! strings, and YAML merge keys (`<<: *base`) are applied.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::diagnostics::escape_pointer_token;

/// Parses YAML text into a JSON tree.
#[cfg(test)]
pub fn parse(text: &str) -> Result<Value, serde_yaml::Error> {
    parse_reporting(text).map(|(value, _)| value)
}

/// Parses YAML text into a JSON tree, with the JSON pointers of the keys a mapping gives twice
/// (YAML requires unique keys; the last value is the one kept).
pub fn parse_reporting(text: &str) -> Result<(Value, Vec<String>), serde_yaml::Error> {
    let repeated = RefCell::new(Vec::new());
    let mut value = Tree::seed(&repeated).deserialize(serde_yaml::Deserializer::from_str(text))?;
    apply_merge_keys(&mut value);
    Ok((value, repeated.into_inner()))
}

/// Parses JSON text into a JSON tree, with the JSON pointers of the names an object gives twice
/// (RFC 8259 says they should be unique; the last value is the one kept, as parsers do).
pub fn parse_json_reporting(text: &str) -> Result<(Value, Vec<String>), serde_json::Error> {
    let repeated = RefCell::new(Vec::new());
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = Tree::seed(&repeated).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok((value, repeated.into_inner()))
}

/// Reads any value into a JSON tree; `repeated` collects the pointers of repeated keys.
struct Tree<'a> {
    repeated: &'a RefCell<Vec<String>>,
    /// Where the value is: `None` at the root.
    at: Option<&'a Crumb<'a>>,
}

/// One step from the root to a value, kept only to name a repeated key.
struct Crumb<'a> {
    step: Step<'a>,
    parent: Option<&'a Crumb<'a>>,
}

enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

impl<'a> Tree<'a> {
    fn seed(repeated: &'a RefCell<Vec<String>>) -> Self {
        Tree { repeated, at: None }
    }

    fn pointer(&self, key: &str) -> String {
        let mut tokens = vec![escape_pointer_token(key)];
        let mut at = self.at;
        while let Some(crumb) = at {
            tokens.push(match crumb.step {
                Step::Key(key) => escape_pointer_token(key),
                Step::Index(i) => i.to_string(),
            });
            at = crumb.parent;
        }
        tokens.iter().rev().map(|t| format!("/{t}")).collect()
    }
}

fn float(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

impl<'de> DeserializeSeed<'de> for Tree<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// A mapping key: any scalar, read as its text.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        let ignored = RefCell::new(Vec::new());
        Tree::seed(&ignored).deserialize(deserializer)
    }
}

impl<'de> Visitor<'de> for Tree<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| float(v as f64), |v| Value::Number(v.into())))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map_or_else(|_| float(v as f64), |v| Value::Number(v.into())))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let crumb = Crumb {
                step: Step::Index(items.len()),
                parent: self.at,
            };
            let seed = Tree {
                repeated: self.repeated,
                at: Some(&crumb),
            };
            match seq.next_element_seed(seed)? {
                Some(item) => items.push(item),
                None => break,
            }
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key_seed(Key)? {
            let key = match key {
                Value::String(s) => s,
                Value::Null => "null".to_string(),
                Value::Array(_) | Value::Object(_) => {
                    return Err(de::Error::custom("a mapping key must be a scalar"));
                }
                other => other.to_string(),
            };
            let crumb = Crumb {
                step: Step::Key(&key),
                parent: self.at,
            };
            let value = access.next_value_seed(Tree {
                repeated: self.repeated,
                at: Some(&crumb),
            })?;
            // The merge key `<<` may be repeated: each adds what the mapping lacks.
            if map.contains_key(&key) && key != "<<" {
                self.repeated.borrow_mut().push(self.pointer(&key));
            }
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

/// Applies YAML merge keys: `<<: *base` (or a list of them) adds the keys the mapping lacks.
fn apply_merge_keys(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(merged) = map.shift_remove("<<") {
                let sources = match merged {
                    Value::Array(items) => items,
                    other => vec![other],
                };
                for source in sources {
                    if let Value::Object(source) = source {
                        for (k, v) in source {
                            if !map.contains_key(&k) {
                                map.insert(k, v);
                            }
                        }
                    }
                }
            }
            map.values_mut().for_each(apply_merge_keys);
        }
        Value::Array(items) => items.iter_mut().for_each(apply_merge_keys),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integers_beyond_64_bits_load_as_floats() {
        let v = parse("a: -9223372036854776000\nb: 99999999999999999999999\nc: 7\n").unwrap();
        assert_eq!(v["a"].as_f64(), Some(-9.223372036854776e18));
        assert_eq!(v["b"].as_f64(), Some(1e23));
        assert_eq!(v["c"], json!(7));
    }

    #[test]
    fn scalar_keys_become_strings_and_merge_keys_apply() {
        let v = parse("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n200: ok\ntrue: t\n").unwrap();
        assert_eq!(v["m"], json!({"y": 3, "x": 1}));
        assert_eq!(v["200"], json!("ok"));
        assert_eq!(v["true"], json!("t"));
    }

    #[test]
    fn keys_given_twice_are_named_by_their_pointer_and_the_last_is_read() {
        let text = "paths:\n  /a: {get: 1}\n  /a: {post: 2}\nlist:\n  - {x: 1, x: 2}\nm: {<<: {a: 1}, b: 2}\n";
        let (value, repeated) = parse_reporting(text).unwrap();
        assert_eq!(repeated, ["/paths/~1a", "/list/0/x"]);
        assert_eq!(value["paths"]["/a"], json!({"post": 2}));
        assert_eq!(value["list"][0]["x"], json!(2));
        let (value, repeated) = parse_json_reporting(r#"{"a": {"b~c": 1, "b~c": 2}, "n": 1e300}"#)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(repeated, ["/a/b~0c"]);
        assert_eq!(value["a"]["b~c"], json!(2));
    }

    #[test]
    fn json_errors_and_trailing_text_are_refused() {
        assert!(parse_json_reporting("{\"a\": 1} x").is_err());
        let err = parse_json_reporting("{\"a\": \n [}").unwrap_err();
        assert_eq!(err.line(), 2);
    }

    #[test]
    fn syntax_errors_keep_their_location() {
        let err = parse("a: [\n").unwrap_err();
        assert!(err.location().is_some());
    }
}
