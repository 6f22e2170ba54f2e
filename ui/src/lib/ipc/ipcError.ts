import type { ErrorKind } from "../../bindings/ErrorKind";
import type { IpcError } from "../../bindings/IpcError";
import type { SecretErrorCode } from "../../bindings/SecretErrorCode";

/** Every code, as a `Record` so that a code added in Rust fails the type check until it is here. */
const knownCodes: Record<ErrorKind, true> = {
  invalid_input: true,
  not_found: true,
  no_connection: true,
  no_token: true,
  unreachable: true,
  token_rejected: true,
  rate_limited: true,
  server_error: true,
  keyring_unavailable: true,
  conflict: true,
  unsupported: true,
  internal: true,
};

function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === "string" && Object.hasOwn(knownCodes, value);
}

/** True for a well-formed `{code, message}` from one of our commands. */
export function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    "code" in value &&
    "message" in value &&
    isErrorKind(value.code) &&
    typeof value.message === "string"
  );
}

/**
 * Turns whatever a failed command rejected with into an `IpcError`. Our
 * commands reject with `{code, message}`; Tauri itself rejects with a bare
 * string (unknown command, denied by a capability), and a JS failure with an
 * `Error`. Everything that is not ours becomes `internal`.
 */
export function toIpcError(value: unknown): IpcError {
  if (isIpcError(value)) {
    const { code, message, retryAfterSeconds, keyring } = value;
    return {
      code,
      message,
      ...(typeof retryAfterSeconds === "number" ? { retryAfterSeconds } : {}),
      ...(keyring !== undefined && Object.hasOwn(keyringWords, keyring) ? { keyring } : {}),
    };
  }
  if (typeof value === "string" && value.length > 0) {
    return { code: "internal", message: value };
  }
  if (value instanceof Error && value.message.length > 0) {
    return { code: "internal", message: value.message };
  }
  return { code: "internal", message: "The app failed without saying why." };
}

/** What an error is about, so its explanation can name it. */
export type ErrorContext = {
  /** The server the failed call went to, as people know it ("This computer", a URL…). */
  server?: string | undefined;
};

/** An error in words: what happened and what to do (`summary`), and the details Rust gave. */
export type ErrorExplanation = {
  summary: string;
  /** The command's own message, when it adds something to the summary. */
  detail: string | null;
};

/** What to do about the OS keyring, by the way it failed. */
const keyringWords: Record<SecretErrorCode, string> = {
  no_backend: "This system has no keyring MCP Keys can use, so the token can't be stored safely.",
  unavailable:
    "No system keyring is running, so the token can't be stored safely. Start GNOME Keyring or KeePassXC (Secret Service) and try again.",
  locked:
    "The system keyring is locked, so the token can't be stored safely. Unlock it (GNOME Keyring, KWallet, Keychain or Credential Manager) and try again.",
  denied:
    "The system keyring refused access. Allow MCP Keys when the keyring asks, then try again.",
  other:
    "The system keyring is unavailable, so the token can't be stored safely. Unlock your keyring (GNOME Keyring, KWallet, Keychain or Credential Manager) and try again.",
};

type Explain = (server: string, error: IpcError) => string;

/**
 * One sentence per code, for people rather than programmers. A `Record`, so a
 * new code cannot reach the screen without words of its own.
 */
const explanations: Record<ErrorKind, Explain> = {
  invalid_input: (_, { message }) => message || "Some of what you entered isn't valid.",
  not_found: (server) =>
    `It no longer exists on ${server}; it may have been deleted elsewhere. Reload to see what is there now.`,
  no_connection: () => "There is no connection to a key service yet: add one first.",
  no_token: (server) =>
    `The system keyring holds no token for ${server}. Remove the connection and add it again with a valid token.`,
  unreachable: (server) =>
    `Can't reach ${server}. Check that it is running and that its address is right, then try again.`,
  token_rejected: (server) =>
    `The token was rejected by ${server}. It may have been revoked, expired or mistyped: paste a valid one.`,
  rate_limited: (server, { retryAfterSeconds: seconds }) => {
    return seconds === undefined
      ? `Too many requests to ${server} right now. Wait a moment, then try again.`
      : `Too many requests to ${server} right now. Try again in ${seconds} s.`;
  },
  server_error: (server) =>
    `Something went wrong on ${server}. Try again; if it keeps failing, check its logs.`,
  keyring_unavailable: (_, { keyring }) => keyringWords[keyring ?? "other"],
  conflict: () => "That clashes with something that already exists or just changed.",
  unsupported: (server) => `This isn't supported by ${server}.`,
  internal: (_, { message }) => message || "MCP Keys failed without saying why.",
};

/** Explains an error in words people understand, naming the server involved. */
export function explainError(error: IpcError, context: ErrorContext = {}): ErrorExplanation {
  const server = context.server ?? "the server";
  const summary = explanations[error.code](server, error);
  const detail = error.message && error.message !== summary ? error.message : null;
  return { summary, detail };
}
