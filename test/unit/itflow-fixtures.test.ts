// Every recorded ITFlow answer, served by a local HTTP server exactly as recorded (status + body),
// and what the real client makes of it. The expectation is derived from the recording itself, so a
// new recording is covered without writing a new test.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ItflowClient } from "../../src/itflow/client.js";
import { ItflowError } from "../../src/itflow/errors.js";
import { draftOf } from "../../src/itflow/normalise.js";
import { contactRowSchema } from "../../src/itflow/wire.js";

interface Recorded {
  id: number;
  title: string;
  request: { method: string; path: string };
  response: { status: number; contentType: string; body: string };
}

const load = (name: string): Recorded[] =>
  (
    JSON.parse(readFileSync(new URL(`../fixtures/itflow/${name}`, import.meta.url), "utf8")) as {
      exchanges: Recorded[];
    }
  ).exchanges;

const seed = JSON.parse(readFileSync(new URL("../fixtures/itflow/seed.json", import.meta.url), "utf8")) as {
  contacts: Record<string, unknown>[];
};
const bobRow = seed.contacts.find((c) => c.contact_id === "2")!;
const bob = contactRowSchema.parse(bobRow);

// ---- a server that answers the next request with whatever the test sets

let next: Recorded["response"] = { status: 200, contentType: "application/json", body: "" };
let updating = false;
let url = "";
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    // The update recipe reads the contact before and after its write: those reads see Bob.
    const reply =
      updating && req.method === "GET" && req.url?.includes("contact_id=2")
        ? {
            status: 200,
            contentType: "application/json",
            body: JSON.stringify({ success: "True", count: 1, data: [bobRow] }),
          }
        : next;
    res.writeHead(reply.status, { "content-type": reply.contentType });
    res.end(reply.body);
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// ---- what each endpoint is driven with

type Call = "readContacts" | "readClients" | "readLocations" | "create" | "update" | "archive";

function callFor(path: string): Call {
  if (path.endsWith("/clients/read.php")) return "readClients";
  if (path.endsWith("/locations/read.php")) return "readLocations";
  if (path.endsWith("/read.php")) return "readContacts";
  if (path.endsWith("/create.php")) return "create";
  if (path.endsWith("/update.php")) return "update";
  // archive, unarchive and delete answer with the same plain envelope.
  return "archive";
}

const DRAFT = draftOf(bob);

async function run(call: Call, client: ItflowClient): Promise<unknown> {
  switch (call) {
    case "readContacts":
      return client.listContacts({ limit: 50, offset: 0 });
    case "readClients":
      return client.listClients({ limit: 50, offset: 0 });
    case "readLocations":
      return client.listLocations({ limit: 50, offset: 0 });
    case "create":
      return client.createContact(1, DRAFT);
    case "update":
      return client.updateContact(2, DRAFT);
    case "archive":
      return client.archiveContact(bob);
  }
}

function jsonOf(body: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const ROW_ID: Record<string, string> = {
  readContacts: "contact_id",
  readClients: "client_id",
  readLocations: "location_id",
};

async function outcome(ex: Recorded): Promise<{ value?: unknown; error?: ItflowError }> {
  next = ex.response;
  const call = callFor(ex.request.path);
  updating = call === "update";
  const client = new ItflowClient({
    baseUrl: url,
    apiKey: "KEY_ADMIN_TEST",
    timeoutMs: 2000,
    readRetries: 0,
  });
  try {
    return { value: await run(call, client) };
  } catch (error) {
    expect(error).toBeInstanceOf(ItflowError);
    return { error: error as ItflowError };
  } finally {
    updating = false;
    await client.close();
  }
}

const exchanges = [
  ...load("head-26.08.2.json").map((e) => ({ file: "head", ...e })),
  ...load("v26.07.json").map((e) => ({ file: "v26.07", ...e })),
  ...load("v25.12.json").map((e) => ({ file: "v25.12", ...e })),
];

describe("every recorded exchange, replayed through the client", () => {
  it.each(
    exchanges.map((e) => [
      `${e.file} #${e.id} ${e.request.method} ${e.request.path} → ${e.response.status}: ${e.title}`,
      e,
    ]),
  )("%s", async (_name, ex) => {
    const call = callFor(ex.request.path);
    const isRead = call.startsWith("read");
    const { status, body } = ex.response;
    const json = jsonOf(body);
    const { value, error } = await outcome(ex);

    if (status === 401) {
      expect(error?.kind).toBe("auth");
      expect(error?.message).toBe(
        "ITFlow rejected the API key: it is missing, wrong or expired. Check ITFLOW_API_KEY.",
      );
    } else if (status === 403) {
      expect(error?.kind).toBe("forbidden");
      expect(error?.itflowMessage).toBe(json?.message);
    } else if (status === 404) {
      expect(error?.kind).toBe("rejected");
      expect(error?.message).toContain("no such API endpoint");
    } else if (status >= 405) {
      expect(error?.kind).toBe("rejected");
      expect(error?.status).toBe(status);
      expect(error?.message).not.toContain(body.slice(0, 20) || "\u0000");
    } else if (json?.success === "False") {
      if (isRead) expect(value).toEqual([]);
      else if (call === "update") expect(error).toBeUndefined();
      else {
        expect(error?.kind).toBe("rejected");
        expect(error?.status).toBe(200);
        expect(error?.itflowMessage).toBe(json.message);
      }
    } else if (json?.success === "True") {
      expect(error).toBeUndefined();
      if (isRead) {
        const rows = json.data as Record<string, unknown>[];
        expect((value as { id: number }[]).map((r) => r.id)).toEqual(
          rows.map((r) => Number(r[ROW_ID[call]!])),
        );
        expect(JSON.stringify(value)).not.toContain("contact_pin");
        expect(JSON.stringify(value)).not.toMatch(/"\d+":/);
      } else if (call === "create") {
        expect(value).toBe((json.data as { insert_id: number }[])[0]!.insert_id);
      }
    } else {
      throw new Error(`exchange ${ex.id} has an answer this test does not classify`);
    }
  });
});

describe("PHP display_errors answers (status 200, warnings before or instead of JSON)", () => {
  const [warningsThenJson, fatal] = load("head-26.08.2-display-errors.json");

  it("salvages the JSON after PHP warnings on a create: the contact was stored, its id is reported", async () => {
    const { value, error } = await outcome(warningsThenJson!);
    expect(error).toBeUndefined();
    expect(value).toBe(25);
  });

  it("reports a fatal error (overlong name) as malformed, naming the column but not quoting the body", async () => {
    const { error } = await outcome(fatal!);
    expect(error?.kind).toBe("malformed");
    expect(error?.status).toBe(200);
    expect(error?.message).toContain("contact_name");
    expect(error?.message).not.toContain("/var/www");
    expect(error?.message).not.toContain("<b>");
  });

  it("salvages the same warnings-then-JSON shape on a read", async () => {
    const rows = JSON.stringify({ success: "True", count: 1, data: [bobRow] });
    const preamble = warningsThenJson!.response.body.slice(0, warningsThenJson!.response.body.indexOf("{"));
    const { value } = await outcome({
      ...warningsThenJson!,
      request: { method: "GET", path: "/api/v1/contacts/read.php" },
      response: { status: 200, contentType: "application/json", body: preamble + rows },
    });
    expect(value).toEqual([bob]);
  });
});
