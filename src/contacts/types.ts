// The contact domain as the rest of the bot sees it: camelCase, real booleans and numbers, no
// ITFlow wire quirks, and no `contact_pin` (dropped at the ITFlow boundary so nothing can leak it).

export interface Contact {
  id: number;
  clientId: number;
  /** null when the contact has no location (ITFlow stores 0). */
  locationId: number | null;
  name: string;
  title: string;
  email: string;
  /** Digits as ITFlow stores them (may include a country code typed into the number). */
  phone: string;
  /** Set only by ITFlow's web UI, e.g. "1" or "44"; null when unknown. */
  phoneCountryCode: string | null;
  extension: string;
  mobile: string;
  mobileCountryCode: string | null;
  department: string;
  notes: string;
  primary: boolean;
  important: boolean;
  billing: boolean;
  technical: boolean;
  createdAt: string | null;
  updatedAt: string | null;
  archivedAt: string | null;
}

/** The fields a person can set through a form, create or edit. */
export interface ContactDraft {
  name: string;
  title: string;
  email: string;
  phone: string;
  extension: string;
  mobile: string;
  department: string;
  notes: string;
  primary: boolean;
  important: boolean;
  billing: boolean;
  technical: boolean;
  locationId: number | null;
}

export interface Client {
  id: number;
  name: string;
  archivedAt: string | null;
}

export interface Location {
  id: number;
  clientId: number;
  name: string;
  archivedAt: string | null;
}
