// Pieces shared by the read.php endpoints.

import { SqlError } from "../sql.js";

/**
 * `WHERE <scope> LIMIT $limit OFFSET $offset`: a negative value is an SQL syntax error (HTTP 500).
 * Walks only as far as the page ends, as the database does: a list read page by page must not cost
 * a pass over the whole table per page.
 */
export function pageOf<R>(
  rows: readonly R[],
  inScope: (row: R) => boolean,
  limit: number,
  offset: number,
): R[] {
  if (limit < 0 || offset < 0) throw new SqlError("You have an error in your SQL syntax (LIMIT/OFFSET)");
  const page: R[] = [];
  let skipped = 0;
  for (let i = 0; i < rows.length && page.length < limit; i++) {
    const row = rows[i] as R;
    if (!inScope(row)) continue;
    if (skipped < offset) skipped++;
    else page.push(row);
  }
  return page;
}

/** mysqli_real_escape_string() throws a TypeError (HTTP 500) for an array such as `?contact_email[]=x`. */
export function stringParam(value: unknown): string {
  if (typeof value !== "string")
    throw new SqlError("mysqli_real_escape_string(): Argument #2 must be of type string");
  return value;
}
