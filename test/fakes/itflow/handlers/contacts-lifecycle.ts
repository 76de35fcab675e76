// contacts/archive.php, unarchive.php and delete.php: all act on contact_id within client_id.

import type { EndpointContext } from "../context.js";
import { field, intval, isEmpty } from "../php.js";
import { deleteResult, type FakeResponse, updateResult } from "../responses.js";
import type { ContactRow } from "../rows.js";
import { sqlIntEquals } from "../sql.js";

function requestedContactId(context: EndpointContext): number {
  return intval(field(context.request.post, "contact_id"));
}

function findInClient(context: EndpointContext, contactId: number): ContactRow | undefined {
  return context.state.contacts.find(
    (row) => sqlIntEquals(row.contact_id, contactId) && sqlIntEquals(row.contact_client_id, context.clientId),
  );
}

/** Archiving also clears the important/billing/technical flags (unarchive does not restore them). */
export function archiveContact(context: EndpointContext): FakeResponse {
  const contactId = requestedContactId(context);
  if (isEmpty(contactId)) return updateResult(0);
  const row = findInClient(context, contactId);
  if (!row || row.contact_archived_at !== null) return updateResult(0);
  const now = context.now();
  row.contact_important = "0";
  row.contact_billing = "0";
  row.contact_technical = "0";
  row.contact_archived_at = now;
  row.contact_updated_at = now;
  return updateResult(1);
}

export function unarchiveContact(context: EndpointContext): FakeResponse {
  const contactId = requestedContactId(context);
  if (isEmpty(contactId)) return updateResult(0);
  const row = findInClient(context, contactId);
  if (!row || row.contact_archived_at === null) return updateResult(0);
  row.contact_archived_at = null;
  row.contact_updated_at = context.now();
  return updateResult(1);
}

/**
 * A hard delete. delete.php only reports success when the pre-loaded contact_name is non-empty,
 * so a contact with a blank name is deleted but answered with "False".
 */
export function deleteContact(context: EndpointContext): FakeResponse {
  const contactId = requestedContactId(context);
  if (isEmpty(contactId)) return deleteResult(0);
  const row = findInClient(context, contactId);
  if (!row) return deleteResult(0);
  const contacts = context.state.contacts;
  contacts.splice(contacts.indexOf(row), 1);
  return deleteResult(isEmpty(row.contact_name) ? 0 : 1);
}
