// THE contact field table. Validation here, the Slack modal and the Discord modals are all derived
// from it, so a field's label, length limit and rules are written exactly once.
import type { CountryCode } from "libphonenumber-js";
import { z } from "zod";
import { phoneForStorage } from "./phone.js";
import { withoutControls } from "./text.js";
import type { ContactDraft } from "./types.js";

export type FieldKind = "text" | "multiline" | "email" | "phone" | "extension" | "location" | "flag";
export type FormMode = "create" | "edit";

export interface FieldSpec {
  key: keyof ContactDraft;
  label: string;
  /** The column in ITFlow's contacts table. */
  itflow: string;
  kind: FieldKind;
  /** Characters, as ITFlow's column allows (notes: what a chat form can hold). */
  maxLength: number;
  /** Whose limit maxLength is: ITFlow's column, or the bot's own (a chat form's). */
  limitOf?: "itflow" | "bot";
  /** Which forms refuse an empty value. */
  requiredIn: readonly FormMode[];
  placeholder?: string;
  hint?: string;
}

// ITFlow's varchar columns are 200 characters and a longer value makes it answer 500 with nothing
// else, so the limit is enforced here with a message that names the field.
const COLUMN = 200;
// contact_notes is TEXT (65,535 bytes), but Slack's text input holds 3,000 characters: the form is
// the tighter limit and the one a user meets. It is the bot's limit, and its message says so.
export const NOTES_MAX = 3000;

export const CONTACT_FIELDS: readonly FieldSpec[] = [
  {
    key: "name",
    label: "Name",
    itflow: "contact_name",
    kind: "text",
    maxLength: COLUMN,
    requiredIn: ["create", "edit"],
    placeholder: "Jane Doe",
  },
  {
    key: "email",
    label: "Email",
    itflow: "contact_email",
    kind: "email",
    maxLength: COLUMN,
    requiredIn: ["create"],
    placeholder: "jane@example.com",
  },
  {
    key: "phone",
    label: "Phone",
    itflow: "contact_phone",
    kind: "phone",
    maxLength: COLUMN,
    requiredIn: [],
    placeholder: "(555) 123-4567 or +44 20 7946 0958",
  },
  {
    key: "extension",
    label: "Extension",
    itflow: "contact_extension",
    kind: "extension",
    maxLength: COLUMN,
    requiredIn: [],
    placeholder: "101",
  },
  {
    key: "mobile",
    label: "Mobile",
    itflow: "contact_mobile",
    kind: "phone",
    maxLength: COLUMN,
    requiredIn: [],
    placeholder: "+1 555 987 6543",
  },
  {
    key: "title",
    label: "Title",
    itflow: "contact_title",
    kind: "text",
    maxLength: COLUMN,
    requiredIn: [],
    placeholder: "IT Manager",
  },
  {
    key: "department",
    label: "Department",
    itflow: "contact_department",
    kind: "text",
    maxLength: COLUMN,
    requiredIn: [],
    placeholder: "Finance",
  },
  {
    key: "locationId",
    label: "Location",
    itflow: "contact_location_id",
    kind: "location",
    maxLength: 20,
    requiredIn: [],
  },
  {
    key: "notes",
    label: "Notes",
    itflow: "contact_notes",
    kind: "multiline",
    maxLength: NOTES_MAX,
    limitOf: "bot",
    requiredIn: [],
  },
  {
    key: "primary",
    label: "Primary contact",
    itflow: "contact_primary",
    kind: "flag",
    maxLength: 1,
    requiredIn: [],
    hint: "The client's main contact; making this one primary demotes the current primary.",
  },
  {
    key: "important",
    label: "Important",
    itflow: "contact_important",
    kind: "flag",
    maxLength: 1,
    requiredIn: [],
  },
  { key: "billing", label: "Billing", itflow: "contact_billing", kind: "flag", maxLength: 1, requiredIn: [] },
  {
    key: "technical",
    label: "Technical",
    itflow: "contact_technical",
    kind: "flag",
    maxLength: 1,
    requiredIn: [],
  },
];

export const FLAG_FIELDS = CONTACT_FIELDS.filter((f) => f.kind === "flag");
export const TEXT_FIELDS = CONTACT_FIELDS.filter((f) => f.kind !== "flag" && f.kind !== "location");

export function fieldSpec(key: keyof ContactDraft): FieldSpec {
  const spec = CONTACT_FIELDS.find((f) => f.key === key);
  if (!spec) throw new Error(`unknown contact field ${key}`);
  return spec;
}

/** What a form submits before validation: every text as typed, flags as booleans. */
export type DraftInput = Partial<Record<keyof ContactDraft, string | boolean | number | null>>;
export type FieldErrors = Partial<Record<keyof ContactDraft, string>>;

export type ValidationResult =
  | {
      ok: true;
      draft: ContactDraft;
      /** Fields invisible control characters were removed from (shown to the technician after a save). */
      cleaned: (keyof ContactDraft)[];
    }
  | { ok: false; errors: FieldErrors };

const EMAIL = z.email();

function asText(value: DraftInput[keyof ContactDraft]): string {
  if (value === null || value === undefined || typeof value === "boolean") return "";
  return String(value).replace(/\r\n/g, "\n");
}

function tooLong(spec: FieldSpec, length: number): string {
  return spec.limitOf === "bot"
    ? `${spec.label} is ${length} characters long; this form takes at most ${spec.maxLength} (ITFlow itself holds up to 65,535 bytes: write longer ${spec.label.toLowerCase()} in ITFlow).`
    : `${spec.label} is ${length} characters long; ITFlow keeps at most ${spec.maxLength}.`;
}

type Checked = { value: string; extension?: string } | { error: string };

function checkText(spec: FieldSpec, raw: string, mode: FormMode, region: CountryCode): Checked {
  if (raw === "") {
    return spec.requiredIn.includes(mode) ? { error: `${spec.label} is required.` } : { value: "" };
  }
  const length = [...raw].length;
  if (length > spec.maxLength) return { error: tooLong(spec, length) };
  // ITFlow runs strip_tags() on every text it stores: from a "<" on, text silently vanishes
  // ("Bob <3 Alice" is saved as "Bob"). Refusing is kinder than losing the user's words.
  if (/[<>]/.test(raw)) {
    return { error: `${spec.label} cannot contain < or > (ITFlow would cut the text there).` };
  }
  switch (spec.kind) {
    case "email":
      if (/\s/.test(raw) || !EMAIL.safeParse(raw).success) {
        return { error: `${spec.label}: "${raw}" is not a valid email address.` };
      }
      return { value: raw };
    case "phone": {
      const stored = phoneForStorage(raw, region);
      if (stored === null) {
        return {
          error: `${spec.label}: "${raw}" is not a phone number I can read. Try e.g. (555) 123-4567 or +44 20 7946 0958.`,
        };
      }
      return stored.extension === null
        ? { value: stored.digits }
        : { value: stored.digits, extension: stored.extension };
    }
    case "extension": {
      const digits = raw.replace(/^(?:x|ext\.?|extension)\s*/i, "");
      if (!/^\d{1,10}$/.test(digits)) return { error: `${spec.label} must be digits only, e.g. 101.` };
      return { value: digits };
    }
    default:
      return { value: raw };
  }
}

function asLocation(value: DraftInput["locationId"]): number | null | "invalid" {
  if (value === null || value === undefined || value === "" || value === false) return null;
  const n = typeof value === "number" ? value : Number(String(value).trim());
  if (!Number.isInteger(n) || n < 0) return "invalid";
  return n === 0 ? null : n;
}

/**
 * Validates what a person typed into the contact form. On success the draft holds values in the
 * form ITFlow stores them (phones as digits, extension digits only, trimmed text). Every error
 * names its field so the user knows exactly what to fix.
 */
export function validateDraft(
  input: DraftInput,
  mode: FormMode,
  region: CountryCode,
  /** Fields the user left as the form showed them: kept as stored, not re-validated. */
  keep: Partial<ContactDraft> = {},
): ValidationResult {
  const errors: FieldErrors = {};
  const draft: ContactDraft = {
    name: "",
    title: "",
    email: "",
    phone: "",
    extension: "",
    mobile: "",
    department: "",
    notes: "",
    primary: false,
    important: false,
    billing: false,
    technical: false,
    locationId: null,
  };
  const cleaned: (keyof ContactDraft)[] = [];
  // An extension written after the phone number ("555 123 4567 ext. 12"), for the extension field.
  let phoneExtension: string | null = null;
  for (const spec of CONTACT_FIELDS) {
    const value = input[spec.key];
    const kept = keep[spec.key];
    if (kept !== undefined) {
      // A stored value nobody touched (an intranet email, a short internal number, an archived
      // location) must not block saving the fields that were changed.
      (draft as unknown as Record<string, unknown>)[spec.key] = kept;
      continue;
    }
    if (spec.kind === "flag") {
      (draft[spec.key] as boolean) = value === true || value === "true" || value === "1" || value === 1;
      continue;
    }
    if (spec.kind === "location") {
      const location = asLocation(value as DraftInput["locationId"]);
      if (location === "invalid") errors.locationId = "Location: choose one of the client's locations.";
      else draft.locationId = location;
      continue;
    }
    const typed = asText(value);
    // Control characters and bidirectional overrides never reach ITFlow (see withoutControls).
    const text = withoutControls(typed, spec.kind === "multiline").trim();
    if (text !== typed.trim()) cleaned.push(spec.key);
    const checked = checkText(spec, text, mode, region);
    if ("error" in checked) errors[spec.key] = checked.error;
    else {
      (draft[spec.key] as string) = checked.value;
      if (checked.extension === undefined) continue;
      if (spec.key === "phone") phoneExtension = checked.extension;
      else {
        errors[spec.key] =
          `${spec.label}: ITFlow keeps an extension only with the phone number; put ext. ${checked.extension} with Phone or in Extension.`;
      }
    }
  }
  if (phoneExtension !== null && !errors.phone && !errors.extension) {
    // The Extension field, when the user filled it in too, must agree with the number's.
    const own = keep.extension === undefined ? draft.extension : "";
    if (own && own !== phoneExtension) {
      errors.phone = `Phone says extension ${phoneExtension} but Extension says ${own}: keep one.`;
    } else draft.extension = phoneExtension;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, draft, cleaned };
}

/** The draft a form starts from when editing: what ITFlow holds now. */
export function draftFromContact(contact: ContactDraft): ContactDraft {
  const draft = {} as ContactDraft;
  for (const spec of CONTACT_FIELDS)
    (draft as unknown as Record<string, unknown>)[spec.key] = contact[spec.key];
  return draft;
}

export interface FieldChange {
  key: keyof ContactDraft;
  label: string;
  before: string | boolean | number | null;
  after: string | boolean | number | null;
}

/** A field ITFlow holds otherwise than it was sent (after a save): shown to the technician. */
export interface StoredDifference {
  key: keyof ContactDraft;
  label: string;
  typed: string | boolean | number | null;
  stored: string | boolean | number | null;
}

/** What differs between two drafts, in field-table order. */
export function diffDrafts(before: ContactDraft, after: ContactDraft): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const spec of CONTACT_FIELDS) {
    const a = before[spec.key];
    const b = after[spec.key];
    if (a !== b) changes.push({ key: spec.key, label: spec.label, before: a, after: b });
  }
  return changes;
}
