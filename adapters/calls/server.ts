// The caller-ID service: a small HTTP server for phone systems, started by `serve` when CALLS_PORT
// is set. Every request needs CALLS_TOKEN; the answers are built from the bot's phone index.
//   GET  /calls/lookup?number=…   JSON for PBX CRM integrations (3CX)       — lookup-json.ts
//   GET  /calls/cid?number=…      the caller's name as text (FreePBX, Asterisk) — cid.ts
//   POST /calls/events            generic call events → the pop in chat      — events.ts
//   POST /calls/3cx/journal       3CX's call journal → closes the pop         — threecx.ts
// Logs name the path, never the query (it may hold ?token=) nor the caller's number.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type CallerLookup, lookupCaller } from "../../commands/calls/lookup.js";
import {
  type CallEvent,
  CallPops,
  type PopPlatform,
  type PopPublisher,
  type TargetHealth,
} from "../../commands/calls/pops.js";
import type { CommandContext } from "../../commands/context.js";
import { type CallerNumber, readCallerNumber, UnreadableNumber } from "../../src/contacts/caller-number.js";
import { InFlight } from "../../src/inflight.js";
import type { Logger } from "../../src/log.js";
import { callerIdName } from "./cid.js";
import { type CallsConfig, targetsFor } from "./config.js";
import { parseCallEvent, shouldPop } from "./events.js";
import { lookupAnswer } from "./lookup-json.js";
import { bodyFields, queryParams, RequestRefused, readBody } from "./request.js";
import { journalEvent, lookupPopCall, parseJournal } from "./threecx.js";
import { tokenAccepted } from "./verify.js";

export interface CallsHealth {
  port: number;
  /** Each pop channel: ok, or why the last post failed ("not_in_channel: invite the bot…"). */
  targets: Record<string, TargetHealth>;
}

export interface CallsService {
  port: number;
  pops: CallPops;
  health(): CallsHealth;
  /** Stops taking requests, then lets pops under way finish (up to `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

export interface CallsServiceOptions {
  ctx: CommandContext;
  config: CallsConfig;
  publishers: Partial<Record<PopPlatform, PopPublisher>>;
  logger: Logger;
  /** How long a caller lookup may wait for ITFlow. */
  lookupBudgetMs?: number;
}

const ROUTES: Record<string, string> = {
  "/calls/lookup": "GET",
  "/calls/cid": "GET",
  "/calls/events": "POST",
  "/calls/3cx/journal": "POST",
};

function send(res: ServerResponse, status: number, body = "", type = "text/plain; charset=utf-8"): void {
  const bytes = Buffer.from(body, "utf8");
  res.writeHead(status, {
    ...(bytes.length > 0 ? { "content-type": type } : {}),
    "content-length": String(bytes.length),
    "cache-control": "no-store",
  });
  res.end(bytes);
}

export async function startCallsService(options: CallsServiceOptions): Promise<CallsService> {
  const { ctx, config } = options;
  const log = options.logger.child({ adapter: "calls" });
  const pops = new CallPops({
    ctx,
    publishers: options.publishers,
    logger: log,
    ...(options.lookupBudgetMs !== undefined ? { lookupBudgetMs: options.lookupBudgetMs } : {}),
  });
  const background = new InFlight();

  const pop = (event: CallEvent, targets = config.defaultTargets) => {
    if (targets.length === 0) return;
    background.track(
      // On the next turn of the event loop: an answer sent just before is flushed first (Node sends
      // it from a nextTick, which would otherwise wait for the pop's own microtasks: rendering and
      // preparing the posts), so the phone system is not kept waiting for the chat message.
      new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => pops.handle(event, targets))
        .catch((error: unknown) => {
          log.error({ err: error, callId: event.callId }, "could not show the call in chat");
        }),
    );
  };

  const numberParam = (params: Map<string, string>): CallerNumber => {
    const raw = params.get("number");
    if (raw === undefined || raw.trim() === "") {
      throw new RequestRefused(400, "missing number: add ?number=<the caller's number>");
    }
    try {
      return readCallerNumber(raw, ctx.region, config.minDigits);
    } catch (error) {
      if (error instanceof UnreadableNumber)
        throw new RequestRefused(400, `unreadable number: ${error.message}`);
      throw error;
    }
  };

  const lookUp = (number: CallerNumber): Promise<CallerLookup> =>
    number.kind === "number"
      ? lookupCaller(ctx, number, options.lookupBudgetMs)
      : Promise.resolve({ number, matches: [], incomplete: false });

  async function route(req: IncomingMessage, res: ServerResponse, path: string, params: Map<string, string>) {
    switch (path) {
      case "/calls/lookup": {
        const number = numberParam(params);
        const lookup = await lookUp(number);
        send(res, 200, JSON.stringify(lookupAnswer(lookup, ctx)), "application/json; charset=utf-8");
        // 3CX announces a call only through this lookup: it pops the card too, once the answer is
        // out (see pop()).
        await new Promise<void>((resolve) => setImmediate(resolve));
        const callId = await lookupPopCall(ctx.store, number, Date.now());
        if (callId) pop({ callId, event: "ringing", from: number, agent: null, lookup });
        return;
      }
      case "/calls/cid": {
        const lookup = await lookUp(numberParam(params));
        send(res, 200, callerIdName(lookup, config.cidMaxLength));
        return;
      }
      case "/calls/events": {
        const fields = bodyFields(await readBody(req), req.headers["content-type"]);
        const event = parseCallEvent(fields, ctx.region, config.minDigits);
        send(res, 202);
        if (shouldPop(event, ctx.region, config.minDigits)) {
          pop(
            { callId: event.callId, event: event.event, from: event.from, agent: event.agent },
            targetsFor(config, event.to, ctx.region),
          );
        }
        return;
      }
      case "/calls/3cx/journal": {
        const body = await readBody(req);
        const fields = {
          ...Object.fromEntries(params),
          ...(body.trim() ? bodyFields(body, req.headers["content-type"]) : {}),
        };
        const journal = parseJournal(fields, ctx.region, config.minDigits);
        send(res, 202);
        const event = await journalEvent(ctx.store, journal, Date.now());
        if (event) pop(event);
        return;
      }
    }
  }

  const server = http.createServer((req, res) => {
    const started = performance.now();
    const target = req.url ?? "/";
    const q = target.indexOf("?");
    const path = (q < 0 ? target : target.slice(0, q)).replace(/\/+$/, "") || "/";
    const params = queryParams(q < 0 ? "" : target.slice(q + 1));
    const done = (status: number, reason?: string) =>
      log[status >= 500 ? "error" : status === 401 || status === 413 ? "warn" : "debug"](
        { method: req.method, path, status, ms: Math.round((performance.now() - started) * 10) / 10, reason },
        "caller-ID request",
      );
    // Who asks comes first: without the token, nothing says which paths exist.
    if (!tokenAccepted(config.token, req.headers.authorization, params.get("token") ?? null)) {
      req.resume();
      send(res, 401);
      done(401, "no valid token");
      return;
    }
    const method = ROUTES[path];
    if (!method) {
      req.resume();
      send(res, 404, "no such endpoint: see README, Caller ID\n");
      done(404);
      return;
    }
    if (req.method !== method) {
      req.resume();
      res.setHeader("allow", method);
      send(res, 405, `use ${method} for ${path}\n`);
      done(405);
      return;
    }
    route(req, res, path, params).then(
      () => done(res.statusCode),
      (error: unknown) => {
        if (error instanceof RequestRefused) {
          if (!res.headersSent) send(res, error.status, `${error.message}\n`);
          done(error.status, error.message);
          return;
        }
        log.error({ err: error, path }, "caller-ID request failed");
        if (!res.headersSent) send(res, 500, "the bot could not answer; see its log\n");
        done(500);
      },
    );
  });
  // A PBX that opens a connection and sends nothing must not hold it forever.
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log.info(
    { host: config.host, port, channels: config.defaultTargets.length, routes: config.routes.length },
    "caller-ID service listening",
  );

  return {
    port,
    pops,
    health: () => ({ port, targets: pops.targets() }),
    async stop(graceMs = 5_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      if (!(await background.drain(graceMs)))
        log.warn({ pending: background.size }, "stopped with call pops still under way");
    },
  };
}
