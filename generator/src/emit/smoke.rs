//! Smoke tests of a generated crate: `tests/smoke.rs` with one test per operation, calling it
//! once through the public client API with arguments made up by [`crate::synth`], and
//! `tests/smoke/support.rs`, which reports how each call went.
//!
//! The tests are `#[ignore]`d: they need a mock server of the document. `cargo xtask verify`
//! starts one and runs them; by hand, `PRISM_URL=http://127.0.0.1:4010 cargo test --test smoke
//! -- --ignored`.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::tokens::ident;
use super::{CrateSettings, GeneratedFile, unparse_error};
use crate::InternalError;
use crate::format::{format_tokens, preamble};
use crate::ir::{Api, Operation, Parameter, SecurityKind, TypeRef};
use crate::synth::{BodySample, operation_sample};

/// The support module, copied into every crate that has smoke tests.
const SUPPORT: &str = include_str!("../../smoke/support.rs");

/// Where the smoke tests are written, relative to the crate directory.
pub const SMOKE_TESTS_PATH: &str = "tests/smoke.rs";
const SUPPORT_PATH: &str = "tests/smoke/support.rs";

/// What the smoke tests need beyond the crate's own dependencies.
const DEV_DEPENDENCIES: &str = "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n";

/// Adds the smoke tests to a generated crate: their two files, and the dev-dependencies they
/// need in its `Cargo.toml`.
pub fn add_smoke_tests(
    files: &mut Vec<GeneratedFile>,
    apis: &[Api],
    settings: &CrateSettings,
) -> Result<(), InternalError> {
    let header = preamble(&settings.command);
    let tests = format_tokens(smoke_file(apis, settings), &header)
        .map_err(|message| unparse_error(SMOKE_TESTS_PATH, &message))?;
    if let Some(manifest) = files.iter_mut().find(|f| f.path == "Cargo.toml") {
        manifest.contents = with_dev_dependencies(&manifest.contents);
    }
    files.push(GeneratedFile {
        path: SMOKE_TESTS_PATH.to_string(),
        contents: tests,
    });
    files.push(GeneratedFile {
        path: SUPPORT_PATH.to_string(),
        contents: format!("{header}\n{SUPPORT}"),
    });
    Ok(())
}

/// The manifest with a `[dev-dependencies]` table after `[dependencies]`.
fn with_dev_dependencies(manifest: &str) -> String {
    const STANDALONE: &str = "\n# A crate of its own";
    match manifest.find(STANDALONE) {
        Some(at) => format!("{}{DEV_DEPENDENCIES}{}", &manifest[..at], &manifest[at..]),
        None => format!("{manifest}{DEV_DEPENDENCIES}"),
    }
}

/// The name of the smoke test of an operation.
pub fn test_name(api: &Api, op: &Operation) -> String {
    format!("{}_{}", api.module, op.method_name.trim_start_matches("r#"))
}

fn smoke_file(apis: &[Api], settings: &CrateSettings) -> TokenStream {
    let krate = format_ident!("{}", settings.crate_name.replace('-', "_"));
    let tests: Vec<TokenStream> = apis
        .iter()
        .flat_map(|api| api.operations.iter().map(move |op| (api, op)))
        .map(|(api, op)| smoke_test(api, op, &krate))
        .collect();
    let count = apis.iter().map(|a| a.operations.len()).sum::<usize>();
    let about = format!(
        " Smoke tests: each of the {count} operations called once, through the public client API, with"
    );
    quote! {
        #![doc = #about]
        //! arguments made up from the document (its examples first, else values that satisfy the
        //! schemas). They need a mock server of the same document, such as Stoplight Prism
        //! (`prism mock -d --errors SPEC`), which checks every request against the document:
        //!
        //! `PRISM_URL=http://127.0.0.1:4010 cargo test --test smoke -- --ignored`
        //!
        //! `cargo xtask verify` starts the mock, runs them and reports each outcome. Each call is
        //! made once, without retries, and follows no redirect: a documented 3xx is the
        //! operation's answer (a mock's `Location` leads nowhere).
        #![allow(deprecated)]
        // Generated files keep the generator's formatting.
        #![cfg_attr(rustfmt, rustfmt::skip)]

        #[rustfmt::skip]
        #[path = "smoke/support.rs"]
        mod support;

        use #krate::runtime;

        #(#tests)*
    }
}

fn smoke_test(api: &Api, op: &Operation, krate: &proc_macro2::Ident) -> TokenStream {
    let name = format_ident!("{}", test_name(api, op));
    let module_name = &api.module;
    let module = ident(&api.module);
    let method_name = op.method_name.trim_start_matches("r#");
    let method = ident(&op.method_name);
    let http = op.method.as_str();
    let path = &op.path.raw;
    let credentials = credentials(api, op);
    let sample = operation_sample(api, op);
    let mut args = Vec::new();
    let mut setters = Vec::new();
    for (param, value) in op.params.iter().zip(&sample.params) {
        let rendered = argument(param, value);
        if param.required {
            args.push(rendered);
        } else {
            let setter = ident(&param.rust_name);
            setters.push(quote! { .#setter(#rendered) });
        }
    }
    if let (Some(body), Some(value)) = (&op.body, &sample.body) {
        let mut rendered = body_argument(value, krate);
        // A media type inside the document's range: its own subtype, named for the test.
        if let Some(range) = &body.media_range {
            let media_type = range.replace('*', "x-smoke");
            rendered = quote! { #krate::runtime::TypedBytes::new(#media_type, #rendered) };
        }
        if body.required {
            args.push(rendered);
        } else {
            setters.push(quote! { .body(#rendered) });
        }
    }
    let doc = format!(" `{http} {path}`");
    quote! {
        #[doc = #doc]
        #[tokio::test]
        #[ignore = "needs a mock server of the document: set PRISM_URL and pass --ignored"]
        async fn #name() {
            let smoke = support::Smoke::new(#module_name, #method_name, #http, #path);
            let client = smoke.client(
                #krate::#module::Client::builder()
                    .base_url(smoke.base_url())
                    .max_retries(0)
                    .redirect_policy(#krate::runtime::RedirectPolicy::None)
                    .timeout(::std::time::Duration::from_secs(60))
                    .request_hook(smoke.hook())
                    #(#credentials)*
                    .build(),
            );
            let result = client.#method(#(#args),*)#(#setters)*.send().await;
            smoke.finish(result);
        }
    }
}

/// A dummy credential for every scheme the operation may use.
fn credentials(api: &Api, op: &Operation) -> Vec<TokenStream> {
    let mut used: Vec<usize> = op
        .security
        .iter()
        .flat_map(|r| r.schemes.iter().copied())
        .collect();
    used.sort_unstable();
    used.dedup();
    used.iter()
        .filter_map(|i| api.security_schemes.get(*i))
        .map(|scheme| {
            let setter = ident(&scheme.setter);
            match &scheme.kind {
                SecurityKind::ApiKey { .. } => {
                    let value = format!("smoke-{}", scheme.key);
                    quote! { .#setter(#value) }
                }
                SecurityKind::Bearer => quote! { .#setter("smoke-token") },
                SecurityKind::Basic => {
                    quote! { .#setter("smoke-user", Some("smoke-password".into())) }
                }
            }
        })
        .collect()
}

/// A parameter's value as a Rust argument: a literal for scalars, else JSON decoded into the
/// parameter's type.
fn argument(param: &Parameter, value: &Value) -> TokenStream {
    match (param.ty.non_null(), value) {
        (TypeRef::String, Value::String(s)) => quote! { #s },
        (TypeRef::Integer { .. }, Value::Number(n)) if n.is_i64() || n.is_u64() => {
            match n.as_i64() {
                Some(v) if v < 0 => {
                    let lit = Literal::u64_unsuffixed(v.unsigned_abs());
                    quote! { -#lit }
                }
                Some(v) => {
                    let lit = Literal::i64_unsuffixed(v);
                    quote! { #lit }
                }
                None => {
                    let lit = Literal::u64_unsuffixed(n.as_u64().unwrap_or_default());
                    quote! { #lit }
                }
            }
        }
        (TypeRef::Number { .. }, Value::Number(n)) => {
            let v = n.as_f64().unwrap_or_default();
            let lit = Literal::f64_unsuffixed(v.abs());
            if v < 0.0 {
                quote! { -#lit }
            } else {
                quote! { #lit }
            }
        }
        (TypeRef::Boolean, Value::Bool(b)) => quote! { #b },
        _ => json_argument(&param.name, value),
    }
}

fn body_argument(value: &BodySample, krate: &proc_macro2::Ident) -> TokenStream {
    match value {
        BodySample::Json(v) => json_argument("body", v),
        BodySample::Text(text) => quote! { String::from(#text) },
        BodySample::Bytes(bytes) => {
            let lit = Literal::byte_string(bytes);
            quote! { #krate::runtime::Bytes::from_static(#lit) }
        }
    }
}

/// `smoke.arg("name", r#"…JSON…"#)`: readable JSON, decoded into the argument's type.
fn json_argument(name: &str, value: &Value) -> TokenStream {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    let literal = raw_string(&text);
    quote! { smoke.arg(#name, #literal) }
}

/// A raw string literal holding `text`, with as many `#` as it needs.
fn raw_string(text: &str) -> Literal {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    let source = format!("r{hashes}\"{text}\"{hashes}");
    source
        .parse::<Literal>()
        .unwrap_or_else(|_| Literal::string(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_strings_take_enough_hashes() {
        assert_eq!(raw_string(r#"{"a": 1}"#).to_string(), r##"r#"{"a": 1}"#"##);
        assert_eq!(raw_string(r##"x"#y"##).to_string(), r###"r##"x"#y"##"###);
    }

    #[test]
    fn dev_dependencies_go_before_the_standalone_workspace_table() {
        let manifest =
            "[dependencies]\nserde = \"1\"\n\n# A crate of its own, even.\n[workspace]\n";
        let out = with_dev_dependencies(manifest);
        let dev = out.find("[dev-dependencies]").expect("added");
        assert!(dev < out.find("[workspace]").expect("kept"), "{out}");
        assert!(with_dev_dependencies("[dependencies]\n").ends_with(DEV_DEPENDENCIES));
    }
}
