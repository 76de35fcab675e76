// Every answer the fake can give, with the exact texts of the recorded server.

import { encodeRow, phpJsonEncode } from "./json-encode.js";
import { type AnyRow, CONTACT_COLUMNS } from "./rows.js";

export interface FakeResponse {
  status: number;
  contentType: string;
  body: string;
}

const JSON_TYPE = "application/json";

export const MESSAGES = {
  authFailed: "Authentication failed. API key is invalid or has expired.",
  noPermission: "The user linked to this API key does not have permission for this action.",
  noClientAccess: "The user linked to this API key does not have access to the target client for this write.",
  getOnly: "Can only send GET requests to this endpoint.",
  postOnly: "Can only send POST requests to this endpoint.",
  notFound: "No resource (for this client and company) with the specified parameter(s).",
  insertFailed:
    "Auth success but insert query failed, ensure ALL required variables are provided (and aren't " +
    "duplicates where applicable) and database schema is up-to-date. Turn on error logging and look " +
    "for 'undefined index'.",
  updateFailed:
    "Auth success but update query failed/returned no results. Ensure ALL required variables are " +
    "provided and database schema is up-to-date. Most likely cause: non-existent module ID (i.e. bad " +
    "contact ID/ticket ID/etc) or no rows changed.",
  deleteFailed:
    "Auth success but delete query failed. Ensure ALL required variables are provided and database " +
    "schema is up-to-date. Most likely cause: asset/client/company ID mismatch.",
} as const;

function json(status: number, body: string): FakeResponse {
  return { status, contentType: JSON_TYPE, body };
}

function falseMessage(status: number, message: string): FakeResponse {
  return json(status, phpJsonEncode({ success: "False", message }));
}

/** validate_api_key.php exits before building JSON: the Content-Type is set, the body is empty. */
export const missingKey = (): FakeResponse => json(401, "");
export const badKey = (): FakeResponse => falseMessage(401, MESSAGES.authFailed);
export const forbidden = (message: string): FakeResponse => falseMessage(403, message);
export const wrongMethodForEndpoint = (allowed: "GET" | "POST"): FakeResponse =>
  falseMessage(405, allowed === "GET" ? MESSAGES.getOnly : MESSAGES.postOnly);

/** PUT, DELETE, ...: validate_api_key.php var_dump()s the method (recorded without its newline). */
export function methodNotAllowed(method: string): FakeResponse {
  return json(405, `string(${Buffer.byteLength(method, "utf8")}) "${method}"`);
}

/** An uncaught mysqli_sql_exception with display_errors off. */
export const databaseError = (): FakeResponse => json(500, "");

/** read_output.php: rows, or the normal "nothing found" answer (HTTP 200, no data key). */
export function readResult(
  rows: readonly AnyRow[],
  columns: readonly string[],
  numericKeys: boolean,
): FakeResponse {
  if (rows.length === 0) return falseMessage(200, MESSAGES.notFound);
  const data = rows.map((row) => encodeRow(row, columns, numericKeys)).join(",");
  return json(200, `{"success":"True","count":${rows.length},"data":[${data}]}`);
}

/** create_output.php: note count is the STRING "1" here. */
export function createResult(insertId: number | undefined): FakeResponse {
  if (insertId === undefined) return falseMessage(200, MESSAGES.insertFailed);
  return json(200, phpJsonEncode({ success: "True", count: "1", data: [{ insert_id: insertId }] }));
}

/** update_output.php (also used by archive/unarchive): "False" when no row changed. */
export function updateResult(affectedRows: number): FakeResponse {
  if (affectedRows <= 0) return falseMessage(200, MESSAGES.updateFailed);
  return json(200, phpJsonEncode({ success: "True", count: affectedRows }));
}

export function deleteResult(deletedRows: number): FakeResponse {
  if (deletedRows <= 0) return falseMessage(200, MESSAGES.deleteFailed);
  return json(200, phpJsonEncode({ success: "True", count: deletedRows }));
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#039;");
}

/** The 404 page of PHP's built-in web server, which echoes the request URI. */
export function notFoundPage(requestUri: string): FakeResponse {
  const body =
    "<!doctype html><html><head><title>404 Not Found</title><style>\n" +
    "body { background-color: #fcfcfc; color: #333333; margin: 0; padding:0; }\n" +
    "h1 { font-size: 1.5em; font-weight: normal; background-color: #9999cc; min-height:2em; " +
    "line-height:2em; border-bottom: 1px inset black; margin: 0; }\n" +
    "h1, p { padding-left: 10px; }\n" +
    "code.url { background-color: #eeeeee; font-family:monospace; padding:0 2px;}\n" +
    "</style>\n" +
    '</head><body><h1>Not Found</h1><p>The requested resource <code class="url">' +
    escapeHtml(requestUri) +
    "</code> was not found on this server.</p></body></html>";
  return { status: 404, contentType: "text/html; charset=UTF-8", body };
}

/**
 * A read answer made of these contact rows, exactly as ITFlow 26.08 encodes them: for a lying ITFlow
 * that answers an exact lookup with rows nobody asked for.
 */
export function contactsAnswer(rows: readonly AnyRow[]): FakeResponse {
  return readResult(rows, CONTACT_COLUMNS, false);
}
