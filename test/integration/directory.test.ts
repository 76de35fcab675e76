// The directory against the fake ITFlow through the real HTTP client: freshness, scope, caching
// and request coalescing, measured by what reached the fake.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ContactDirectory, type DirectoryOptions } from "../../src/contacts/directory.js";
import { classifyQuery } from "../../src/contacts/query.js";
import { ItflowClient } from "../../src/itflow/client.js";
import { silentLogger } from "../../src/log.js";
import { MemoryStore } from "../../src/store.js";
import { contactsAnswer, type FakeItflow, startFakeItflow } from "../fakes/itflow/index.js";

describe("ContactDirectory", () => {
  let fake: FakeItflow;
  let itflow: ItflowClient;
  let clock: number;
  let directory: ContactDirectory;

  const make = (apiKey = "KEY_ADMIN", options: Partial<DirectoryOptions> = {}) => {
    itflow = new ItflowClient({ baseUrl: fake.url, apiKey, timeoutMs: 2000, readRetries: 0 });
    directory = new ContactDirectory({
      itflow,
      store: new MemoryStore(),
      region: "US",
      refreshMs: 300_000,
      cacheTtlMs: 60_000,
      pageSize: 4,
      logger: silentLogger(),
      now: () => clock,
      ...options,
    });
  };
  const find = (text: string, includeArchived = false) =>
    directory.find(classifyQuery(text, "US"), { includeArchived });
  const names = async (text: string) => (await find(text)).map((r) => r.contact.name);
  const reads = (param: string) =>
    fake.requests.filter((r) => r.path.endsWith("contacts/read.php") && param in r.query).length;

  beforeAll(async () => {
    fake = await startFakeItflow();
  });
  beforeEach(() => {
    fake.reset();
    clock = 1_000_000;
    make();
  });
  afterEach(async () => {
    await itflow.close();
  });
  afterAll(async () => {
    await fake.close();
  });

  const addContact = (fields: Record<string, string>) => {
    fake.state.contacts.push({ ...fake.state.contacts[0]!, contact_primary: "0", ...fields });
  };

  it("pages through the whole list to build the index (page size 4 → several requests)", async () => {
    await directory.warm();
    expect(directory.status().contacts).toBe(11);
    const pages = fake.requests.filter(
      (r) => r.path.endsWith("contacts/read.php") && r.query.offset !== undefined,
    );
    expect(pages.length).toBeGreaterThanOrEqual(3);
  });

  it("finds a contact created in the web UI at once by exact email and phone, by name after the refresh", async () => {
    await directory.warm();
    addContact({
      contact_id: "50",
      contact_name: "Walter Web",
      contact_email: "walter@acme.example",
      contact_phone: "5556667777",
      contact_mobile: "",
    });
    expect(await names("walter")).toEqual([]); // the list predates him
    expect(await names("walter@acme.example")).toEqual(["Walter Web"]);
    expect(await names("(555) 666-7777")).toEqual(["Walter Web"]);
    // Found by an exact read, he has joined the index: name search sees him too.
    expect(await names("walter")).toEqual(["Walter Web"]);

    addContact({
      contact_id: "51",
      contact_name: "Wendy Web",
      contact_email: "wendy@acme.example",
      contact_phone: "",
      contact_mobile: "",
    });
    expect(await names("wendy")).toEqual([]);
    clock += 300_001; // the refresh interval has passed
    expect(await names("wendy")).toEqual([]); // the refresh runs in the background: no waiting
    await new Promise((r) => setTimeout(r, 200));
    expect(await names("wendy")).toEqual(["Wendy Web"]);
  });

  it("answers a cached find without calling ITFlow, and coalesces 100 identical concurrent finds", async () => {
    await directory.warm();
    addContact({
      contact_id: "60",
      contact_name: "Coral Cache",
      contact_email: "coral@acme.example",
      contact_phone: "",
      contact_mobile: "",
    });
    fake.setLatency(50);
    fake.clearRequests();
    const all = await Promise.all(Array.from({ length: 100 }, () => find("coral@acme.example")));
    expect(all.every((rows) => rows.length === 1)).toBe(true);
    expect(reads("contact_email")).toBe(1);
    fake.clearRequests();
    expect((await find("coral@acme.example")).length).toBe(1);
    expect(fake.requests).toHaveLength(0);
  });

  it("filters by the clients the key can see, whatever ITFlow's phone read returns", async () => {
    make("KEY_SCOPED_CLIENT1");
    expect(await names("7700900123")).toEqual([]);
    expect(await names("dave")).toEqual([]);
    expect(await names("shared@example.com")).toEqual(["Sam Shared (Acme)"]);
  });

  it("matches any way a number was typed or stored", async () => {
    expect(await names("+1 555 765 4321")).toEqual(["Carol O'Connor"]); // stored 15557654321
    expect(await names("07700 900456")).toEqual(["Eve Evans"]); // stored 07700900456
    expect(await names("+44 7700 900456")).toEqual(["Eve Evans"]);
    expect(await names("4567")).toEqual(["Alice Anderson", "Bob Brown"]);
    expect(await names("555-123-4567 x101")).toEqual(["Alice Anderson", "Bob Brown"]);
  });

  it("a refresh that sees fewer clients drops their contacts at once, before the contact pages arrive", async () => {
    fake.state.keys.push({ apiKey: "KEY_TWO_CLIENTS", clientIds: [1, 2], level: 2 });
    make("KEY_TWO_CLIENTS");
    await directory.warm();
    expect(await names("dave")).toEqual(["Dave Davies"]);
    expect(await names("dave@globex.example")).toEqual(["Dave Davies"]);
    // The key's ITFlow user loses Globex; the next refresh's contact pages are slow to come.
    fake.state.keys.find((k) => k.apiKey === "KEY_TWO_CLIENTS")!.clientIds = [1];
    fake.hang(true, (r) => r.path.endsWith("contacts/read.php") && r.query.offset !== undefined);
    clock += 300_001;
    directory.refreshIfStale();
    await expect.poll(() => names("dave")).toEqual([]);
    expect(await names("dave@globex.example")).toEqual([]);
    expect(await names("+44 7700 900123")).toEqual([]);
    expect(await names("alice")).toEqual(["Alice Anderson"]);
    fake.hang(false);
  });

  it("a refresh changes the list in place: edits and deletions show, unchanged contacts keep their objects", async () => {
    await directory.warm();
    const aliceBefore = (await find("alice@acme.example"))[0]?.contact;
    const bob = fake.state.contacts.find((c) => c.contact_id === "2")!;
    bob.contact_name = "Robert Brown";
    bob.contact_updated_at = "2026-12-01 10:00:00";
    fake.state.contacts = fake.state.contacts.filter((c) => c.contact_id !== "3"); // Carol deleted
    clock += 300_001;
    await directory.refresh();
    expect(await names("robert")).toEqual(["Robert Brown"]);
    expect(await names("bob brown")).toEqual([]);
    expect(await names("carol")).toEqual([]);
    expect(directory.status().contacts).toBe(10);
    // The same object, not an equal copy: one list in memory, not two.
    expect((await find("alice@acme.example"))[0]?.contact).toBe(aliceBefore);
  });

  it("after many changes the index is rebuilt from the contacts it holds, and still finds each", async () => {
    await directory.warm();
    for (let i = 0; i < 300; i++) {
      addContact({
        contact_id: String(1000 + i),
        contact_name: `Temp Person${i}`,
        contact_email: `t${i}@x.example`,
      });
    }
    clock += 300_001;
    await directory.refresh();
    expect(directory.status().contacts).toBe(311);
    expect(await names("person299")).toEqual(["Temp Person299"]);
    expect(await names("t17@x.example")).toEqual(["Temp Person17"]);
    expect(await names("alice")).toEqual(["Alice Anderson"]);
  });

  it("between refreshes, a contact created in ITFlow joins name search at the next poll (fake clock)", async () => {
    await itflow.close();
    make("KEY_ADMIN", { tailMs: 8_000 });
    await directory.warm();
    addContact({ contact_id: "12", contact_name: "Nora Newcomer", contact_email: "nora@acme.example" });
    fake.clearRequests();
    clock += 7_000;
    directory.tailIfDue(); // not due yet: nothing asked
    await directory.tailDone();
    expect(fake.requests).toHaveLength(0);
    expect(await names("nora")).toEqual([]);
    clock += 1_000;
    directory.tailIfDue();
    await directory.tailDone();
    expect(await names("nora")).toEqual(["Nora Newcomer"]);
    // One small read from near the end of the list, not the list again.
    const reads = fake.requests.filter((r) => r.path.endsWith("contacts/read.php"));
    expect(reads.map((r) => [r.query.limit, r.query.offset])).toEqual([["100", "0"]]);
    expect(directory.status().builtAt).toBe(1_000_000);
  });

  it("a poll after more deletions than it looks back over makes the full refresh due", async () => {
    fake.state.contacts.push(
      ...Array.from({ length: 40 }, (_, i) => ({
        ...fake.state.contacts[0]!,
        contact_id: String(100 + i),
        contact_name: `Filler ${i}`,
        contact_email: `f${i}@x.example`,
        contact_primary: "0",
      })),
    );
    await directory.warm();
    fake.state.contacts = fake.state.contacts.filter((c) => !c.contact_name?.startsWith("Filler"));
    addContact({ contact_id: "200", contact_name: "Late Larry" });
    clock += 8_001;
    directory.tailIfDue();
    await directory.tailDone();
    await expect.poll(() => names("larry")).toEqual(["Late Larry"]);
  });

  it("a key revoked while nobody searches: the failed refresh drops the list, and the timer's next load brings it back", async () => {
    await directory.warm();
    const admin = fake.state.keys.find((k) => k.apiKey === "KEY_ADMIN")!;
    admin.expired = true;
    clock += 300_001;
    await directory.refresh().catch(() => {});
    expect(directory.status().contacts).toBe(0);
    await expect(find("alice")).rejects.toMatchObject({ kind: "auth" });
    admin.expired = false;
    clock += 30_001; // past the pause after a failed load
    directory.refreshIfStale();
    await expect.poll(() => directory.status().contacts).toBe(11);
    expect(await names("alice")).toEqual(["Alice Anderson"]);
  });

  it("between refreshes the key is checked every minute, so a revoked key stops the answers from memory", async () => {
    await directory.warm();
    fake.state.keys.find((k) => k.apiKey === "KEY_ADMIN")!.expired = true;
    directory.checkKeyIfDue(); // too soon after the load: nothing asked
    expect(directory.status().contacts).toBe(11);
    clock += 60_001;
    fake.clearRequests();
    directory.checkKeyIfDue();
    await expect.poll(() => directory.status().contacts).toBe(0);
    expect(fake.requests.map((r) => [r.path, r.query.limit])).toEqual([["/api/v1/clients/read.php", "1"]]);
    await expect(find("alice")).rejects.toMatchObject({ kind: "auth" });
  });

  it("an exact read never replaces the list's copy of a contact", async () => {
    await directory.warm();
    // ITFlow answers an email that is not in the list with a row for Alice's id (#1) holding it.
    fake.respondNext(
      1,
      contactsAnswer([
        { ...fake.state.contacts[0]!, contact_name: "Not Alice", contact_email: "x@else.example" },
      ]),
    );
    expect(await names("x@else.example")).toEqual(["Not Alice"]);
    expect(await names("alice")).toEqual(["Alice Anderson"]);
    expect(await names("not alice")).toEqual([]);
  });

  it("finds accented names without the accents and names with HTML from the email parser", async () => {
    addContact({
      contact_id: "70",
      contact_name: "José Müller",
      contact_email: "jose@acme.example",
      contact_phone: "",
      contact_mobile: "",
    });
    await directory.warm();
    expect(await names("jose muller")).toEqual(["José Müller"]);
    expect(await names("MÜLLER")).toEqual(["José Müller"]);
    expect(await names("grace hopper")).toEqual(["Grace <b>Hopper</b> & Co"]);
  });
});
