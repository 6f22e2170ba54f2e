// An OAuth MCP client this project did not write: the official TypeScript SDK
// (`@modelcontextprotocol/sdk`, pinned in tests/clients/package.json) with an
// in-memory OAuthClientProvider, against a surface in `oauth` mode (DESIGN §9).
//
//     node sdk-client.mjs SURFACE_MCP_URL [--client-metadata-url URL] [--wait]
//
// Environment:
//   MCP_KEYS_TEST_NODE_MODULES  the pinned clients' node_modules
//                               (default: <repo>/target/npm-clients/node_modules)
//   MCP_KEYS_TEST_AUTH_METHOD   token_endpoint_auth_method to register
//                               (none | client_secret_post | client_secret_basic; none)
//   MCP_KEYS_TEST_SCOPE         scope to put in the client metadata (none)
//   MCP_KEYS_BROWSER_LOG        also append browser.mjs's lines to this file
//   MCP_KEYS_CALLBACK_TIMEOUT_MS how long to wait for the callback (90 s)
//
// What it does, each step one JSON line on stdout (browser.mjs's lines, with
// "step" open/consent/redirect/callback, are passed through as they come):
//   1. connects without a token: the 401 starts the SDK's auth() (discovery,
//      dynamic registration or the client ID metadata document, PKCE), whose
//      redirectToAuthorization prints {"step":"authorize",...} and runs browser.mjs;
//   2. the code arrives at http://127.0.0.1:<free port>/callback
//      ({"step":"code",...}); transport.finishAuth(code) exchanges it
//      ({"step":"tokens","phase":"initial",...});
//   3. connects again and lists the tools ({"step":"tools","phase":"initial",...});
//   4. refreshes with the SDK's refreshAuthorization() ({"step":"tokens","phase":"refreshed",...})
//      and lists the tools with the new access token ({"step":"tools","phase":"refreshed",...});
//   5. with --wait: prints {"step":"waiting"} and reads one line on stdin
//      (the test revokes the grant meanwhile), then sends one MCP request with
//      the current access token and one refresh, without the SDK (which would
//      start a new authorization), and prints {"step":"after",...}.
// Tokens are never printed: only fingerprints (first 12 hex of their SHA-256)
// and prefixes (`mcpo_at_`). Any failure: {"step":"error",...} and exit 1.

import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const modules =
  process.env.MCP_KEYS_TEST_NODE_MODULES || path.resolve(here, "../../../target/npm-clients/node_modules");
const sdk = (file) =>
  import(pathToFileURL(path.join(modules, "@modelcontextprotocol/sdk/dist/esm", file)).href);

const say = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const fail = (message) => {
  say({ step: "error", message });
  process.stderr.write(`sdk-client: ${message}\n`);
  process.exit(1);
};
process.on("unhandledRejection", (error) => fail(`unhandled: ${error?.stack ?? error}`));

// Arguments.
const args = process.argv.slice(2);
let serverUrl;
let clientMetadataUrl;
let wait = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--client-metadata-url") clientMetadataUrl = args[++i];
  else if (args[i] === "--wait") wait = true;
  else if (!serverUrl) serverUrl = args[i];
  else fail(`unknown argument ${args[i]}`);
}
if (!serverUrl) fail("usage: sdk-client.mjs SURFACE_MCP_URL [--client-metadata-url URL] [--wait]");

let Client, StreamableHTTPClientTransport, auth, refreshAuthorization, UnauthorizedError;
try {
  ({ Client } = await sdk("client/index.js"));
  ({ StreamableHTTPClientTransport } = await sdk("client/streamableHttp.js"));
  ({ auth, refreshAuthorization, UnauthorizedError } = await sdk("client/auth.js"));
} catch (error) {
  fail(`cannot load the TypeScript SDK from ${modules}: ${error.message}`);
}

const fingerprint = (token) => (token ? createHash("sha256").update(token).digest("hex").slice(0, 12) : null);
const prefix = (token) => token?.match(/^[a-z]+_[a-z]+_/)?.[0] ?? null;
function describeTokens(phase, tokens) {
  return {
    step: "tokens",
    phase,
    tokenType: tokens.token_type,
    expiresIn: tokens.expires_in ?? null,
    scope: tokens.scope ?? null,
    accessTokenPrefix: prefix(tokens.access_token),
    accessTokenFingerprint: fingerprint(tokens.access_token),
    refreshTokenPrefix: prefix(tokens.refresh_token),
    refreshTokenFingerprint: fingerprint(tokens.refresh_token),
  };
}

// The loopback callback (RFC 8252): a free port on 127.0.0.1.
let onCallback;
const callbackReceived = new Promise((resolve) => (onCallback = resolve));
const callbackServer = http.createServer((request, response) => {
  const url = new URL(request.url, "http://127.0.0.1");
  if (url.pathname !== "/callback") {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { "content-type": "text/plain" }).end("Authorization received; you may close this window.\n");
  onCallback(url.searchParams);
});
await new Promise((resolve, reject) => {
  callbackServer.once("error", reject);
  callbackServer.listen(0, "127.0.0.1", resolve);
});
const redirectUrl = `http://127.0.0.1:${callbackServer.address().port}/callback`;

// Browser runs: their lines are passed through (and logged if asked).
const browsers = [];
function openBrowser(url) {
  const child = spawn(process.execPath, [path.join(here, "browser.mjs"), url], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  browsers.push(child);
  const lines = readline.createInterface({ input: child.stdout });
  lines.on("line", (line) => {
    process.stdout.write(`${line}\n`);
    if (process.env.MCP_KEYS_BROWSER_LOG) appendFileSync(process.env.MCP_KEYS_BROWSER_LOG, `${line}\n`);
  });
  child.stderr.on("data", (chunk) => process.stderr.write(chunk));
  child.on("exit", (code) => {
    if (code !== 0) fail(`browser.mjs exited with ${code}`);
  });
}

// The in-memory provider.
const expectedState = randomUUID();
const authMethod = process.env.MCP_KEYS_TEST_AUTH_METHOD || "none";
const store = { clientInformation: undefined, tokens: undefined, codeVerifier: undefined, discovery: undefined };
const provider = {
  get redirectUrl() {
    return redirectUrl;
  },
  clientMetadataUrl,
  get clientMetadata() {
    return {
      client_name: "mcp-keys e2e TypeScript SDK client",
      redirect_uris: [redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: authMethod,
      ...(process.env.MCP_KEYS_TEST_SCOPE ? { scope: process.env.MCP_KEYS_TEST_SCOPE } : {}),
    };
  },
  state: () => expectedState,
  clientInformation: () => store.clientInformation,
  saveClientInformation: (information) => {
    store.clientInformation = information;
    say({
      step: "client",
      clientId: information.client_id,
      viaMetadataDocument: Boolean(clientMetadataUrl) && information.client_id === clientMetadataUrl,
      hasSecret: information.client_secret !== undefined,
      secretPrefix: prefix(information.client_secret),
      tokenEndpointAuthMethod: information.token_endpoint_auth_method ?? null,
    });
  },
  tokens: () => store.tokens,
  saveTokens: (tokens) => {
    store.tokens = tokens;
  },
  redirectToAuthorization: (url) => {
    const params = Object.fromEntries(url.searchParams);
    delete params.code_challenge;
    say({ step: "authorize", endpoint: `${url.origin}${url.pathname}`, params });
    openBrowser(url.href);
  },
  saveCodeVerifier: (verifier) => {
    store.codeVerifier = verifier;
  },
  codeVerifier: () => {
    if (!store.codeVerifier) throw new Error("no code verifier saved");
    return store.codeVerifier;
  },
  saveDiscoveryState: (state) => {
    store.discovery = state;
  },
  discoveryState: () => store.discovery,
  invalidateCredentials: (scope) => {
    say({ step: "invalidate", scope });
    if (scope === "all" || scope === "client") store.clientInformation = undefined;
    if (scope === "all" || scope === "tokens") store.tokens = undefined;
    if (scope === "all" || scope === "verifier") store.codeVerifier = undefined;
    if (scope === "all" || scope === "discovery") store.discovery = undefined;
  },
};

async function listTools(phase) {
  const transport = new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: provider });
  const client = new Client({ name: "mcp-keys-e2e-sdk-oauth", version: "1.0.0" }, { capabilities: {} });
  await client.connect(transport);
  const { tools } = await client.listTools();
  say({ step: "tools", phase, tools: tools.map((tool) => tool.name) });
  await client.close();
}

const timeout = (ms, what) =>
  new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms).unref());

try {
  // 1. Without a token: the SDK's auth() runs and ends in a redirect.
  const transport = new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: provider });
  const client = new Client({ name: "mcp-keys-e2e-sdk-oauth", version: "1.0.0" }, { capabilities: {} });
  let redirected = false;
  try {
    await client.connect(transport);
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    redirected = true;
  }
  if (!redirected) fail("the surface let the client in without authorization");
  const discovery = store.discovery;
  say({
    step: "discovered",
    authorizationServer: discovery?.authorizationServerUrl ?? null,
    issuer: discovery?.authorizationServerMetadata?.issuer ?? null,
    resource: discovery?.resourceMetadata?.resource ?? null,
    scopesSupported: discovery?.resourceMetadata?.scopes_supported ?? null,
    tokenEndpointAuthMethods: discovery?.authorizationServerMetadata?.token_endpoint_auth_methods_supported ?? null,
    clientIdMetadataDocumentSupported:
      discovery?.authorizationServerMetadata?.client_id_metadata_document_supported ?? null,
  });

  // 2. The code at the callback, exchanged by finishAuth.
  const timeoutMs = Number(process.env.MCP_KEYS_CALLBACK_TIMEOUT_MS || 90_000);
  const callback = await Promise.race([callbackReceived, timeout(timeoutMs, "no callback")]);
  const iss = callback.get("iss");
  say({
    step: "code",
    code: callback.has("code"),
    error: callback.get("error"),
    stateMatches: callback.get("state") === expectedState,
    iss,
    issMatches: iss === (discovery?.authorizationServerMetadata?.issuer ?? null),
  });
  if (callback.get("error")) fail(`authorization refused: ${callback.get("error")} ${callback.get("error_description") ?? ""}`);
  if (callback.get("state") !== expectedState) fail("the callback's state is not the one sent");
  await transport.finishAuth(callback.get("code"));
  await client.close().catch(() => {});
  say(describeTokens("initial", store.tokens));

  // 3. Connected with the access token.
  await listTools("initial");

  // 4. A refresh through the SDK's refreshAuthorization, then the new token.
  const before = store.tokens;
  const metadata = store.discovery?.authorizationServerMetadata;
  const refreshed = await refreshAuthorization(store.discovery.authorizationServerUrl, {
    metadata,
    clientInformation: store.clientInformation,
    refreshToken: before.refresh_token,
    resource: store.discovery?.resourceMetadata?.resource,
  });
  store.tokens = { ...refreshed, issuer: before.issuer };
  say({
    ...describeTokens("refreshed", store.tokens),
    accessTokenRotated: refreshed.access_token !== before.access_token,
    refreshTokenRotated: refreshed.refresh_token !== before.refresh_token,
  });
  await listTools("refreshed");

  // 5. After the test's revocation: the token and the refresh token, by hand.
  if (wait) {
    say({ step: "waiting" });
    const stdin = readline.createInterface({ input: process.stdin });
    await new Promise((resolve) => {
      stdin.once("line", resolve);
      stdin.once("close", resolve);
    });
    stdin.close();
    const mcp = await fetch(serverUrl, {
      method: "POST",
      headers: {
        authorization: `Bearer ${store.tokens.access_token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-11-25",
          capabilities: {},
          clientInfo: { name: "mcp-keys-e2e-sdk-oauth", version: "1.0.0" },
        },
      }),
    });
    const mcpBody = await mcp.text();
    const form = new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: store.tokens.refresh_token,
      client_id: store.clientInformation.client_id,
    });
    const headers = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
    const secret = store.clientInformation.client_secret;
    if (secret && authMethod === "client_secret_basic") {
      form.delete("client_id");
      headers.authorization = `Basic ${Buffer.from(`${store.clientInformation.client_id}:${secret}`).toString("base64")}`;
    } else if (secret) {
      form.set("client_secret", secret);
    }
    const token = await fetch(metadata.token_endpoint, { method: "POST", headers, body: form });
    const tokenBody = await token.text();
    let tokenError = null;
    try {
      tokenError = JSON.parse(tokenBody).error ?? null;
    } catch {}
    say({
      step: "after",
      mcpStatus: mcp.status,
      wwwAuthenticate: mcp.headers.get("www-authenticate"),
      mcpBody: mcpBody.slice(0, 300),
      refreshStatus: token.status,
      refreshError: tokenError,
    });
  }
  say({ step: "done" });
  callbackServer.close();
  for (const browser of browsers) browser.kill();
  process.exit(0);
} catch (error) {
  fail(error?.stack ?? String(error));
}
