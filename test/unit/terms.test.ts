import { describe, expect, it } from "vitest";
import { contactTermsIn } from "../../src/contacts/terms.js";

describe("contactTermsIn", () => {
  it("finds emails and phone numbers in order, each once, and skips dates and digits inside emails", () => {
    const text =
      "Call Bob on 555-123-4567 (or (555) 123 4567) before 2026-03-14; mail tom2024@x.example, " +
      "cc TOM2024@X.EXAMPLE. UK office: +44 7700 900123.";
    expect(contactTermsIn(text, "US")).toEqual(["555-123-4567", "tom2024@x.example", "+44 7700 900123"]);
  });

  it("finds nothing in text without contact details", () => {
    expect(contactTermsIn("Meeting at 10:30 in room 4012, ticket #123456", "US")).toEqual([]);
  });
});
