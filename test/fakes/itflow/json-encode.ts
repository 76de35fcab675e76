// PHP json_encode() output, byte for byte: "/" is escaped as "\/" and every non-ASCII UTF-16 unit
// as a lowercase \uXXXX (so an emoji becomes a surrogate pair), which JSON.stringify does not do.
// Rows are encoded by hand because JS objects would reorder the numeric keys of 25.12 rows.

import type { AnyRow, Cell } from "./rows.js";

const PHP_EXTRA_ESCAPES = /[/\u0080-\uffff]/g;

function escapeForPhp(ch: string): string {
  return ch === "/" ? "\\/" : `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** Whether json_encode writes `value` as it is: printable ASCII without '"', '/' or '\\'. */
function isPlain(value: string): boolean {
  // A loop rather than a regular expression: a whole list is 1.25 million cells, most of them a few characters.
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x2f || c === 0x5c) return false;
  }
  return true;
}

/** One string as PHP's json_encode writes it. */
export function phpJsonString(value: string): string {
  if (isPlain(value)) return `"${value}"`;
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
  // A whole list is 50,000 rows, each encoded on every page that holds it: the fake keeps each row's
  // text with the values it was made from and reuses it while they are all the same (the state is
  // changed in place, by writes and by tests), so sending the list costs about what a real ITFlow
  // spends, not several times more.
  const cached = encodedRows.get(row);
  if (cached && cached.columns === columns && cached.numericKeys === numericKeys) {
    let same = true;
    for (let i = 0; i < columns.length; i++) {
      if (cached.values[i] !== (row[columns[i] as string] ?? null)) {
        same = false;
        break;
      }
    }
    if (same) return cached.text;
  }
  const values: Cell[] = [];
  const parts: string[] = [];
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i] as string;
    const cell = row[column] ?? null;
    values.push(cell);
    const value = encodeCell(cell);
    if (numericKeys) parts.push(`"${i}":${value}`);
    parts.push(keyOf(column) + value);
  }
  const text = `{${parts.join(",")}}`;
  encodedRows.set(row, { columns, numericKeys, values, text });
  return text;
}

interface EncodedRow {
  columns: readonly string[];
  numericKeys: boolean;
  values: Cell[];
  text: string;
}

const encodedRows = new WeakMap<AnyRow, EncodedRow>();

const keys = new Map<string, string>();

function keyOf(column: string): string {
  let key = keys.get(column);
  if (key === undefined) {
    key = `${phpJsonString(column)}:`;
    keys.set(column, key);
  }
  return key;
}
