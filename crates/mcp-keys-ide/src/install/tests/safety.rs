//! What an install refuses, and the permissions it leaves: nothing is
//! written to a broken file, through a project's link, or with a key on a
//! command line, and no error carries the key.

use std::fs;

use super::edits::put;
use super::*;

#[test]
fn a_malformed_config_is_reported_by_name_and_left_as_it_is() {
    let key = new_key();
    let old = new_key();
    let old = old.expose();
    for (client, rel, before) in [
        (
            ClientId::Cursor,
            ".cursor/mcp.json",
            format!(
                "{{\"mcpServers\": {{\"a\": {{\"headers\": {{\"x\": \"{old}\"}}}}, \"b\": }}\n"
            ),
        ),
        (
            ClientId::Codex,
            ".codex/config.toml",
            format!("[mcp_servers.a]\nhttp_headers = {{ x = \"{old}\" }}\n[mcp_servers.b\n"),
        ),
        (
            ClientId::Continue,
            ".continue/config.yaml",
            format!("mcpServers:\n  - name: a\n    url: \"{old}\n"),
        ),
    ] {
        let home = temp();
        let path = home.path().join(rel);
        put(&path, &before);
        let result = install(&request(client, Via::Literal, home.path(), None, &key));
        let Err(error @ Error::Parse { .. }) = result else {
            panic!("{client}: {result:?}");
        };
        let message = error.to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(
            !message.contains(key.expose().as_str()) && !message.contains(old.as_str()),
            "no key in the message: {message}"
        );
        assert_eq!(read(&path), before, "{client}");
    }
}

#[test]
fn a_server_name_twice_is_refused_rather_than_guessed() {
    let home = temp();
    let key = new_key();
    let path = home.path().join(".cursor/mcp.json");
    let before = "{\"mcpServers\": {\"docs\": {}, \"docs\": {}}}";
    put(&path, before);
    let result = install(&request(
        ClientId::Cursor,
        Via::Env,
        home.path(),
        None,
        &key,
    ));
    assert!(matches!(result, Err(Error::Layout { .. })), "{result:?}");
    assert_eq!(read(&path), before);
}

#[test]
fn requests_the_client_or_registry_cannot_serve_are_refused() {
    let home = temp();
    let key = new_key();
    let mut helper = request(ClientId::Cursor, Via::Helper, home.path(), None, &key);
    assert!(matches!(
        install(&helper),
        Err(Error::ViaUnsupported {
            client: "cursor",
            via: "helper"
        })
    ));
    helper.via = Via::Literal;
    helper.key = None;
    assert!(matches!(install(&helper), Err(Error::KeyRequired)));

    let project = temp();
    let windsurf = request(
        ClientId::Windsurf,
        Via::Env,
        home.path(),
        Some(project.path()),
        &key,
    );
    assert!(matches!(
        install(&windsurf),
        Err(Error::NoConfigPath { .. })
    ));

    let base = request(ClientId::Zed, Via::Bridge, home.path(), None, &key);
    for bad in [
        InstallRequest {
            slot: "Zed Docs",
            ..base
        },
        InstallRequest {
            server_name: " docs",
            ..base
        },
        InstallRequest {
            url: "ftp://x",
            ..base
        },
        InstallRequest {
            program: Path::new("mcp-keys"),
            ..base
        },
    ] {
        assert!(
            matches!(install(&bad), Err(Error::InvalidInstall { .. })),
            "{bad:?}"
        );
    }
    assert!(matches!(
        install(&InstallRequest {
            env_var: "1X",
            ..base
        }),
        Err(Error::InvalidVariableName(_))
    ));
    assert!(
        !home.path().join(".config").exists(),
        "nothing was created for a refused request"
    );
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).map_or(0, |metadata| metadata.permissions().mode() & 0o777)
}

#[cfg(unix)]
#[test]
fn new_configs_are_private_and_a_literal_key_narrows_a_readable_one() {
    use std::os::unix::fs::PermissionsExt;
    let key = new_key();
    let home = temp();
    let done = installed(&request(
        ClientId::Zed,
        Via::Bridge,
        home.path(),
        None,
        &key,
    ));
    assert!(done.created_file);
    assert_eq!(mode(&done.config_path), 0o600);

    let path = home.path().join(".gemini/settings.json");
    put(&path, "{}\n");
    let readable = fs::Permissions::from_mode(0o644);
    fs::set_permissions(&path, readable.clone()).unwrap_or_else(|error| panic!("{error}"));
    installed(&request(
        ClientId::GeminiCli,
        Via::Bridge,
        home.path(),
        None,
        &key,
    ));
    assert_eq!(mode(&path), 0o644, "a keyless entry keeps the file's mode");
    installed(&request(
        ClientId::GeminiCli,
        Via::Literal,
        home.path(),
        None,
        &key,
    ));
    assert_eq!(
        mode(&path),
        0o600,
        "a file with a key is not left readable by all"
    );
}

#[cfg(unix)]
#[test]
fn a_project_config_linked_elsewhere_is_not_written_through() {
    let key = new_key();
    let home = temp();
    let project = temp();
    let elsewhere = temp();
    let target = elsewhere.path().join("victim.json");
    put(&target, "{}\n");
    std::os::unix::fs::symlink(&target, project.path().join(".mcp.json"))
        .unwrap_or_else(|error| panic!("{error}"));
    let request = request(
        ClientId::ClaudeCode,
        Via::Bridge,
        home.path(),
        Some(project.path()),
        &key,
    );
    assert!(matches!(install(&request), Err(Error::NotARegularFile(_))));
    assert_eq!(read(&target), "{}\n");

    let linked_folder = temp();
    let vscode = request_in(linked_folder.path(), elsewhere.path(), home.path(), &key);
    assert!(
        matches!(install(&vscode), Err(Error::OutsideProject { .. })),
        "a linked folder leads out of the project too"
    );
    assert!(!elsewhere.path().join("mcp.json").exists());
}

/// A VS Code project whose `.vscode` folder is a link to `elsewhere`.
#[cfg(unix)]
fn request_in<'a>(
    project: &'a Path,
    elsewhere: &Path,
    home: &'a Path,
    key: &'a Sensitive<String>,
) -> InstallRequest<'a> {
    std::os::unix::fs::symlink(elsewhere, project.join(".vscode"))
        .unwrap_or_else(|error| panic!("{error}"));
    request(ClientId::Vscode, Via::Bridge, home, Some(project), key)
}

#[cfg(unix)]
#[test]
fn a_users_linked_config_is_written_at_its_target_and_stays_a_link() {
    let key = new_key();
    let home = temp();
    let dotfiles = temp();
    let target = dotfiles.path().join("claude.json");
    put(&target, "{}\n");
    let link = home.path().join(".claude.json");
    std::os::unix::fs::symlink(&target, &link).unwrap_or_else(|error| panic!("{error}"));
    installed(&request(
        ClientId::ClaudeCode,
        Via::Helper,
        home.path(),
        None,
        &key,
    ));
    assert!(fs::symlink_metadata(&link).is_ok_and(|metadata| metadata.is_symlink()));
    assert!(read(&target).contains("headersHelper"));
}
