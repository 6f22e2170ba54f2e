import "./Spinner.css";

/** An indeterminate progress ring. Decorative: pair it with text in a `role="status"` region. */
export function Spinner() {
  return <span className="spinner" aria-hidden="true" />;
}
