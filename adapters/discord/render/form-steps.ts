// How the shared field table is split over Discord's two modal steps (a modal holds at most five
// components). Step 1 is what a technician needs on a call: who, how to reach them, and the flags
// as one checkbox group. Every other field of the table lands in step 2, so a field added to the
// table appears in the Discord form without touching this adapter (the unit test checks it fits).
import { CONTACT_FIELDS, type FieldSpec } from "../../../src/contacts/fields.js";
import type { FormStep } from "../custom-id.js";

const STEP_ONE_KEYS: ReadonlySet<string> = new Set(["name", "email", "phone", "mobile"]);

/** The custom_id of the flags checkbox group; each option's value is a flag field's key. */
export const FLAGS_ID = "flags";

export const FLAG_SPECS: readonly FieldSpec[] = CONTACT_FIELDS.filter((f) => f.kind === "flag");

/** The non-flag fields of a step, in field-table order. */
export function fieldsOfStep(step: FormStep): FieldSpec[] {
  return CONTACT_FIELDS.filter((f) => f.kind !== "flag" && (step === 1) === STEP_ONE_KEYS.has(f.key));
}

/** Which step shows a field (or an error key such as "client", which belongs with step 1). */
export function stepOfField(key: string): FormStep {
  const spec = CONTACT_FIELDS.find((f) => f.key === key);
  if (!spec || spec.kind === "flag" || STEP_ONE_KEYS.has(spec.key)) return 1;
  return 2;
}
