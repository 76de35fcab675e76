// One HTTP exchange with ITFlow over a keep-alive undici Pool: send, wait at most the deadline,
// return status and body text (never more of it than the caller expects). It knows nothing about
// ITFlow's JSON and never logs a URL, because a read's URL holds the API key.
import { Pool } from "undici";
import type { Logger } from "../log.js";
import type { Deadline } from "./deadline.js";
import { ItflowError } from "./errors.js";
import { networkError } from "./network-errors.js";

export interface TransportOptions {
  baseUrl: string;
  timeoutMs: number;
  connectTimeoutMs: number;
  connections: number;
  log: Logger;
}

export interface Exchange {
  method: "GET" | "POST";
  /** Below /api/v1/, e.g. "contacts/read.php". */
  endpoint: string;
  query?: URLSearchParams;
  body?: string;
  /** The action this request is part of: the request ends no later than it does. */
  deadline?: Deadline | undefined;
  /** The largest answer worth reading for what was asked; a bigger one is refused unread. */
  maxBytes: number;
}

export interface RawResponse {
  status: number;
  body: string;
}

function parseBase(baseUrl: string): { url: URL; origin: string } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ItflowError(
      "unreachable",
      "ITFLOW_URL is not a valid address (expected e.g. https://itflow.example.com).",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ItflowError("unreachable", "ITFLOW_URL must start with http:// or https://.");
  }
  // `host` includes a non-default port and never the user:password a URL may carry.
  return { url, origin: `${url.protocol}//${url.host}` };
}

export class Transport {
  /** What error messages may name: scheme, host and port. */
  readonly origin: string;
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly options: TransportOptions;
  private closed = false;

  constructor(options: TransportOptions) {
    const { url, origin } = parseBase(options.baseUrl);
    this.origin = origin;
    this.options = options;
    this.prefix = url.pathname.replace(/\/+$/, "");
    this.pool = new Pool(origin, {
      connections: options.connections,
      connectTimeout: options.connectTimeoutMs,
      // Backstops only: the per-attempt AbortSignal below is what normally ends a slow exchange.
      headersTimeout: options.timeoutMs + 1000,
      bodyTimeout: options.timeoutMs + 1000,
      keepAliveTimeout: 10_000,
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async send(exchange: Exchange): Promise<RawResponse> {
    if (this.closed) throw new ItflowError("unreachable", "The bot's ITFlow client was already closed.");
    const { connectTimeoutMs, log } = this.options;
    const action = exchange.deadline;
    const timeoutMs = action ? action.requestBudget(this.options.timeoutMs) : this.options.timeoutMs;
    if (timeoutMs <= 0) throw action?.expired() ?? new ItflowError("timeout", "ITFlow did not answer.");
    const query = exchange.query?.toString();
    const path = `${this.prefix}/api/v1/${exchange.endpoint}${query ? `?${query}` : ""}`;
    const deadline = AbortSignal.timeout(timeoutMs);
    const started = performance.now();
    try {
      const res = await this.pool.request({
        method: exchange.method,
        path,
        headers:
          exchange.body === undefined
            ? { accept: "application/json" }
            : { accept: "application/json", "content-type": "application/json" },
        ...(exchange.body === undefined ? {} : { body: exchange.body }),
        signal: deadline,
      });
      const body = await readCapped(res, exchange.maxBytes);
      log.debug(
        {
          method: exchange.method,
          endpoint: exchange.endpoint,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        "ITFlow answered",
      );
      return { status: res.statusCode, body };
    } catch (err) {
      if (err instanceof ItflowError) throw err;
      const error = networkError(err, {
        origin: this.origin,
        // Alone, a request waits its own limit; in an action, the technician waited since it began.
        waitedMs: action ? action.elapsedMs : timeoutMs,
        connectTimeoutMs,
        deadlineHit: deadline.aborted,
        isWrite: exchange.method === "POST",
      });
      log.debug(
        {
          method: exchange.method,
          endpoint: exchange.endpoint,
          kind: error.kind,
          ms: Math.round(performance.now() - started),
        },
        "ITFlow request failed",
      );
      throw error;
    }
  }

  /**
   * Ends every request still under way (writes are waited for before this, by whoever closes):
   * a read nobody waits for any more, such as a list load when a terminal lookup gave up at its
   * deadline, must not keep the process alive until its own timeout.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.destroy();
  }
}

type Answer = Awaited<ReturnType<Pool["request"]>>;

/**
 * The body as text, refused unread past `maxBytes`: an answer far bigger than what was asked for
 * (50,000 rows for one email address) is a broken or hostile server, and reading it all would
 * hold the bot's memory and event loop for nothing.
 */
async function readCapped(res: Answer, maxBytes: number): Promise<string> {
  const tooBig = () =>
    new ItflowError(
      "malformed",
      `ITFlow sent a far bigger answer than what was asked for can be (over ${Math.ceil(maxBytes / 1_000_000)} MB); it was not read.`,
      { status: res.statusCode },
    );
  const declared = Number(res.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.body.destroy();
    throw tooBig();
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of res.body) {
    const buffer = chunk as Buffer;
    bytes += buffer.length;
    if (bytes > maxBytes) {
      res.body.destroy();
      throw tooBig();
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, bytes).toString("utf8");
}
