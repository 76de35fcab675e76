// The ITFlow client against small purpose-built HTTP servers on 127.0.0.1: what it sends, how it
// decodes, when it retries, and the update recipe. Nothing of our own is stubbed.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import type { ContactDraft } from "../../src/contacts/types.js";
import { ItflowClient, type ItflowClientOptions } from "../../src/itflow/client.js";
import { Deadline } from "../../src/itflow/deadline.js";
import { ItflowError } from "../../src/itflow/errors.js";
import { createLogger } from "../../src/log.js";

// ---- a tiny ITFlow stand-in per test

interface Seen {
  method: string;
  path: string;
  /** The query exactly as sent, percent-encoding included. */
  rawQuery: string;
  query: URLSearchParams;
  body: string;
}
type Reply = { status: number; body?: string; contentType?: string } | "hang";

const servers: Server[] = [];
const clients: ItflowClient[] = [];

async function serve(reply: (req: Seen, n: number) => Reply): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://local");
      const s: Seen = {
        method: req.method ?? "",
        path: url.pathname,
        rawQuery: url.search,
        query: url.searchParams,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      seen.push(s);
      const r = reply(s, seen.length);
      if (r === "hang") return;
      res.writeHead(r.status, { "content-type": r.contentType ?? "application/json" });
      res.end(r.body ?? "");
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function client(url: string, options: Partial<ItflowClientOptions> = {}): ItflowClient {
  const c = new ItflowClient({
    baseUrl: url,
    apiKey: "TEST-KEY-0123456789",
    timeoutMs: 2000,
    retryBaseDelayMs: 1,
    ...options,
  });
  clients.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function failure(promise: Promise<unknown>): Promise<ItflowError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ItflowError);
    return err as ItflowError;
  }
  throw new Error("expected the call to fail");
}

// ---- ITFlow-shaped data

const NOT_FOUND = JSON.stringify({
  success: "False",
  message: "No resource (for this client and company) with the specified parameter(s).",
});
const WRITE_FALSE = JSON.stringify({
  success: "False",
  message: "Auth success but update query failed/returned no results.",
});
const TRUE_1 = JSON.stringify({ success: "True", count: 1 });

function row(id: number, fields: Record<string, string | null> = {}): Record<string, string | null> {
  return {
    contact_id: String(id),
    contact_name: `Person ${id}`,
    contact_title: "",
    contact_email: `p${id}@acme.example`,
    contact_phone_country_code: null,
    contact_phone: "",
    contact_extension: "",
    contact_mobile_country_code: null,
    contact_mobile: "",
    contact_photo: null,
    contact_pin: null,
    contact_notes: null,
    contact_primary: "0",
    contact_important: "0",
    contact_billing: "0",
    contact_technical: "0",
    contact_created_at: "2026-11-27 05:54:44",
    contact_updated_at: null,
    contact_archived_at: null,
    contact_accessed_at: null,
    contact_location_id: "0",
    contact_vendor_id: "0",
    contact_user_id: "0",
    contact_department: null,
    contact_client_id: "7",
    ...fields,
  };
}

const rows = (...r: Record<string, unknown>[]) =>
  JSON.stringify({ success: "True", count: r.length, data: r });

const DRAFT: ContactDraft = {
  name: "Ada Lovelace",
  title: "Analyst",
  email: "ada+work@acme.example",
  phone: "5550102000",
  extension: "12",
  mobile: "447700900789",
  department: "R&D",
  notes: "Prefers email",
  primary: true,
  important: false,
  billing: true,
  technical: false,
  locationId: null,
};

describe("decoding rows", () => {
  it("maps string booleans, ids, location 0 and null text to the domain", async () => {
    const { url } = await serve(() => ({
      status: 200,
      body: rows(
        row(5, {
          contact_primary: "1",
          contact_important: "0",
          contact_billing: "1",
          contact_technical: null,
          contact_location_id: "0",
          contact_title: null,
          contact_phone_country_code: "44",
          contact_mobile_country_code: "",
          contact_archived_at: "2026-11-01 10:00:00",
        }),
      ),
    }));
    expect(await client(url).getContact(5)).toEqual({
      id: 5,
      clientId: 7,
      locationId: null,
      name: "Person 5",
      title: "",
      email: "p5@acme.example",
      phone: "",
      phoneCountryCode: "44",
      extension: "",
      mobile: "",
      mobileCountryCode: null,
      department: "",
      notes: "",
      primary: true,
      important: false,
      billing: true,
      technical: false,
      createdAt: "2026-11-27 05:54:44",
      updatedAt: null,
      archivedAt: "2026-11-01 10:00:00",
    });
  });

  it("decodes a v25.12 row whose values are repeated under numeric keys", async () => {
    const named = row(1, { contact_location_id: "3" });
    const doubled: Record<string, unknown> = {};
    Object.values(named).forEach((v, i) => {
      doubled[String(i)] = v;
    });
    Object.assign(doubled, named);
    const { url } = await serve(() => ({ status: 200, body: rows(doubled) }));
    const contact = await client(url).getContact(1);
    expect(contact?.locationId).toBe(3);
    expect(contact?.name).toBe("Person 1");
    expect(Object.keys(contact!).some((k) => /^\d+$/.test(k))).toBe(false);
  });

  it("never lets contact_pin out, not even inside the decoded object", async () => {
    const { url } = await serve(() => ({ status: 200, body: rows(row(9, { contact_pin: "1234" })) }));
    const c = client(url);
    const found = await c.getContact(9);
    const listed = await c.listContacts({ limit: 10, offset: 0 });
    expect(found).not.toBeNull();
    expect(JSON.stringify([found, listed])).not.toContain("1234");
    expect(Object.keys(found!)).not.toContain("contact_pin");
  });

  it('reads a "False" answer as an empty result, not an error', async () => {
    const { url } = await serve(() => ({ status: 200, body: NOT_FOUND }));
    const c = client(url);
    expect(await c.getContact(999)).toBeNull();
    expect(await c.findContactsByEmail("nobody@acme.example")).toEqual([]);
    expect(await c.listClients({ limit: 5, offset: 0 })).toEqual([]);
    expect(await c.getLocation(3)).toBeNull();
  });

  it("fails a read whose row lacks an id as malformed, naming the field only", async () => {
    const { url } = await serve(() => ({ status: 200, body: rows({ ...row(1), contact_id: null }) }));
    const err = await failure(client(url).getContact(1));
    expect(err.kind).toBe("malformed");
    expect(err.message).toContain("contact_id");
  });

  it("decodes clients and locations", async () => {
    const { url, seen } = await serve((req) =>
      req.path.endsWith("clients/read.php")
        ? {
            status: 200,
            body: rows({
              client_id: "1",
              client_name: "Acme & Co",
              client_archived_at: null,
              client_lead: "0",
            }),
          }
        : {
            status: 200,
            body: rows({
              location_id: "4",
              location_client_id: "1",
              location_name: "HQ",
              location_archived_at: null,
            }),
          },
    );
    const c = client(url);
    expect(await c.findClientsByName("acme & co")).toEqual([{ id: 1, name: "Acme & Co", archivedAt: null }]);
    expect(seen[0]?.query.get("client_name")).toBe("acme & co");
    expect(await c.getLocation(4)).toEqual({ id: 4, clientId: 1, name: "HQ", archivedAt: null });
    expect(seen[1]?.query.get("location_id")).toBe("4");
  });
});

describe("verifyPin: the one read that compares contact_pin", () => {
  const PIN = " Blue  Horse 42 ";
  const logged: string[] = [];
  const traceLogger = () =>
    createLogger({
      level: "trace",
      destination: new Writable({
        write(chunk: Buffer | string, _encoding, done) {
          logged.push(String(chunk));
          done();
        },
      }),
    });

  it("reads the contact by id and answers match or no match, trimmed, spaces collapsed, any case", async () => {
    const { url, seen } = await serve(() => ({ status: 200, body: rows(row(9, { contact_pin: PIN })) }));
    const c = client(url, { logger: traceLogger() });
    const answers = await Promise.all(
      ["blue horse 42", "  BLUE   HORSE\t42 ", "bluehorse42", "blue horse 4", ""].map((a) =>
        c.verifyPin(9, a),
      ),
    );
    expect(answers.map((a) => a?.result)).toEqual(["match", "match", "noMatch", "noMatch", "noMatch"]);
    expect(seen.map((s) => [s.method, s.path, s.query.get("contact_id")])).toEqual(
      answers.map(() => ["GET", "/api/v1/contacts/read.php", "9"]),
    );
    // The answer carries the contact as every read decodes it: no PIN, not even under another name.
    expect(answers[0]?.contact).toMatchObject({ id: 9, name: "Person 9", clientId: 7 });
    expect(Object.keys(answers[0]?.contact ?? {})).not.toContain("contact_pin");
    expect(JSON.stringify(answers).toLowerCase()).not.toContain("horse");
    expect(logged.join("").toLowerCase()).not.toContain("horse");
  });

  it("answers no PIN when ITFlow holds none (null, empty or blank), and null for an unknown contact", async () => {
    const pins: Array<string | null> = [null, "", "   "];
    const { url } = await serve((_req, n) =>
      n <= pins.length
        ? { status: 200, body: rows(row(9, { contact_pin: pins[n - 1] ?? null })) }
        : { status: 200, body: NOT_FOUND },
    );
    const c = client(url);
    for (const _ of pins) expect((await c.verifyPin(9, "1234"))?.result).toBe("noPin");
    expect(await c.verifyPin(9, "1234")).toBeNull();
    expect(await c.verifyPin(0, "1234")).toBeNull();
  });

  it("ignores a row for another contact, and fails an unreadable PIN column without quoting it", async () => {
    const { url } = await serve((_req, n) =>
      n === 1
        ? { status: 200, body: rows(row(8, { contact_pin: "1234" })) }
        : { status: 200, body: rows({ ...row(9), contact_pin: { secret: "s3cr3t-pin" } }) },
    );
    const c = client(url, { logger: traceLogger() });
    expect(await c.verifyPin(9, "1234")).toBeNull();
    const err = await failure(c.verifyPin(9, "s3cr3t-pin"));
    expect(err.kind).toBe("malformed");
    expect(err.message).toBe("ITFlow sent a contact whose PIN the bot could not read.");
    expect(JSON.stringify(err) + String(err.stack) + logged.join("")).not.toContain("s3cr3t-pin");
  });

  it("keeps the PIN out of the debug lines about an answer that is not JSON", async () => {
    const { url } = await serve(() => ({
      status: 200,
      body: `Fatal error: boom {"success":"True","data":[{"contact_id":"9","contact_pin":"77-tango-77"}]}`,
    }));
    const c = client(url, { logger: traceLogger() });
    expect((await failure(c.verifyPin(9, "x"))).kind).toBe("malformed");
    expect(logged.join("")).toContain("undecodable ITFlow answer");
    expect(logged.join("")).not.toContain("tango");
  });
});

describe("what reads send", () => {
  it("puts the key in ?api_key= and percent-encodes '+' in an email as %2B", async () => {
    const { url, seen } = await serve(() => ({ status: 200, body: NOT_FOUND }));
    await client(url).findContactsByEmail("alice+x@acme.example");
    expect(seen[0]?.method).toBe("GET");
    expect(seen[0]?.path).toBe("/api/v1/contacts/read.php");
    expect(seen[0]?.rawQuery).toContain("contact_email=alice%2Bx%40acme.example");
    expect(seen[0]?.query.get("contact_email")).toBe("alice+x@acme.example");
    expect(seen[0]?.query.get("api_key")).toBe("TEST-KEY-0123456789");
  });

  it("does not ask ITFlow for an empty or non-digit phone (an empty value matches blank phones)", async () => {
    const { url, seen } = await serve(() => ({
      status: 200,
      body: rows(row(3, { contact_phone: "5551234567" })),
    }));
    const c = client(url);
    expect(await c.findContactsByPhone("")).toEqual([]);
    expect(await c.findContactsByPhone("555-123-4567")).toEqual([]);
    expect(await c.findContactsByPhone("+15551234567")).toEqual([]);
    expect(await c.findContactsByEmail("  ")).toEqual([]);
    expect(await c.getContact(0)).toBeNull();
    expect(seen).toHaveLength(0);
    expect((await c.findContactsByPhone("5551234567")).map((x) => x.id)).toEqual([3]);
    expect(seen[0]?.query.get("contact_phone_or_mobile")).toBe("5551234567");
  });

  it("keeps a path prefix in ITFLOW_URL", async () => {
    const { url, seen } = await serve(() => ({ status: 200, body: NOT_FOUND }));
    await client(`${url}/itflow/`).listContacts({ limit: 5, offset: 10 });
    expect(seen[0]?.path).toBe("/itflow/api/v1/contacts/read.php");
    expect(seen[0]?.query.get("limit")).toBe("5");
    expect(seen[0]?.query.get("offset")).toBe("10");
  });
});

describe("paging", () => {
  const pagedServer = (total: number, options: { ignoreOffset?: boolean } = {}) =>
    serve((req) => {
      const limit = Number(req.query.get("limit"));
      const offset = options.ignoreOffset ? 0 : Number(req.query.get("offset"));
      const ids = Array.from({ length: total }, (_, i) => i + 1).slice(offset, offset + limit);
      return { status: 200, body: ids.length ? rows(...ids.map((id) => row(id))) : NOT_FOUND };
    });

  it("walks pages until a short page, reporting each page", async () => {
    const { url, seen } = await pagedServer(11);
    const pages: number[][] = [];
    const all = await client(url).listAllContacts(4, { onPage: (p) => pages.push(p.map((c) => c.id)) });
    // Handed over page by page, not gathered as well.
    expect(all).toEqual([]);
    expect(pages).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11],
    ]);
    expect(seen.map((s) => s.query.get("offset"))).toEqual(["0", "4", "8"]);
  });

  it("keeps several pages in flight, and still stops at the end and gives every row once", async () => {
    const { url, seen } = await pagedServer(11);
    const all = await client(url).listAllContacts(2, { concurrency: 3 });
    expect(all.map((c) => c.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // Pages past the end were asked for while the last one was on its way: at most concurrency - 1.
    const offsets = seen.map((s) => Number(s.query.get("offset")));
    expect(offsets.filter((o) => o <= 10).sort((a, b) => a - b)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(offsets.filter((o) => o > 10).length).toBeLessThanOrEqual(2);
  });

  it("with pages in flight, stops when a server ignores offset", async () => {
    const { url, seen } = await pagedServer(20, { ignoreOffset: true });
    const all = await client(url).listAllContacts(4, { concurrency: 4 });
    expect(all.map((c) => c.id)).toEqual([1, 2, 3, 4]);
    expect(seen.length).toBeLessThanOrEqual(8);
  });

  it('ends on "False" when the total is a multiple of the page size', async () => {
    const { url, seen } = await pagedServer(8);
    expect(await client(url).listAllContacts(4)).toHaveLength(8);
    expect(seen).toHaveLength(3);
  });

  it("stops when a server ignores offset and repeats the first page", async () => {
    const { url, seen } = await pagedServer(20, { ignoreOffset: true });
    const all = await client(url).listAllContacts(4);
    expect(all.map((c) => c.id)).toEqual([1, 2, 3, 4]);
    expect(seen).toHaveLength(2);
  });

  it("pages clients and locations the same way", async () => {
    const { url } = await serve((req) => {
      const offset = Number(req.query.get("offset"));
      const ids = [1, 2, 3].slice(offset, offset + 2);
      if (ids.length === 0) return { status: 200, body: NOT_FOUND };
      return req.path.includes("clients")
        ? {
            status: 200,
            body: rows(
              ...ids.map((id) => ({
                client_id: String(id),
                client_name: `C${id}`,
                client_archived_at: null,
              })),
            ),
          }
        : {
            status: 200,
            body: rows(
              ...ids.map((id) => ({
                location_id: String(id),
                location_client_id: "1",
                location_name: `L${id}`,
                location_archived_at: null,
              })),
            ),
          };
    });
    const c = client(url);
    expect((await c.listAllClients(2)).map((x) => x.name)).toEqual(["C1", "C2", "C3"]);
    expect((await c.listAllLocations(2)).map((x) => x.name)).toEqual(["L1", "L2", "L3"]);
  });

  it("refuses a page size ITFlow would answer with an error", async () => {
    const { url, seen } = await pagedServer(3);
    expect((await failure(client(url).listContacts({ limit: 0, offset: 0 }))).kind).toBe("rejected");
    expect((await failure(client(url).listAllContacts(-1))).kind).toBe("rejected");
    expect(seen).toHaveLength(0);
  });
});

describe("timeouts, unreachable servers and retries", () => {
  it("gives up on a server that never answers after about timeoutMs", async () => {
    const { url } = await serve(() => "hang");
    const started = Date.now();
    const err = await failure(client(url, { timeoutMs: 300, readRetries: 0 }).getContact(1));
    const elapsed = Date.now() - started;
    expect(err.kind).toBe("timeout");
    expect(err.message).toBe("ITFlow did not answer within 300 ms.");
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1500);
  });

  it("reports a refused connection as unreachable, naming the address only in the detail for the log", async () => {
    const { url } = await serve(() => ({ status: 200 }));
    for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
    const err = await failure(client(url, { readRetries: 0 }).getContact(1));
    expect(err.kind).toBe("unreachable");
    expect(err.message).toBe("Could not reach ITFlow (connection refused).");
    expect(err.message).not.toContain("127.0.0.1");
    expect(err.detail).toBe(`ITFLOW_URL ${url}, ECONNREFUSED`);
  });

  it("retries a read that got 500 and succeeds on the third attempt", async () => {
    const { url, seen } = await serve((_req, n) =>
      n < 3 ? { status: 500 } : { status: 200, body: rows(row(1)) },
    );
    expect((await client(url).getContact(1))?.id).toBe(1);
    expect(seen).toHaveLength(3);
  });

  it("retries a read readRetries times, then reports the last failure", async () => {
    const { url, seen } = await serve(() => ({ status: 503 }));
    const err = await failure(client(url, { readRetries: 2 }).listContacts({ limit: 5, offset: 0 }));
    expect(err.kind).toBe("rejected");
    expect(err.status).toBe(503);
    expect(seen).toHaveLength(3);
  });

  it("retries a read that timed out", async () => {
    const { url, seen } = await serve((_req, n) => (n === 1 ? "hang" : { status: 200, body: rows(row(2)) }));
    expect((await client(url, { timeoutMs: 200, readRetries: 1 }).getContact(2))?.id).toBe(2);
    expect(seen).toHaveLength(2);
  });

  it("does not retry what cannot pass (401, 403, malformed)", async () => {
    for (const reply of [{ status: 401 }, { status: 403, body: "{}" }, { status: 200, body: "<html>" }]) {
      const { url, seen } = await serve(() => reply);
      await failure(client(url, { readRetries: 3 }).getContact(1));
      expect(seen).toHaveLength(1);
    }
  });

  it("sends a POST that times out exactly once, saying it may have been saved", async () => {
    const { url, seen } = await serve(() => "hang");
    const started = Date.now();
    const err = await failure(client(url, { timeoutMs: 300, readRetries: 5 }).createContact(7, DRAFT));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(err.kind).toBe("timeout");
    expect(err.message).toContain("may have been saved");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toHaveLength(1);
  });

  it("sends a POST that gets 500 exactly once, explaining the usual cause", async () => {
    const { url, seen } = await serve(() => ({ status: 500 }));
    const err = await failure(client(url, { readRetries: 5 }).createContact(7, DRAFT));
    expect(err.kind).toBe("rejected");
    expect(err.status).toBe(500);
    expect(err.message).toContain("longer than its ITFlow column allows");
    expect(seen).toHaveLength(1);
  });
});

describe("one deadline per action, retries included", () => {
  it("a hanging server: the read and its retries end at the action's deadline, which the message names", async () => {
    const { url, seen } = await serve(() => "hang");
    const c = client(url, { timeoutMs: 1000, readRetries: 2, retryBaseDelayMs: 1 });
    const started = performance.now();
    const err = await failure(c.getContact(1, { deadline: new Deadline(2000) }));
    const waited = performance.now() - started;
    // Three attempts of 1 s would have taken 3 s and said "within 1 s"; the second attempt gets
    // what is left of the 2 s.
    expect(waited).toBeGreaterThanOrEqual(1800);
    expect(waited).toBeLessThan(2000);
    expect(seen).toHaveLength(2);
    expect(err.kind).toBe("timeout");
    expect(err.message).toMatch(/^ITFlow did not answer within 1\.9 s\.$/);
  });

  it("starts no retry that could not get a fair attempt before the deadline", async () => {
    const { url, seen } = await serve(() => ({ status: 503 }));
    const deadline = new Deadline(300);
    const err = await failure(
      client(url, { readRetries: 5, retryBaseDelayMs: 1 }).getContact(1, { deadline }),
    );
    expect(err.status).toBe(503);
    expect(seen).toHaveLength(1);
  });

  it("sends no write when the action has too little time left to hear its answer, and says nothing was sent", async () => {
    const { url, seen } = await serve(() => ({ status: 200, body: TRUE_1 }));
    const err = await failure(client(url).createContact(7, DRAFT, { deadline: new Deadline(500) }));
    expect(err.kind).toBe("timeout");
    expect(err.message).toContain("nothing was sent");
    expect(err.message).not.toContain("may have been saved");
    expect(seen).toHaveLength(0);
  });

  it("a write that hangs is sent once and ends at the deadline, saying it may have been saved", async () => {
    const { url, seen } = await serve(() => "hang");
    const started = performance.now();
    const err = await failure(
      client(url, { timeoutMs: 5000, readRetries: 5 }).createContact(7, DRAFT, {
        deadline: new Deadline(1200),
      }),
    );
    expect(performance.now() - started).toBeLessThan(1400);
    expect(err.message).toMatch(
      /^ITFlow did not answer within 1\.\d s\. The change may have been saved anyway/,
    );
    expect(seen).toHaveLength(1);
  });
});

describe("exact reads show only what was asked for", () => {
  it("drops rows of an email lookup that do not carry that address (case, accents and spaces aside)", async () => {
    const { url } = await serve(() => ({
      status: 200,
      body: rows(
        row(1, { contact_email: "Nobody9@Nowhere.Example " }),
        row(2, { contact_email: "alice@acme.example" }),
        row(3, { contact_email: "nobodý9@nowhere.example" }),
        ...Array.from({ length: 50 }, (_, i) => row(100 + i)),
      ),
    }));
    const found = await client(url).findContactsByEmail("nobody9@nowhere.example");
    expect(found.map((c) => c.id)).toEqual([1, 3]);
  });

  it("drops rows of a phone lookup that hold neither that phone nor that mobile, and of an id lookup with another id", async () => {
    const { url } = await serve((req) => ({
      status: 200,
      body: req.query.has("contact_id")
        ? rows(row(9), row(5))
        : rows(row(1, { contact_mobile: "5551234567" }), row(2, { contact_phone: "15551234567" })),
    }));
    const c = client(url);
    expect((await c.findContactsByPhone("5551234567")).map((x) => x.id)).toEqual([1]);
    expect((await c.getContact(5))?.id).toBe(5);
  });

  it("refuses unread an answer far bigger than what was asked for", async () => {
    const padding = "x".repeat(200_000);
    const huge = rows(...Array.from({ length: 60 }, (_, i) => row(i + 1, { contact_notes: padding })));
    const { url, seen } = await serve(() => ({ status: 200, body: huge }));
    const c = client(url, { readRetries: 2 });
    const err = await failure(c.findContactsByEmail("p1@acme.example"));
    expect(err.kind).toBe("malformed");
    expect(err.message).toMatch(/far bigger answer than what was asked for can be \(over \d+ MB\)/);
    // Malformed is not worth repeating; and a one-row read gets a smaller allowance still.
    expect(seen).toHaveLength(1);
    expect((await failure(c.getContact(1))).kind).toBe("malformed");
  });
});

describe("writes", () => {
  it("creates with every draft field in the JSON body, the key in the body and not the URL", async () => {
    const { url, seen } = await serve(() => ({
      status: 200,
      body: JSON.stringify({ success: "True", count: "1", data: [{ insert_id: 42 }] }),
    }));
    expect(await client(url).createContact(7, DRAFT)).toBe(42);
    expect(seen[0]?.method).toBe("POST");
    expect(seen[0]?.path).toBe("/api/v1/contacts/create.php");
    expect(seen[0]?.rawQuery).toBe("");
    expect(JSON.parse(seen[0]!.body)).toEqual({
      api_key: "TEST-KEY-0123456789",
      client_id: 7,
      contact_name: "Ada Lovelace",
      contact_title: "Analyst",
      contact_department: "R&D",
      contact_email: "ada+work@acme.example",
      contact_phone: "5550102000",
      contact_extension: "12",
      contact_mobile: "447700900789",
      contact_notes: "Prefers email",
      contact_primary: 1,
      contact_important: 0,
      contact_billing: 1,
      contact_technical: 0,
      contact_location_id: 0,
    });
  });

  it('reports a create answered "False" as rejected with ITFlow\'s message kept aside', async () => {
    const { url } = await serve(() => ({
      status: 200,
      body: JSON.stringify({ success: "False", message: "Auth success but insert query failed" }),
    }));
    const err = await failure(client(url).createContact(7, DRAFT));
    expect(err.kind).toBe("rejected");
    expect(err.itflowMessage).toBe("Auth success but insert query failed");
    expect(err.message).toContain("email is already used");
  });

  it("archives and unarchives with the contact's own client", async () => {
    const { url, seen } = await serve((req, n) => ({
      status: 200,
      body: req.method === "GET" ? rows(row(4)) : n === 3 ? WRITE_FALSE : TRUE_1,
    }));
    const c = client(url);
    const contact = (await c.getContact(4))!;
    await c.archiveContact(contact);
    expect(seen[1]?.path).toBe("/api/v1/contacts/archive.php");
    expect(JSON.parse(seen[1]!.body)).toEqual({
      api_key: "TEST-KEY-0123456789",
      contact_id: 4,
      client_id: 7,
    });
    const err = await failure(c.unarchiveContact(contact));
    expect(seen[2]?.path).toBe("/api/v1/contacts/unarchive.php");
    expect(err.kind).toBe("rejected");
    expect(err.message).toContain("not archived");
  });
});

describe("updateContact: the recipe that is safe on 25.12, 26.07 and 26.08", () => {
  const stored = row(4, { contact_client_id: "9", contact_name: "Carol O'Connor", contact_notes: "old" });

  /** A server whose contact 4 becomes `afterUpdate` once update.php is called, answering `said`. */
  const updateServer = (said: string, afterUpdate: Record<string, string | null> | null) => {
    let current: Record<string, string | null> | null = stored;
    return serve((req) => {
      if (req.method === "POST") {
        current = afterUpdate;
        return { status: 200, body: said };
      }
      return { status: 200, body: current ? rows(current) : NOT_FOUND };
    });
  };

  const storedAs = (d: ContactDraft) =>
    row(4, {
      contact_client_id: "9",
      contact_name: d.name,
      contact_title: d.title,
      contact_email: d.email,
      contact_phone: d.phone,
      contact_extension: d.extension,
      contact_mobile: d.mobile,
      contact_department: d.department,
      contact_notes: d.notes,
      contact_primary: d.primary ? "1" : "0",
      contact_important: d.important ? "1" : "0",
      contact_billing: d.billing ? "1" : "0",
      contact_technical: d.technical ? "1" : "0",
      contact_location_id: String(d.locationId ?? 0),
    });

  it("reads, sends every field with the contact's own client_id, reads back", async () => {
    const { url, seen } = await updateServer(TRUE_1, storedAs(DRAFT));
    const { before, after } = await client(url).updateContact(4, DRAFT);
    expect(seen.map((s) => s.method)).toEqual(["GET", "POST", "GET"]);
    expect(seen[1]?.path).toBe("/api/v1/contacts/update.php");
    const body = JSON.parse(seen[1]!.body) as Record<string, unknown>;
    expect(body.client_id).toBe(9);
    expect(body.contact_id).toBe(4);
    expect(Object.keys(body).sort()).toEqual(
      [
        "api_key",
        "client_id",
        "contact_id",
        "contact_name",
        "contact_title",
        "contact_department",
        "contact_email",
        "contact_phone",
        "contact_extension",
        "contact_mobile",
        "contact_notes",
        "contact_primary",
        "contact_important",
        "contact_billing",
        "contact_technical",
        "contact_location_id",
      ].sort(),
    );
    expect(before.name).toBe("Carol O'Connor");
    expect(after.name).toBe("Ada Lovelace");
  });

  it('treats "False" as success when the read-back holds the draft (nothing changed)', async () => {
    const { url } = await updateServer(WRITE_FALSE, storedAs(DRAFT));
    const { after } = await client(url).updateContact(4, DRAFT);
    expect(after.email).toBe("ada+work@acme.example");
  });

  it("compares the way ITFlow stores values (strip_tags + trim, digits-only phones)", async () => {
    const typed = { ...DRAFT, name: "  Ada <b>Lovelace</b> ", phone: "(555) 010-2000", extension: "x 12" };
    const { url } = await updateServer(TRUE_1, storedAs(DRAFT));
    const { after } = await client(url).updateContact(4, typed);
    expect(after.name).toBe("Ada Lovelace");
  });

  it("fails when the read-back shows nothing changed, whatever ITFlow said", async () => {
    for (const said of [TRUE_1, WRITE_FALSE]) {
      const { url } = await updateServer(said, stored);
      const err = await failure(client(url).updateContact(4, DRAFT));
      expect(err.kind).toBe("rejected");
      expect(err.message).toContain("ITFlow did not save the change to contact #4");
      expect(err.message).toContain("(name, title, email,");
      // Messages are logged as well as shown: ids, never names.
      expect(err.message).not.toContain("Carol");
    }
  });

  it("never calls a save that changed the contact unsaved: it names the fields ITFlow holds otherwise", async () => {
    for (const said of [TRUE_1, WRITE_FALSE]) {
      const { url } = await updateServer(
        said,
        storedAs({ ...DRAFT, title: "Something else", billing: false }),
      );
      const { after, unsaved } = await client(url).updateContact(4, DRAFT);
      expect(after.name).toBe("Ada Lovelace");
      expect(after.title).toBe("Something else");
      expect(unsaved).toEqual(["title", "billing"]);
    }
  });

  it("fails before writing when the contact no longer exists", async () => {
    const { url, seen } = await serve(() => ({ status: 200, body: NOT_FOUND }));
    const err = await failure(client(url).updateContact(4, DRAFT));
    expect(err.kind).toBe("rejected");
    expect(err.message).toContain("no longer exists");
    expect(seen.map((s) => s.method)).toEqual(["GET"]);
  });

  it("fails when the contact vanished by the time of the read-back", async () => {
    const { url } = await updateServer(WRITE_FALSE, null);
    const err = await failure(client(url).updateContact(4, DRAFT));
    expect(err.kind).toBe("rejected");
    expect(err.message).toContain("no longer exists");
    expect(err.itflowMessage).toContain("update query failed");
  });
});

describe("probeWriteAccess", () => {
  it("is forbidden when ITFlow answers 403, sending only client_id and the key", async () => {
    const { url, seen } = await serve(() => ({
      status: 403,
      body: JSON.stringify({
        success: "False",
        message: "The user linked to this API key does not have permission for this action.",
      }),
    }));
    expect(await client(url).probeWriteAccess(3)).toBe("forbidden");
    expect(seen[0]?.path).toBe("/api/v1/contacts/create.php");
    expect(JSON.parse(seen[0]!.body)).toEqual({ api_key: "TEST-KEY-0123456789", client_id: 3 });
  });

  it('is allowed when the insert fails on the missing fields ("False")', async () => {
    const { url } = await serve(() => ({
      status: 200,
      body: JSON.stringify({ success: "False", message: "Auth success but insert query failed" }),
    }));
    expect(await client(url).probeWriteAccess(3)).toBe("allowed");
  });

  it("passes other failures on (a bad key is not 'forbidden')", async () => {
    const { url } = await serve(() => ({ status: 401 }));
    expect((await failure(client(url).probeWriteAccess(3))).kind).toBe("auth");
  });
});

describe("odd answers", () => {
  it("names a missing endpoint (404 HTML) without quoting the page", async () => {
    const { url } = await serve(() => ({
      status: 404,
      contentType: "text/html",
      body: "<!doctype html><title>404 Not Found</title>",
    }));
    const err = await failure(client(url).listContacts({ limit: 1, offset: 0 }));
    expect(err.kind).toBe("rejected");
    expect(err.message).toBe("ITFlow has no such API endpoint — check ITFLOW_URL");
  });

  it("explains a redirect (http → https) without following it", async () => {
    const { url } = await serve(() => ({ status: 301 }));
    const err = await failure(client(url).getContact(1));
    expect(err.kind).toBe("rejected");
    expect(err.message).toContain("ITFLOW_URL");
  });

  it("rejects JSON without ITFlow's envelope as malformed", async () => {
    const { url } = await serve(() => ({ status: 200, body: JSON.stringify({ ok: true }) }));
    expect((await failure(client(url).getContact(1))).kind).toBe("malformed");
  });

  it("skips PHP warnings printed before a read's JSON, and says so once, not on every request", async () => {
    const warning =
      "<br />\n<b>Warning</b>:  Undefined variable $x in <b>/var/www/a.php</b> on line <b>1</b><br />\n";
    const { url } = await serve(() => ({ status: 200, body: warning + rows(row(1)) }));
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const c = client(url, { logger: createLogger({ level: "info", destination }) });
    expect((await c.getContact(1))?.id).toBe(1);
    expect((await c.getContact(1))?.id).toBe(1);
    expect(lines.filter((l) => l.includes("display_errors"))).toHaveLength(1);
  });

  it("keeps the 403 message ITFlow sent", async () => {
    const message =
      "The user linked to this API key does not have access to the target client for this write.";
    const { url } = await serve(() => ({ status: 403, body: JSON.stringify({ success: "False", message }) }));
    const err = await failure(client(url).createContact(2, DRAFT));
    expect(err.kind).toBe("forbidden");
    expect(err.itflowMessage).toBe(message);
    expect(err.message).toContain("no access to this client");
  });
});
