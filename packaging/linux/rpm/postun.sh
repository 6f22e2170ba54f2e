# After an erase. RPM has no purge, so the service's settings
# (/etc/mcp-keys) and database (/var/lib/mcp-keys) stay, as after a Debian
# `remove`; delete them by hand to forget the service.
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || :
fi
