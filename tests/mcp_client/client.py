"""An MCP client this project did not write: the official Python SDK (`mcp` on
PyPI), over Streamable HTTP with `Authorization: Bearer <key>`.

Driven by the Rust test `mcp-client` one line at a time, so one session can
make a request, wait while the test revokes its key, and make the next one:

    python client.py URL            (the key is read from $MCP_KEYS_TEST_KEY,
                                     never from the command line)

It initializes first, then reads JSON commands from stdin:

    {"op": "list"}
    {"op": "call", "name": "search", "arguments": {...}}

and answers each (and the initialization) with one JSON line on stdout:

    {"ok": true, ...}
    {"ok": false, "status": 401, "body": {...}, "message": "..."}

`status` and `body` are those of the last HTTP response the SDK received,
recorded by an httpx2 hook: the SDK turns an HTTP refusal into a JSON-RPC
error and keeps the status to itself.
"""

import json
import os
import sys

import anyio
import httpx2
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp_types import Implementation

CLIENT_NAME = "python-sdk-test-client"


def say(answer):
    print(json.dumps(answer), flush=True)


class LastResponse:
    """The status and body of the last HTTP response."""

    def __init__(self):
        self.status = None
        self.body = None

    async def hook(self, response):
        self.status = response.status_code
        self.body = None
        # Only refusals are read here: a success may be a stream the SDK
        # reads itself.
        if response.status_code >= 400:
            await response.aread()
            try:
                self.body = json.loads(response.text)
            except ValueError:
                self.body = response.text

    def failure(self, error):
        return {
            "ok": False,
            "status": self.status,
            "body": self.body,
            "message": str(error),
        }


async def serve_commands(session, last):
    while True:
        line = await anyio.to_thread.run_sync(sys.stdin.readline)
        if not line:
            return
        command = json.loads(line)
        try:
            if command["op"] == "list":
                result = await session.list_tools()
                say({"ok": True, "tools": [tool.name for tool in result.tools]})
            elif command["op"] == "call":
                result = await session.call_tool(command["name"], command.get("arguments", {}))
                say(
                    {
                        "ok": True,
                        "isError": bool(result.is_error),
                        "content": [
                            block.model_dump(mode="json", by_alias=True, exclude_none=True)
                            for block in result.content
                        ],
                    }
                )
            else:
                say({"ok": False, "status": None, "body": None, "message": f"unknown op {command['op']}"})
        except Exception as error:  # noqa: BLE001 - every failure is reported to the test
            say(last.failure(error))


async def main():
    url = sys.argv[1]
    key = os.environ["MCP_KEYS_TEST_KEY"]
    last = LastResponse()
    http = httpx2.AsyncClient(
        headers={"Authorization": f"Bearer {key}"},
        event_hooks={"response": [last.hook]},
        timeout=30,
    )
    try:
        async with http, streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(
                read, write, client_info=Implementation(name=CLIENT_NAME, version="1.0")
            ) as session:
                try:
                    result = await session.initialize()
                except Exception as error:  # noqa: BLE001
                    say(last.failure(error))
                    return
                say({"ok": True, "server": result.server_info.name, "protocol": result.protocol_version})
                await serve_commands(session, last)
    except BaseException as error:  # noqa: BLE001 - task groups wrap errors in groups
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        say(last.failure(error))


if __name__ == "__main__":
    anyio.run(main)
