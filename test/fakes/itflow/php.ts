// PHP value semantics the ITFlow endpoints rely on: isset, empty, intval, string casts, trim and
// how $_GET / $_POST get filled. Inputs are `unknown` because $_POST is whatever json_decode made
// of the body (an object, a list, a scalar or null).

import { stripTags } from "./strip-tags.js";

/** $_GET or $_POST: a decoded key/value map, or something that has no fields at all. */
export type PhpInput = unknown;

/** `$input['name']`, or undefined when $input is not a key/value map or lacks the key. */
export function field(input: PhpInput, name: string): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return undefined;
  return Object.hasOwn(input, name) ? (input as Record<string, unknown>)[name] : undefined;
}

/** PHP isset(): present and not null. */
export function isset(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** `$a['x'] ?? $b['x'] ?? ...`: the first value that isset. */
export function coalesce(...values: unknown[]): unknown {
  return values.find(isset);
}

/** PHP empty(): "", "0", 0, false, null, an empty array. */
export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return true;
  if (typeof value === "string") return value === "" || value === "0";
  if (typeof value === "number") return value === 0;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const NUMERIC_PREFIX = /^[ \t\n\r\v\f]*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)/;

/** PHP intval(): leading numeric prefix of a string (exponents included), 0 when there is none. */
export function intval(value: unknown): number {
  if (typeof value === "number") return Number.isFinite(value) ? Math.trunc(value) : 0;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") {
    const match = NUMERIC_PREFIX.exec(value);
    if (!match?.[1]) return 0;
    const literal = match[1];
    if (/[.eE]/.test(literal)) return Math.trunc(Number(literal)) || 0;
    // Integer strings saturate at PHP_INT_MAX / PHP_INT_MIN.
    const big = BigInt(literal);
    const clamped = big > INT64_MAX ? INT64_MAX : big < INT64_MIN ? INT64_MIN : big;
    return Number(clamped);
  }
  if (Array.isArray(value)) return value.length > 0 ? 1 : 0;
  if (typeof value === "object" && value !== null) return Object.keys(value).length > 0 ? 1 : 0;
  return 0;
}

/** PHP's float-to-string (precision=14, %G style, "1.0E+25" for big exponents). */
function floatToString(value: number): string {
  if (Number.isNaN(value)) return "NAN";
  if (!Number.isFinite(value)) return value > 0 ? "INF" : "-INF";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const [mantissa = "0", exponentText = "0"] = value.toExponential(13).split("e");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 14) {
    let digits = mantissa.replace(/\.?0+$/, "");
    if (!digits.includes(".")) digits += ".0";
    return `${digits}E${exponent < 0 ? "-" : "+"}${Math.abs(exponent)}`;
  }
  return String(Number(value.toPrecision(14)));
}

/** PHP (string) cast of a decoded JSON value; arrays become "Array" as in PHP (with a warning). */
export function phpString(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") {
    // json_decode gives PHP ints for integer literals; JS can only tell safe integers apart.
    return Number.isSafeInteger(value) ? String(value) : floatToString(value);
  }
  if (typeof value === "boolean") return value ? "1" : "";
  if (value === null || value === undefined) return "";
  return "Array";
}

/** PHP trim()'s default character list: space, tab, LF, CR, NUL and vertical tab. */
const TRIMMED = new Set([" ", "\t", "\n", "\r", "\0", "\v"]);

/** PHP trim() (String.prototype.trim would also strip non-breaking and other Unicode spaces). */
export function phpTrim(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && TRIMMED.has(value[start] as string)) start++;
  while (end > start && TRIMMED.has(value[end - 1] as string)) end--;
  return value.slice(start, end);
}

/** ITFlow's escapeSql(): strip_tags + trim (the SQL escaping itself is undone by MySQL). */
export function escapeSql(value: unknown): string {
  return phpTrim(stripTags(phpString(value)));
}

/** `preg_replace('/[^0-9]/', '', $value)`; an array subject comes back as an array, saved as "Array". */
export function digitsOnly(value: unknown): string {
  if (typeof value === "object" && value !== null) return "Array";
  return phpString(value).replace(/[^0-9]/g, "");
}

/** PHP's loose `$value == 1` for the values the contact model produces. */
export function looselyEqualsOne(value: unknown): boolean {
  if (typeof value === "number") return value === 1;
  if (typeof value === "string") return value.trim() !== "" && Number(value) === 1;
  return value === true;
}

/**
 * $_GET as PHP's parse_str builds it: "+" and %XX decoded, later keys win, "a[]=1" and "a[k]=1"
 * become arrays, and "." or " " in a name become "_".
 */
export function parseQueryString(rawQuery: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const pair of rawQuery.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const rawName = urlDecode(eq === -1 ? pair : pair.slice(0, eq)).replace(/^ +/, "");
    const value = eq === -1 ? "" : urlDecode(pair.slice(eq + 1));
    const bracket = rawName.indexOf("[");
    if (bracket > 0 && rawName.endsWith("]")) {
      const base = rawName.slice(0, bracket).replace(/[. ]/g, "_");
      const subKey = rawName.slice(bracket + 1, rawName.indexOf("]", bracket));
      const existing = result[base];
      const container: Record<string, unknown> =
        typeof existing === "object" && existing !== null ? (existing as Record<string, unknown>) : {};
      const nextIndex = Object.keys(container).filter((k) => /^\d+$/.test(k)).length;
      container[subKey === "" ? String(nextIndex) : subKey] = value;
      result[base] = container;
      continue;
    }
    if (rawName === "") continue;
    result[rawName.replace(/[. ]/g, "_")] = value;
  }
  return result;
}

/** PHP urldecode(): "+" is a space, malformed %XX sequences are kept as they are. */
export function urlDecode(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "+") {
      bytes.push(0x20);
    } else if (ch === "%" && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const byte of Buffer.from(ch ?? "", "utf8")) bytes.push(byte);
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * `json_decode(file_get_contents('php://input'), true)`: null for an empty body, invalid JSON or
 * invalid UTF-8; otherwise whatever the JSON holds (object, list or scalar).
 */
export function phpJsonDecode(raw: Buffer): unknown {
  if (raw.length === 0) return null;
  let text: string;
  try {
    text = STRICT_UTF8.decode(raw);
  } catch {
    return null;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
