// Pieces shared by the read.php endpoints.

import { SqlError } from "../sql.js";

/** `LIMIT $limit OFFSET $offset`: a negative value is an SQL syntax error (HTTP 500). */
export function pageOf<R>(rows: readonly R[], limit: number, offset: number): R[] {
  if (limit < 0 || offset < 0) throw new SqlError("You have an error in your SQL syntax (LIMIT/OFFSET)");
  return rows.slice(offset, offset + limit);
}

/** mysqli_real_escape_string() throws a TypeError (HTTP 500) for an array such as `?contact_email[]=x`. */
export function stringParam(value: unknown): string {
  if (typeof value !== "string")
    throw new SqlError("mysqli_real_escape_string(): Argument #2 must be of type string");
  return value;
}
