// The HTTP side of the fake: node:http on 127.0.0.1, request recording, and the knobs tests use to
// simulate a slow, failing or unresponsive ITFlow.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { requestedApiKey } from "./auth.js";
import type { PhpRequest } from "./context.js";
import { generateSyntheticData } from "./generate.js";
import { parseQueryString, phpJsonDecode } from "./php.js";
import type { FakeResponse } from "./responses.js";
import { routeRequest } from "./router.js";
import { copySeed, loadDefaultSeed, replaceState, stateFromSeed } from "./seed.js";
import { formatTimestamp } from "./sql.js";
import type { CannedAnswer, FakeItflow, FakeItflowOptions, RecordedRequest } from "./types.js";
import { rulesFor } from "./version.js";

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    // A client that aborts mid-body never sends "end"; resolving twice is harmless.
    request.on("error", () => resolve(Buffer.concat(chunks)));
    request.on("close", () => resolve(Buffer.concat(chunks)));
  });
}

function recordedBody(raw: Buffer): unknown {
  if (raw.length === 0) return null;
  const text = raw.toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function send(
  response: ServerResponse,
  answer: FakeResponse,
  extraHeaders: Record<string, string> = {},
): void {
  if (response.destroyed || response.writableEnded) return;
  const body = Buffer.from(answer.body, "utf8");
  response.writeHead(answer.status, {
    "Content-Type": answer.contentType,
    "Content-Length": String(body.length),
    ...extraHeaders,
  });
  response.end(body);
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startFakeItflow(options: FakeItflowOptions = {}): Promise<FakeItflow> {
  const rules = rulesFor(options.version ?? "26.08");
  const seed = options.seed ? copySeed(options.seed) : loadDefaultSeed();
  const state = stateFromSeed(seed);
  const clock = options.now ?? (() => new Date());
  const now = () => formatTimestamp(clock());

  const requests: RecordedRequest[] = [];
  const cannedFailures: CannedAnswer[] = [];
  let latencyMs = 0;
  let hanging = false;
  let hangOnly: ((request: RecordedRequest) => boolean) | undefined;
  let heldRequests: (() => void)[] = [];
  // Bumped by reset() and close(): a request that was waiting (hung or delayed) across one is dropped.
  let generation = 0;
  const sockets = new Set<Socket>();

  function releaseHeldRequests(): void {
    const held = heldRequests;
    heldRequests = [];
    for (const release of held) release();
  }

  async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(incoming);
    const requestUri = incoming.url ?? "/";
    const queryStart = requestUri.indexOf("?");
    const rawQuery = queryStart === -1 ? "" : requestUri.slice(queryStart + 1);
    const request: PhpRequest = {
      method: incoming.method ?? "GET",
      path: queryStart === -1 ? requestUri : requestUri.slice(0, queryStart),
      requestUri,
      get: parseQueryString(rawQuery),
      post: phpJsonDecode(raw),
    };
    const recorded: RecordedRequest = {
      method: request.method,
      path: request.path,
      query: Object.fromEntries(new URLSearchParams(rawQuery)),
      body: recordedBody(raw),
      apiKey: requestedApiKey(request),
      at: Date.now(),
    };
    requests.push(recorded);

    // Decided on arrival, so "the next N requests" means the next N that arrive.
    const next = cannedFailures.shift();
    const canned = typeof next === "function" ? next(recorded) : next;
    const arrivedIn = generation;
    if (hanging && (!hangOnly || hangOnly(recorded))) {
      await new Promise<void>((resolve) => heldRequests.push(resolve));
    }
    if (latencyMs > 0) await delay(latencyMs);
    if (arrivedIn !== generation) {
      response.destroy();
      return;
    }
    // A released request is processed even if its client gave up meanwhile, like a server that
    // finishes the work after the caller timed out.
    if (canned) {
      send(response, {
        status: canned.status,
        body: canned.body,
        contentType: canned.contentType ?? "application/json",
      });
      return;
    }
    try {
      send(response, routeRequest(request, state, rules, now));
    } catch (error) {
      // A bug in the fake, not ITFlow behaviour: answer like PHP would (500, empty) but say why.
      const reason = error instanceof Error ? error.message : String(error);
      send(
        response,
        { status: 500, contentType: "application/json", body: "" },
        { "X-Fake-Error": encodeURIComponent(reason) },
      );
    }
  }

  const server = createServer((incoming, response) => {
    void handle(incoming, response);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    state,
    clearRequests() {
      requests.length = 0;
    },
    setLatency(ms) {
      latencyMs = Math.max(0, ms);
    },
    failNext(count, response) {
      for (let i = 0; i < count; i++) cannedFailures.push({ ...response });
    },
    respondNext(count, answer) {
      for (let i = 0; i < count; i++) cannedFailures.push(answer);
    },
    hang(on, only) {
      hanging = on;
      hangOnly = on ? only : undefined;
      if (!on) releaseHeldRequests();
    },
    generate(opts) {
      generateSyntheticData(state, opts);
    },
    reset() {
      generation++;
      hanging = false;
      hangOnly = undefined;
      releaseHeldRequests();
      latencyMs = 0;
      cannedFailures.length = 0;
      requests.length = 0;
      replaceState(state, stateFromSeed(seed));
    },
    async close() {
      generation++;
      hanging = false;
      releaseHeldRequests();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
