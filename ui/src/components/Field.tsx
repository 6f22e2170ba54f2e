import { useId, type ReactNode } from "react";
import "./Field.css";

type FieldProps = {
  label: string;
  hint?: ReactNode;
  /** Renders the control with the ids that tie it to its label and hint. */
  children: (ids: { id: string; "aria-describedby": string | undefined }) => ReactNode;
};

/** A labelled form control with an optional hint under it. */
export function Field({ label, hint, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children({ id, "aria-describedby": hint ? hintId : undefined })}
      {hint && (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      )}
    </div>
  );
}
