/** What the main area shows: the selected surface, or one of the app's pages. */
export type Page = "surface" | "ides" | "reminders" | "settings";
