// What ITFlow does to a value before it stores it, so "did ITFlow save my change?" can be answered
// by comparing a draft with what a read-back returns, instead of trusting its "True"/"False".
import type { Contact, ContactDraft } from "../contacts/types.js";

// PHP's trim() removes exactly these (space, tab, LF, CR, NUL, VT), not every Unicode space as
// String.prototype.trim does.
const PHP_TRIM_CHARS = new Set([" ", "\t", "\n", "\r", "\u0000", "\u000b"]);

export function phpTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PHP_TRIM_CHARS.has(text[start]!)) start++;
  while (end > start && PHP_TRIM_CHARS.has(text[end - 1]!)) end--;
  return text.slice(start, end);
}

/**
 * PHP's strip_tags(), close enough for contact text: a "<" followed by a non-space opens a tag that
 * runs to the next ">" or, if none comes, to the end ("Bob <3 Alice" becomes "Bob "). A "<"
 * followed by a space is kept, as PHP keeps it. NUL characters are dropped, as PHP drops them.
 */
export function phpStripTags(text: string): string {
  let out = "";
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\u0000") continue;
    if (depth === 0) {
      if (c === "<" && !/\s/.test(text[i + 1] ?? "")) depth = 1;
      else out += c;
    } else if (c === "<") {
      depth++;
    } else if (c === ">") {
      depth--;
    }
  }
  return out;
}

function storedText(value: string): string {
  return phpTrim(phpStripTags(value));
}

function storedDigits(value: string): string {
  return value.replace(/[^0-9]/g, "");
}

/**
 * The draft as ITFlow's create.php/update.php would store it: text through strip_tags + trim,
 * phone, mobile and extension reduced to digits, no location stored as none.
 */
export function asItflowStores(draft: ContactDraft): ContactDraft {
  return {
    name: storedText(draft.name),
    title: storedText(draft.title),
    email: storedText(draft.email),
    phone: storedDigits(draft.phone),
    extension: storedDigits(draft.extension),
    mobile: storedDigits(draft.mobile),
    department: storedText(draft.department),
    notes: storedText(draft.notes),
    primary: draft.primary,
    important: draft.important,
    billing: draft.billing,
    technical: draft.technical,
    locationId: draft.locationId === null || draft.locationId <= 0 ? null : draft.locationId,
  };
}

const DRAFT_KEYS = [
  "name",
  "title",
  "email",
  "phone",
  "extension",
  "mobile",
  "department",
  "notes",
  "primary",
  "important",
  "billing",
  "technical",
  "locationId",
] as const satisfies readonly (keyof ContactDraft)[];

/** The editable part of a stored contact. */
export function draftOf(contact: Contact): ContactDraft {
  return {
    name: contact.name,
    title: contact.title,
    email: contact.email,
    phone: contact.phone,
    extension: contact.extension,
    mobile: contact.mobile,
    department: contact.department,
    notes: contact.notes,
    primary: contact.primary,
    important: contact.important,
    billing: contact.billing,
    technical: contact.technical,
    locationId: contact.locationId,
  };
}

/** The fields whose stored value is not what ITFlow would have stored for this draft. */
export function unsavedFields(draft: ContactDraft, stored: Contact): (keyof ContactDraft)[] {
  const expected = asItflowStores(draft);
  const actual = draftOf(stored);
  return DRAFT_KEYS.filter((key) => expected[key] !== actual[key]);
}

/** The editable fields whose value differs between two stored copies of a contact. */
export function changedFields(before: Contact, after: Contact): (keyof ContactDraft)[] {
  const a = draftOf(before);
  const b = draftOf(after);
  return DRAFT_KEYS.filter((key) => a[key] !== b[key]);
}
