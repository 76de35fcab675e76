// Terminal output: readable text for people, and the stable JSON shape for scripts.

import { flagNames } from "../../commands/summary.js";
import type { ContactSummary, View } from "../../commands/views.js";
import type { ContactRow } from "../../src/contacts/directory.js";
import { withoutControls } from "../../src/contacts/text.js";

/** Contact data is not ours: an ESC or other control character in a name could drive the terminal. */
export function plain(text: string): string {
  return withoutControls(text, true).replace(/\r/g, "");
}

export interface JsonContact {
  id: number;
  name: string;
  title: string;
  email: string;
  phone: string;
  mobile: string;
  extension: string;
  department: string;
  client: { id: number; name: string };
  location: { id: number; name: string } | null;
  flags: { primary: boolean; important: boolean; billing: boolean; technical: boolean };
  archived: boolean;
}

/** The machine-readable shape of one match (`find --json`); numbers are as ITFlow stores them. */
export function jsonContact(row: ContactRow): JsonContact {
  const c = row.contact;
  return {
    id: c.id,
    name: c.name,
    title: c.title,
    email: c.email,
    phone: c.phone,
    mobile: c.mobile,
    extension: c.extension,
    department: c.department,
    client: { id: row.client.id, name: row.client.name },
    location: row.location ? { id: row.location.id, name: row.location.name } : null,
    flags: { primary: c.primary, important: c.important, billing: c.billing, technical: c.technical },
    archived: c.archivedAt !== null,
  };
}

function line(label: string, value: string): string {
  // One column wider than the longest label ("Department:"), so a value never touches its label.
  return `  ${`${label}:`.padEnd(12)}${plain(value)}`;
}

export function renderContact(s: ContactSummary): string {
  const out = [plain(s.title ? `${s.name} — ${s.title}` : s.name) + (s.archived ? "  [archived]" : "")];
  out.push(line("Client", s.client.name));
  if (s.location) out.push(line("Location", s.location.name));
  if (s.department) out.push(line("Department", s.department));
  if (s.email) out.push(line("Email", s.email));
  for (const p of s.phones)
    out.push(line(p.label, p.extension ? `${p.display} ext. ${p.extension}` : p.display));
  const flags = flagNames(s.flags);
  if (flags.length) out.push(line("Flags", flags.join(", ").toLowerCase()));
  if (s.notes) out.push(line("Notes", s.notes.replace(/\s*\n\s*/g, " / ")));
  out.push(line("ITFlow", s.itflowUrl));
  return out.join("\n");
}

export function renderView(view: View): string {
  switch (view.kind) {
    case "card":
      return renderContact(view.contact);
    case "list": {
      const head = `${view.total} contacts match "${plain(view.query)}":`;
      return [head, ...view.items.map(renderContact)].join("\n\n");
    }
    case "notice": {
      const offer = view.archived?.length
        ? `\nRun the search again with --include-archived to show ${view.archived.length === 1 ? "it" : "them"}.`
        : "";
      return plain(view.text) + offer;
    }
    case "help":
      return view.lines.map((l) => `${l.usage}\n    ${l.description}`).join("\n");
    case "form":
      return "Forms are available in Slack and Discord.";
  }
}
