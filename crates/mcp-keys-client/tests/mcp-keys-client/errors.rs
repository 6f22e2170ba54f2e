//! Failures and the errors that name them: not found, rejected token,
//! server down, rate limited, refused input.

use std::num::NonZeroU32;
use std::time::Duration;

use anyhow::Result;
use mcp_keys_client::{Client, Error, NewKey, NewSurface, PageRequest, RetryPolicy};
use mcp_keys_core::{ManagementToken, Sensitive};

use crate::support::{Service, fast};

#[tokio::test]
async fn unknown_products_surfaces_and_keys_are_not_found_by_name() -> Result<()> {
    let service = Service::start().await?;
    let client = service.client()?;
    let (product, surface) = service.surface(&[]).await?;

    let error = client
        .get_surface(&product.id, "no-such-surface")
        .await
        .err();
    assert!(
        matches!(&error, Some(Error::NotFound { what }) if what.contains("no-such-surface")),
        "{error:?}"
    );
    let error = client
        .create_surface("no-such-product", &NewSurface::mcp("x"))
        .await
        .err();
    assert!(matches!(error, Some(Error::NotFound { .. })), "{error:?}");

    // A 404 of the key lookup extension on a server that has it is about
    // the key, not the route.
    let error = client.get_key("AbCdEfGh").await.err();
    assert!(
        matches!(&error, Some(Error::NotFound { what }) if what == "key AbCdEfGh"),
        "{error:?}"
    );
    let error = client
        .revoke_key(&product.id, &surface.id, "AbCdEfGh")
        .await
        .err();
    assert!(matches!(error, Some(Error::NotFound { .. })), "{error:?}");
    let error = client
        .roll_key(&product.id, &surface.id, "AbCdEfGh", Duration::ZERO)
        .await
        .err();
    assert!(
        matches!(&error, Some(Error::NotFound { what }) if what == "key AbCdEfGh"),
        "an unknown key is not a missing roll route: {error:?}"
    );
    if let Some(error) = error {
        assert_eq!(error.to_string(), "key AbCdEfGh not found");
        assert_eq!(error.kind(), mcp_keys_core::ErrorKind::NotFound);
    }
    Ok(())
}

#[tokio::test]
async fn a_refused_value_carries_the_server_s_message() -> Result<()> {
    let service = Service::start().await?;
    let client = service.client()?;
    let (product, surface) = service.surface(&["search"]).await?;
    let mut key = NewKey::named("ide");
    key.scopes = vec!["serch".into()];
    let error = client
        .create_key(&product.id, &surface.id, &key)
        .await
        .err();
    let Some(Error::InvalidRequest { status, message }) = error else {
        anyhow::bail!("expected InvalidRequest, got {error:?}");
    };
    assert_eq!(status, 422);
    assert!(message.contains("serch"), "{message}");
    Ok(())
}

#[tokio::test]
async fn a_wrong_token_is_rejected_and_then_rate_limited_with_the_wait() -> Result<()> {
    let service = Service::start_with(|config| {
        config.failed_auth_per_minute = NonZeroU32::MIN.saturating_add(1);
    })
    .await?;
    let wrong = ManagementToken::generate()?;
    let client = fast(Client::builder(
        &service.base,
        Sensitive::new(wrong.expose_secret().to_owned()),
    ))
    .build()?;
    for _ in 0..2 {
        let error = client.list_products(&PageRequest::default()).await.err();
        assert!(
            matches!(error, Some(Error::TokenRejected { status: 401 })),
            "{error:?}"
        );
    }
    let error = client.list_products(&PageRequest::default()).await.err();
    let Some(Error::RateLimited {
        retry_after: Some(wait),
    }) = error
    else {
        anyhow::bail!("expected RateLimited with a wait, got {error:?}");
    };
    assert!(
        wait >= Duration::from_secs(1) && wait <= Duration::from_secs(60),
        "{wait:?}"
    );
    // The right token still works: the address (127.0.0.1) is shared with
    // every local program, and others' failures must not lock it out.
    let products = service.client()?.list_products_all().await;
    assert!(products.is_ok(), "{products:?}");
    Ok(())
}

#[tokio::test]
async fn a_closed_port_is_unreachable_naming_the_url() -> Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    drop(listener);
    let client = Client::builder(&base, Sensitive::new("mgmt_x".to_owned()))
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
        .build()?;
    let error = client.list_products_all().await.err();
    let Some(error) = error else {
        anyhow::bail!("a closed port answered");
    };
    assert_eq!(error.kind(), mcp_keys_core::ErrorKind::Unreachable);
    let message = error.to_string();
    assert!(
        message.starts_with("cannot reach the key service at ") && message.contains(&base),
        "{message}"
    );
    assert!(
        std::error::Error::source(&error).is_some(),
        "the library's error is kept as the source"
    );
    Ok(())
}

#[tokio::test]
async fn a_token_is_never_part_of_an_error_or_a_debug_print() -> Result<()> {
    let service = Service::start().await?;
    let secret = ManagementToken::generate()?;
    let client = Client::new(
        &service.base,
        Sensitive::new(secret.expose_secret().to_owned()),
    )?;
    let error = client.list_products_all().await.err();
    let shown = format!(
        "{error:?} {client:?} {}",
        error.as_ref().map(ToString::to_string).unwrap_or_default()
    );
    assert!(!shown.contains(secret.expose_secret()), "{shown}");
    Ok(())
}
