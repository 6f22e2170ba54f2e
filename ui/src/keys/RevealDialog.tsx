import { useEffect, useRef, useState, type ReactNode } from "react";
import { Button } from "../components/Button";
import { Dialog } from "../components/Dialog";
import { ErrorBanner } from "../components/ErrorBanner";
import { toIpcError, type ErrorContext } from "../lib/ipc/ipcError";
import type { ClientId } from "../bindings/ClientId";
import type { IpcError } from "../bindings/IpcError";
import type { SurfaceRef } from "../lib/ipc/keys";
import { closeReveal, copyRevealedKey, showRevealedKey } from "../lib/ipc/reveal";
import type { Reveal } from "../bindings/Reveal";
import { EnvironmentBadge } from "../surface/EnvironmentBadge";
import { InstallPanel } from "./InstallPanel";
import "./RevealDialog.css";

type RevealDialogProps = {
  reveal: Reveal;
  title: string;
  errorContext?: ErrorContext | undefined;
  /** After the user confirmed and Rust forgot the key. */
  onClosed: () => void;
  /** Shown under the key: what else happened (a roll's config report). */
  children?: ReactNode;
  /** The key's surface: offers "Install into…" the IDE clients when given. */
  installInto?: SurfaceRef | undefined;
  /** The client "Install into…" lists first (the one a fix is for). */
  installFirst?: ClientId | undefined;
};

/** `mcp_dev_Ab3dE5gH••••…x9Zq`: enough to recognize the key, nothing to use it. */
export function maskedKey(reveal: Reveal): string {
  return `${reveal.key.keyPrefix}••••…${reveal.key.keyHint}`;
}

/**
 * The copy-once reveal. The key's text stays in Rust: it reaches this
 * component only when the user presses Show, lives in its state alone (never
 * in storage, never logged), and is dropped before Rust zeroizes it on close.
 */
export function RevealDialog({
  reveal,
  title,
  errorContext,
  onClosed,
  children,
  installInto,
  installFirst,
}: RevealDialogProps) {
  const { revealId } = reveal;
  const [keyText, setKeyText] = useState<string | null>(null);
  // When Rust clears the clipboard, and the clock the countdown to it is read from.
  const [clearsAt, setClearsAt] = useState<number | null>(null);
  const [clock, setClock] = useState(() => Date.now());
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const closed = useRef(false);
  const mounted = useRef(false);

  // If the dialog goes away without the user closing it (the surface changed),
  // Rust must still forget the key. Deferred, so React's development-only
  // unmount-and-remount check does not close a reveal that is still on screen.
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      setTimeout(() => {
        if (!mounted.current && !closed.current) {
          closed.current = true;
          closeReveal(revealId).catch(() => undefined);
        }
      }, 0);
    };
  }, [revealId]);

  const secondsLeft = clearsAt === null ? null : Math.max(0, Math.ceil((clearsAt - clock) / 1000));
  const counting = secondsLeft !== null && secondsLeft > 0;
  useEffect(() => {
    if (!counting) {
      return;
    }
    const timer = setInterval(() => setClock(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [counting]);

  const show = async () => {
    setError(null);
    try {
      setKeyText(await showRevealedKey(revealId));
    } catch (e) {
      setError(toIpcError(e));
    }
  };

  const copy = async () => {
    setError(null);
    try {
      const { clearAfterSeconds } = await copyRevealedKey(revealId);
      const now = Date.now();
      setClock(now);
      setClearsAt(now + clearAfterSeconds * 1000);
    } catch (e) {
      setError(toIpcError(e));
    }
  };

  const close = async () => {
    setKeyText(null);
    closed.current = true;
    try {
      await closeReveal(revealId);
    } catch {
      // Nothing the user can do about it: the key dies with the app at the latest.
    }
    onClosed();
  };

  if (confirming) {
    return (
      <Dialog
        key="confirm"
        title="This key can't be shown again"
        onDismiss={() => setConfirming(false)}
        data-testid="reveal-close-warning"
        footer={
          <>
            <Button
              autoFocus
              data-testid="reveal-close-cancel"
              onClick={() => setConfirming(false)}
            >
              Go back
            </Button>
            <Button
              variant="danger"
              data-testid="reveal-close-confirm"
              onClick={() => void close()}
            >
              Close anyway
            </Button>
          </>
        }
      >
        <p>
          Once you close this, MCP Keys forgets <strong>{reveal.key.name}</strong>'s key. If you
          haven't copied it into your IDE yet, go back and copy it; otherwise roll it later to get a
          new one.
        </p>
      </Dialog>
    );
  }

  return (
    <Dialog
      key="reveal"
      title={title}
      size="lg"
      onDismiss={() => setConfirming(true)}
      data-testid="reveal-dialog"
      description={
        installInto
          ? "MCP Keys shows this key only now. Install it into your IDE below, or copy it into your IDE's config; after you close this, it can't be shown again."
          : "MCP Keys shows this key only now. Copy it into your IDE's config; after you close this, it can't be shown again."
      }
      footer={
        <Button variant="primary" data-testid="reveal-close" onClick={() => setConfirming(true)}>
          Done
        </Button>
      }
    >
      <div className="reveal__meta">
        <span className="reveal__name">{reveal.key.name}</span>
        <EnvironmentBadge environment={reveal.key.environment} />
      </div>
      <div className="reveal__key">
        <code className="reveal__text" data-testid="reveal-key-text">
          {keyText ?? maskedKey(reveal)}
        </code>
        <div className="reveal__actions">
          {keyText === null ? (
            <Button icon="eye" data-testid="reveal-show" onClick={() => void show()}>
              Show
            </Button>
          ) : (
            <Button icon="eyeOff" data-testid="reveal-hide" onClick={() => setKeyText(null)}>
              Hide
            </Button>
          )}
          <Button
            variant="primary"
            icon="copy"
            autoFocus
            data-testid="reveal-copy"
            onClick={() => void copy()}
          >
            Copy
          </Button>
        </div>
      </div>
      <p className="reveal__copied" role="status" data-testid="reveal-copied">
        {secondsLeft === null
          ? ""
          : secondsLeft > 0
            ? `Copied — the clipboard clears in ${secondsLeft} s`
            : "The clipboard was cleared."}
      </p>
      {error && <ErrorBanner error={error} context={errorContext} />}
      {installInto && (
        <InstallPanel
          revealId={revealId}
          surfaceRef={installInto}
          errorContext={errorContext}
          first={installFirst}
        />
      )}
      {children}
    </Dialog>
  );
}
