// ITFlow's JSON as it really arrives, and its translation into the bot's domain types. This is the
// only place that knows column names. `contact_pin` is deliberately absent from the contact schema:
// zod's default object mode drops undeclared keys, so the PIN never leaves this module (nor do the
// numeric duplicate keys "0", "1", … that ITFlow up to 26.01 adds to every row). The one exception,
// caller verification, lives next door in pin.ts and lets out only "match" or "no match".
import { z } from "zod";
import { CONTACT_FIELDS } from "../contacts/fields.js";
import type { Client, Contact, ContactDraft, Location } from "../contacts/types.js";

/** `success` is the string "True"/"False"; booleans are accepted in case a version fixes that. */
export const envelopeSchema = z.object({
  success: z
    .union([z.literal("True"), z.literal("False"), z.boolean()])
    .transform((s) => s === "True" || s === true),
  message: z.string().optional().catch(undefined),
  count: z.union([z.number(), z.string()]).optional().catch(undefined),
  data: z.unknown().optional(),
});

export type Envelope = z.output<typeof envelopeSchema>;

const id = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(Number);

// Every other column is checked once (a string or null; numbers are tolerated so a version that
// sends ints still works) and converted by plain functions in the row's transform. These schemas
// run for every row of every page — 50,000 rows per refresh — and a union plus chained transforms
// per column made ~20 KB of garbage per contact row; this makes ~2 KB.
type Cell = string | number | null | undefined;
const column = z
  .custom<Cell>((v) => v === null || typeof v === "string" || typeof v === "number", {
    message: "expected text, a number or null",
  })
  .optional();

const cellOf = (v: Cell): string | null => (v === null || v === undefined ? null : String(v));
const textOf = (v: Cell): string => cellOf(v) ?? "";
const flagOf = (v: Cell): boolean => {
  // "0" and "1" are what ITFlow stores; anything else takes the careful way.
  if (v === "0") return false;
  if (v === "1") return true;
  const s = cellOf(v);
  return s !== null && s.trim() !== "" && Number(s) !== 0;
};
/** "0" (ITFlow's "none") and empty both mean no value. */
const optionalIdOf = (v: Cell): number | null => {
  const s = cellOf(v);
  return s !== null && /^\d+$/.test(s) && Number(s) > 0 ? Number(s) : null;
};
const countryCodeOf = (v: Cell): string | null => {
  const s = cellOf(v);
  return s === null || s.trim() === "" ? null : s;
};
const timestampOf = (v: Cell): string | null => {
  const s = cellOf(v);
  return s === null || s === "" || s.startsWith("0000-00-00") ? null : s;
};

// The contact row, read in one pass: every column's kind is checked and the Contact built in the
// same walk, with no intermediate object. The whole list (50,000 rows per refresh) goes through
// here: each column is read by its name written out (a loop over column names made every read a
// slow lookup by a computed key), and a bad cell ends the walk with the column it was in.
type ContactColumn =
  | "contact_id"
  | "contact_client_id"
  | "contact_location_id"
  | "contact_name"
  | "contact_title"
  | "contact_email"
  | "contact_phone"
  | "contact_phone_country_code"
  | "contact_extension"
  | "contact_mobile"
  | "contact_mobile_country_code"
  | "contact_department"
  | "contact_notes"
  | "contact_primary"
  | "contact_important"
  | "contact_billing"
  | "contact_technical"
  | "contact_created_at"
  | "contact_updated_at"
  | "contact_archived_at";

type ContactWireRow = Partial<Record<ContactColumn, unknown>>;

/** A cell that is not what its column holds: thrown inside the row's walk, caught at its end. */
class BadCell {
  constructor(
    readonly column: string,
    readonly message: string,
  ) {}
}

function cell(v: unknown, column: string): Cell {
  if (v === undefined || v === null || typeof v === "string" || typeof v === "number") return v;
  throw new BadCell(column, "expected text, a number or null");
}

function idValue(v: unknown): number | null {
  if (typeof v === "number") return Number.isInteger(v) && v >= 0 ? v : null;
  return typeof v === "string" && /^\d+$/.test(v) ? Number(v) : null;
}

function idCell(v: unknown, column: string): number {
  const id = idValue(v);
  if (id === null) throw new BadCell(column, "expected a numeric id");
  return id;
}

/** A contact row's Contact, or the first cell that is not what its column holds. */
function contactOfRow(input: unknown): Contact | BadCell {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return new BadCell("", "expected a contact row");
  }
  const r = input as ContactWireRow;
  try {
    return {
      id: idCell(r.contact_id, "contact_id"),
      clientId: idCell(r.contact_client_id, "contact_client_id"),
      locationId: optionalIdOf(cell(r.contact_location_id, "contact_location_id")),
      name: textOf(cell(r.contact_name, "contact_name")),
      title: textOf(cell(r.contact_title, "contact_title")),
      email: textOf(cell(r.contact_email, "contact_email")),
      phone: textOf(cell(r.contact_phone, "contact_phone")),
      phoneCountryCode: countryCodeOf(cell(r.contact_phone_country_code, "contact_phone_country_code")),
      extension: textOf(cell(r.contact_extension, "contact_extension")),
      mobile: textOf(cell(r.contact_mobile, "contact_mobile")),
      mobileCountryCode: countryCodeOf(cell(r.contact_mobile_country_code, "contact_mobile_country_code")),
      department: textOf(cell(r.contact_department, "contact_department")),
      notes: textOf(cell(r.contact_notes, "contact_notes")),
      primary: flagOf(cell(r.contact_primary, "contact_primary")),
      important: flagOf(cell(r.contact_important, "contact_important")),
      billing: flagOf(cell(r.contact_billing, "contact_billing")),
      technical: flagOf(cell(r.contact_technical, "contact_technical")),
      createdAt: timestampOf(cell(r.contact_created_at, "contact_created_at")),
      updatedAt: timestampOf(cell(r.contact_updated_at, "contact_updated_at")),
      archivedAt: timestampOf(cell(r.contact_archived_at, "contact_archived_at")),
    };
  } catch (error) {
    if (error instanceof BadCell) return error;
    throw error;
  }
}

function addBadCell(ctx: z.RefinementCtx, bad: BadCell): void {
  ctx.addIssue({ code: "custom", message: bad.message, ...(bad.column ? { path: [bad.column] } : {}) });
}

export const contactRowSchema = z.unknown().transform((input, ctx): Contact => {
  const contact = contactOfRow(input);
  if (!(contact instanceof BadCell)) return contact;
  addBadCell(ctx, contact);
  return z.NEVER;
});

/**
 * A whole page of contact rows in one schema: the list is 50,000 rows at every refresh, and a
 * zod parse per row cost as much again as reading the row. A bad row fails the page, naming its
 * column (never a value), as parseRows does with contactRowSchema.
 */
export const contactPageSchema = z.array(z.unknown()).transform((rows, ctx): Contact[] => {
  const contacts: Contact[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const contact = contactOfRow(rows[i]);
    if (contact instanceof BadCell) {
      addBadCell(ctx, contact);
      return z.NEVER;
    }
    contacts[i] = contact;
  }
  return contacts;
});

export const clientRowSchema = z
  .object({ client_id: id, client_name: column, client_archived_at: column })
  .transform(
    (r): Client => ({
      id: r.client_id,
      name: textOf(r.client_name),
      archivedAt: timestampOf(r.client_archived_at),
    }),
  );

export const locationRowSchema = z
  .object({
    location_id: id,
    location_client_id: id,
    location_name: column,
    location_archived_at: column,
  })
  .transform(
    (r): Location => ({
      id: r.location_id,
      clientId: r.location_client_id,
      name: textOf(r.location_name),
      archivedAt: timestampOf(r.location_archived_at),
    }),
  );

/** create.php: `data: [{ insert_id: 12 }]` (with `count` as the string "1"). */
export const insertIdSchema = z.array(z.object({ insert_id: id.refine((n) => n > 0) })).min(1);

const flagValue = (b: boolean): 0 | 1 => (b ? 1 : 0);

/**
 * Every draft field under its ITFlow name. All are always sent: on releases up to 26.07 a field
 * left out of an update could be blanked, and before 26.04 a stored apostrophe in an unsent field
 * broke the update.
 */
export function draftToWire(draft: ContactDraft): Record<string, string | number> {
  // The column names come from the one field table, so a new field is added in one place.
  const wire: Record<string, string | number> = {};
  for (const spec of CONTACT_FIELDS) {
    const value = draft[spec.key];
    wire[spec.itflow] = typeof value === "boolean" ? flagValue(value) : value === null ? 0 : value;
  }
  return wire;
}
