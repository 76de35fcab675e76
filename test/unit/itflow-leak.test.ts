// The API key rides in every read's URL and every write's body. Whatever goes wrong, it must not
// reach an error (message, stack, cause, anything util.inspect or JSON.stringify can see) or a log
// line. The servers here are hostile on purpose: they echo the request, key included, back.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { inspect } from "node:util";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { ItflowClient } from "../../src/itflow/client.js";
import { ItflowError } from "../../src/itflow/errors.js";
import { createLogger, type Logger } from "../../src/log.js";

const KEY = "SECRET-KEY-12345-abcdef";
const FRAGMENTS = [KEY, encodeURIComponent(KEY), "12345-abcdef"];

type Reply = { status: number; body: string } | "hang";

const servers: Server[] = [];

async function serve(reply: (rawUrl: string, body: string) => Reply): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r = reply(req.url ?? "", Buffer.concat(chunks).toString("utf8"));
      if (r === "hang") return;
      res.writeHead(r.status, { "content-type": "application/json" });
      res.end(r.body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

function sink(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

function expectNoKey(text: string, where: string): void {
  for (const fragment of FRAGMENTS) expect(text, `${where} holds the key`).not.toContain(fragment);
}

function expectCleanError(err: unknown): ItflowError {
  expect(err).toBeInstanceOf(ItflowError);
  const e = err as ItflowError;
  expect(e.cause).toBeUndefined();
  expectNoKey(String(e), "String(err)");
  expectNoKey(e.stack ?? "", "err.stack");
  expectNoKey(inspect(e, { depth: Infinity, showHidden: true }), "util.inspect(err)");
  expectNoKey(JSON.stringify(e), "JSON.stringify(err)");
  expectNoKey(e.itflowMessage ?? "", "err.itflowMessage");
  return e;
}

type Scenario = [
  name: string,
  kind: string,
  setup: () => Promise<{ url: string; run: (c: ItflowClient) => Promise<unknown> }>,
];

const read = (c: ItflowClient) => c.getContact(1);
const write = (c: ItflowClient) =>
  c.createContact(1, {
    name: "N",
    title: "",
    email: "n@example.com",
    phone: "",
    extension: "",
    mobile: "",
    department: "",
    notes: "",
    primary: false,
    important: false,
    billing: false,
    technical: false,
    locationId: null,
  });

const echo = (rawUrl: string, body: string) => `${rawUrl} ${body}`;

const scenarios: Scenario[] = [
  [
    "unreachable read",
    "unreachable",
    async () => {
      const url = await serve(() => ({ status: 200, body: "" }));
      for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
      return { url, run: read };
    },
  ],
  ["timeout read", "timeout", async () => ({ url: await serve(() => "hang"), run: read })],
  ["timeout write", "timeout", async () => ({ url: await serve(() => "hang"), run: write })],
  [
    "401 echoing the key in its JSON message",
    "auth",
    async () => ({
      url: await serve((u, b) => ({
        status: 401,
        body: JSON.stringify({ success: "False", message: echo(u, b) }),
      })),
      run: read,
    }),
  ],
  [
    "403 echoing the key in its JSON message",
    "forbidden",
    async () => ({
      url: await serve((u, b) => ({
        status: 403,
        body: JSON.stringify({ success: "False", message: echo(u, b) }),
      })),
      run: write,
    }),
  ],
  [
    "500 read echoing the request",
    "rejected",
    async () => ({ url: await serve((u, b) => ({ status: 500, body: echo(u, b) })), run: read }),
  ],
  [
    "500 write with empty body",
    "rejected",
    async () => ({ url: await serve(() => ({ status: 500, body: "" })), run: write }),
  ],
  [
    "malformed read echoing the request in HTML",
    "malformed",
    async () => ({
      url: await serve((u, b) => ({ status: 200, body: `<html>${echo(u, b)}</html>` })),
      run: read,
    }),
  ],
  [
    "malformed write echoing the request after PHP warnings",
    "malformed",
    async () => ({
      url: await serve((u, b) => ({
        status: 200,
        body: `<b>Warning</b>: ${echo(u, b)}\n<b>Fatal error</b>: died`,
      })),
      run: write,
    }),
  ],
  [
    '"False" write echoing the key',
    "rejected",
    async () => ({
      url: await serve((u, b) => ({
        status: 200,
        body: JSON.stringify({ success: "False", message: echo(u, b) }),
      })),
      run: write,
    }),
  ],
];

describe("the API key never leaks", () => {
  const loggers: [string, (destination: Writable) => Logger][] = [
    ["createLogger (scrubbing)", (destination) => createLogger({ level: "trace", destination })],
    // A plain pino without the last-line scrub: our own log calls must be clean by themselves.
    ["plain pino", (destination) => pino({ level: "trace" }, destination)],
  ];

  describe.each(loggers)("with %s", (_name, makeLogger) => {
    it.each(scenarios)("%s → %s", async (_scenario, kind, setup) => {
      const { url, run } = await setup();
      const { lines, stream } = sink();
      const client = new ItflowClient({
        baseUrl: url,
        apiKey: KEY,
        timeoutMs: 250,
        readRetries: 1,
        retryBaseDelayMs: 1,
        logger: makeLogger(stream),
      });
      let caught: unknown;
      try {
        await run(client);
      } catch (err) {
        caught = err;
      } finally {
        await client.close();
      }
      const err = expectCleanError(caught);
      expect(err.kind).toBe(kind);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expectNoKey(line, "a log line");
    });
  });

  it("keeps the key out of the client object itself (util.inspect, JSON.stringify)", async () => {
    const client = new ItflowClient({ baseUrl: "http://127.0.0.1:9", apiKey: KEY, timeoutMs: 100 });
    expectNoKey(inspect(client, { depth: Infinity, showHidden: true }), "util.inspect(client)");
    expectNoKey(JSON.stringify(client), "JSON.stringify(client)");
    await client.close();
  });

  it("keeps the key out of a successful read's logs", async () => {
    const url = await serve(() => ({
      status: 200,
      body: JSON.stringify({
        success: "True",
        count: 1,
        data: [{ contact_id: "1", contact_client_id: "1" }],
      }),
    }));
    const { lines, stream } = sink();
    const client = new ItflowClient({
      baseUrl: url,
      apiKey: KEY,
      timeoutMs: 1000,
      logger: pino({ level: "trace" }, stream),
    });
    expect((await client.getContact(1))?.id).toBe(1);
    await client.close();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expectNoKey(line, "a log line");
  });
});
