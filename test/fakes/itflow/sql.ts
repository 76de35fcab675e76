// The MariaDB behaviour ITFlow's answers depend on: utf8mb4_general_ci comparisons, STRICT mode
// column checks (which surface as HTTP 500 with an empty body) and NOW() timestamps.

import type { Cell } from "./rows.js";

/** A query MariaDB rejects; PHP 8.1+ throws mysqli_sql_exception and the API answers 500, empty. */
export class SqlError extends Error {
  override readonly name = "SqlError";
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * The key utf8mb4_general_ci compares by: case- and accent-insensitive, and PAD SPACE, so
 * trailing spaces do not count ('x@y ' = 'x@y'). Accent folding is an approximation (NFD).
 */
export function collationKey(value: string): string {
  const unpadded = value.replace(/ +$/, "");
  if (PRINTABLE_ASCII.test(unpadded)) return unpadded.toLowerCase();
  return unpadded.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** `column = 'value'` in SQL: NULL never matches. */
export function sqlEquals(column: Cell, value: string): boolean {
  return column !== null && collationKey(column) === collationKey(value);
}

/** `column = N` for an integer column stored as a string. */
export function sqlIntEquals(column: Cell, value: number): boolean {
  return column !== null && Number(column) === value;
}

/** A VARCHAR(n): MariaDB counts characters (code points), not bytes. */
export function checkVarchar(value: string, max: number): void {
  if (value.length > max && [...value].length > max) throw new SqlError(`Data too long (max ${max} chars)`);
}

/** A TEXT column holds at most 65,535 bytes. */
export function checkText(value: string): void {
  if (Buffer.byteLength(value, "utf8") > 65_535) throw new SqlError("Data too long for TEXT");
}

/** An integer column in STRICT mode: '' or a value out of range is an error. */
export function checkInteger(value: string, min: number, max: number): void {
  if (!/^-?\d+$/.test(value)) throw new SqlError(`Incorrect integer value '${value}'`);
  const number = Number(value);
  if (number < min || number > max) throw new SqlError(`Out of range value ${value}`);
}

export const TINYINT = { min: -128, max: 127 } as const;
export const INT = { min: -2_147_483_648, max: 2_147_483_647 } as const;

/** NOW() as MariaDB prints a DATETIME, in the server's local time. */
export function formatTimestamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** The id cells of a table, in order, when it was last found sorted. */
const checkedOrder = new WeakMap<object, Cell[]>();

/**
 * Rows in primary-key order, as an InnoDB table scan returns them (sorted in place). Every page of a
 * 50,000-row list asks: a table whose id cells are the very ones it held when last found sorted is
 * sorted still, which an identity comparison tells without converting 50,000 ids to numbers.
 */
export function ensureSortedById<R>(rows: R[], id: (row: R) => Cell): R[] {
  const checked = checkedOrder.get(rows);
  if (checked && checked.length === rows.length && checked.every((cell, i) => cell === id(rows[i] as R))) {
    return rows;
  }
  for (let i = 1; i < rows.length; i++) {
    if (Number(id(rows[i - 1] as R)) > Number(id(rows[i] as R))) {
      rows.sort((a, b) => Number(id(a)) - Number(id(b)));
      break;
    }
  }
  checkedOrder.set(rows, rows.map(id));
  return rows;
}
