// The fake's test knobs (failures, latency, hanging, synthetic data, reset) and its request log.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  buildContactRow,
  CONTACT_COLUMNS,
  contactsAnswer,
  type FakeItflow,
  startFakeItflow,
} from "../fakes/itflow/index.js";

interface Envelope {
  success: string;
  count?: number | string;
  message?: string;
  data?: Record<string, string | null>[];
}

async function getJson(
  fake: FakeItflow,
  endpoint: string,
  params: Record<string, string>,
): Promise<Envelope> {
  const query = new URLSearchParams({ api_key: "KEY_ADMIN", ...params });
  const response = await fetch(`${fake.url}/api/v1/${endpoint}?${query}`);
  return (await response.json()) as Envelope;
}

async function postJson(
  fake: FakeItflow,
  endpoint: string,
  body: Record<string, unknown>,
): Promise<Response> {
  return fetch(`${fake.url}/api/v1/${endpoint}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Resolves to "pending" if `promise` has not settled within `ms`. */
function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | "pending"> {
  return Promise.race([
    promise,
    new Promise<"pending">((resolve) => setTimeout(() => resolve("pending"), ms)),
  ]);
}

describe("fake ITFlow knobs", () => {
  let fake: FakeItflow;
  beforeEach(async () => {
    fake = await startFakeItflow();
  });
  afterEach(async () => {
    await fake.close();
  });

  it("listens on 127.0.0.1 with no trailing slash", () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("records every request with the key ITFlow would use", async () => {
    await getJson(fake, "contacts/read.php", { contact_id: "2" });
    await postJson(fake, "contacts/create.php", {
      api_key: " KEY_ADMIN ",
      client_id: 1,
      contact_name: "Logged",
      contact_email: "logged@acme.example",
    });
    await fetch(`${fake.url}/api/v1/contacts/read.php`);

    expect(fake.requests).toHaveLength(3);
    const [read, create, anonymous] = fake.requests;
    expect(read).toMatchObject({
      method: "GET",
      path: "/api/v1/contacts/read.php",
      query: { api_key: "KEY_ADMIN", contact_id: "2" },
      body: null,
      apiKey: "KEY_ADMIN",
    });
    expect(create).toMatchObject({ method: "POST", apiKey: "KEY_ADMIN", body: { contact_name: "Logged" } });
    expect(anonymous?.apiKey).toBeUndefined();
    expect(typeof read?.at).toBe("number");

    fake.clearRequests();
    expect(fake.requests).toHaveLength(0);
  });

  it("failNext answers the next N requests with the canned response, then behaves again", async () => {
    fake.failNext(2, { status: 503, body: "<html>busy</html>", contentType: "text/html" });
    const first = await fetch(`${fake.url}/api/v1/contacts/read.php?api_key=KEY_ADMIN`);
    const second = await fetch(`${fake.url}/api/v1/contacts/read.php?api_key=KEY_ADMIN`);
    const third = await fetch(`${fake.url}/api/v1/contacts/read.php?api_key=KEY_ADMIN&limit=1`);

    expect([first.status, second.status, third.status]).toEqual([503, 503, 200]);
    expect(await first.text()).toBe("<html>busy</html>");
    expect(first.headers.get("content-type")).toBe("text/html");
    await second.text();
    expect(((await third.json()) as Envelope).count).toBe(1);
    expect(fake.requests).toHaveLength(3);

    fake.failNext(1, { status: 500, body: "" });
    const defaulted = await fetch(`${fake.url}/api/v1/contacts/read.php`);
    expect(defaulted.status).toBe(500);
    expect(defaulted.headers.get("content-type")).toBe("application/json");
    expect(await defaulted.text()).toBe("");
  });

  it("respondNext answers the next N requests with what it is given or makes for the request, then behaves again", async () => {
    // A lying ITFlow: an email lookup answered with rows that carry another address.
    const strangers = [1, 2, 3].map((id) =>
      buildContactRow({
        contact_id: String(id),
        contact_client_id: "1",
        contact_email: `x${id}@else.example`,
      }),
    );
    fake.respondNext(1, contactsAnswer(strangers));
    fake.respondNext(1, (request) => ({ status: 200, body: JSON.stringify({ asked: request.query }) }));
    const lie = await getJson(fake, "contacts/read.php", { contact_email: "alice@acme.example" });
    expect(lie.count).toBe(3);
    expect(lie.data?.map((row) => row.contact_email)).toEqual([
      "x1@else.example",
      "x2@else.example",
      "x3@else.example",
    ]);
    expect(Object.keys(lie.data?.[0] ?? {})).toEqual([...CONTACT_COLUMNS]);
    const made = (await getJson(fake, "contacts/read.php", { contact_id: "7" })) as unknown as {
      asked: Record<string, string>;
    };
    expect(made.asked).toMatchObject({ contact_id: "7" });
    const honest = await getJson(fake, "contacts/read.php", { contact_email: "alice@acme.example" });
    expect(honest.data?.map((row) => row.contact_name)).toEqual(["Alice Anderson"]);
    // A made answer of undefined lets ITFlow answer that request itself.
    fake.respondNext(2, (request) =>
      request.path.endsWith("locations/read.php") ? { status: 500, body: "" } : undefined,
    );
    const passed = await getJson(fake, "contacts/read.php", { contact_id: "1" });
    expect(passed.data?.map((row) => row.contact_name)).toEqual(["Alice Anderson"]);
    const refused = await fetch(`${fake.url}/api/v1/locations/read.php?api_key=KEY_ADMIN&location_id=1`);
    expect(refused.status).toBe(500);
  });

  it("reads a row changed in place (by a write or a test) as it is now, not as it was last sent", async () => {
    const before = await getJson(fake, "contacts/read.php", { limit: "100" });
    const alice = fake.state.contacts.find((row) => row.contact_id === "1");
    if (!alice) throw new Error("seed has no contact 1");
    alice.contact_name = "Alice Changed";
    const after = await getJson(fake, "contacts/read.php", { limit: "100" });
    expect(before.data?.find((row) => row.contact_id === "1")?.contact_name).toBe("Alice Anderson");
    expect(after.data?.find((row) => row.contact_id === "1")?.contact_name).toBe("Alice Changed");
    // and through the API's own update
    await postJson(fake, "contacts/update.php", {
      api_key: "KEY_ADMIN",
      contact_id: 1,
      client_id: 1,
      contact_name: "Alice Updated",
    });
    const updated = await getJson(fake, "contacts/read.php", { limit: "100" });
    expect(updated.data?.find((row) => row.contact_id === "1")?.contact_name).toBe("Alice Updated");
  });

  it("pages in id order after rows were added out of order or renumbered in place, and a scoped key's offset counts its own rows", async () => {
    const ids = async (params: Record<string, string>, key = "KEY_ADMIN") => {
      const query = new URLSearchParams({ api_key: key, ...params });
      const body = (await (await fetch(`${fake.url}/api/v1/contacts/read.php?${query}`)).json()) as Envelope;
      return (body.data ?? []).map((row) => Number(row.contact_id));
    };
    const all = await ids({ limit: "1000" });
    expect(all).toEqual([...all].sort((a, b) => a - b));
    // A row pushed with a lower id than the last one: the table was read sorted a moment ago.
    const last = fake.state.contacts.at(-1);
    if (!last) throw new Error("seed has no contacts");
    fake.state.contacts.push({ ...last, contact_id: "0" });
    expect((await ids({ limit: "1" }))[0]).toBe(0);
    // An id changed in place, the table keeping its length.
    const first = fake.state.contacts[0];
    if (!first) throw new Error("seed has no contacts");
    first.contact_id = "999999";
    expect((await ids({ limit: "1000" })).at(-1)).toBe(999999);

    const scoped = await ids({ limit: "1000" }, "KEY_SCOPED_CLIENT1");
    expect(scoped.length).toBeGreaterThan(1);
    expect(await ids({ limit: "1", offset: "1" }, "KEY_SCOPED_CLIENT1")).toEqual([scoped[1]]);
    expect(await ids({ limit: "1000", offset: String(scoped.length) }, "KEY_SCOPED_CLIENT1")).toEqual([]);
  });

  it("hang(true, only) holds just the requests it accepts", async () => {
    fake.hang(true, (request) => request.query.offset !== undefined);
    const page = getJson(fake, "contacts/read.php", { limit: "5", offset: "0" });
    const exact = await getJson(fake, "contacts/read.php", { contact_id: "1" });
    expect(exact.data?.[0]?.contact_name).toBe("Alice Anderson");
    expect(await settledWithin(page, 100)).toBe("pending");
    fake.hang(false);
    expect((await page).count).toBe(5);
  });

  it("setLatency delays every response", async () => {
    fake.setLatency(300);
    const started = performance.now();
    await getJson(fake, "contacts/read.php", { contact_id: "1" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);

    fake.setLatency(0);
    const again = performance.now();
    await getJson(fake, "contacts/read.php", { contact_id: "1" });
    expect(performance.now() - again).toBeLessThan(290);
  });

  it("hang holds requests until hang(false), then answers them", async () => {
    fake.hang(true);
    const pending = getJson(fake, "contacts/read.php", { contact_id: "1" });
    expect(await settledWithin(pending, 100)).toBe("pending");
    expect(fake.requests).toHaveLength(1);

    fake.hang(false);
    const answer = await pending;
    expect(answer.data?.[0]?.contact_name).toBe("Alice Anderson");
  });

  it("close() ends hung requests and keep-alive sockets", async () => {
    fake.hang(true);
    const pending = fetch(`${fake.url}/api/v1/contacts/read.php?api_key=KEY_ADMIN`).then(
      () => "answered",
      () => "failed",
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await fake.close();
    expect(await pending).toBe("failed");
    fake = await startFakeItflow(); // afterEach closes this one
  });

  it("reset() restores the seed, the ids and the knobs", async () => {
    await postJson(fake, "contacts/create.php", {
      api_key: "KEY_ADMIN",
      client_id: 1,
      contact_name: "Temp",
      contact_email: "temp@acme.example",
    });
    fake.generate({ contacts: 100, clients: 5 });
    fake.setLatency(3_000);
    fake.failNext(5, { status: 500, body: "" });
    fake.hang(true);

    fake.reset();
    expect(fake.state.contacts).toHaveLength(11);
    expect(fake.state.clients).toHaveLength(3);
    expect(fake.requests).toHaveLength(0);

    const started = performance.now();
    const created = await postJson(fake, "contacts/create.php", {
      api_key: "KEY_ADMIN",
      client_id: 1,
      contact_name: "Temp",
      contact_email: "temp@acme.example",
    });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await created.text()).toBe('{"success":"True","count":"1","data":[{"insert_id":12}]}');
  });

  it("accepts keys and rows added through state", async () => {
    fake.state.keys.push({ apiKey: "KEY_CLIENT3_READER", clientIds: [3], level: 1 });
    const response = await fetch(`${fake.url}/api/v1/clients/read.php?api_key=KEY_CLIENT3_READER`);
    const body = (await response.json()) as Envelope;
    expect(body.data?.map((row) => row.client_name)).toEqual(["Initech & Partners"]);

    const denied = await postJson(fake, "contacts/create.php", {
      api_key: "KEY_CLIENT3_READER",
      client_id: 3,
      contact_name: "Nope",
      contact_email: "nope@initech.example",
    });
    expect(denied.status).toBe(403);
    await denied.text();
  });

  it("stamps writes with the injected clock", async () => {
    await fake.close();
    fake = await startFakeItflow({ now: () => new Date(2026, 0, 2, 3, 4, 5) });
    await postJson(fake, "contacts/create.php", {
      api_key: "KEY_ADMIN",
      client_id: 1,
      contact_name: "Clocked",
      contact_email: "clocked@acme.example",
    });
    const read = await getJson(fake, "contacts/read.php", { contact_id: "12" });
    expect(read.data?.[0]?.contact_created_at).toBe("2026-01-02 03:04:05");
  });
});

describe("fake ITFlow generate()", () => {
  let fake: FakeItflow;
  beforeEach(async () => {
    fake = await startFakeItflow();
  });
  afterEach(async () => {
    await fake.close();
  });

  it("adds exactly the requested rows, with every column, continuing the ids", () => {
    fake.generate({ contacts: 1_000, clients: 40, seed: 7 });
    const { contacts, clients, locations } = fake.state;
    expect(contacts).toHaveLength(11 + 1_000);
    expect(clients).toHaveLength(3 + 40);
    expect(locations).toHaveLength(2 + 40);
    expect(contacts[11]?.contact_id).toBe("12");
    expect(clients[3]?.client_id).toBe("4");
    for (const row of contacts) expect(Object.keys(row)).toEqual([...CONTACT_COLUMNS]);

    const generated = contacts.slice(11);
    const newClientIds = new Set(clients.slice(3).map((row) => row.client_id));
    expect(generated.every((row) => newClientIds.has(row.contact_client_id))).toBe(true);
    for (const clientId of newClientIds) {
      const primaries = generated.filter(
        (row) => row.contact_client_id === clientId && row.contact_primary === "1",
      );
      expect(primaries).toHaveLength(1);
    }
  });

  it("makes realistic, varied data: phone formats, shared emails, archived rows", () => {
    fake.generate({ contacts: 5_000, clients: 200, seed: 3 });
    const generated = fake.state.contacts.slice(11);
    const numbers = generated.flatMap((row) => [row.contact_phone, row.contact_mobile]).filter((n) => !!n);

    expect(numbers.some((n) => /^[2-9]\d{9}$/.test(n ?? ""))).toBe(true); // 10-digit US
    expect(numbers.some((n) => /^1[2-9]\d{9}$/.test(n ?? ""))).toBe(true); // US with leading 1
    expect(numbers.some((n) => /^07\d{9}$/.test(n ?? ""))).toBe(true); // UK mobile with 0
    expect(numbers.some((n) => /^7\d{9}$/.test(n ?? ""))).toBe(true); // UK mobile without 0

    const clientsByEmail = new Map<string, Set<string | null>>();
    for (const row of generated) {
      const email = (row.contact_email ?? "").toLowerCase();
      clientsByEmail.set(email, (clientsByEmail.get(email) ?? new Set()).add(row.contact_client_id));
    }
    expect([...clientsByEmail.values()].some((set) => set.size > 1)).toBe(true);

    const archived = generated.filter((row) => row.contact_archived_at !== null).length;
    expect(archived).toBeGreaterThan(0);
    expect(archived).toBeLessThan(generated.length * 0.1);
  });

  it("is deterministic for a seed and different across seeds", async () => {
    const other = await startFakeItflow();
    const third = await startFakeItflow();
    try {
      fake.generate({ contacts: 2_000, clients: 100, seed: 42 });
      other.generate({ contacts: 2_000, clients: 100, seed: 42 });
      third.generate({ contacts: 2_000, clients: 100, seed: 43 });
      expect(other.state.contacts).toEqual(fake.state.contacts);
      expect(other.state.clients).toEqual(fake.state.clients);
      expect(other.state.locations).toEqual(fake.state.locations);
      expect(third.state.contacts).not.toEqual(fake.state.contacts);
    } finally {
      await other.close();
      await third.close();
    }
  });

  it("builds 50,000 contacts / 2,000 clients fast, and the API pages through them", async () => {
    const started = performance.now();
    fake.generate({ contacts: 50_000, clients: 2_000, seed: 1 });
    // Typically 150-600 ms; the margin keeps a busy CI machine from failing the build.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(fake.state.contacts).toHaveLength(50_011);

    const pagingStarted = performance.now();
    const ids: number[] = [];
    for (let offset = 0; ; offset += 5_000) {
      const page = await getJson(fake, "contacts/read.php", { limit: "5000", offset: String(offset) });
      if (page.success !== "True") break;
      for (const row of page.data ?? []) ids.push(Number(row.contact_id));
      if ((page.data?.length ?? 0) < 5_000) break;
    }
    expect(ids).toHaveLength(50_011);
    expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] ?? 0))).toBe(true);
    expect(performance.now() - pagingStarted).toBeLessThan(10_000);

    const clients = await getJson(fake, "clients/read.php", { limit: "5000" });
    expect(clients.count).toBe(2_003);

    const last = fake.state.contacts.at(-1);
    const byEmail = await getJson(fake, "contacts/read.php", { contact_email: last?.contact_email ?? "" });
    expect(byEmail.data?.some((row) => row.contact_id === last?.contact_id)).toBe(true);
  });
});
