// The three tables the fake serves, in ITFlow's wire shape: every value is a string or null
// (mysqlnd without native types), columns in table order, so a row can be encoded straight
// into a byte-compatible response.

/** One column value as ITFlow sends it. */
export type Cell = string | null;

export const CONTACT_COLUMNS = [
  "contact_id",
  "contact_name",
  "contact_title",
  "contact_email",
  "contact_phone_country_code",
  "contact_phone",
  "contact_extension",
  "contact_mobile_country_code",
  "contact_mobile",
  "contact_photo",
  "contact_pin",
  "contact_notes",
  "contact_primary",
  "contact_important",
  "contact_billing",
  "contact_technical",
  "contact_created_at",
  "contact_updated_at",
  "contact_archived_at",
  "contact_accessed_at",
  "contact_location_id",
  "contact_vendor_id",
  "contact_user_id",
  "contact_department",
  "contact_client_id",
] as const;

export const CLIENT_COLUMNS = [
  "client_id",
  "client_lead",
  "client_name",
  "client_type",
  "client_website",
  "client_referral",
  "client_rate",
  "client_currency_code",
  "client_net_terms",
  "client_tax_id_number",
  "client_abbreviation",
  "client_notes",
  "client_favorite",
  "client_created_at",
  "client_updated_at",
  "client_archived_at",
  "client_accessed_at",
] as const;

export const LOCATION_COLUMNS = [
  "location_id",
  "location_name",
  "location_description",
  "location_country",
  "location_address",
  "location_city",
  "location_state",
  "location_zip",
  "location_phone_country_code",
  "location_phone",
  "location_phone_extension",
  "location_fax_country_code",
  "location_fax",
  "location_hours",
  "location_photo",
  "location_primary",
  "location_notes",
  "location_favorite",
  "location_created_at",
  "location_updated_at",
  "location_archived_at",
  "location_accessed_at",
  "location_contact_id",
  "location_client_id",
] as const;

export type ContactColumn = (typeof CONTACT_COLUMNS)[number];
export type ClientColumn = (typeof CLIENT_COLUMNS)[number];
export type LocationColumn = (typeof LOCATION_COLUMNS)[number];

export type ContactRow = Record<ContactColumn, Cell>;
export type ClientRow = Record<ClientColumn, Cell>;
export type LocationRow = Record<LocationColumn, Cell>;

/** Any of the three row types, for code that only needs the column order. */
export type AnyRow = Readonly<Record<string, Cell>>;

/** Values a contact gets from contacts/create.php when the caller sends only the required fields. */
export function buildContactRow(values: Partial<ContactRow> & { contact_id: string }): ContactRow {
  // normaliseRow puts the columns back in table order whatever order `values` has.
  return normaliseRow(CONTACT_COLUMNS, {
    contact_name: "",
    contact_title: "",
    contact_email: "",
    contact_phone_country_code: null,
    contact_phone: "",
    contact_extension: "",
    contact_mobile_country_code: null,
    contact_mobile: "",
    contact_photo: null,
    contact_pin: null,
    contact_notes: "",
    contact_primary: "0",
    contact_important: "0",
    contact_billing: "0",
    contact_technical: "0",
    contact_created_at: "2026-01-01 00:00:00",
    contact_updated_at: null,
    contact_archived_at: null,
    contact_accessed_at: null,
    contact_location_id: "0",
    contact_vendor_id: "0",
    contact_user_id: "0",
    contact_department: "",
    contact_client_id: "0",
    ...values,
  });
}

/** A client row with ITFlow's defaults for the columns not given. */
export function buildClientRow(values: Partial<ClientRow> & { client_id: string }): ClientRow {
  // normaliseRow puts the columns back in table order whatever order `values` has.
  return normaliseRow(CLIENT_COLUMNS, {
    client_lead: "0",
    client_name: "",
    client_type: null,
    client_website: null,
    client_referral: null,
    client_rate: null,
    client_currency_code: "USD",
    client_net_terms: "30",
    client_tax_id_number: null,
    client_abbreviation: null,
    client_notes: null,
    client_favorite: "0",
    client_created_at: "2026-01-01 00:00:00",
    client_updated_at: null,
    client_archived_at: null,
    client_accessed_at: null,
    ...values,
  });
}

/** A location row with ITFlow's defaults for the columns not given. */
export function buildLocationRow(values: Partial<LocationRow> & { location_id: string }): LocationRow {
  // normaliseRow puts the columns back in table order whatever order `values` has.
  return normaliseRow(LOCATION_COLUMNS, {
    location_name: "",
    location_description: null,
    location_country: null,
    location_address: null,
    location_city: null,
    location_state: null,
    location_zip: null,
    location_phone_country_code: null,
    location_phone: null,
    location_phone_extension: null,
    location_fax_country_code: null,
    location_fax: null,
    location_hours: null,
    location_photo: null,
    location_primary: "0",
    location_notes: null,
    location_favorite: "0",
    location_created_at: "2026-01-01 00:00:00",
    location_updated_at: null,
    location_archived_at: null,
    location_accessed_at: null,
    location_contact_id: "0",
    location_client_id: "0",
    ...values,
  });
}

/**
 * Copies `source` into a row of exactly `columns`, in that order, so a seed with extra keys or a
 * different key order still encodes like the real table. Missing columns become null.
 */
export function normaliseRow<C extends string>(columns: readonly C[], source: unknown): Record<C, Cell> {
  const input = typeof source === "object" && source !== null ? (source as Record<string, unknown>) : {};
  const row = {} as Record<C, Cell>;
  for (const column of columns) {
    const value = input[column];
    row[column] = value === null || value === undefined ? null : String(value);
  }
  return row;
}
