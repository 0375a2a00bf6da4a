//! Making up values: examples that fit first, else values built from the type and its facts.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Number, Value};

use super::check::{self, Types};
use super::{FILE_CONTENT, formats, pattern};
use crate::ir::{Api, EnumValue, Field, TypeDef, TypeKind, TypeRef, UnionDef, ValueFacts};

/// Optional fields are filled down to this depth (0 is the body or parameter itself); deeper,
/// only required ones, so that recursive and very large schemas stay small.
const OPTIONAL_DEPTH: usize = 2;
/// Past this depth only what is required and cannot be empty is made (cycles of required
/// fields end here).
const MAX_DEPTH: usize = 12;
/// A required cycle that never ends is cut here with an empty object.
const HARD_DEPTH: usize = 24;
/// Items in a made-up array, unless the schema asks for another number.
const ARRAY_ITEMS: usize = 2;

/// Where a value goes: headers only carry visible ASCII; parameters that are "any value" are
/// best sent as text, bodies and fields as objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    Path,
    Query,
    Header,
    Body,
    /// A response body: read-only fields are sent, write-only ones are not.
    Response,
}

#[derive(Debug, Clone, Copy)]
struct Cx {
    depth: usize,
    place: Place,
    /// Varies scalars of an array with unique items.
    salt: usize,
    /// Whether the document's examples may be used (a union variant is also tried without,
    /// when its example fits another variant too).
    examples: bool,
    /// Optional fields are filled above this depth.
    optional_until: usize,
    /// Whether a union on the way was already tried with more optional fields (see
    /// [`Synth::union`]); one such widening per path keeps recursive schemas finite.
    widened: bool,
}

impl Cx {
    fn at(place: Place) -> Cx {
        Cx {
            depth: 0,
            place,
            salt: 0,
            examples: true,
            optional_until: OPTIONAL_DEPTH,
            widened: false,
        }
    }

    fn nested(self) -> Cx {
        Cx {
            depth: self.depth + 1,
            salt: 0,
            ..self
        }
    }

    /// The same position, filling optional fields further down: variants that differ only
    /// in what their optional properties allow (an `enum` inside an optional object) are told
    /// apart by values that have those properties.
    fn widened(self) -> Option<Cx> {
        (!self.widened).then_some(Cx {
            optional_until: self.depth + 1 + OPTIONAL_DEPTH,
            widened: true,
            examples: false,
            ..self
        })
    }
}

pub(super) struct Synth<'a> {
    types: Types<'a>,
    /// Unions no value of which fits exactly one variant (by name), met on the way.
    ambiguous: std::cell::RefCell<Vec<String>>,
    /// Strings whose facts contradict each other, met on the way (see
    /// [`OperationSample::contradictions`](super::OperationSample::contradictions)).
    contradictions: std::cell::RefCell<Vec<String>>,
}

impl<'a> Synth<'a> {
    pub(super) fn new(api: &'a Api) -> Self {
        Self {
            types: Types::new(api),
            ambiguous: std::cell::RefCell::default(),
            contradictions: std::cell::RefCell::default(),
        }
    }

    /// The contradictions met so far, each once.
    pub(super) fn contradictions(&self) -> Vec<String> {
        let mut found = self.contradictions.borrow().clone();
        found.sort();
        found.dedup();
        found
    }

    /// The unions met so far that no made-up value fits alone.
    pub(super) fn ambiguous_unions(&self) -> Vec<String> {
        let mut names = self.ambiguous.borrow().clone();
        names.sort();
        names.dedup();
        names
    }

    pub(super) fn parameter(&self, ty: &TypeRef, facts: &ValueFacts, place: Place) -> Value {
        let cx = Cx::at(place);
        self.value(ty.non_null(), facts, cx)
    }

    pub(super) fn response(&self, ty: &TypeRef, facts: &ValueFacts) -> Value {
        let cx = Cx::at(Place::Response);
        self.value(ty, facts, cx)
    }

    pub(super) fn body(&self, ty: &TypeRef, facts: &ValueFacts) -> Value {
        let cx = Cx::at(Place::Body);
        self.value(ty, facts, cx)
    }

    fn value(&self, ty: &TypeRef, facts: &ValueFacts, cx: Cx) -> Value {
        if let Some(example) = self.example(&facts.examples, ty, facts, cx) {
            return example;
        }
        if cx.depth >= HARD_DEPTH {
            return Value::Object(Map::new());
        }
        // Values the schema lists (a number enum, or an enum narrowing a referenced type).
        let listed = (0..facts.enumeration.len())
            .map(|i| &facts.enumeration[(cx.salt + i) % facts.enumeration.len()])
            .find(|v| self.types.conforms(v, ty, facts));
        if let Some(value) = listed {
            return value.clone();
        }
        match ty {
            TypeRef::Nullable(_) if cx.depth >= MAX_DEPTH && !facts.null_refused => Value::Null,
            TypeRef::Nullable(inner) => self.value(inner, facts, cx),
            TypeRef::String => Value::String(self.string(facts, cx)),
            TypeRef::Integer { bits, signed } => integer(facts, *bits, *signed, cx.salt),
            TypeRef::Number { .. } => number(facts, cx.salt),
            TypeRef::Boolean => Value::Bool(cx.salt % 2 == 0),
            TypeRef::Bytes => Value::String(formats::base64(FILE_CONTENT)),
            TypeRef::Array(item) => {
                // Two items where the schema allows: one item cannot tell exploded from
                // delimited encodings apart.
                let count = if cx.depth >= MAX_DEPTH {
                    facts.min_items.unwrap_or(0)
                } else {
                    facts.min_items.unwrap_or(0).max(ARRAY_ITEMS)
                };
                let count = facts.max_items.map_or(count, |max| count.min(max));
                let item_facts = facts.items.as_deref().cloned().unwrap_or_default();
                let mut items: Vec<Value> = (0..count)
                    .map(|i| {
                        let mut item_cx = cx.nested();
                        item_cx.salt = i;
                        self.value(item, &item_facts, item_cx)
                    })
                    .collect();
                // Items that came out the same are dropped where unique items are asked for,
                // as far as the minimum allows.
                if facts.unique_items {
                    let mut distinct: Vec<Value> = Vec::new();
                    for value in items.drain(..) {
                        if !distinct.contains(&value) {
                            distinct.push(value);
                        }
                    }
                    // More salts, while the minimum is not met.
                    let mut salt = count;
                    while distinct.len() < facts.min_items.unwrap_or(0) && salt < count * 8 + 8 {
                        let mut item_cx = cx.nested();
                        item_cx.salt = salt;
                        let value = self.value(item, &item_facts, item_cx);
                        if !distinct.contains(&value) {
                            distinct.push(value);
                        }
                        salt += 1;
                    }
                    items = distinct;
                }
                Value::Array(items)
            }
            TypeRef::Tuple(elements) => Value::Array(
                elements
                    .iter()
                    .enumerate()
                    .map(|(i, ty)| {
                        let element_facts = facts.elements.get(i).cloned().unwrap_or_default();
                        // Each element its own salt, as array items: equal values cannot tell
                        // one encoding of a list from another.
                        let mut element_cx = cx.nested();
                        element_cx.salt = i;
                        self.value(ty, &element_facts, element_cx)
                    })
                    .collect(),
            ),
            TypeRef::Map(value) => {
                let wanted = facts.min_properties.unwrap_or(0);
                let count = if **value == TypeRef::Any || cx.depth >= MAX_DEPTH {
                    wanted
                } else {
                    wanted.max(1)
                };
                let item_facts = facts.items.as_deref().cloned().unwrap_or_default();
                let map = (0..count)
                    .map(|i| {
                        let key = if i == 0 {
                            "key".to_string()
                        } else {
                            format!("key{i}")
                        };
                        let value = match **value {
                            TypeRef::Any => Value::String("value".into()),
                            ref ty => self.value(ty, &item_facts, cx.nested()),
                        };
                        (key, value)
                    })
                    .collect();
                Value::Object(map)
            }
            TypeRef::Any => match cx.place {
                Place::Body | Place::Response => Value::Object(Map::new()),
                Place::Path | Place::Query | Place::Header => Value::String("smoke".into()),
            },
            TypeRef::Named(name) => self.named(name, facts, cx),
        }
    }

    /// The first example that fits the type (and, in headers, is visible ASCII).
    fn example(
        &self,
        examples: &[Value],
        ty: &TypeRef,
        facts: &ValueFacts,
        cx: Cx,
    ) -> Option<Value> {
        if !cx.examples {
            return None;
        }
        examples
            .iter()
            .find(|example| {
                (cx.place != Place::Header || header_safe(example))
                    && (cx.place != Place::Path || !matches!(example, Value::String(s) if s.is_empty() || s == "." || s == ".."))
                    && self.types.conforms(example, ty, facts)
                    && self.fits_one_variant(example, ty)
            })
            .cloned()
    }

    /// For an untagged union (through aliases), whether the value fits exactly one variant;
    /// true for any other type.
    fn fits_one_variant(&self, value: &Value, ty: &TypeRef) -> bool {
        let TypeRef::Named(name) = ty.non_null() else {
            return true;
        };
        match self.types.get(name).map(|d| &d.kind) {
            Some(TypeKind::Union(u)) if u.discriminator.is_none() => {
                u.variants
                    .iter()
                    .filter(|v| self.types.conforms(value, &v.ty, &v.facts))
                    .count()
                    == 1
            }
            Some(TypeKind::Alias(inner)) => self.fits_one_variant(value, inner),
            _ => true,
        }
    }

    /// Puts a value for one field of a struct into its object.
    fn fill_field(&self, object: &mut Map<String, Value>, field: &Field, cx: Cx, response: bool) {
        let field_cx = Cx {
            place: if response {
                Place::Response
            } else {
                Place::Body
            },
            ..cx.nested()
        };
        match (field.flatten, self.value(&field.ty, &field.facts, field_cx)) {
            // A flattened union's properties stand beside the others.
            (true, Value::Object(variant)) => object.extend(variant),
            (true, _) => {}
            (false, value) => {
                object.insert(field.name.clone(), value);
            }
        }
    }

    fn named(&self, name: &str, facts: &ValueFacts, cx: Cx) -> Value {
        let Some(def) = self.types.get(name) else {
            return Value::Null;
        };
        let ty = TypeRef::Named(name.to_string());
        if let Some(example) = self.example(&def.facts.examples, &ty, &def.facts, cx) {
            return example;
        }
        match &def.kind {
            TypeKind::Struct(s) => {
                let mut object = Map::new();
                let response = cx.place == Place::Response;
                // A choice of required sets: the first set is filled, and for `oneOf` what only
                // the other sets name is left out.
                let chosen: BTreeSet<&str> = s
                    .required_choices
                    .iter()
                    .filter_map(|c| c.alternatives.first())
                    .flatten()
                    .map(String::as_str)
                    .collect();
                let left_out: BTreeSet<&str> = s
                    .required_choices
                    .iter()
                    .filter(|c| c.exactly_one)
                    .flat_map(|c| c.alternatives.iter().skip(1).flatten())
                    .map(String::as_str)
                    .filter(|name| !chosen.contains(name))
                    .collect();
                // Optional fields left out, to meet `minProperties` below the optional depth.
                let mut spare = Vec::new();
                for field in &s.fields {
                    // Read-only fields belong in answers only, write-only ones in requests.
                    let one_way = if response {
                        field.write_only
                    } else {
                        field.read_only
                    };
                    let optional = !one_way && !left_out.contains(field.name.as_str());
                    let wanted = field.required
                        || chosen.contains(field.name.as_str())
                        || (cx.depth < cx.optional_until && optional);
                    if !wanted {
                        if optional {
                            spare.push(field);
                        }
                        continue;
                    }
                    self.fill_field(&mut object, field, cx, response);
                }
                let min_properties = facts
                    .min_properties
                    .or(def.facts.min_properties)
                    .unwrap_or(0);
                for field in spare {
                    if object.len() >= min_properties {
                        break;
                    }
                    self.fill_field(&mut object, field, cx, response);
                }
                // Required names the schema does not declare go in the extra properties. Where
                // nothing describes them, a string: every body and parameter encoding carries
                // one (a form body writes nothing for an empty object).
                if let Some(extra) = &s.additional {
                    for name in &s.required_extra {
                        let value = match extra {
                            TypeRef::Any => Value::String("smoke".into()),
                            _ => self.value(extra, &ValueFacts::default(), cx.nested()),
                        };
                        object.insert(name.clone(), value);
                    }
                }
                Value::Object(object)
            }
            TypeKind::Enum(e) => e
                .variants
                .get(cx.salt % e.variants.len().max(1))
                .map_or(Value::Null, |v| enum_value(&v.value)),
            TypeKind::Union(u) => self.union(name, u, cx),
            TypeKind::Alias(inner) => {
                let merged = merge(facts, &def.facts);
                self.value(inner, &merged, cx)
            }
        }
    }

    /// A tagged union: the first variant whose value, with its tag set, fits no other variant
    /// (a validator of `oneOf` ignores the discriminator), else the first. An untagged one: the
    /// first variant whose value fits it and no other variant (made from the document's
    /// examples, else without them), else the first whose value fits it.
    fn union(&self, name: &str, u: &UnionDef, cx: Cx) -> Value {
        let attempts: Vec<Cx> = [Some(cx.nested()), cx.nested().widened()]
            .into_iter()
            .flatten()
            .collect();
        if let Some(property) = &u.discriminator {
            let mut first = None;
            for (attempt, (i, variant)) in attempts
                .iter()
                .flat_map(|a| u.variants.iter().enumerate().map(move |v| (*a, v)))
            {
                let mut value = self.value(&variant.ty, &variant.facts, attempt);
                if let (Value::Object(map), Some(tag)) = (&mut value, variant.tags.first()) {
                    map.insert(property.clone(), Value::String(tag.clone()));
                }
                let ambiguous = u.variants.iter().enumerate().any(|(j, other)| {
                    j != i && self.types.conforms(&value, &other.ty, &other.facts)
                });
                if !ambiguous {
                    return value;
                }
                first.get_or_insert(value);
            }
            if first.is_some() {
                self.ambiguous.borrow_mut().push(name.to_string());
            }
            return first.unwrap_or(Value::Null);
        }
        let mut fitting = None;
        // Each variant as it is made elsewhere (with the document's examples, then without);
        // only when none fits exactly one variant, each again with more optional fields.
        let with_examples = cx.nested();
        let without = Cx {
            examples: false,
            ..with_examples
        };
        let plain = if cx.examples {
            vec![with_examples, without]
        } else {
            vec![without]
        };
        let rounds = [plain, with_examples.widened().into_iter().collect()];
        for (i, variant, attempt) in rounds.iter().flat_map(|round| {
            u.variants
                .iter()
                .enumerate()
                .flat_map(move |(i, v)| round.iter().map(move |a| (i, v, *a)))
        }) {
            let value = self.value(&variant.ty, &variant.facts, attempt);
            if !self.types.conforms(&value, &variant.ty, &variant.facts) {
                continue;
            }
            let ambiguous = u.variants.iter().enumerate().any(|(j, other)| {
                j != i
                    && (self.types.conforms(&value, &other.ty, &other.facts)
                        || read_as_text(&value, &other.ty, cx.place))
            });
            if !ambiguous {
                return value;
            }
            fitting.get_or_insert(value);
        }
        self.ambiguous.borrow_mut().push(name.to_string());
        fitting.unwrap_or_else(|| {
            u.variants
                .first()
                .map_or(Value::Null, |v| self.value(&v.ty, &v.facts, cx.nested()))
        })
    }

    fn string(&self, facts: &ValueFacts, cx: Cx) -> String {
        let base = formats::sample(facts.format.as_deref());
        let plain = base.is_none();
        let base = base.unwrap_or("smoke");
        let salted = if plain && cx.salt > 0 {
            format!("{base}{}", cx.salt)
        } else {
            base.to_string()
        };
        let mut candidates = Vec::new();
        let mut from_pattern = None;
        if let Some(p) = &facts.pattern {
            let generated = pattern::generate(p, facts.min_length, facts.max_length, cx.salt)
                .or_else(|| pattern::generate(p, facts.min_length, facts.max_length, 0));
            from_pattern = generated.clone().map(|text| (p, text));
            candidates.extend(generated);
        }
        candidates.push(salted.clone());
        candidates.push(fit_length(&salted, facts.min_length, facts.max_length));
        if let Some(found) = candidates
            .iter()
            .find(|c| self.types.string_conforms(c, facts))
        {
            return found.clone();
        }
        // A text the pattern matches that the format refuses: no value can satisfy both.
        if let (Some((pattern, text)), Some(format)) = (&from_pattern, &facts.format) {
            if check::pattern_matches(pattern, text) && !formats::fits(Some(format), text) {
                self.contradictions
                    .borrow_mut()
                    .push(format!("pattern `{pattern}` with format `{format}`"));
            }
        }
        candidates.last().cloned().unwrap_or(salted)
    }
}

/// A header value must be visible ASCII (a scalar, or an array of them).
fn header_safe(value: &Value) -> bool {
    let text_ok = |s: &str| s.bytes().all(|b| (0x20..0x7f).contains(&b));
    match value {
        Value::String(s) => text_ok(s),
        Value::Array(items) => items.iter().all(header_safe),
        Value::Object(map) => map.values().all(header_safe),
        Value::Null => false,
        Value::Bool(_) | Value::Number(_) => true,
    }
}

pub(super) fn enum_value(value: &EnumValue) -> Value {
    match value {
        EnumValue::String(s) => Value::String(s.clone()),
        EnumValue::Integer(n) => Value::from(*n),
        EnumValue::Json(text) => serde_json::from_str(text).unwrap_or(Value::String(text.clone())),
    }
}

/// What `outer` says, completed by `inner` (a use's facts over its type definition's).
fn merge(outer: &ValueFacts, inner: &ValueFacts) -> ValueFacts {
    let mut out = outer.clone();
    out.examples.extend(inner.examples.iter().cloned());
    out.format = out.format.or_else(|| inner.format.clone());
    out.pattern = out.pattern.or_else(|| inner.pattern.clone());
    out.minimum = out.minimum.or(inner.minimum);
    out.maximum = out.maximum.or(inner.maximum);
    out.exclusive_minimum |= inner.exclusive_minimum;
    out.exclusive_maximum |= inner.exclusive_maximum;
    out.multiple_of = out.multiple_of.or(inner.multiple_of);
    out.min_length = out.min_length.or(inner.min_length);
    out.max_length = out.max_length.or(inner.max_length);
    out.min_items = out.min_items.or(inner.min_items);
    out.max_items = out.max_items.or(inner.max_items);
    out.unique_items |= inner.unique_items;
    out.min_properties = out.min_properties.or(inner.min_properties);
    out.null_refused |= inner.null_refused;
    if out.enumeration.is_empty() {
        out.enumeration = inner.enumeration.clone();
    }
    out.items = out.items.or_else(|| inner.items.clone());
    out
}

/// Pads with `x` or cuts to fit the length bounds.
fn fit_length(text: &str, min: Option<usize>, max: Option<usize>) -> String {
    let mut out: String = text.to_string();
    let len = out.chars().count();
    if let Some(min) = min.filter(|m| len < *m) {
        out.extend(std::iter::repeat_n('x', min - len));
    }
    if let Some(max) = max {
        out = out.chars().take(max).collect();
    }
    out
}

/// The range of an integer type.
fn type_range(bits: u8, signed: bool) -> (i128, i128) {
    let bits = u32::from(bits.clamp(8, 64));
    if signed {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    }
}

fn integer(facts: &ValueFacts, bits: u8, signed: bool, salt: usize) -> Value {
    let (mut lo, mut hi) = type_range(bits, signed);
    if facts.format.as_deref() == Some("int32") {
        lo = lo.max(i128::from(i32::MIN));
        hi = hi.min(i128::from(i32::MAX));
    }
    if let Some(min) = facts.minimum {
        let bound = min.ceil() as i128;
        let bound = if facts.exclusive_minimum && bound as f64 == min {
            bound + 1
        } else {
            bound
        };
        lo = lo.max(bound);
    }
    if let Some(max) = facts.maximum {
        let bound = max.floor() as i128;
        let bound = if facts.exclusive_maximum && bound as f64 == max {
            bound - 1
        } else {
            bound
        };
        hi = hi.min(bound);
    }
    let mut value = (1 + salt as i128).clamp(lo, hi.max(lo));
    if let Some(step) = facts.multiple_of.map(|m| m as i128).filter(|m| *m > 0) {
        let up = value.div_euclid(step) * step + if value.rem_euclid(step) == 0 { 0 } else { step };
        let down = value.div_euclid(step) * step;
        value = if up <= hi { up } else { down };
    }
    if let Ok(v) = i64::try_from(value) {
        Value::from(v)
    } else {
        u64::try_from(value).map_or(Value::from(0), Value::from)
    }
}

fn number(facts: &ValueFacts, salt: usize) -> Value {
    let fits = |c: f64| {
        facts.minimum.is_none_or(|l| {
            if facts.exclusive_minimum {
                c > l
            } else {
                c >= l
            }
        }) && facts.maximum.is_none_or(|h| {
            if facts.exclusive_maximum {
                c < h
            } else {
                c <= h
            }
        })
    };
    let mut candidates = vec![1.5 + salt as f64, 1.0 + salt as f64, 0.0];
    if let Some(l) = facts.minimum {
        candidates.extend([l, l + 1.0]);
    }
    if let Some(h) = facts.maximum {
        candidates.extend([h, h - 1.0]);
    }
    if let (Some(l), Some(h)) = (facts.minimum, facts.maximum) {
        candidates.push(l + (h - l) / 2.0);
    }
    let mut value = candidates.iter().copied().find(|c| fits(*c)).unwrap_or(1.0);
    if let Some(step) = facts.multiple_of.filter(|m| *m > 0.0) {
        let k = (value / step).ceil();
        let mut stepped = round_like(k * step, step);
        if !fits(stepped) {
            stepped = round_like((value / step).floor() * step, step);
        }
        value = stepped;
    }
    Number::from_f64(value).map_or(Value::from(1), Value::Number)
}

/// Rounds `value` to as many decimals as `step` has, so `0.1 * 3` is `0.3`.
fn round_like(value: f64, step: f64) -> f64 {
    let text = format!("{step}");
    let decimals = text.split('.').nth(1).map_or(0, str::len).min(12);
    let scale = 10f64.powi(i32::try_from(decimals).unwrap_or(0));
    (value * scale).round() / scale
}

/// Lookup of an API's type definitions by name.
pub(super) fn type_map(api: &Api) -> HashMap<&str, &TypeDef> {
    api.types.iter().map(|t| (t.name.as_str(), t)).collect()
}

/// A parameter is text on the wire: a number or boolean sent there also fits a string variant
/// (a server reading `1` cannot tell the integer from the string).
fn read_as_text(value: &Value, other: &TypeRef, place: Place) -> bool {
    matches!(place, Place::Path | Place::Query | Place::Header)
        && matches!(value, Value::Number(_) | Value::Bool(_))
        && matches!(other.non_null(), TypeRef::String)
}
