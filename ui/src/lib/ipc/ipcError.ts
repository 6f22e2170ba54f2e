import type { ErrorCode } from "../../bindings/ErrorCode";
import type { IpcError } from "../../bindings/IpcError";

/**
 * Every code the Rust side may send. A `Record` over the generated union, so a
 * code added in Rust fails the type check here until the UI knows about it.
 */
const knownCodes: Record<ErrorCode, true> = {
  invalid_input: true,
  internal: true,
};

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(knownCodes, value);
}

/** True for a well-formed `{code, message}` from one of our commands. */
export function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    "code" in value &&
    "message" in value &&
    isErrorCode(value.code) &&
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
    return { code: value.code, message: value.message };
  }
  if (typeof value === "string" && value.length > 0) {
    return { code: "internal", message: value };
  }
  if (value instanceof Error && value.message.length > 0) {
    return { code: "internal", message: value.message };
  }
  return { code: "internal", message: "The app failed without saying why." };
}
