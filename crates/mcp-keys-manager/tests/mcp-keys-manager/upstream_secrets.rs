//! A secret typed in the app for a surface's upstream: saved in the keyring
//! the embedded key service reads, under the name the upstream refers to,
//! and only when the session is on that service.

use chrono::Utc;
use mcp_keys_core::{Environment, Sensitive, UpstreamChoice, UpstreamSecretChoice};
use mcp_keys_store::{MemorySecrets, SecretStore as _};

use crate::ide::Fixture;

type Result<T = ()> = anyhow::Result<T>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_typed_in_the_app_is_kept_for_its_own_key_service_only() -> Result {
    let fixture = Fixture::start().await?;
    let keyring = MemorySecrets::new();
    let now = Utc::now();
    let choice = UpstreamChoice::Url {
        url: "https://mcp.example.org/mcp".to_owned(),
        credential: Some(UpstreamSecretChoice {
            name: "Authorization".to_owned(),
            secret_ref: None,
        }),
    };
    let (upstream, secret) = choice
        .upstream_with_secret(Some(Sensitive::new("Bearer s3cr3t".to_owned())))
        .map_err(anyhow::Error::msg)?;
    let secret = secret.ok_or_else(|| anyhow::anyhow!("a value was given"))?;

    // The fixture's session is on a self-hosted key service ("mcp-keys").
    let refused = fixture
        .session
        .save_upstream_secret(&keyring, &secret, now)
        .await;
    assert!(
        refused.as_ref().is_err_and(
            |error| error.kind() == mcp_keys_core::ErrorKind::InvalidInput
                && error.to_string().contains("give its name")
        ),
        "the app cannot reach another service's secrets: {refused:?}"
    );
    assert!(keyring.get(&secret.name)?.is_none(), "nothing was saved");

    // The same service as the app's own connection ("local").
    let token = fixture.service.token();
    let base_url = fixture
        .session
        .connection()
        .map(|connection| connection.base_url.clone())
        .ok_or_else(|| anyhow::anyhow!("a saved connection"))?;
    let local = fixture
        .manager
        .ensure_local_connection(&base_url, &Sensitive::new(token.trim().to_owned()), now)
        .await?;
    let session = fixture.manager.session(Some(&local.id)).await?;
    session.save_upstream_secret(&keyring, &secret, now).await?;
    let surface = session
        .create_surface(
            &fixture.product_id,
            "Remote tools",
            Environment::Development,
            &[],
            Some(upstream),
            now,
        )
        .await?;

    let saved = keyring.get(&secret.name)?;
    assert_eq!(
        saved.as_ref().map(|value| value.expose().as_str()),
        Some("Bearer s3cr3t")
    );
    let refs: Vec<_> = surface
        .upstream
        .iter()
        .flat_map(|upstream| upstream.secret_refs())
        .collect();
    assert_eq!(refs, [secret.name.as_str()], "the surface names the secret");
    assert!(
        !serde_json::to_string(&surface)?.contains("s3cr3t"),
        "the service never holds the value"
    );
    Ok(())
}
