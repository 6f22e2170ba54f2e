const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/** An RFC 3339 timestamp as a short date in the user's locale, e.g. "Mar 4, 2025". */
export function formatDate(timestamp: string): string {
  return dateFormat.format(new Date(timestamp));
}
