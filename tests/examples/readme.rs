//! The README's examples, compiled with the rest of the suite (`cargo test` builds examples), so
//! the README cannot drift from the generated API. `build.rs` copies every ```rust block of
//! README.md, as written, into a function of its own; this file includes them, and adds the
//! calls the README's prose names outside its code blocks.
#![allow(dead_code, unused_variables, clippy::unwrap_used)]

use std::error::Error;

use userapis::{cpaas, membership, teams};

type Result<T = ()> = std::result::Result<T, Box<dyn Error>>;

include!(concat!(env!("OUT_DIR"), "/readme_blocks.rs"));

/// Calls the README names in its text: private hosting, a token provider, default headers and
/// request hooks.
async fn named_in_prose() -> Result {
    let _private = teams::Client::builder()
        .server(2)
        .server_variable("private_hosting", "acme");
    let refreshing = membership::Client::builder()
        .bearer_token_provider(|| async { Ok::<_, String>("fresh".to_string()) })
        .build()?;
    let hooked = teams::Client::builder()
        .default_header("x-tenant", "acme")
        .request_hook(|request| {
            request
                .headers_mut()
                .insert("x-signed", "yes".parse().unwrap());
            Ok(())
        })
        .build()?;
    let unknown = (
        teams::AccessScopeLevel::Unknown(9),
        cpaas::ServiceAdminUserAddDataRole::Unknown("owner".into()),
    );
    Ok(())
}

fn main() {}
