// ITFlow's JSON as it really arrives, and its translation into the bot's domain types. This is the
// only place that knows column names. `contact_pin` is deliberately absent from the contact schema:
// zod's default object mode drops undeclared keys, so the PIN never leaves this module (nor do the
// numeric duplicate keys "0", "1", … that ITFlow up to 26.01 adds to every row).
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

// Column values are strings or null; numbers are tolerated so a version that sends ints still works.
const cell = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? null : String(v)));

const id = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(Number);

const text = cell.transform((v) => v ?? "");
const flag = cell.transform((v) => v !== null && v.trim() !== "" && Number(v) !== 0);
// "0" (ITFlow's "none") and empty both mean no value.
const optionalId = cell.transform((v) => (v !== null && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : null));
const countryCode = cell.transform((v) => (v === null || v.trim() === "" ? null : v));
const timestamp = cell.transform((v) => (v === null || v === "" || v.startsWith("0000-00-00") ? null : v));

export const contactRowSchema = z
  .object({
    contact_id: id,
    contact_client_id: id,
    contact_location_id: optionalId,
    contact_name: text,
    contact_title: text,
    contact_email: text,
    contact_phone: text,
    contact_phone_country_code: countryCode,
    contact_extension: text,
    contact_mobile: text,
    contact_mobile_country_code: countryCode,
    contact_department: text,
    contact_notes: text,
    contact_primary: flag,
    contact_important: flag,
    contact_billing: flag,
    contact_technical: flag,
    contact_created_at: timestamp,
    contact_updated_at: timestamp,
    contact_archived_at: timestamp,
  })
  .transform(
    (r): Contact => ({
      id: r.contact_id,
      clientId: r.contact_client_id,
      locationId: r.contact_location_id,
      name: r.contact_name,
      title: r.contact_title,
      email: r.contact_email,
      phone: r.contact_phone,
      phoneCountryCode: r.contact_phone_country_code,
      extension: r.contact_extension,
      mobile: r.contact_mobile,
      mobileCountryCode: r.contact_mobile_country_code,
      department: r.contact_department,
      notes: r.contact_notes,
      primary: r.contact_primary,
      important: r.contact_important,
      billing: r.contact_billing,
      technical: r.contact_technical,
      createdAt: r.contact_created_at,
      updatedAt: r.contact_updated_at,
      archivedAt: r.contact_archived_at,
    }),
  );

export const clientRowSchema = z
  .object({ client_id: id, client_name: text, client_archived_at: timestamp })
  .transform((r): Client => ({ id: r.client_id, name: r.client_name, archivedAt: r.client_archived_at }));

export const locationRowSchema = z
  .object({
    location_id: id,
    location_client_id: id,
    location_name: text,
    location_archived_at: timestamp,
  })
  .transform(
    (r): Location => ({
      id: r.location_id,
      clientId: r.location_client_id,
      name: r.location_name,
      archivedAt: r.location_archived_at,
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
