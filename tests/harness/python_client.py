"""An MCP client this project did not write: the official Python SDK (`mcp` on
PyPI), over Streamable HTTP with `Authorization: Bearer <key>`.

Driven by the Rust test `mcp-client` one line at a time, so one session can
make a request, wait while the test revokes its key, and make the next one:

    python python_client.py URL     (the key is read from $MCP_KEYS_TEST_KEY,
                                     never from the command line)

It initializes first (or, with $MCP_KEYS_TEST_PROTOCOL set to a revision
without a handshake such as 2026-07-28, adopts that revision: each request
then stands alone, and the server's requests to the client come back as
`input_required` results that the SDK answers and retries), then reads JSON
commands from stdin:

    {"op": "list"}
    {"op": "call", "name": "search", "arguments": {...}, "progress": true}
    {"op": "prompts"} / {"op": "resources"} / {"op": "read", "uri": "..."}
    {"op": "subscribe", "uri": "..."} / {"op": "set_level", "level": "debug"}
    {"op": "heard"}          (what the server sent on its own, since the last "heard")
    {"op": "roots_changed"}  (the roots change to ROOTS_CHANGED and the server is told)

The client can sample (it answers "sampled: <the prompt's text>"), elicit (it
accepts with {"name": "Ada"}) and list its roots (ROOTS, or the
comma-separated URIs of $MCP_KEYS_TEST_ROOTS), so a server's
requests through a gateway can be checked; each request it answered is
reported by "heard".

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
from mcp import Client, ClientSession
from mcp.client.streamable_http import streamable_http_client
import mcp_types as types
from mcp_types import Implementation

CLIENT_NAME = "python-sdk-test-client"
ROOTS = os.environ.get("MCP_KEYS_TEST_ROOTS", "file:///srv/first-root").split(",")
ROOTS_CHANGED = ["file:///srv/first-root", "file:///srv/second-root"]


class Heard:
    """What the server sent without being asked: its requests to this client
    and its notifications, in order."""

    def __init__(self):
        self.events = []
        self.roots = list(ROOTS)

    def take(self):
        events, self.events = self.events, []
        return events

    async def sampling(self, context, params):
        text = " ".join(
            getattr(message.content, "text", "") for message in params.messages if hasattr(message, "content")
        )
        self.events.append({"request": "sampling/createMessage", "text": text})
        return types.CreateMessageResult(
            role="assistant",
            content=types.TextContent(type="text", text=f"sampled: {text}"),
            model="test-model",
            stop_reason="endTurn",
        )

    async def elicitation(self, context, params):
        self.events.append({"request": "elicitation/create", "message": params.message})
        return types.ElicitResult(action="accept", content={"name": "Ada"})

    async def list_roots(self, context):
        self.events.append({"request": "roots/list"})
        return types.ListRootsResult(roots=[types.Root(uri=uri) for uri in self.roots])

    async def logging(self, params):
        self.events.append({"notification": "notifications/message", "level": params.level})

    async def message(self, message):
        if isinstance(message, Exception):
            self.events.append({"error": str(message)})
            return
        method = getattr(message, "method", None)
        if method is None and hasattr(message, "root"):
            method = getattr(message.root, "method", None)
        params = getattr(message, "params", None)
        event = {"notification": method}
        uri = getattr(params, "uri", None)
        if uri is not None:
            event["uri"] = str(uri)
        self.events.append(event)


def dump(model):
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


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


async def serve_commands(session, last, heard):
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
                progress = []

                async def on_progress(value, total, message):
                    progress.append(value)

                result = await session.call_tool(
                    command["name"],
                    command.get("arguments", {}),
                    progress_callback=on_progress if command.get("progress") else None,
                )
                say(
                    {
                        "ok": True,
                        "isError": bool(result.is_error),
                        "content": [dump(block) for block in result.content],
                        "progress": progress,
                    }
                )
            elif command["op"] == "prompts":
                result = await session.list_prompts()
                say({"ok": True, "prompts": [prompt.name for prompt in result.prompts]})
            elif command["op"] == "resources":
                result = await session.list_resources()
                say({"ok": True, "resources": [str(resource.uri) for resource in result.resources]})
            elif command["op"] == "read":
                result = await session.read_resource(command["uri"])
                say({"ok": True, "contents": [dump(content) for content in result.contents]})
            elif command["op"] == "subscribe":
                await session.subscribe_resource(command["uri"])
                say({"ok": True})
            elif command["op"] == "set_level":
                await session.set_logging_level(command["level"])
                say({"ok": True})
            elif command["op"] == "heard":
                say({"ok": True, "heard": heard.take()})
            elif command["op"] == "roots_changed":
                heard.roots = list(ROOTS_CHANGED)
                await session.send_roots_list_changed()
                say({"ok": True})
            else:
                say({"ok": False, "status": None, "body": None, "message": f"unknown op {command['op']}"})
        except Exception as error:  # noqa: BLE001 - every failure is reported to the test
            say(last.failure(error))


async def main():
    url = sys.argv[1]
    key = os.environ["MCP_KEYS_TEST_KEY"]
    last = LastResponse()
    heard = Heard()
    http = httpx2.AsyncClient(
        headers={"Authorization": f"Bearer {key}"},
        event_hooks={"response": [last.hook]},
        timeout=30,
    )
    protocol = os.environ.get("MCP_KEYS_TEST_PROTOCOL")
    if protocol:
        await modern(url, http, protocol, last, heard)
        return
    try:
        async with http, streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(
                read,
                write,
                client_info=Implementation(name=CLIENT_NAME, version="1.0"),
                sampling_callback=heard.sampling,
                elicitation_callback=heard.elicitation,
                list_roots_callback=heard.list_roots,
                logging_callback=heard.logging,
                message_handler=heard.message,
            ) as session:
                try:
                    result = await session.initialize()
                except Exception as error:  # noqa: BLE001
                    say(last.failure(error))
                    return
                say({"ok": True, "server": result.server_info.name, "protocol": result.protocol_version})
                await serve_commands(session, last, heard)
    except BaseException as error:  # noqa: BLE001 - task groups wrap errors in groups
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        say(last.failure(error))


async def modern(url, http, protocol, last, heard):
    """The SDK's `Client` at a revision without a handshake."""
    try:
        async with http:
            client = Client(
                streamable_http_client(url, http_client=http),
                mode=protocol,
                client_info=Implementation(name=CLIENT_NAME, version="1.0"),
                sampling_callback=heard.sampling,
                elicitation_callback=heard.elicitation,
                list_roots_callback=heard.list_roots,
            )
            async with client:
                say({"ok": True, "protocol": client.protocol_version})
                await serve_commands(client, last, heard)
    except BaseException as error:  # noqa: BLE001 - task groups wrap errors in groups
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        say(last.failure(error))


if __name__ == "__main__":
    anyio.run(main)
