// Turns a directory row into the display-ready summary every renderer shows.
import type { CountryCode } from "libphonenumber-js";
import type { ContactRow } from "../src/contacts/directory.js";
import { formatPhone, telUri } from "../src/contacts/phone.js";
import type { ContactSummary, PhoneView } from "./views.js";

/** Cards show the start of the notes; the rest is one click away in ITFlow. */
export const CARD_NOTES_MAX = 500;

const FLAG_NAMES = {
  primary: "Primary",
  important: "Important",
  billing: "Billing",
  technical: "Technical",
} as const;

/** The names of the flags a contact has set, in a fixed order, for every renderer. */
export function flagNames(flags: ContactSummary["flags"]): string[] {
  return (Object.keys(FLAG_NAMES) as Array<keyof typeof FLAG_NAMES>)
    .filter((f) => flags[f])
    .map((f) => FLAG_NAMES[f]);
}

export function contactUrl(itflowUrl: string, clientId: number, contactId: number): string {
  return `${itflowUrl}/agent/contact_details.php?client_id=${clientId}&contact_id=${contactId}`;
}

export function summarize(row: ContactRow, region: CountryCode, itflowUrl: string): ContactSummary {
  const { contact, client, location } = row;
  const phones: PhoneView[] = [];
  if (contact.phone) {
    phones.push({
      label: "Phone",
      display: formatPhone(contact.phone, contact.phoneCountryCode, region),
      digits: contact.phone,
      extension: contact.extension || null,
      tel: telUri(contact.phone, contact.phoneCountryCode, region, contact.extension || null),
    });
  }
  if (contact.mobile) {
    phones.push({
      label: "Mobile",
      display: formatPhone(contact.mobile, contact.mobileCountryCode, region),
      digits: contact.mobile,
      extension: null,
      tel: telUri(contact.mobile, contact.mobileCountryCode, region, null),
    });
  }
  const notes = contact.notes.trim();
  const chars = [...notes];
  return {
    id: contact.id,
    name: contact.name,
    title: contact.title,
    email: contact.email,
    department: contact.department,
    phones,
    client: { id: client.id, name: client.name },
    location: location ? { id: location.id, name: location.name } : null,
    flags: {
      primary: contact.primary,
      important: contact.important,
      billing: contact.billing,
      technical: contact.technical,
    },
    notes: chars.length > CARD_NOTES_MAX ? `${chars.slice(0, CARD_NOTES_MAX - 1).join("")}…` : notes,
    notesTruncated: chars.length > CARD_NOTES_MAX,
    archived: contact.archivedAt !== null,
    itflowUrl: contactUrl(itflowUrl, client.id, contact.id),
    raw: { phone: contact.phone, mobile: contact.mobile, extension: contact.extension },
  };
}
