const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "short",
});
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

/** An RFC 3339 timestamp as a short date in the user's locale, e.g. "Mar 4, 2025". */
export function formatDate(timestamp: string | Date): string {
  return dateFormat.format(typeof timestamp === "string" ? new Date(timestamp) : timestamp);
}

/** An RFC 3339 timestamp as a date and time in the user's locale and time zone, e.g. "Mar 4, 2025, 10:32 AM". */
export function formatDateTime(timestamp: string): string {
  return dateTimeFormat.format(new Date(timestamp));
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** How long ago (or from now) a timestamp is, in words: "5 minutes ago", "yesterday". */
export function formatRelative(timestamp: string, now: Date): string {
  const seconds = (Date.parse(timestamp) - now.getTime()) / 1000;
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) {
      return relativeFormat.format(Math.round(seconds / size), unit);
    }
  }
  return Math.abs(seconds) < 45 ? "just now" : relativeFormat.format(Math.round(seconds), "second");
}
