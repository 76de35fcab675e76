// Bytes in from a phone system: the query string and the body, read the way PBXs write them.
import type { IncomingMessage } from "node:http";

/** Largest body a phone system may send; anything bigger is refused with 413. */
export const MAX_BODY_BYTES = 16 * 1024;

export class RequestRefused extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Query parameters, percent-decoded but with "+" kept as "+": PBXs put E.164 numbers in URLs
 * unencoded (?number=+15551234567), and form decoding would turn that "+" into a space and the
 * number into one without its country. An encoded "%2B" decodes to "+" as usual.
 */
export function queryParams(rawQuery: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const pair of rawQuery.split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const name = decode(eq < 0 ? pair : pair.slice(0, eq)).toLowerCase();
    if (!params.has(name)) params.set(name, decode(eq < 0 ? "" : pair.slice(eq + 1)));
  }
  return params;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a stray "%" is kept as sent
  }
}

/** The whole body, or RequestRefused(413) as soon as it passes MAX_BODY_BYTES. */
export function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    return Promise.reject(new RequestRefused(413, `the body is over ${MAX_BODY_BYTES / 1024} KB`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners("data");
        req.resume();
        reject(new RequestRefused(413, `the body is over ${MAX_BODY_BYTES / 1024} KB`));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * A body as key/value pairs: JSON (an object), or form-encoded fields (what 3CX sends when a
 * template says RequestEncoding="UrlEncoded"). Keys are lower-cased: templates differ in case.
 * Query parameters are read the same way (queryParams), so a journal can also come as a GET.
 */
export function bodyFields(text: string, contentType: string | undefined): Record<string, unknown> {
  const type = (contentType ?? "").toLowerCase();
  const trimmed = text.trim();
  if (
    type.includes("application/x-www-form-urlencoded") ||
    (!type.includes("json") && !trimmed.startsWith("{"))
  ) {
    // Same reading as a query string, "+" kept: a number posted as a form field keeps its country.
    return Object.fromEntries(queryParams(trimmed));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw new RequestRefused(400, "the body is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new RequestRefused(400, "the body must be a JSON object");
  }
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k.toLowerCase(), v]));
}
