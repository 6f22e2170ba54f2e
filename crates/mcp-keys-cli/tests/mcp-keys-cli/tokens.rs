//! `mcp-keys tokens`: mint a token for another machine, list, revoke.

use anyhow::Result;

use crate::cli::{Cli, KeyService, text};

#[tokio::test]
async fn a_token_is_minted_listed_used_and_revoked_but_never_the_last() -> Result<()> {
    let service = KeyService::start(&[]).await?;
    let cli = Cli::ad_hoc(&service)?;
    let minted = cli
        .run(&["tokens", "create", "--name", "laptop"])
        .await?
        .success(&["tokens", "create"])?;
    let token = minted.stdout.trim().to_owned();
    assert!(
        token.starts_with("mgmt_"),
        "only the token on stdout: {}",
        minted.stdout
    );
    assert!(minted.stderr.contains("shown only now"));

    let laptop = Cli::ad_hoc_with(service.url(), &token)?;
    let tokens = laptop.json(&["tokens", "list"]).await?;
    let list = tokens.as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 2, "{tokens}");
    assert!(
        !tokens.to_string().contains(&token),
        "a list never holds a token"
    );
    let first = text(&list[0], "id")?;
    assert_eq!(list[1]["current"], true);
    let table = laptop.ok(&["tokens", "list"]).await?;
    assert!(
        table.contains("laptop") && table.contains("active (this one)"),
        "{table}"
    );

    laptop
        .run(&["tokens", "revoke", &first])
        .await?
        .failure(9, &["--yes"])?;
    let revoked = laptop.json(&["tokens", "revoke", &first, "--yes"]).await?;
    assert!(revoked["revokedAt"].is_string());
    cli.run(&["products", "list"])
        .await?
        .failure(4, &["rejected the management token"])?;

    let own = text(&list[1], "id")?;
    laptop
        .run(&["tokens", "revoke", &own, "--yes"])
        .await?
        .failure(1, &["last management token"])?;
    Ok(())
}
