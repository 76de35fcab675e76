// PHP json_encode() output, byte for byte: "/" is escaped as "\/" and every non-ASCII UTF-16 unit
// as a lowercase \uXXXX (so an emoji becomes a surrogate pair), which JSON.stringify does not do.
// Rows are encoded by hand because JS objects would reorder the numeric keys of 25.12 rows.

import type { AnyRow, Cell } from "./rows.js";

// Characters JSON.stringify leaves alone but PHP escapes, or that JSON.stringify escapes itself.
const NEEDS_WORK = /[^\x20\x21\x23-\x2e\x30-\x5b\x5d-\x7e]/;
const PHP_EXTRA_ESCAPES = /[/\u0080-\uffff]/g;

function escapeForPhp(ch: string): string {
  return ch === "/" ? "\\/" : `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** One string as PHP's json_encode writes it. */
export function phpJsonString(value: string): string {
  if (!NEEDS_WORK.test(value)) return `"${value}"`;
  return JSON.stringify(value).replace(PHP_EXTRA_ESCAPES, escapeForPhp);
}

function encodeCell(value: Cell): string {
  return value === null ? "null" : phpJsonString(value);
}

/** A value of the small envelopes the endpoints build (strings, ints, lists, objects). */
export type PhpJsonValue =
  | string
  | number
  | boolean
  | null
  | PhpJsonValue[]
  | { [key: string]: PhpJsonValue };

export function phpJsonEncode(value: PhpJsonValue): string {
  if (value === null) return "null";
  if (typeof value === "string") return phpJsonString(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(phpJsonEncode).join(",")}]`;
  const members = Object.entries(value).map(
    ([key, member]) => `${phpJsonString(key)}:${phpJsonEncode(member)}`,
  );
  return `{${members.join(",")}}`;
}

/**
 * A database row as read_output.php prints it. With `numericKeys` (mysqli_fetch_array, up to
 * 26.01) every column is preceded by its position: {"0":"1","contact_id":"1","1":...}.
 */
export function encodeRow(row: AnyRow, columns: readonly string[], numericKeys: boolean): string {
  const parts: string[] = [];
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i] as string;
    const value = encodeCell(row[column] ?? null);
    if (numericKeys) parts.push(`"${i}":${value}`);
    parts.push(`${phpJsonString(column)}:${value}`);
  }
  return `{${parts.join(",")}}`;
}
