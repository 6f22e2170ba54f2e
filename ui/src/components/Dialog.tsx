import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { createPortal } from "react-dom";
import { Icon } from "./Icon";
import "./Dialog.css";

type DialogProps = {
  title: string;
  description?: ReactNode;
  /**
   * Escape or the close button. The owner decides what that means: close at
   * once, or first warn (an unsaved key can't be shown again).
   */
  onDismiss: () => void;
  children: ReactNode;
  /** Buttons at the bottom; the primary action goes last. */
  footer?: ReactNode;
  size?: "md" | "lg";
  "data-testid"?: string;
};

const focusable =
  'a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';

/** The element each open dialog gives focus back to. */
const openers = new WeakMap<Element, Element | null>();

/**
 * What had focus before this dialog. When that is inside a dialog this one
 * replaces (the generate form, followed by its reveal), it is what had focus
 * before that one, so focus ends up where the user started.
 */
function openerOf(): Element | null {
  const active = document.activeElement;
  const owner = active?.closest('[role="dialog"]');
  return owner ? (openers.get(owner) ?? null) : active;
}

/**
 * A modal dialog (WAI-ARIA dialog pattern): rendered over the app, focus moves
 * in (to the element marked `autoFocus`, else the dialog) and Tab cycles inside
 * it; Escape asks the owner to dismiss; focus returns where it was on close.
 */
export function Dialog({
  title,
  description,
  onDismiss,
  children,
  footer,
  size = "md",
  "data-testid": testId,
}: DialogProps) {
  const titleId = useId();
  const descriptionId = useId();
  const panel = useRef<HTMLDivElement>(null);
  // Read while rendering: by the time effects run, an `autoFocus` inside has taken focus.
  const [opener] = useState(openerOf);

  useEffect(() => {
    const element = panel.current;
    if (element) {
      openers.set(element, opener);
      if (!element.contains(document.activeElement)) {
        element.focus();
      }
    }
    return () => {
      // Only when focus went down with the dialog: when one dialog replaces
      // another (a form by its result), the new one already holds focus.
      const active = document.activeElement;
      const lost = active === null || active === document.body || !active.isConnected;
      if (lost && opener instanceof HTMLElement && opener.isConnected) {
        opener.focus();
      }
    };
  }, [opener]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      onDismiss();
      return;
    }
    if (event.key !== "Tab" || !panel.current) {
      return;
    }
    const items = [...panel.current.querySelectorAll<HTMLElement>(focusable)];
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) {
      event.preventDefault();
      return;
    }
    const active = document.activeElement;
    if (event.shiftKey && (active === first || active === panel.current)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return createPortal(
    <div className="dialog-backdrop">
      <div
        ref={panel}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        tabIndex={-1}
        className={`dialog dialog--${size}`}
        data-testid={testId}
        onKeyDown={onKeyDown}
      >
        <header className="dialog__header">
          <h2 id={titleId} className="dialog__title">
            {title}
          </h2>
          <button
            type="button"
            className="dialog__close"
            aria-label="Close"
            data-testid="dialog-close"
            onClick={onDismiss}
          >
            <Icon name="close" />
          </button>
        </header>
        {description && (
          <div id={descriptionId} className="dialog__description">
            {description}
          </div>
        )}
        <div className="dialog__body">{children}</div>
        {footer && <footer className="dialog__footer">{footer}</footer>}
      </div>
    </div>,
    document.body,
  );
}
