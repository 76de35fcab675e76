// What a command answers, independent of any chat platform. Adapters turn these into Block Kit,
// Discord embeds or terminal text; handlers never format markdown for a platform. Every string in
// here is plain text straight from ITFlow or from us: escaping is the renderer's job.
import type { FieldChange, FieldErrors, FormMode, StoredDifference } from "../src/contacts/fields.js";
import type { ContactDraft } from "../src/contacts/types.js";

export interface PhoneView {
  label: "Phone" | "Mobile";
  /** Formatted for people, e.g. "(555) 123-4567" or "+44 7700 900123". */
  display: string;
  /** ITFlow's stored digits, for machines (--json). */
  digits: string;
  extension: string | null;
  /** tel: URI, when the number could be understood. */
  tel: string | null;
}

export interface ContactSummary {
  id: number;
  name: string;
  title: string;
  email: string;
  department: string;
  phones: PhoneView[];
  client: { id: number; name: string };
  location: { id: number; name: string } | null;
  flags: { primary: boolean; important: boolean; billing: boolean; technical: boolean };
  /** Notes trimmed for a card; full notes live in ITFlow. */
  notes: string;
  notesTruncated: boolean;
  archived: boolean;
  /** The contact's page in ITFlow's web UI. */
  itflowUrl: string;
  /** Raw values kept for the machine-readable output. */
  raw: { phone: string; mobile: string; extension: string };
}

export interface ContactCardView {
  kind: "card";
  contact: ContactSummary;
  canEdit: boolean;
  /** Offer "Verify caller" (checking what a caller says against the contact's PIN). */
  canVerify?: boolean;
  /**
   * Set after a save: what changed, who lost the primary flag, and the fields ITFlow holds
   * otherwise than they were typed (empty when it stored everything as typed).
   */
  saved?: {
    created: boolean;
    changes: FieldChange[];
    demotedPrimary: string | null;
    differences: StoredDifference[];
    /** Labels of the fields invisible control characters were removed from before sending. */
    cleaned: string[];
  };
}

export interface ContactListView {
  kind: "list";
  query: string;
  items: ContactSummary[];
  /** How many matched in all; items holds at most the first page. */
  total: number;
  canEdit: boolean;
}

export interface ChoiceView {
  value: string;
  label: string;
}

export interface FormView {
  kind: "form";
  mode: FormMode;
  title: string;
  /** Edit: which contact, and the version of it the form was opened on (conflict detection). */
  contactId: number | null;
  version: string | null;
  client: { id: number; name: string } | null;
  values: FormValues;
  errors: FormErrors;
  locations: ChoiceView[];
  /** A hint shown above the fields, e.g. "Several clients match "acme"; pick one." */
  notice: string | null;
  /**
   * The client's primary contact, when ticking Primary on this form would demote them: shown next
   * to the Primary flag, the one place it matters.
   */
  primaryHolder: string | null;
}

/** Values as a form shows them: text as typed or formatted for people, flags as booleans. */
export type FormValues = Partial<Record<keyof ContactDraft, string | boolean | number | null>>;

/** Per-field messages, plus the client picker on a create form. */
export type FormErrors = FieldErrors & { client?: string };

export type NoticeLevel = "info" | "notFound" | "error" | "denied" | "conflict" | "duplicate";

export interface NoticeView {
  kind: "notice";
  level: NoticeLevel;
  text: string;
  /** Offer to create a contact (after "no contact matches"). */
  createFrom?: string;
  /** Archived contacts that match when no active one does: offered to be shown, never created again. */
  archived?: ContactSummary[];
  /** A contact the notice is about (the duplicate, or the changed one in a conflict). */
  contact?: ContactSummary;
}

export interface HelpView {
  kind: "help";
  lines: Array<{ usage: string; description: string }>;
}

export type View = ContactCardView | ContactListView | FormView | NoticeView | HelpView;
