// locations/read.php: one location by location_id, or a page of locations ORDER BY location_id.

import type { EndpointContext } from "../context.js";
import { field, intval, isset } from "../php.js";
import { type FakeResponse, readResult } from "../responses.js";
import { LOCATION_COLUMNS, type LocationRow } from "../rows.js";
import { ensureSortedById, sqlIntEquals } from "../sql.js";
import { pageOf } from "./read-helpers.js";

export function readLocations(context: EndpointContext): FakeResponse {
  const locations = ensureSortedById(context.state.locations, (row) => row.location_id);
  const inScope = (row: LocationRow) => context.readScope(row.location_client_id);
  const id = field(context.request.get, "location_id");

  const rows = isset(id)
    ? locations.filter((row) => sqlIntEquals(row.location_id, intval(id)) && inScope(row))
    : pageOf(locations, inScope, context.limit, context.offset);
  return readResult(rows, LOCATION_COLUMNS, context.rules.numericRowKeys);
}
