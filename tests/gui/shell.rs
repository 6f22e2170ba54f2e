//! The app shell a new user sees first.

use anyhow::Result;
use mcp_keys_e2e::App;

#[tokio::test]
async fn window_opens_on_the_app_shell_with_sidebar_and_first_steps() -> Result<()> {
    let app = App::launch("shell-first-run").await?;

    assert_eq!(
        app.title().await?,
        "MCP Keys",
        "the window is titled after the app"
    );
    let sidebar = app.text("[data-testid=sidebar]").await?;
    assert!(
        sidebar.contains("This computer"),
        "the sidebar lists the local connection; it shows:\n{sidebar}"
    );
    let version = app.text("[data-testid=app-version]").await?;
    assert!(
        version.contains(env!("CARGO_PKG_VERSION")),
        "the version shown comes from the running app over IPC, got {version:?}"
    );
    let welcome = app.text("[data-testid=workspace-empty]").await?;
    assert!(
        welcome.contains("Create your first surface"),
        "with no surfaces yet, the main area tells a new user what to do; it shows:\n{welcome}"
    );

    let shot = app.screenshot("window").await?;
    eprintln!("screenshot: {}", shot.display());
    app.close().await
}
