import type { Settings } from "../bindings/Settings";

/** The numeric settings the form edits, as typed. */
export type SettingsInput = {
  clipboardClearSeconds: string;
  productionRotationDays: string;
  developmentRotationDays: string;
};

export type SettingsField = keyof SettingsInput;

/** Each field's bounds, and what to say when the value is outside them. */
export const limits: Record<SettingsField, { min: number; max: number; error: string }> = {
  clipboardClearSeconds: {
    min: 1,
    max: 600,
    error: "Enter a whole number of seconds from 1 to 600.",
  },
  productionRotationDays: {
    min: 1,
    max: 3650,
    error: "Enter a whole number of days from 1 to 3650.",
  },
  developmentRotationDays: {
    min: 1,
    max: 3650,
    error: "Enter a whole number of days from 1 to 3650.",
  },
};

/** The fields in the order they are shown, so the first invalid one takes focus. */
export const fieldOrder: readonly SettingsField[] = [
  "clipboardClearSeconds",
  "productionRotationDays",
  "developmentRotationDays",
];

export function toInput(settings: Settings): SettingsInput {
  return {
    clipboardClearSeconds: String(settings.clipboardClearSeconds),
    productionRotationDays: String(settings.productionRotationDays),
    developmentRotationDays: String(settings.developmentRotationDays),
  };
}

/** A whole number within the field's bounds, or null. */
function parse(field: SettingsField, text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) {
    return null;
  }
  const value = Number(trimmed);
  const { min, max } = limits[field];
  return value >= min && value <= max ? value : null;
}

/** Why what was typed in one field is not valid, or null when it is. */
export function fieldError(field: SettingsField, text: string): string | null {
  return parse(field, text) === null ? limits[field].error : null;
}

export type Validated =
  | { ok: true; values: Pick<Settings, SettingsField> }
  | { ok: false; errors: Partial<Record<SettingsField, string>> };

/** Checks what was typed; every invalid field gets its sentence. */
export function validate(input: SettingsInput): Validated {
  const errors: Partial<Record<SettingsField, string>> = {};
  const values: Partial<Record<SettingsField, number>> = {};
  for (const field of fieldOrder) {
    const value = parse(field, input[field]);
    if (value === null) {
      errors[field] = limits[field].error;
    } else {
      values[field] = value;
    }
  }
  if (Object.keys(errors).length > 0) {
    return { ok: false, errors };
  }
  return { ok: true, values: values as Pick<Settings, SettingsField> };
}
