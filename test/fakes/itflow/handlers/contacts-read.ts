// contacts/read.php: one of contact_id, contact_email, contact_phone_or_mobile (in that order of
// precedence), or else a page of every contact the key may see.

import type { EndpointContext } from "../context.js";
import { field, intval, isset } from "../php.js";
import { type FakeResponse, readResult } from "../responses.js";
import { CONTACT_COLUMNS, type ContactRow } from "../rows.js";
import { ensureSortedById, sqlEquals, sqlIntEquals } from "../sql.js";
import { pageOf, stringParam } from "./read-helpers.js";

export function readContacts(context: EndpointContext): FakeResponse {
  const { get } = context.request;
  // No ORDER BY on the lookups: InnoDB scans in primary-key order, so the fake does too.
  const contacts = ensureSortedById(context.state.contacts, (row) => row.contact_id);
  const inScope = (row: ContactRow) => context.readScope(row.contact_client_id);

  const id = field(get, "contact_id");
  const email = field(get, "contact_email");
  const phoneOrMobile = field(get, "contact_phone_or_mobile");
  let rows: ContactRow[];

  if (isset(id)) {
    const wanted = intval(id);
    rows = contacts.filter((row) => sqlIntEquals(row.contact_id, wanted) && inScope(row));
  } else if (isset(email)) {
    // Exact '=' (case-insensitive, trailing spaces ignored) and no LIMIT: one row per client.
    const wanted = stringParam(email);
    rows = contacts.filter((row) => sqlEquals(row.contact_email, wanted) && inScope(row));
  } else if (isset(phoneOrMobile)) {
    // Upstream SQL: `contact_mobile = X OR contact_phone = X AND <scope> LIMIT 1`. AND binds
    // tighter than OR, so a mobile match ignores the key's client scope (a real upstream bug).
    const wanted = stringParam(phoneOrMobile);
    const hit = contacts.find(
      (row) =>
        sqlEquals(row.contact_mobile, wanted) || (sqlEquals(row.contact_phone, wanted) && inScope(row)),
    );
    rows = hit ? [hit] : [];
  } else {
    rows = pageOf(contacts, inScope, context.limit, context.offset);
  }
  return readResult(rows, CONTACT_COLUMNS, context.rules.numericRowKeys);
}
