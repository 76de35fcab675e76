// contacts/contact_model.php: the columns create.php and update.php write, each taken from the
// request when it isset (JSON null does not count), else from the stored row (update), else a default.

import { digitsOnly, escapeSql, field, intval, isset } from "../php.js";
import type { ContactRow } from "../rows.js";
import { checkInteger, checkText, checkVarchar, INT, SqlError, TINYINT } from "../sql.js";

/** Text run through escapeSql (strip_tags + trim). */
const TEXT_FIELDS = [
  "contact_name",
  "contact_title",
  "contact_department",
  "contact_email",
  "contact_notes",
] as const;
/** Digits only: "+44 7700 900789" becomes "447700900789". */
const DIGIT_FIELDS = ["contact_phone", "contact_extension", "contact_mobile"] as const;
/** intval(): true => 1, "yes" => 0, "1" => 1. */
const FLAG_FIELDS = ["contact_primary", "contact_important", "contact_billing", "contact_technical"] as const;

type ModelField =
  | (typeof TEXT_FIELDS)[number]
  | (typeof DIGIT_FIELDS)[number]
  | (typeof FLAG_FIELDS)[number]
  | "contact_location_id";

/** The values the INSERT/UPDATE will write, as the strings MariaDB will store. */
export type ContactModel = Record<ModelField, string>;

const VARCHAR_200: readonly ModelField[] = [
  "contact_name",
  "contact_title",
  "contact_department",
  "contact_email",
  "contact_phone",
  "contact_extension",
  "contact_mobile",
];

export function buildContactModel(post: unknown, stored: ContactRow | undefined): ContactModel {
  // A NULL kept from the row is written back as '' (mysqli_real_escape_string(null) === '').
  const kept = (column: ModelField, fallback: string) => (stored ? (stored[column] ?? "") : fallback);
  const model = {} as ContactModel;
  for (const column of TEXT_FIELDS) {
    const sent = field(post, column);
    model[column] = isset(sent) ? escapeSql(sent) : kept(column, "");
  }
  for (const column of DIGIT_FIELDS) {
    const sent = field(post, column);
    model[column] = isset(sent) ? digitsOnly(sent) : kept(column, "");
  }
  for (const column of FLAG_FIELDS) {
    const sent = field(post, column);
    model[column] = isset(sent) ? String(intval(sent)) : kept(column, "0");
  }
  const location = field(post, "contact_location_id");
  model.contact_location_id = isset(location) ? String(intval(location)) : kept("contact_location_id", "0");
  return model;
}

/**
 * Before 26.04 the kept values went into the UPDATE without escaping: a stored apostrophe
 * (O'Connor) in any text column the request does not resend breaks the SQL.
 */
export function assertKeptValuesAreQuoteSafe(post: unknown, stored: ContactRow): void {
  for (const column of [...TEXT_FIELDS, ...DIGIT_FIELDS]) {
    if (!isset(field(post, column)) && stored[column]?.includes("'")) {
      throw new SqlError(`You have an error in your SQL syntax near '${column}'`);
    }
  }
}

/** STRICT_TRANS_TABLES: a value that does not fit its column fails the whole statement. */
export function assertModelFitsColumns(model: ContactModel, clientId: number): void {
  for (const column of VARCHAR_200) checkVarchar(model[column], 200);
  checkText(model.contact_notes);
  for (const column of FLAG_FIELDS) checkInteger(model[column], TINYINT.min, TINYINT.max);
  checkInteger(model.contact_location_id, INT.min, INT.max);
  checkInteger(String(clientId), INT.min, INT.max);
}
