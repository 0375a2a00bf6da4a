//! Whether a JSON value fits a type and its facts, as far as the IR knows them: used to choose
//! among the document's examples and union variants. It errs on the side of "fits" where the IR
//! knows nothing (`Any`, patterns the regex engine cannot read).

use std::cell::RefCell;
use std::collections::HashMap;

use regex::Regex;
use serde_json::Value;

use super::formats;
use super::values::{enum_value, type_map};
use crate::ir::{Api, TypeDef, TypeKind, TypeRef, ValueFacts};

/// Deeper than this, a value is taken to fit (recursive types).
const MAX_DEPTH: usize = 48;

/// An API's types, for checking values against them.
pub(super) struct Types<'a> {
    by_name: HashMap<&'a str, &'a TypeDef>,
}

/// Whether `value` fits `ty` with `facts` in `api`.
pub fn conforms(api: &Api, value: &Value, ty: &TypeRef, facts: &ValueFacts) -> bool {
    Types::new(api).conforms(value, ty, facts)
}

impl<'a> Types<'a> {
    pub(super) fn new(api: &'a Api) -> Self {
        Self {
            by_name: type_map(api),
        }
    }

    pub(super) fn get(&self, name: &str) -> Option<&'a TypeDef> {
        self.by_name.get(name).copied()
    }

    pub(super) fn conforms(&self, value: &Value, ty: &TypeRef, facts: &ValueFacts) -> bool {
        self.fits(value, ty, facts, 0)
    }

    pub(super) fn string_conforms(&self, text: &str, facts: &ValueFacts) -> bool {
        string_fits(text, facts)
    }

    fn fits(&self, value: &Value, ty: &TypeRef, facts: &ValueFacts, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return true;
        }
        let listed = |v: &Value| {
            facts.enumeration.is_empty()
                || facts
                    .enumeration
                    .iter()
                    .any(|e| match (e.as_f64(), v.as_f64()) {
                        (Some(a), Some(b)) => a == b,
                        _ => e == v,
                    })
        };
        if !value.is_null() && !listed(value) {
            return false;
        }
        match (ty, value) {
            (TypeRef::Nullable(_), Value::Null) => !facts.null_refused,
            (TypeRef::Any, _) => true,
            (TypeRef::Nullable(inner), _) => self.fits(value, inner, facts, depth),
            (TypeRef::String, Value::String(s)) => string_fits(s, facts),
            (TypeRef::Bytes, Value::String(_)) | (TypeRef::Boolean, Value::Bool(_)) => true,
            (TypeRef::Integer { bits, signed }, Value::Number(n)) => {
                integer_fits(n, *bits, *signed) && number_fits(n.as_f64(), facts)
            }
            (TypeRef::Number { .. }, Value::Number(n)) => number_fits(n.as_f64(), facts),
            (TypeRef::Array(item), Value::Array(items)) => {
                let item_facts = facts.items.as_deref().cloned().unwrap_or_default();
                facts.min_items.is_none_or(|m| items.len() >= m)
                    && facts.max_items.is_none_or(|m| items.len() <= m)
                    && (!facts.unique_items || all_distinct(items))
                    && items
                        .iter()
                        .all(|i| self.fits(i, item, &item_facts, depth + 1))
            }
            (TypeRef::Tuple(elements), Value::Array(items)) => {
                items.len() == elements.len()
                    && items
                        .iter()
                        .zip(elements)
                        .enumerate()
                        .all(|(i, (item, ty))| {
                            let element_facts = facts.elements.get(i).cloned().unwrap_or_default();
                            self.fits(item, ty, &element_facts, depth + 1)
                        })
            }
            (TypeRef::Map(value_ty), Value::Object(map)) => {
                let item_facts = facts.items.as_deref().cloned().unwrap_or_default();
                facts.min_properties.is_none_or(|m| map.len() >= m)
                    && map
                        .values()
                        .all(|v| self.fits(v, value_ty, &item_facts, depth + 1))
            }
            (TypeRef::Named(name), _) => self.named_fits(value, name, facts, depth),
            _ => false,
        }
    }

    fn named_fits(&self, value: &Value, name: &str, facts: &ValueFacts, depth: usize) -> bool {
        let Some(def) = self.get(name) else {
            return false;
        };
        match &def.kind {
            TypeKind::Struct(s) => {
                let Value::Object(map) = value else {
                    return false;
                };
                let closed = facts.closed || def.facts.closed;
                // A flattened union is checked against the whole object, and may declare any
                // of its properties.
                let flattened = s.fields.iter().any(|f| f.flatten);
                let declared =
                    |k: &String| flattened || s.fields.iter().any(|f| !f.flatten && &f.name == k);
                s.fields
                    .iter()
                    .all(|f| match (f.flatten, map.get(&f.name)) {
                        (true, _) => self.fits(value, &f.ty, &f.facts, depth + 1),
                        (false, None) => !f.required,
                        (false, Some(v)) => self.fits(v, &f.ty, &f.facts, depth + 1),
                    })
                    && s.required_extra.iter().all(|name| map.contains_key(name))
                    && s.required_choices.iter().all(|choice| {
                        let full = choice
                            .alternatives
                            .iter()
                            .filter(|names| names.iter().all(|n| map.contains_key(n)))
                            .count();
                        if choice.exactly_one {
                            full == 1
                        } else {
                            full >= 1
                        }
                    })
                    && (!closed || map.keys().all(declared))
                    && s.additional.as_ref().is_none_or(|extra| {
                        map.iter()
                            .filter(|(k, _)| !declared(k))
                            .all(|(_, v)| self.fits(v, extra, &ValueFacts::default(), depth + 1))
                    })
            }
            TypeKind::Enum(e) => e.variants.iter().any(|v| enum_value(&v.value) == *value),
            TypeKind::Union(u) => match &u.discriminator {
                Some(property) => {
                    let tag = value.get(property).and_then(Value::as_str);
                    u.variants.iter().any(|v| {
                        tag.is_some_and(|t| v.tags.iter().any(|x| x == t))
                            && self.fits(value, &v.ty, &v.facts, depth + 1)
                    })
                }
                None => u
                    .variants
                    .iter()
                    .any(|v| self.fits(value, &v.ty, &v.facts, depth + 1)),
            },
            TypeKind::Alias(inner) => {
                self.fits(value, inner, facts, depth + 1)
                    && self.fits(value, inner, &def.facts, depth + 1)
            }
        }
    }
}

fn all_distinct(items: &[Value]) -> bool {
    items
        .iter()
        .enumerate()
        .all(|(i, a)| items[i + 1..].iter().all(|b| a != b))
}

fn integer_fits(n: &serde_json::Number, bits: u8, signed: bool) -> bool {
    let value = n
        .as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from));
    let Some(value) = value else {
        return false;
    };
    let bits = u32::from(bits.clamp(8, 64));
    let (lo, hi) = if signed {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    };
    (lo..=hi).contains(&value)
}

fn number_fits(value: Option<f64>, facts: &ValueFacts) -> bool {
    let Some(v) = value else {
        return false;
    };
    let above = facts.minimum.is_none_or(|l| {
        if facts.exclusive_minimum {
            v > l
        } else {
            v >= l
        }
    });
    let below = facts.maximum.is_none_or(|h| {
        if facts.exclusive_maximum {
            v < h
        } else {
            v <= h
        }
    });
    let stepped = facts.multiple_of.filter(|m| *m > 0.0).is_none_or(|m| {
        let ratio = v / m;
        (ratio - ratio.round()).abs() < 1e-9
    });
    let format_ok = match facts.format.as_deref() {
        Some("int32") => (f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&v),
        _ => true,
    };
    above && below && stepped && format_ok
}

fn string_fits(text: &str, facts: &ValueFacts) -> bool {
    let len = text.chars().count();
    facts.min_length.is_none_or(|m| len >= m)
        && facts.max_length.is_none_or(|m| len <= m)
        && formats::fits(facts.format.as_deref(), text)
        && facts
            .pattern
            .as_deref()
            .is_none_or(|p| pattern_matches(p, text))
}

thread_local! {
    /// Compiled patterns; `None` for patterns the regex engine cannot read.
    static PATTERNS: RefCell<HashMap<String, Option<Regex>>> = RefCell::new(HashMap::new());
}

/// Whether `text` contains a match of `pattern` (JSON Schema patterns are not anchored). A
/// pattern the regex engine cannot read (look-arounds) is taken to match.
pub(super) fn pattern_matches(pattern: &str, text: &str) -> bool {
    PATTERNS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let compiled = cache
            .entry(pattern.to_string())
            .or_insert_with(|| Regex::new(pattern).ok());
        compiled.as_ref().is_none_or(|re| re.is_match(text))
    })
}
