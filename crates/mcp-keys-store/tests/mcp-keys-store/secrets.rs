//! The OS keyring, for real: the Secret Service of the test session (see
//! xtask/src/session.rs), and a session without one.

use mcp_keys_core::{ManagementToken, Sensitive};
use mcp_keys_store::{KeyringSecrets, SecretErrorCode, SecretStore};

use crate::support::{CHILD_MARK, CHILD_ROLE_VAR, child, child_lines};

/// Set by `cargo xtask test`, whose session has an unlocked gnome-keyring:
/// then a keyring that does not work fails these tests.
const REQUIRE_VAR: &str = "MCP_KEYS_TEST_KEYRING";

/// A service name of its own, so the tests never touch a user's tokens.
const TEST_SERVICE: &str = "mcp-keys-test";

fn keyring_required() -> bool {
    std::env::var_os(REQUIRE_VAR).is_some_and(|value| !value.is_empty() && value != "0")
}

#[test]
fn a_token_saved_in_the_real_keyring_is_read_back_replaced_and_deleted() -> anyhow::Result<()> {
    if !keyring_required() {
        eprintln!(
            "note: skipping the real-keyring test; set {REQUIRE_VAR}=1 inside a D-Bus session \
             with an unlocked keyring (cargo xtask test does) to run it"
        );
        return Ok(());
    }
    let secrets = KeyringSecrets::with_service(TEST_SERVICE)?;
    let account = uuid::Uuid::now_v7().to_string();
    let first = Sensitive::new(ManagementToken::generate()?.expose_secret().to_owned());
    let second = Sensitive::new(ManagementToken::generate()?.expose_secret().to_owned());

    assert!(secrets.get(&account)?.is_none(), "a new account is empty");
    secrets.set(&account, &first)?;
    assert!(secrets.get(&account)? == Some(first), "read back as saved");
    secrets.set(&account, &second)?;
    assert!(
        secrets.get(&account)? == Some(second),
        "replaced, not added"
    );
    secrets.delete(&account)?;
    assert!(secrets.get(&account)?.is_none(), "gone after delete");
    secrets.delete(&account)?;
    Ok(())
}

#[test]
fn accounts_do_not_see_each_others_tokens() -> anyhow::Result<()> {
    if !keyring_required() {
        eprintln!("note: skipping a real-keyring test ({REQUIRE_VAR} is not set)");
        return Ok(());
    }
    let secrets = KeyringSecrets::with_service(TEST_SERVICE)?;
    let one = uuid::Uuid::now_v7().to_string();
    let two = uuid::Uuid::now_v7().to_string();
    let token = Sensitive::new(ManagementToken::generate()?.expose_secret().to_owned());
    secrets.set(&one, &token)?;
    let other = secrets.get(&two);
    secrets.delete(&one)?;
    assert!(other?.is_none());
    Ok(())
}

#[tokio::test]
async fn the_keyring_also_works_when_called_from_async_code() -> anyhow::Result<()> {
    if !keyring_required() {
        eprintln!("note: skipping a real-keyring test ({REQUIRE_VAR} is not set)");
        return Ok(());
    }
    // The CLI and the app run on tokio: the D-Bus client must not need (or
    // fight) the caller's runtime, whether called in place or on a
    // blocking thread.
    let secrets = KeyringSecrets::with_service(TEST_SERVICE)?;
    let account = uuid::Uuid::now_v7().to_string();
    let token = Sensitive::new(ManagementToken::generate()?.expose_secret().to_owned());
    secrets.set(&account, &token)?;
    let read = {
        let secrets = secrets.clone();
        let account = account.clone();
        tokio::task::spawn_blocking(move || secrets.get(&account)).await??
    };
    secrets.delete(&account)?;
    assert!(read == Some(token));
    Ok(())
}

#[cfg(target_os = "linux")]
#[test]
fn without_a_session_bus_the_keyring_is_unavailable_with_advice() -> anyhow::Result<()> {
    let output = child(
        "secrets::child_uses_a_missing_keyring",
        "no-keyring",
        &[(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/mcp-keys-test/bus",
        )],
    )?
    .output()?;
    let lines = child_lines(&output)?;
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0], "unavailable");
    assert!(lines[1].contains("MCP_KEYS_TOKEN"), "{}", lines[1]);
    assert!(lines[1].contains("Secret Service"), "{}", lines[1]);
    Ok(())
}

/// The child's half of the test above; passes and does nothing when run as
/// an ordinary test.
#[test]
fn child_uses_a_missing_keyring() -> anyhow::Result<()> {
    if std::env::var(CHILD_ROLE_VAR).as_deref() != Ok("no-keyring") {
        return Ok(());
    }
    let secrets = KeyringSecrets::with_service(TEST_SERVICE)?;
    let error = match secrets.get("any") {
        Ok(_) => anyhow::bail!("a keyring answered without a session bus"),
        Err(error) => error,
    };
    // Every operation fails the same way, and none falls back to a file.
    let token = Sensitive::new("not-a-real-token".to_owned());
    anyhow::ensure!(secrets.set("any", &token).is_err());
    anyhow::ensure!(secrets.delete("any").is_err());
    let code = match error.code() {
        SecretErrorCode::Unavailable => "unavailable",
        other => anyhow::bail!("expected Unavailable, got {other:?}: {error}"),
    };
    println!("{CHILD_MARK}{code}");
    println!("{CHILD_MARK}{error}");
    Ok(())
}
