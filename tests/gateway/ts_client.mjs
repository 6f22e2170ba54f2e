// An MCP client this project did not write: the official TypeScript SDK
// (`@modelcontextprotocol/sdk`, pinned in tests/clients/package.json), over
// Streamable HTTP with `Authorization: Bearer <key>`, able to sample.
//
//     node ts_client.mjs URL     (the key from $MCP_KEYS_TEST_KEY, the SDK's
//                                 node_modules from $MCP_KEYS_TEST_NODE_MODULES)
//
// It lists the tools, calls `echo` and `trigger-sampling-request`, and prints
// one JSON line: {"server", "tools", "echo", "sampled", "samplingRequests"}.

import path from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.env.MCP_KEYS_TEST_NODE_MODULES;
const sdk = (file) =>
  import(pathToFileURL(path.join(modules, "@modelcontextprotocol/sdk/dist/esm", file)).href);
const { Client } = await sdk("client/index.js");
const { StreamableHTTPClientTransport } = await sdk("client/streamableHttp.js");
const { CreateMessageRequestSchema } = await sdk("types.js");

const url = new URL(process.argv[2]);
const transport = new StreamableHTTPClientTransport(url, {
  requestInit: { headers: { Authorization: `Bearer ${process.env.MCP_KEYS_TEST_KEY}` } },
});
const client = new Client(
  { name: "typescript-sdk-test-client", version: "1.0.0" },
  { capabilities: { sampling: {} } },
);
let samplingRequests = 0;
client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
  samplingRequests += 1;
  const text = request.params.messages.map((message) => message.content.text ?? "").join(" ");
  return {
    role: "assistant",
    content: { type: "text", text: `sampled by ts: ${text}` },
    model: "test-model",
    stopReason: "endTurn",
  };
});

const texts = (result) => result.content.map((block) => block.text ?? "").join("\n");
try {
  await client.connect(transport);
  const tools = await client.listTools();
  const echo = await client.callTool({ name: "echo", arguments: { message: "from typescript" } });
  const sampled = await client.callTool({
    name: "trigger-sampling-request",
    arguments: { prompt: "typescript asks", maxTokens: 10 },
  });
  console.log(
    JSON.stringify({
      server: client.getServerVersion()?.name,
      tools: tools.tools.map((tool) => tool.name),
      echo: texts(echo),
      sampled: texts(sampled),
      samplingRequests,
    }),
  );
  await transport.terminateSession();
  await client.close();
} catch (error) {
  console.log(JSON.stringify({ error: String(error) }));
  process.exitCode = 1;
}
