// Reading the recorded ITFlow exchanges and sending one of them again, byte for byte, to a server.
// node:http rather than fetch: the recordings include a GET with a body and PUT/DELETE requests,
// which fetch refuses or reshapes.

import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";

export interface RecordedExchange {
  id: number;
  title: string;
  request: {
    method: string;
    path: string;
    query: [string, string][];
    headers: Record<string, string>;
    body: string | null;
  };
  response: { status: number; contentType: string; body: string };
  observed: string | null;
}

export interface LiveResponse {
  status: number;
  contentType: string;
  body: string;
}

const FIXTURES = new URL("../fixtures/itflow/", import.meta.url);

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error(`${what} is not an object`);
  return value as Record<string, unknown>;
}

function asString(value: unknown, what: string): string {
  if (typeof value !== "string") throw new Error(`${what} is not a string`);
  return value;
}

function parseExchange(value: unknown): RecordedExchange {
  const exchange = asRecord(value, "exchange");
  const id = exchange.id;
  if (typeof id !== "number") throw new Error("exchange.id is not a number");
  const request = asRecord(exchange.request, `#${id} request`);
  const response = asRecord(exchange.response, `#${id} response`);
  const query = Array.isArray(request.query) ? request.query : [];
  const headers = asRecord(request.headers ?? {}, `#${id} headers`);
  const status = response.status;
  if (typeof status !== "number") throw new Error(`#${id} status is not a number`);
  return {
    id,
    title: asString(exchange.title, `#${id} title`),
    request: {
      method: asString(request.method, `#${id} method`),
      path: asString(request.path, `#${id} path`),
      query: query.map((pair: unknown) => {
        if (!Array.isArray(pair) || pair.length !== 2) throw new Error(`#${id} query pair is malformed`);
        return [asString(pair[0], "query name"), asString(pair[1], "query value")];
      }),
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, asString(v, `header ${k}`)])),
      body: request.body === null ? null : asString(request.body, `#${id} body`),
    },
    response: {
      status,
      contentType: asString(response.contentType, `#${id} contentType`),
      body: asString(response.body, `#${id} response body`),
    },
    observed: typeof exchange.observed === "string" ? exchange.observed : null,
  };
}

/** The exchanges of one fixture file, in recorded order. */
export function loadExchanges(fileName: string): RecordedExchange[] {
  const file = asRecord(JSON.parse(readFileSync(new URL(fileName, FIXTURES), "utf8")), fileName);
  if (!Array.isArray(file.exchanges)) throw new Error(`${fileName} has no exchanges`);
  return file.exchanges.map(parseExchange);
}

/**
 * Form encoding: a space becomes "+". That is also what exchange 35 recorded: its value holds a
 * literal space because the client sent an unencoded "+", which PHP decodes to a space.
 */
function encodeQueryPart(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, "+");
}

export function buildQueryString(query: readonly [string, string][]): string {
  return query.map(([name, value]) => `${encodeQueryPart(name)}=${encodeQueryPart(value)}`).join("&");
}

/** Sends the recorded request as it was: method, path, query, headers and raw body. */
export function replay(baseUrl: string, recorded: RecordedExchange["request"]): Promise<LiveResponse> {
  const queryString = buildQueryString(recorded.query);
  const url = new URL(`${recorded.path}${queryString ? `?${queryString}` : ""}`, baseUrl);
  const body = recorded.body === null ? undefined : Buffer.from(recorded.body, "utf8");
  const headers: Record<string, string> = { ...recorded.headers };
  if (body) headers["Content-Length"] = String(body.length);

  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: recorded.method, headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
      incoming.on("error", reject);
      incoming.on("end", () =>
        resolve({
          status: incoming.statusCode ?? 0,
          contentType: String(incoming.headers["content-type"] ?? ""),
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

const TIMESTAMP_COLUMN = /_(created|updated|archived|accessed)_at$/;
const INTEGER_KEY = /^\d+$/;
const MASK = "<timestamp>";

/**
 * Timestamps differ from run to run: a non-null value in a *_created_at / *_updated_at /
 * *_archived_at / *_accessed_at column becomes a placeholder (null stays null, so "was it set"
 * is still compared). In 25.12 rows, numeric key N repeats the Nth named column and is masked too.
 */
export function maskTimestamps(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskTimestamps);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  const namedColumns = Object.keys(record).filter((key) => !INTEGER_KEY.test(key));
  const masked: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(record)) {
    const column = INTEGER_KEY.test(key) ? namedColumns[Number(key)] : key;
    const isTimestamp = column !== undefined && TIMESTAMP_COLUMN.test(column);
    masked[key] = isTimestamp && member !== null ? MASK : maskTimestamps(member);
  }
  return masked;
}

/** The raw body with every DATETIME-shaped string replaced, for a byte-level comparison. */
export function maskTimestampText(body: string): string {
  return body.replace(/"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"/g, `"${MASK}"`);
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
