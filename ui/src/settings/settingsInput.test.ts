import { describe, expect, it } from "vitest";
import { validate } from "./settingsInput";

const valid = {
  clipboardClearSeconds: "45",
  productionRotationDays: "90",
  developmentRotationDays: "180",
};

describe("validate", () => {
  it("turns valid text into numbers", () => {
    expect(validate(valid)).toEqual({
      ok: true,
      values: {
        clipboardClearSeconds: 45,
        productionRotationDays: 90,
        developmentRotationDays: 180,
      },
    });
  });

  it("accepts the bounds and refuses one past them", () => {
    expect(validate({ ...valid, clipboardClearSeconds: "1" }).ok).toBe(true);
    expect(validate({ ...valid, clipboardClearSeconds: "600" }).ok).toBe(true);
    expect(validate({ ...valid, productionRotationDays: "3650" }).ok).toBe(true);
    expect(validate({ ...valid, clipboardClearSeconds: "0" }).ok).toBe(false);
    expect(validate({ ...valid, clipboardClearSeconds: "601" }).ok).toBe(false);
    expect(validate({ ...valid, developmentRotationDays: "3651" }).ok).toBe(false);
  });

  it("refuses empty, fractional and negative values, each field with its own sentence", () => {
    const result = validate({
      clipboardClearSeconds: "",
      productionRotationDays: "1.5",
      developmentRotationDays: "-3",
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        clipboardClearSeconds: "Enter a whole number of seconds from 1 to 600.",
        productionRotationDays: "Enter a whole number of days from 1 to 3650.",
        developmentRotationDays: "Enter a whole number of days from 1 to 3650.",
      },
    });
  });
});
