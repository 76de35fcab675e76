import { describe, expect, it } from "vitest";
import { CONTACT_FIELDS, diffDrafts, validateDraft } from "../../src/contacts/fields.js";

const valid = { name: "Jane Doe", email: "jane@acme.example" };

describe("validateDraft", () => {
  it("accepts a minimal contact and stores values the way ITFlow does", () => {
    const r = validateDraft(
      {
        ...valid,
        phone: "(555) 123-4567",
        mobile: "+44 7700 900123",
        extension: "x101",
        primary: true,
        locationId: "1",
      },
      "create",
      "US",
    );
    expect(r).toEqual({
      ok: true,
      draft: {
        name: "Jane Doe",
        title: "",
        email: "jane@acme.example",
        phone: "5551234567",
        extension: "101",
        mobile: "447700900123",
        department: "",
        notes: "",
        primary: true,
        important: false,
        billing: false,
        technical: false,
        locationId: 1,
      },
      cleaned: [],
    });
  });

  it("removes control characters and bidirectional overrides before anything is sent, and says where", () => {
    const r = validateDraft(
      {
        ...valid,
        name: "Bo\u0000b",
        title: "\u202Eexe.live",
        department: "Sales\tEMEA\nNorth",
        notes: "Line one\nLine\ttwo\u0007",
      },
      "create",
      "US",
    );
    expect(r).toMatchObject({
      ok: true,
      draft: { name: "Bob", title: "exe.live", department: "Sales EMEA North", notes: "Line one\nLine\ttwo" },
      cleaned: ["title", "department", "notes", "name"].sort(
        (a, b) => CONTACT_FIELDS.findIndex((f) => f.key === a) - CONTACT_FIELDS.findIndex((f) => f.key === b),
      ),
    });
  });

  it("reads an extension written after the phone number into the extension field", () => {
    for (const phone of ["555 123 4567 ext. 12", "5551234567 x12", "(555) 123-4567 extension 12"]) {
      expect(validateDraft({ ...valid, phone }, "create", "US")).toMatchObject({
        ok: true,
        draft: { phone: "5551234567", extension: "12" },
      });
    }
    // The same extension in both places is fine; two different ones are a question for the user.
    expect(validateDraft({ ...valid, phone: "5551234567 x12", extension: "12" }, "create", "US").ok).toBe(
      true,
    );
    expect(validateDraft({ ...valid, phone: "5551234567 x12", extension: "101" }, "create", "US")).toEqual({
      ok: false,
      errors: { phone: "Phone says extension 12 but Extension says 101: keep one." },
    });
    // An edit form's Extension left as it was gives way to the one typed with the number.
    expect(
      validateDraft({ ...valid, phone: "5551234567 x12", extension: "101" }, "edit", "US", {
        extension: "101",
      }),
    ).toMatchObject({ ok: true, draft: { extension: "12" } });
    // ITFlow keeps no extension for a mobile.
    expect(validateDraft({ ...valid, mobile: "5551234567 x12" }, "create", "US")).toMatchObject({
      ok: false,
      errors: { mobile: expect.stringContaining("extension only with the phone number") },
    });
  });

  it("says the notes limit is the bot's own, not ITFlow's", () => {
    const r = validateDraft({ ...valid, notes: "n".repeat(3001) }, "create", "US");
    expect(r).toMatchObject({
      ok: false,
      errors: {
        notes:
          "Notes is 3001 characters long; this form takes at most 3000 (ITFlow itself holds up to 65,535 bytes: write longer notes in ITFlow).",
      },
    });
  });

  it("names the field in every message", () => {
    const r = validateDraft(
      {
        name: "",
        email: "bob@",
        phone: "12",
        extension: "abc",
        title: "x".repeat(201),
        notes: "Bob <3 Alice",
      },
      "create",
      "US",
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.name).toBe("Name is required.");
    expect(r.errors.email).toBe('Email: "bob@" is not a valid email address.');
    expect(r.errors.phone).toMatch(/^Phone: "12" is not a phone number/);
    expect(r.errors.extension).toBe("Extension must be digits only, e.g. 101.");
    expect(r.errors.title).toBe("Title is 201 characters long; ITFlow keeps at most 200.");
    expect(r.errors.notes).toBe("Notes cannot contain < or > (ITFlow would cut the text there).");
  });

  it("requires an email when creating but not when editing a contact that has none", () => {
    expect(validateDraft({ name: "Jane" }, "create", "US")).toMatchObject({
      ok: false,
      errors: { email: "Email is required." },
    });
    expect(validateDraft({ name: "Jane" }, "edit", "US").ok).toBe(true);
  });

  it("counts characters, not UTF-16 units, against the column size", () => {
    expect(validateDraft({ ...valid, title: "😀".repeat(200) }, "create", "US").ok).toBe(true);
    expect(validateDraft({ ...valid, title: "😀".repeat(201) }, "create", "US").ok).toBe(false);
  });

  it("has one entry per draft field and unique ITFlow columns", () => {
    const keys = CONTACT_FIELDS.map((f) => f.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(CONTACT_FIELDS.map((f) => f.itflow)).size).toBe(keys.length);
    expect(CONTACT_FIELDS.every((f) => f.itflow.startsWith("contact_"))).toBe(true);
  });
});

describe("diffDrafts", () => {
  it("lists the changed fields in table order with labels", () => {
    const r = validateDraft(valid, "create", "US");
    if (!r.ok) throw new Error("expected valid");
    const changes = diffDrafts(r.draft, { ...r.draft, title: "CEO", primary: true });
    expect(changes).toEqual([
      { key: "title", label: "Title", before: "", after: "CEO" },
      { key: "primary", label: "Primary contact", before: false, after: true },
    ]);
  });
});
