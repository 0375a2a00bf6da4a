//! Model types: structs, forward-compatible enums, unions and aliases.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::doc_markdown::{block, code};
use super::tokens::{Scope, doc_lines, docs, ident, type_tokens, uses_module};
use crate::ir::{
    Api, EnumDef, EnumRepr, EnumValue, Field, MediaKind, RequiredChoice, StructDef, TypeDef,
    TypeKind, TypeRef, UnionDef,
};

/// The `types` module of one API.
pub fn types_module(api: &Api) -> TokenStream {
    let items = type_items(api, &api.types);
    let prologue = types_prologue(uses_module(&items, "runtime"));
    quote! { #prologue #items }
}

/// The module docs and imports that open `types.rs`.
pub fn types_prologue(uses_runtime: bool) -> TokenStream {
    let runtime = uses_runtime.then(|| quote! { use crate::runtime; });
    quote! {
        //! Request and response models.
        #runtime
    }
}

/// The items of `defs`, a run of `api.types`, in order.
pub fn type_items(api: &Api, defs: &[TypeDef]) -> TokenStream {
    let defaults = DefaultAnalysis::new(&api.types);
    let multipart = multipart_impls(api);
    defs.iter()
        .map(|def| {
            let item = type_def(def, &defaults);
            let parts = multipart
                .contains(def.name.as_str())
                .then(|| multipart_impl(def));
            quote! { #item #parts }
        })
        .collect()
}

/// The types that implement `runtime::ToMultipart` because an operation sends them as a
/// multipart body. An alias passes the impl on to the type it names; an alias of a JSON value or
/// object gets none, since the runtime implements the trait for those (a second impl would be
/// E0119), and of two aliases of one type only the first gets it, for the same reason.
fn multipart_impls(api: &Api) -> BTreeSet<&str> {
    let defs: BTreeMap<&str, &TypeDef> = api.types.iter().map(|d| (d.name.as_str(), d)).collect();
    let mut owners = BTreeSet::new();
    let mut aliased: Vec<&TypeRef> = Vec::new();
    let bodies = api
        .operations
        .iter()
        .filter_map(|op| op.body.as_ref())
        .filter(|b| b.media == MediaKind::Multipart);
    for body in bodies {
        let TypeRef::Named(first) = body.ty.non_null() else {
            continue;
        };
        let mut name: &String = first;
        // Alias chains are short; the bound only guards against a cycle.
        for _ in 0..defs.len() {
            let Some(def) = defs.get(name.as_str()) else {
                break;
            };
            let TypeKind::Alias(target) = &def.kind else {
                owners.insert(def.name.as_str());
                break;
            };
            match target {
                TypeRef::Named(next) => name = next,
                TypeRef::Any => break,
                TypeRef::Map(value) if **value == TypeRef::Any => break,
                other => {
                    if !aliased.contains(&other) {
                        aliased.push(other);
                        owners.insert(def.name.as_str());
                    }
                    break;
                }
            }
        }
    }
    owners
}

/// How a multipart body type becomes form fields: files as file parts, the rest as text.
fn multipart_impl(def: &TypeDef) -> TokenStream {
    let name = ident(&def.name);
    let mut allow = None;
    let body = match &def.kind {
        // A flattened union's fields are known only once the value is: it is sent as JSON.
        TypeKind::Struct(s) if s.fields.iter().any(|f| f.flatten) => {
            quote! { runtime::json_multipart(self) }
        }
        TypeKind::Struct(s) => {
            allow = reads_deprecated(s, s.fields.iter().map(|f| &f.rust_name));
            let pushes = s.fields.iter().map(|f| {
                let field = ident(&f.rust_name);
                let wire = &f.name;
                let is_file = match f.ty.non_null() {
                    TypeRef::Bytes => true,
                    TypeRef::Array(item) => *item.non_null() == TypeRef::Bytes,
                    _ => false,
                };
                if is_file {
                    quote! { runtime::push_files(&mut fields, #wire, &self.#field); }
                } else {
                    quote! { runtime::push_text(&mut fields, #wire, &self.#field)?; }
                }
            });
            let extra = s.additional.as_ref().map(|_| {
                quote! {
                    for (key, value) in &self.additional_properties {
                        runtime::push_text(&mut fields, key, value)?;
                    }
                }
            });
            quote! {
                let mut fields = Vec::new();
                #(#pushes)*
                #extra
                Ok(fields)
            }
        }
        _ => quote! { runtime::json_multipart(self) },
    };
    quote! {
        impl runtime::ToMultipart for #name {
            #allow
            fn to_multipart(&self) -> Result<Vec<runtime::MultipartField>, runtime::InvalidRequest> {
                #body
            }
        }
    }
}

/// `#[allow(deprecated)]` when one of the fields `read` (Rust names) of `s` is deprecated: the
/// generated code reads it on the user's behalf, which is no use of theirs to warn about.
fn reads_deprecated<'a>(
    s: &StructDef,
    mut read: impl Iterator<Item = &'a String>,
) -> Option<TokenStream> {
    read.any(|name| {
        s.fields
            .iter()
            .any(|f| &f.rust_name == name && f.deprecated)
    })
    .then(|| quote! { #[allow(deprecated)] })
}

fn type_def(def: &TypeDef, defaults: &DefaultAnalysis) -> TokenStream {
    let mut doc_text = def.description.as_deref().map(block).unwrap_or_default();
    if !doc_text.is_empty() {
        doc_text.push_str("\n\n");
    }
    if let TypeKind::Struct(s) = &def.kind {
        for choice in &s.required_choices {
            doc_text.push_str(&required_choice_text(choice));
            doc_text.push_str("\n\n");
        }
    }
    doc_text.push_str(&format!("Generated from {}.", code(&def.origin)));
    let doc = docs(&doc_text);
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct(s) => {
            let item = struct_def(&name, doc, s, defaults.has_default(&def.name));
            let helper = def.envelope.as_ref().map(|e| envelope_impl(&name, e, s));
            quote! { #item #helper }
        }
        TypeKind::Enum(e) => enum_def(&name, doc, e),
        TypeKind::Union(u) => union_def(&name, doc, u),
        TypeKind::Alias(ty) => {
            let ty = type_tokens(ty, Scope::Types);
            quote! { #doc pub type #name = #ty; }
        }
    }
}

/// `Set exactly one of: `a`; or `b` and `c`.`
fn required_choice_text(choice: &RequiredChoice) -> String {
    let sets: Vec<String> = choice
        .alternatives
        .iter()
        .map(|names| {
            let names: Vec<String> = names.iter().map(|n| code(n)).collect();
            names.join(" and ")
        })
        .collect();
    format!(
        "The schema requires {} of these to be set: {}.",
        if choice.exactly_one {
            "exactly one"
        } else {
            "at least one"
        },
        sets.join("; or ")
    )
}

fn struct_def(
    name: &proc_macro2::Ident,
    doc: TokenStream,
    s: &StructDef,
    default: bool,
) -> TokenStream {
    let fields = s.fields.iter().map(field);
    let extra = s.additional.as_ref().map(|ty| {
        let map = type_tokens(&TypeRef::Map(Box::new(ty.clone())), Scope::Types);
        let mut text = "Properties not listed in the schema, kept as sent.".to_string();
        if !s.required_extra.is_empty() {
            let names: Vec<String> = s.required_extra.iter().map(|n| code(n)).collect();
            text.push_str(&format!(
                "\n\nThe schema requires {}, which it does not list as properties: set them here.",
                names.join(", ")
            ));
        }
        let doc = docs(&text);
        quote! {
            #doc
            #[serde(flatten)]
            pub additional_properties: #map,
        }
    });
    let derive_default = default.then(|| quote! { Default, });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #derive_default ::serde::Serialize, ::serde::Deserialize)]
        pub struct #name {
            #(#fields)*
            #extra
        }
    }
}

fn field(f: &Field) -> TokenStream {
    let mut ty = type_tokens(f.ty.non_null(), Scope::Types);
    if f.boxed {
        ty = quote! { Box<#ty> };
    }
    if f.flatten {
        let doc = docs(&format!(
            "Which of {} this value also is: its properties stand beside the ones above.",
            code(&f.ty.non_null().to_string())
        ));
        let name = ident(&f.rust_name);
        return quote! {
            #doc
            #[serde(flatten)]
            pub #name: #ty,
        };
    }
    let optional = !f.required || f.ty.is_nullable();
    if f.tri_state {
        ty = quote! { runtime::Nullable<#ty> };
    } else if optional {
        ty = quote! { Option<#ty> };
    }
    let mut serde = Vec::new();
    if f.rust_name.trim_start_matches("r#") != f.name {
        let json = &f.name;
        serde.push(quote! { rename = #json });
    }
    if optional {
        serde.push(quote! { default });
    }
    if f.tri_state {
        serde.push(quote! { skip_serializing_if = "crate::runtime::Nullable::is_absent" });
    } else if !f.required {
        serde.push(quote! { skip_serializing_if = "Option::is_none" });
    }
    let serde = (!serde.is_empty()).then(|| quote! { #[serde(#(#serde),*)] });
    // Spec prose is escaped; the generator's own notes may link.
    let described = f.description.as_deref().map(block).unwrap_or_default();
    let mut lines: Vec<String> = if described.is_empty() {
        vec![match f.ty.non_null() {
            TypeRef::Named(n) => format!("The {} property; see [`{n}`].", code(&f.name)),
            _ => format!("The {} property.", code(&f.name)),
        }]
    } else {
        described.lines().map(str::to_string).collect()
    };
    for (on, note) in [
        (
            f.read_only,
            "Read-only: sent by the server, ignored in requests.",
        ),
        (
            f.write_only,
            "Write-only: accepted in requests, never returned.",
        ),
    ] {
        if on {
            lines.push(String::new());
            lines.push(note.to_string());
        }
    }
    let doc = doc_lines(lines.iter().map(String::as_str));
    let deprecated = f.deprecated.then(|| quote! { #[deprecated] });
    let name = ident(&f.rust_name);
    quote! {
        #doc
        #deprecated
        #serde
        pub #name: #ty,
    }
}

/// `into_result()` for an envelope: the payload, or the errors it lists.
fn envelope_impl(name: &proc_macro2::Ident, e: &crate::ir::Envelope, s: &StructDef) -> TokenStream {
    let reads = [
        Some(&e.success.0),
        Some(&e.errors.0),
        e.payload.as_ref().map(|p| &p.0),
    ];
    let allow = reads_deprecated(s, reads.into_iter().flatten());
    let as_option = |(field, optional): &(String, bool)| {
        let field = ident(field);
        if *optional {
            quote! { self.#field }
        } else {
            quote! { Some(self.#field) }
        }
    };
    let success_value = as_option(&e.success);
    let errors_value = as_option(&e.errors);
    let error_type = type_tokens(&e.error_type, Scope::Types);
    let (payload_type, payload_value) = match &e.payload {
        Some((field, ty, optional)) => {
            let field = ident(field);
            let ty = type_tokens(ty, Scope::Types);
            if *optional {
                (quote! { Option<#ty> }, quote! { self.#field })
            } else {
                (ty, quote! { self.#field })
            }
        }
        None => (quote! { () }, quote! { () }),
    };
    quote! {
        impl #name {
            /// The payload, or the envelope's errors when it reports failure (`success: false` or
            /// a non-empty error list), which can happen even with HTTP status 200.
            ///
            /// # Errors
            ///
            /// [`crate::runtime::EnvelopeError`] with the listed errors.
            #allow
            pub fn into_result(self) -> Result<#payload_type, runtime::EnvelopeError<#error_type>> {
                runtime::envelope_result(#success_value, #errors_value, #payload_value)
            }
        }
    }
}

/// Enums keep unknown values in an `Unknown` variant, so a server adding a value does not
/// break clients, and serialize them back unchanged.
fn enum_def(name: &proc_macro2::Ident, doc: TokenStream, e: &EnumDef) -> TokenStream {
    let variants: Vec<_> = e.variants.iter().map(|v| ident(&v.name)).collect();
    // The value on the wire, then what the document says of it.
    let variant_docs = e.variants.iter().map(|v| {
        let value = match &v.value {
            EnumValue::String(s) => code(s),
            EnumValue::Integer(i) => code(&i.to_string()),
            EnumValue::Json(j) => code(j),
        };
        match v.description.as_deref().map(block) {
            Some(described) if !described.is_empty() => docs(&format!("{value}\n\n{described}")),
            _ => docs(&value),
        }
    });
    match e.repr {
        EnumRepr::String => {
            let values: Vec<String> = e
                .variants
                .iter()
                .map(|v| match &v.value {
                    EnumValue::String(s) => s.clone(),
                    EnumValue::Integer(i) => i.to_string(),
                    EnumValue::Json(j) => j.clone(),
                })
                .collect();
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
                pub enum #name {
                    #(#variant_docs #variants,)*
                    /// A value this client does not know, kept as sent.
                    Unknown(String),
                }

                impl #name {
                    /// The value on the wire.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #(Self::#variants => #values,)*
                            Self::Unknown(value) => value,
                        }
                    }
                }

                impl From<&str> for #name {
                    fn from(value: &str) -> Self {
                        match value {
                            #(#values => Self::#variants,)*
                            other => Self::Unknown(other.to_string()),
                        }
                    }
                }

                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }

                impl ::serde::Serialize for #name {
                    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }

                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                        Ok(Self::from(value.as_ref()))
                    }
                }
            }
        }
        EnumRepr::Mixed => {
            let values: Vec<TokenStream> = e
                .variants
                .iter()
                .map(|v| {
                    let literal = match &v.value {
                        EnumValue::String(s) => serde_json::Value::String(s.clone()).to_string(),
                        EnumValue::Integer(i) => i.to_string(),
                        EnumValue::Json(j) => j.clone(),
                    };
                    let tokens: TokenStream = literal.parse().unwrap_or_default();
                    quote! { ::serde_json::json!(#tokens) }
                })
                .collect();
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq)]
                pub enum #name {
                    #(#variant_docs #variants,)*
                    /// A value this client does not know, kept as sent.
                    Unknown(::serde_json::Value),
                }

                impl #name {
                    /// The value on the wire.
                    pub fn to_value(&self) -> ::serde_json::Value {
                        match self {
                            #(Self::#variants => #values,)*
                            Self::Unknown(value) => value.clone(),
                        }
                    }
                }

                impl From<::serde_json::Value> for #name {
                    fn from(value: ::serde_json::Value) -> Self {
                        #(if value == #values { return Self::#variants; })*
                        Self::Unknown(value)
                    }
                }

                impl ::serde::Serialize for #name {
                    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        ::serde::Serialize::serialize(&self.to_value(), serializer)
                    }
                }

                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        Ok(Self::from(<::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?))
                    }
                }
            }
        }
        EnumRepr::Integer => {
            // Unsuffixed: the `i64` of `value()` and `From<i64>` gives the literals their type.
            let values: Vec<proc_macro2::Literal> = e
                .variants
                .iter()
                .map(|v| match &v.value {
                    EnumValue::Integer(i) => *i,
                    EnumValue::String(_) | EnumValue::Json(_) => 0,
                })
                .map(proc_macro2::Literal::i64_unsuffixed)
                .collect();
            quote! {
                #doc
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
                pub enum #name {
                    #(#variant_docs #variants,)*
                    /// A value this client does not know, kept as sent.
                    Unknown(i64),
                }

                impl #name {
                    /// The value on the wire.
                    pub fn value(self) -> i64 {
                        match self {
                            #(Self::#variants => #values,)*
                            Self::Unknown(value) => value,
                        }
                    }
                }

                impl From<i64> for #name {
                    fn from(value: i64) -> Self {
                        match value {
                            #(#values => Self::#variants,)*
                            other => Self::Unknown(other),
                        }
                    }
                }

                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        write!(f, "{}", self.value())
                    }
                }

                impl ::serde::Serialize for #name {
                    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_i64(self.value())
                    }
                }

                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        Ok(Self::from(<i64 as ::serde::Deserialize>::deserialize(deserializer)?))
                    }
                }
            }
        }
    }
}

/// Unions with a discriminator read it and pick the variant (unknown tags are kept in
/// `Unknown`); others are untagged, tried most specific first.
fn union_def(name: &proc_macro2::Ident, doc: TokenStream, u: &UnionDef) -> TokenStream {
    let variant_type = |v: &crate::ir::UnionVariant| {
        let ty = type_tokens(&v.ty, Scope::Types);
        if v.boxed {
            quote! { Box<#ty> }
        } else {
            ty
        }
    };
    let variants = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = variant_type(v);
        let text = if v.tags.is_empty() {
            format!("A value of the shape {}.", code(&v.ty.to_string()))
        } else {
            format!(
                "Selected by {}.",
                v.tags
                    .iter()
                    .map(|t| code(t))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let doc = doc_lines([text.as_str()]);
        quote! { #doc #variant(#ty), }
    });
    let Some(property) = &u.discriminator else {
        return quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#variants)*
            }
        };
    };
    let arms = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let tags = &v.tags;
        let wrap = if v.boxed {
            quote! { |v| Self::#variant(Box::new(v)) }
        } else {
            quote! { Self::#variant }
        };
        quote! {
            Some(#(#tags)|*) => ::serde_json::from_value(value).map(#wrap).map_err(::serde::de::Error::custom),
        }
    });
    // OpenAPI puts the tag in the payload: a variant whose fields leave it out gets its first.
    let writes = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        match v.tags.first() {
            Some(tag) => quote! {
                Self::#variant(v) => runtime::serialize_tagged(v, #property, #tag, serializer),
            },
            None => quote! { Self::#variant(v) => ::serde::Serialize::serialize(v, serializer), },
        }
    });
    let property_code = code(property);
    let note = format!(
        " Chosen by the {property_code} property, which a variant is written with (its first tag) when its fields leave it out."
    );
    let unknown_doc = format!(" A {property_code} value this client does not know, kept as sent.");
    quote! {
        #doc
        #[doc = ""]
        #[doc = #note]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
            #[doc = #unknown_doc]
            Unknown(::serde_json::Value),
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#writes)*
                    Self::Unknown(v) => ::serde::Serialize::serialize(v, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#property).and_then(::serde_json::Value::as_str).map(ToString::to_string);
                match tag.as_deref() {
                    #(#arms)*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }
    }
}

/// Which structs can derive `Default`: those whose every non-optional field has a default.
struct DefaultAnalysis<'a> {
    types: BTreeMap<&'a str, &'a TypeKind>,
    memo: std::cell::RefCell<BTreeMap<String, bool>>,
}

impl<'a> DefaultAnalysis<'a> {
    fn new(types: &'a [TypeDef]) -> Self {
        Self {
            types: types.iter().map(|t| (t.name.as_str(), &t.kind)).collect(),
            memo: Default::default(),
        }
    }

    fn has_default(&self, name: &str) -> bool {
        self.named(name, &mut BTreeSet::new())
    }

    fn named(&self, name: &str, visiting: &mut BTreeSet<String>) -> bool {
        if let Some(known) = self.memo.borrow().get(name) {
            return *known;
        }
        if !visiting.insert(name.to_string()) {
            return false;
        }
        let result = match self.types.get(name) {
            Some(TypeKind::Struct(s)) => s
                .fields
                .iter()
                .all(|f| !f.required || f.ty.is_nullable() || self.type_ref(&f.ty, visiting)),
            Some(TypeKind::Alias(ty)) => self.type_ref(ty, visiting),
            _ => false,
        };
        visiting.remove(name);
        self.memo.borrow_mut().insert(name.to_string(), result);
        result
    }

    fn type_ref(&self, ty: &TypeRef, visiting: &mut BTreeSet<String>) -> bool {
        match ty {
            TypeRef::Named(n) => self.named(n, visiting),
            TypeRef::Tuple(elements) => elements.iter().all(|e| self.type_ref(e, visiting)),
            _ => true,
        }
    }
}
