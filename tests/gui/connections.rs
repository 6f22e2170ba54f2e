//! Adding a connection to another key service, and the errors people meet
//! doing it, in words.

use anyhow::Result;
use mcp_keys_e2e::{App, Service};

async fn add(app: &App, url: &str, token: &str) -> Result<()> {
    app.click("add-connection").await?;
    app.click("connection-kind-mcp-keys").await?;
    app.fill("connection-url", url).await?;
    app.fill("connection-token", token).await?;
    app.click("connection-submit").await?;
    Ok(())
}

#[tokio::test]
async fn a_self_hosted_server_is_added_after_its_errors_are_explained() -> Result<()> {
    let service = Service::start().await?;
    let surface = service.surface("production", &["search"]).await?;
    let app = App::launch("connections-add").await?;
    app.find("[data-testid=workspace-empty]").await?;

    // A closed port: nothing listens there.
    let closed = format!(
        "http://127.0.0.1:{}",
        std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port()
    );
    add(&app, &closed, service.token()).await?;
    let page = app.wait_for_text("Can't reach").await?;
    assert!(
        page.contains(&closed),
        "the message names the server: {page}"
    );
    app.screenshot("unreachable").await?;
    app.click("connection-cancel").await?;

    let wrong = "mgmt_0000000000000000000000000000000000000000000000";
    add(&app, &service.base, wrong).await?;
    let page = app.wait_for_text("rejected").await?;
    assert!(!page.contains(wrong), "the token is never echoed back");
    app.screenshot("token-rejected").await?;
    app.click("connection-cancel").await?;

    add(&app, &service.base, service.token()).await?;
    let sidebar = app.wait_for_text("Docs MCP").await?;
    assert!(
        sidebar.contains("Docs"),
        "the new connection's product and surface are listed: {sidebar}"
    );
    assert!(!surface.url.is_empty());
    app.screenshot("added").await?;
    app.close().await
}

#[tokio::test]
async fn a_rate_limited_server_is_explained_and_the_dialog_keeps_what_was_typed() -> Result<()> {
    // One failed authentication per minute: the second wrong token is
    // answered 429 before it is even checked.
    let service = Service::start_with(&["--failed-auth-per-minute", "1"]).await?;
    let app = App::launch("connections-rate-limited").await?;
    app.find("[data-testid=workspace-empty]").await?;

    let wrong = "mgmt_0000000000000000000000000000000000000000000000";
    add(&app, &service.base, wrong).await?;
    app.wait_for_text("rejected").await?;
    app.click("connection-submit").await?;
    let page = app.wait_for_text("Too many requests").await?;
    assert!(
        page.contains(&service.base.replace("http://", "")) || page.contains(&service.base),
        "the message names the server: {page}"
    );
    assert!(!page.contains(wrong), "the token is never echoed back");
    let url = app
        .find("[data-testid=connection-url]")
        .await?
        .prop("value")
        .await?;
    assert_eq!(
        url.as_deref(),
        Some(service.base.as_str()),
        "nothing typed is lost"
    );
    app.screenshot("rate-limited").await?;
    app.close().await
}
