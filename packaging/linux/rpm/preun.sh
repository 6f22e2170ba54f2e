# Before the last version is erased ($1 = 0): stop the service if it runs.
if [ "$1" -eq 0 ] && [ -d /run/systemd/system ]; then
    systemctl --no-reload disable --now mcp-keys.service >/dev/null 2>&1 || :
fi
