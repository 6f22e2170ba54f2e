// The automated "browser" of the OAuth tests (DESIGN §9): it opens an
// authorization URL the way a user's browser would, waits on the consent
// page while the test approves the request through the CLI, and delivers the
// answer to the client's loopback callback.
//
//     node browser.mjs AUTHORIZATION_URL
//
// One JSON line per step on stdout:
//   {"step":"open","url":...}                      the URL it was given
//   {"step":"consent","requestId":...,"url":...}   the pending request (approve it now)
//   {"step":"redirect","location":...,"code":bool,"error":...,"iss":...,"state":...}
//   {"step":"callback","status":...,"body":...}    what the client's callback answered
//   {"step":"error","message":...}                 and exit 1
// No dependencies: Node's fetch, never following a redirect by itself.
// $MCP_KEYS_BROWSER_TIMEOUT_MS bounds the wait for a decision (60 s).

const POLL_MS = 250;
const TIMEOUT_MS = Number(process.env.MCP_KEYS_BROWSER_TIMEOUT_MS || 60_000);

const say = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const fail = (message) => {
  say({ step: "error", message });
  process.exit(1);
};

// Cookies the service sets, sent back to it (a consent page may bind the
// request to this browser).
const jar = new Map();
function remember(response) {
  for (const cookie of response.headers.getSetCookie?.() ?? []) {
    const [pair] = cookie.split(";");
    const at = pair.indexOf("=");
    if (at > 0) jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
}
function cookieHeader() {
  return [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
}

async function get(url, { cookies = true } = {}) {
  const headers = { accept: "text/html,application/xhtml+xml", "user-agent": "mcp-keys-e2e-browser/1.0" };
  if (cookies && jar.size > 0) headers.cookie = cookieHeader();
  const response = await fetch(url, { redirect: "manual", headers });
  remember(response);
  return response;
}

// A loopback callback named `localhost` (mcp-remote's default) is tried as
// 127.0.0.1 too: callback servers listen on 127.0.0.1 while `localhost` may
// resolve to ::1 first.
async function getCallback(url) {
  try {
    return await get(url, { cookies: false });
  } catch (error) {
    const parsed = new URL(url);
    if (parsed.hostname !== "localhost") throw error;
    parsed.hostname = "127.0.0.1";
    return await get(parsed.href, { cookies: false });
  }
}

const REQUEST_PATH = /\/oauth\/authorize\/([^/?#"'\s]+)/;

function requestIdFromPage(html, base) {
  const attribute = html.match(/data-request-id\s*=\s*["']([^"']+)["']/i);
  if (attribute) return attribute[1];
  const refresh = html.match(/<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*>/i);
  if (refresh) {
    const content = refresh[0].match(/content\s*=\s*["']([^"']*)["']/i);
    const target = content?.[1].match(/url\s*=\s*(.+)$/i)?.[1].trim().replace(/^['"]|['"]$/g, "");
    if (target) {
      const found = new URL(target.replaceAll("&amp;", "&"), base).pathname.match(REQUEST_PATH);
      if (found) return decodeURIComponent(found[1]);
    }
  }
  const anywhere = html.match(REQUEST_PATH);
  return anywhere ? decodeURIComponent(anywhere[1]) : undefined;
}

// Delivers the final redirect to the client and exits.
async function deliver(location) {
  const target = new URL(location);
  say({
    step: "redirect",
    location: target.href,
    code: target.searchParams.has("code"),
    error: target.searchParams.get("error") ?? undefined,
    iss: target.searchParams.get("iss") ?? undefined,
    state: target.searchParams.get("state") ?? undefined,
  });
  let response;
  try {
    response = await getCallback(target.href);
  } catch (error) {
    fail(`the client's callback ${target.origin}${target.pathname} did not answer: ${error.cause?.message ?? error.message}`);
  }
  const body = await response.text().catch(() => "");
  say({ step: "callback", status: response.status, body: body.trim().slice(0, 300) });
  process.exit(0);
}

const start = process.argv[2];
if (!start) fail("usage: browser.mjs AUTHORIZATION_URL");
say({ step: "open", url: start });

let first;
try {
  first = await get(start);
} catch (error) {
  fail(`GET ${start} failed: ${error.cause?.message ?? error.message}`);
}
const firstBody = await first.text().catch(() => "");
let pollUrl;
let requestId;
if (first.status === 200) {
  requestId = requestIdFromPage(firstBody, start);
  if (!requestId) fail(`the consent page names no request: ${firstBody.slice(0, 500)}`);
  pollUrl = new URL(`/oauth/authorize/${encodeURIComponent(requestId)}`, start).href;
} else if (first.status >= 300 && first.status < 400 && first.headers.get("location")) {
  const location = new URL(first.headers.get("location"), start);
  const found = location.origin === new URL(start).origin && location.pathname.match(REQUEST_PATH);
  if (!found) await deliver(location.href); // an error redirect straight to the client
  requestId = decodeURIComponent(found[1]);
  pollUrl = location.href;
} else {
  fail(`GET /oauth/authorize answered ${first.status}: ${firstBody.slice(0, 500)}`);
}
say({ step: "consent", requestId, url: pollUrl });

const deadline = Date.now() + TIMEOUT_MS;
for (;;) {
  let response;
  try {
    response = await get(pollUrl);
  } catch (error) {
    fail(`GET ${pollUrl} failed: ${error.cause?.message ?? error.message}`);
  }
  const location = response.headers.get("location");
  if (response.status === 303 && location) {
    await response.body?.cancel();
    await deliver(new URL(location, pollUrl).href);
  }
  const text = await response.text().catch(() => "");
  if (response.status !== 200) fail(`GET ${pollUrl} answered ${response.status}: ${text.slice(0, 500)}`);
  if (Date.now() > deadline) fail(`no decision on request ${requestId} within ${TIMEOUT_MS} ms`);
  await new Promise((resolve) => setTimeout(resolve, POLL_MS));
}
