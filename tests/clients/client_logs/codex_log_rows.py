"""Prints, as a JSON array, the rows of Codex's log database (the `logs`
table of CODEX_HOME/logs_<n>.sqlite, WAL included) that record an MCP
server refused at startup: the ERROR row of the transport with the
WWW-Authenticate header, and the WARN row naming the server.

    python3 codex_log_rows.py CODEX_HOME
"""

import glob
import json
import os
import sqlite3
import sys

QUERY = """
SELECT id, ts, ts_nanos, level, target, process_uuid, feedback_log_body FROM logs
WHERE (target = 'rmcp::transport::worker' AND feedback_log_body LIKE '%AuthRequired%')
   OR (target = 'codex_mcp::rmcp_client' AND feedback_log_body LIKE '%MCP server startup failed%')
ORDER BY id
"""


def main():
    rows = []
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "logs_*.sqlite"))):
        try:
            # Read-only, but through SQLite, which reads the WAL too.
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
            columns = ["id", "ts", "tsNanos", "level", "target", "processUuid", "body"]
            rows += [dict(zip(columns, row), file=path) for row in db.execute(QUERY)]
            db.close()
        except sqlite3.Error as error:
            rows.append({"file": path, "error": str(error)})
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
