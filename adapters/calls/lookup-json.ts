// GET /calls/lookup: who a number belongs to, as JSON shaped for PBX CRM integrations (3CX's
// server-side CRM template maps these fields to its outputs; see threecx-template.ts).
import type { CallerLookup } from "../../commands/calls/lookup.js";
import type { CommandContext } from "../../commands/context.js";
import { contactUrl } from "../../commands/summary.js";
import { e164Of } from "../../src/contacts/phone.js";

export interface LookupContact {
  id: number;
  name: string;
  firstName: string;
  lastName: string;
  company: string;
  title: string;
  email: string;
  phoneBusiness: string;
  phoneMobile: string;
  url: string;
}

export interface LookupAnswer {
  /** The number exactly as the PBX sent it. */
  number: string;
  contacts: LookupContact[];
}

/** ITFlow has one name field; CRMs want two. The first word is the first name, the rest the last. */
export function splitName(name: string): { firstName: string; lastName: string } {
  const trimmed = name.trim();
  const space = trimmed.search(/\s/);
  if (space < 0) return { firstName: trimmed, lastName: "" };
  return { firstName: trimmed.slice(0, space), lastName: trimmed.slice(space).trim() };
}

export function lookupAnswer(lookup: CallerLookup, ctx: CommandContext): LookupAnswer {
  const received = lookup.number.received;
  const shown = (stored: string, cc: string | null) =>
    stored ? (e164Of(stored, cc, ctx.region) ?? stored) : "";
  return {
    number: received,
    contacts: lookup.matches.map(({ row, matched }) => {
      const { contact, client } = row;
      // 3CX only accepts a match whose phone equals the number it searched, in its own spelling.
      return {
        id: contact.id,
        name: contact.name,
        ...splitName(contact.name),
        company: client.name,
        title: contact.title,
        email: contact.email,
        phoneBusiness: matched === "phone" ? received : shown(contact.phone, contact.phoneCountryCode),
        phoneMobile: matched === "mobile" ? received : shown(contact.mobile, contact.mobileCountryCode),
        url: contactUrl(ctx.itflowUrl, client.id, contact.id),
      };
    }),
  };
}
