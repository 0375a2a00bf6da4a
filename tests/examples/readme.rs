//! The README's examples, compiled with the rest of the suite (`cargo test` builds examples), so
//! the README cannot drift from the generated API. Each function mirrors one README block.
#![allow(dead_code, unused_variables, clippy::unwrap_used)]

use std::error::Error;
use std::time::Duration;

use futures_util::TryStreamExt;
use userapis::runtime::{Nullable, RequestOptions};
use userapis::{cpaas, membership, teams};

type Result<T = ()> = std::result::Result<T, Box<dyn Error>>;

async fn teams_usage() -> Result {
    let client = teams::Client::builder()
        .api_token(std::env::var("DOCUMENT360_API_TOKEN")?)
        .timeout(Duration::from_secs(30))
        .build()?;
    let page = client.v2_teams_get().skip(0).take(50).send().await?;
    for user in page.result.iter().flatten() {
        println!("{:?} {:?}", user.user_id, user.email_id);
    }
    match client.v2_teams_user_id_get("4f1c").send().await {
        Ok(user) => println!("{:?}", user.result),
        Err(userapis::runtime::Error::Api(e)) => {
            let teams::operations::V2TeamsUserIdGetError::BadRequest(envelope) = e.value();
            eprintln!("rejected: {:?}", envelope.errors);
        }
        Err(other) => eprintln!("{other}"),
    }
    let _private = teams::Client::builder()
        .server(2)
        .server_variable("private_hosting", "acme");
    Ok(())
}

async fn membership_usage(access_token: String) -> Result {
    let client = membership::Client::builder()
        .bearer_token(access_token)
        .build()?;
    let roles = client
        .membership_get_user_roles("tenant-1", "user-7")
        .send()
        .await?;
    println!("{:?}", roles.roles);
    client
        .membership_post_password_reset_request(
            membership::MembershipPostPasswordResetRequestRequest {
                tenant: "acme".into(),
                email: "a@example.com".into(),
                ..Default::default()
            },
        )
        .send()
        .await?;
    let body = membership::MembershipPostPasswordResetRequestRequest {
        tenant: "acme".into(),
        email: "a@example.com".into(),
        username: Nullable::Absent,
    };
    let refreshing = membership::Client::builder()
        .bearer_token_provider(|| async { Ok::<_, String>("fresh".to_string()) })
        .build()?;
    Ok(())
}

async fn cpaas_usage(token: &str) -> Result {
    let client = cpaas::Client::builder()
        .base_url("https://api.example-cpaas.net")
        .bearer_auth(format!("Bearer {token}"))
        .build()?;
    let users = client
        .v1_mgmt_user_get()
        .page_size(50)
        .sort("role_A,email_D")
        .send()
        .await?;
    let invited = client
        .v1_mgmt_user_post(cpaas::ServiceAdminUserAddData {
            email: "new@example.com".into(),
            role: cpaas::ServiceAdminUserAddDataRole::Dev,
        })
        .send()
        .await?;
    println!("{:?}", invited.data);
    use userapis::runtime::Error;
    match client.v1_mgmt_user_user_id_get("42").send().await {
        Ok(user) => println!("{:?}", user.data),
        Err(Error::Api(e)) => match e.value() {
            cpaas::operations::V1MgmtUserUserIdGetError::NotFound(err) => {
                println!("no such user: {:?}", err.message)
            }
            other => println!("{} {other:?}", e.status()),
        },
        Err(Error::Decode(d)) => println!(
            "bad body at {}: {}",
            d.path,
            String::from_utf8_lossy(d.response.body())
        ),
        Err(other) => println!("{other}"),
    }
    let all: Vec<cpaas::ServiceAdminUserOutput> = client
        .v1_mgmt_user_get()
        .page_size(100)
        .into_stream()
        .try_collect()
        .await?;
    Ok(())
}

async fn runtime_usage(client: teams::Client, token: String) -> Result {
    let roles = client.v2_teams_roles_get().send().await?;
    println!(
        "{} {:?}",
        roles.status(),
        roles.headers().get("x-request-id")
    );
    let body: teams::RoleMetaDataListCustomerApiResponse = roles.into_inner();
    let updated: Option<bool> = client
        .v2_teams_user_id_portal_put("u1")
        .body(teams::EditPortalRoleCustomer {
            associated_portal_role_id: "r9".into(),
            is_invitation_id: None,
        })
        .send()
        .await?
        .into_inner()
        .into_result()?;
    let configured = teams::Client::builder()
        .api_token(token)
        .max_retries(3)
        .timeout(Duration::from_secs(20))
        .build()?;
    let options = RequestOptions {
        timeout: Some(Duration::from_secs(5)),
        max_retries: Some(0),
        retry_non_idempotent: false,
    };
    configured
        .v2_teams_roles_get()
        .options(options)
        .send()
        .await?;
    let mut users = client.v2_teams_get().take(100).into_stream();
    while let Some(user) = users.try_next().await? {
        println!("{:?}", user.email_id);
    }
    let hooked = teams::Client::builder()
        .default_header("x-tenant", "acme")
        .request_hook(|request| {
            request
                .headers_mut()
                .insert("x-signed", "yes".parse().unwrap());
            Ok(())
        })
        .build()?;
    Ok(())
}

async fn security_usage(token: String) -> Result {
    use userapis::runtime::{Error, RedirectPolicy, RedirectReason};

    let client = teams::Client::builder()
        .api_token(token)
        .redirect_policy(RedirectPolicy::SameOrigin)
        .max_response_body(8 * 1024 * 1024)
        .build()?;
    match client.v2_teams_roles_get().send().await {
        Err(Error::Redirect {
            location,
            reason: RedirectReason::CrossOrigin,
            ..
        }) => {
            eprintln!("the API redirected to {location}; not followed, the token stayed home");
        }
        other => println!("{other:?}"),
    }
    Ok(())
}

fn main() {}
