# After install or upgrade: the service's settings, once, readable by root
# only (a PostgreSQL URL in them may hold a password). The service is neither
# enabled nor started: `systemctl enable --now mcp-keys`.
if [ ! -e /etc/mcp-keys/serve.env ]; then
    install -d -m 0755 /etc/mcp-keys
    install -m 0600 /usr/share/mcp-keys/serve.env /etc/mcp-keys/serve.env
fi
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload || :
fi
