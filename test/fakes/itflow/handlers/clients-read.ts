// clients/read.php: exact client_name (case-insensitive) or a page of clients, ORDER BY client_id.
// There is no lookup by id.

import type { EndpointContext } from "../context.js";
import { field, isset } from "../php.js";
import { type FakeResponse, readResult } from "../responses.js";
import { CLIENT_COLUMNS, type ClientRow } from "../rows.js";
import { ensureSortedById, sqlEquals } from "../sql.js";
import { pageOf, stringParam } from "./read-helpers.js";

export function readClients(context: EndpointContext): FakeResponse {
  const clients = ensureSortedById(context.state.clients, (row) => row.client_id);
  const inScope = (row: ClientRow) => context.readScope(row.client_id);
  const name = field(context.request.get, "client_name");

  const rows = isset(name)
    ? clients.filter((row) => sqlEquals(row.client_name, stringParam(name)) && inScope(row))
    : pageOf(clients, inScope, context.limit, context.offset);
  return readResult(rows, CLIENT_COLUMNS, context.rules.numericRowKeys);
}
