// contacts/create.php and contacts/update.php.

import type { EndpointContext } from "../context.js";
import { field, intval, isEmpty, looselyEqualsOne } from "../php.js";
import { createResult, type FakeResponse, updateResult } from "../responses.js";
import { buildContactRow, type ContactRow } from "../rows.js";
import { takeNextId } from "../seed.js";
import { sqlEquals, sqlIntEquals } from "../sql.js";
import type { FakeState } from "../types.js";
import {
  assertKeptValuesAreQuoteSafe,
  assertModelFitsColumns,
  buildContactModel,
  type ContactModel,
} from "./contact-model.js";

/**
 * `UPDATE contacts SET contact_primary = 0 WHERE contact_client_id = $client_id`, run before the
 * INSERT/UPDATE whenever the written contact is primary (even if that statement then fails).
 * Rows that actually change get a new contact_updated_at (ON UPDATE CURRENT_TIMESTAMP).
 */
function clearPrimaryContacts(state: FakeState, clientId: number, now: string): void {
  for (const row of state.contacts) {
    if (sqlIntEquals(row.contact_client_id, clientId) && row.contact_primary !== "0") {
      row.contact_primary = "0";
      row.contact_updated_at = now;
    }
  }
}

export function createContact(context: EndpointContext): FakeResponse {
  const { state, clientId } = context;
  const post = context.request.post;
  const model = buildContactModel(post, undefined);

  // Required after sanitising; PHP's empty() also rejects "0".
  if (isEmpty(model.contact_name) || isEmpty(model.contact_email) || isEmpty(clientId)) {
    return createResult(undefined);
  }
  const duplicate = state.contacts.some(
    (row) =>
      sqlEquals(row.contact_email, model.contact_email) && sqlIntEquals(row.contact_client_id, clientId),
  );
  if (duplicate) return createResult(undefined);

  const now = context.now();
  if (looselyEqualsOne(model.contact_primary)) clearPrimaryContacts(state, clientId, now);
  assertModelFitsColumns(model, clientId);

  const id = takeNextId(
    state,
    "contacts",
    state.contacts.map((row) => row.contact_id),
  );
  state.contacts.push(
    buildContactRow({
      ...model,
      contact_id: String(id),
      contact_created_at: now,
      contact_client_id: String(clientId),
    }),
  );
  return createResult(id);
}

/** Writes the model into the row; MariaDB's affected-rows counts the row only if a value changed. */
function applyUpdate(row: ContactRow, model: ContactModel, clientId: number, now: string): number {
  const next: Partial<ContactRow> = { ...model, contact_client_id: String(clientId) };
  let changed = false;
  for (const [column, value] of Object.entries(next) as [keyof ContactRow, string][]) {
    if (row[column] !== value) {
      row[column] = value;
      changed = true;
    }
  }
  if (changed) row.contact_updated_at = now;
  return changed ? 1 : 0;
}

export function updateContact(context: EndpointContext): FakeResponse {
  const { state, clientId, rules } = context;
  const post = context.request.post;
  const contactId = intval(field(post, "contact_id"));
  if (isEmpty(contactId)) return updateResult(0);

  // The row is pre-loaded WHERE contact_id AND contact_client_id = $client_id. When that finds
  // nothing, every field the request does not send falls back to '' (blanking the contact in
  // releases whose UPDATE does not check the client).
  const isTarget = (row: ContactRow) => sqlIntEquals(row.contact_id, contactId);
  const stored = state.contacts.find((row) => isTarget(row) && sqlIntEquals(row.contact_client_id, clientId));
  if (stored && rules.unescapedKeptValues) assertKeptValuesAreQuoteSafe(post, stored);
  const model = buildContactModel(post, stored);

  const now = context.now();
  // update.php clears the client's primary flags first and sets this contact's back afterwards,
  // which is why a "no change" update of the primary contact still answers True.
  if (looselyEqualsOne(model.contact_primary)) clearPrimaryContacts(state, clientId, now);

  const target = rules.updateChecksClient ? stored : state.contacts.find(isTarget);
  if (!target) return updateResult(0);
  assertModelFitsColumns(model, clientId);
  return updateResult(applyUpdate(target, model, clientId, now));
}
