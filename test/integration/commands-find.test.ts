// `find` through the real core against the fake ITFlow: what the technician sees (card, list,
// notice) and what reached ITFlow to produce it.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LIST_LOADING } from "../../commands/failure.js";
import { findAll, LIST_MAX } from "../../commands/find.js";
import { buildContactRow, contactsAnswer, type FakeItflow, startFakeItflow } from "../fakes/itflow/index.js";
import {
  Bot,
  type BotOptions,
  editSubmission,
  expectNothingSecret,
  expectView,
  requestsTo,
  rowOf,
  useBots,
} from "./support/commands-harness.js";

describe("findContacts", () => {
  const env = useBots();
  const bot = (options?: BotOptions) => env.bot(options);

  it("one match → a card with client, location, formatted phones, tel: URIs, flags and the ITFlow link", async () => {
    const view = await bot().find("alice@acme.example");
    expect(view).toEqual({
      kind: "card",
      canEdit: true,
      canVerify: true,
      contact: {
        id: 1,
        name: "Alice Anderson",
        title: "CEO",
        email: "alice@acme.example",
        department: "",
        phones: [
          {
            label: "Phone",
            display: "(555) 123-4567",
            digits: "5551234567",
            extension: "101",
            tel: "tel:+15551234567;ext=101",
          },
          {
            label: "Mobile",
            display: "(555) 987-6543",
            digits: "5559876543",
            extension: null,
            tel: "tel:+15559876543",
          },
        ],
        client: { id: 1, name: "Acme Corp" },
        location: { id: 1, name: "Acme HQ" },
        flags: { primary: true, important: true, billing: false, technical: false },
        notes: "",
        notesTruncated: false,
        archived: false,
        itflowUrl: `${env.fake.url}/agent/contact_details.php?client_id=1&contact_id=1`,
        raw: { phone: "5551234567", mobile: "5559876543", extension: "101" },
      },
    });
  });

  it("shows numbers of other countries internationally, with their tel: URIs", async () => {
    const card = expectView(await bot().find("+44 7700 900123"), "card");
    expect(card.contact.name).toBe("Dave Davies");
    expect(card.contact.location).toEqual({ id: 2, name: "Globex London" });
    expect(card.contact.phones).toEqual([
      {
        label: "Phone",
        display: "+44 20 7946 0018",
        digits: "2079460018",
        extension: null,
        tel: "tel:+442079460018",
      },
      {
        label: "Mobile",
        display: "+44 7700 900123",
        digits: "7700900123",
        extension: null,
        tel: "tel:+447700900123",
      },
    ]);
  });

  it("a number stored with its country code (15557654321) is shown nationally and found as typed", async () => {
    const card = expectView(await bot().find("(555) 765-4321"), "card");
    expect(card.contact.name).toBe("Carol O'Connor");
    expect(card.contact.location).toBeNull();
    expect(card.contact.phones).toEqual([
      {
        label: "Mobile",
        display: "(555) 765-4321",
        digits: "15557654321",
        extension: null,
        tel: "tel:+15557654321",
      },
    ]);
    expect(card.contact.flags).toEqual({ primary: false, important: false, billing: true, technical: false });
  });

  it("several matches → a list of all of them with the total", async () => {
    const view = await bot().find("4567");
    const list = expectView(view, "list");
    expect(list.query).toBe("4567");
    expect(list.total).toBe(2);
    expect(list.canEdit).toBe(true);
    expect(list.items.map((i) => [i.id, i.name, i.client.name])).toEqual([
      [1, "Alice Anderson", "Acme Corp"],
      [2, "Bob Brown", "Acme Corp"],
    ]);
  });

  it("the same email under two clients → both, each with its own client", async () => {
    const list = expectView(await bot().find("shared@example.com"), "list");
    expect(list.total).toBe(2);
    expect(list.items.map((i) => [i.name, i.client.name])).toEqual([
      ["Sam Shared (Acme)", "Acme Corp"],
      ["Sam Shared (Initech)", "Initech & Partners"],
    ]);
  });

  it(`more than ${LIST_MAX} matches → the first ${LIST_MAX} listed, the total says how many`, async () => {
    for (let n = 1; n <= 12; n++) {
      const nn = String(n).padStart(2, "0");
      env.fake.state.contacts.push(
        buildContactRow({
          contact_id: String(100 + n),
          contact_name: `Pat Tester ${nn}`,
          contact_email: `pat${nn}@acme.example`,
          contact_client_id: "1",
        }),
      );
    }
    const list = expectView(await bot().find("pat tester"), "list");
    expect(list.total).toBe(12);
    expect(list.items).toHaveLength(LIST_MAX);
    expect(list.items.map((i) => i.name)).toEqual(
      Array.from({ length: LIST_MAX }, (_, i) => `Pat Tester ${String(i + 1).padStart(2, "0")}`),
    );
  });

  it("no match → notFound offering to create from the query, when the caller may edit", async () => {
    const view = await bot().find("  nobody here  ");
    expect(view).toEqual({
      kind: "notice",
      level: "notFound",
      text: 'No contact matches "nobody here".',
      createFrom: "nobody here",
    });
  });

  it("no match → notFound without the create offer when EDIT_ALLOW leaves the caller out", async () => {
    const b = bot({ allow: ["slack:UADMIN"] });
    const view = await b.find("nobody");
    expect(view).toEqual({ kind: "notice", level: "notFound", text: 'No contact matches "nobody".' });
    expect(view).not.toHaveProperty("createFrom");
    // Finding still works for them, it just offers no edit.
    const card = expectView(await b.find("bob@acme.example"), "card");
    expect(card.canEdit).toBe(false);
  });

  it("an empty query → a hint, without asking ITFlow anything", async () => {
    const b = bot();
    for (const query of ["", "   ", "\u200b"]) {
      expect(await b.find(query)).toEqual({
        kind: "notice",
        level: "info",
        text: "Type a name, email, phone number or #id to look up, e.g. `find (555) 123-4567`.",
      });
    }
    expect(env.fake.requests).toHaveLength(0);
  });

  it('an incomplete email ("alice@") → says so, without asking ITFlow anything', async () => {
    const view = await bot().find("alice@");
    expect(view).toEqual({
      kind: "notice",
      level: "error",
      text: '"alice@" is not a complete email address.',
    });
    expect(env.fake.requests).toHaveLength(0);
  });

  it("only archived contacts match → says an archived contact matches and offers it, with no Create button", async () => {
    const b = bot();
    for (const query of ["zed", "zed@acme.example", "#11"]) {
      const notice = expectView(await b.find(query), "notice");
      expect(notice, query).toMatchObject({
        level: "notFound",
        text: `No active contact matches "${query}", but an archived contact does.`,
      });
      // A Create button would invite a duplicate of the archived contact.
      expect(notice.createFrom, query).toBeUndefined();
      expect(
        notice.archived?.map((c) => [c.name, c.archived]),
        query,
      ).toEqual([["Zed Archived", true]]);
    }
    const card = expectView(await b.find("zed", { includeArchived: true }), "card");
    expect(card.contact.name).toBe("Zed Archived");
    expect(card.contact.archived).toBe(true);
    // Nothing at all matching is still "no contact", with the offer to create one.
    expect(await b.find("nobody")).toMatchObject({
      text: 'No contact matches "nobody".',
      createFrom: "nobody",
    });
  });

  it("a key scoped to Acme never shows Dave (Globex), not even through ITFlow's mobile-number leak", async () => {
    const b = bot({ apiKey: "KEY_SCOPED_CLIENT1" });
    for (const query of ["7700900123", "+44 7700 900123", "dave", "dave@globex.example", "#4", "Globex"]) {
      const view = await b.find(query);
      expect(view, query).toEqual({
        kind: "notice",
        level: "notFound",
        text: `No contact matches "${query}".`,
        createFrom: query,
      });
    }
    // ITFlow really did hand Dave over for his mobile number: the bot dropped him.
    const phoneReads = requestsTo(env.fake, "contacts/read.php").filter(
      (r) => r.query.contact_phone_or_mobile === "7700900123",
    );
    expect(phoneReads.length).toBeGreaterThanOrEqual(1);
    // Nothing of his beyond what was typed: no name, title, location or number.
    expect(JSON.stringify(b.views)).not.toMatch(/Dave Davies|Director|Globex London|2079460018/);
    // What the key may see is still found.
    expect(expectView(await b.find("shared@example.com"), "card").contact.name).toBe("Sam Shared (Acme)");
  });

  it("ITFlow not answering before the list has loaded → names are still loading; an exact lookup says how long the bot waited", async () => {
    const b = bot({ timeoutMs: 300, readRetries: 0 });
    env.fake.hang(true);
    const started = Date.now();
    expect(await b.find("alice")).toEqual({ kind: "notice", level: "info", text: LIST_LOADING });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await b.find("alice@acme.example")).toEqual({
      kind: "notice",
      level: "error",
      text: expect.stringMatching(/^ITFlow did not answer within \d{3} ms\.$/),
    });
  });

  it("ITFlow stopping to answer after the list was loaded → the same notice for an exact read", async () => {
    const b = bot({ timeoutMs: 300, readRetries: 0 });
    expectView(await b.find("alice"), "card");
    env.fake.hang(true);
    const view = await b.find("someone.new@acme.example");
    expect(view).toEqual({
      kind: "notice",
      level: "error",
      text: expect.stringMatching(/^ITFlow did not answer within 3\d0 ms\.$/),
    });
    // The index still answers what it holds while ITFlow hangs.
    expect(expectView(await b.find("bob brown"), "card").contact.id).toBe(2);
  });

  it("a hanging ITFlow: one deadline for the whole find, retries included, and the message says how long", async () => {
    // Three attempts of 1 s each used to take 3 s and say "within 1 s".
    const b = bot({ timeoutMs: 1000, readRetries: 2, actionTimeoutMs: 2000 });
    expectView(await b.find("alice"), "card");
    env.fake.hang(true);
    const started = performance.now();
    const view = await b.find("someone.new@acme.example");
    const waited = performance.now() - started;
    expect(view).toEqual({
      kind: "notice",
      level: "error",
      text: expect.stringMatching(/^ITFlow did not answer within 1\.9 s\.$/),
    });
    // The second attempt got what was left of the 2 s.
    expect(waited).toBeGreaterThanOrEqual(1800);
    expect(waited).toBeLessThan(2100);
  });

  it("while the list is still loading, email, phone and #id are answered through ITFlow's exact reads", async () => {
    const b = bot({ listPatienceMs: 200 });
    // The contact list's pages hang; clients and exact reads are answered.
    env.fake.hang(true, (r) => r.path.endsWith("contacts/read.php") && r.query.offset !== undefined);
    expect(expectView(await b.find("alice@acme.example"), "card").contact.name).toBe("Alice Anderson");
    expect(expectView(await b.find("#2"), "card").contact.name).toBe("Bob Brown");
    expect(expectView(await b.find("+44 7700 900123"), "card").contact.name).toBe("Dave Davies");
    // Archived contacts stay hidden, scope is still checked.
    expect(expectView(await b.find("zed@acme.example"), "notice").archived).toHaveLength(1);
    expect(await b.find("alice")).toEqual({ kind: "notice", level: "info", text: LIST_LOADING });
    expect(await b.find("4567")).toEqual({ kind: "notice", level: "info", text: LIST_LOADING });
    expect(b.ctx.directory.loaded).toBe(false);
    env.fake.hang(false);
    await expect.poll(() => b.ctx.directory.loaded).toBe(true);
    expect(expectView(await b.find("alice"), "card").contact.id).toBe(1);
  });

  it("a client-scoped key while the list loads: ITFlow's mobile-number leak is still closed", async () => {
    const b = bot({ apiKey: "KEY_SCOPED_CLIENT1", listPatienceMs: 0 });
    env.fake.hang(true, (r) => r.path.endsWith("contacts/read.php") && r.query.offset !== undefined);
    expect(await b.find("7700900123")).toMatchObject({
      kind: "notice",
      text: 'No contact matches "7700900123".',
    });
    expect(requestsTo(env.fake, "contacts/read.php").some((r) => r.query.contact_phone_or_mobile)).toBe(true);
    expect(JSON.stringify(b.views)).not.toContain("Dave Davies");
    env.fake.hang(false);
  });

  it("a long query is not echoed whole: the answer quotes its start, and offers no form to prefill with it", async () => {
    const b = bot();
    const query = `${"zz ".repeat(3333)}z`; // 10,000 characters
    const view = expectView(await b.find(query), "notice");
    expect(view.text.length).toBeLessThan(120);
    expect(view.text).toMatch(/^No contact matches "(zz ){26}z…"\.$/);
    expect(view.createFrom).toBeUndefined();
    const email = expectView(await b.find(`${"a".repeat(5000)}@`), "notice");
    expect(email.text.length).toBeLessThan(120);
  });

  it("a lying ITFlow: rows that do not carry the email asked for are not shown and do not replace the list", async () => {
    const b = bot();
    await b.ctx.directory.warm();
    // 200 rows for an email lookup, none of them for that address, reusing the seed's ids.
    const strangers = Array.from({ length: 200 }, (_, i) =>
      buildContactRow({
        contact_id: String(i + 1),
        contact_client_id: "1",
        contact_name: `Stranger ${i + 1}`,
        contact_email: `stranger${i + 1}@else.example`,
      }),
    );
    env.fake.respondNext(1, contactsAnswer(strangers));
    expect(await b.find("nobody9@nowhere.example")).toEqual({
      kind: "notice",
      level: "notFound",
      text: 'No contact matches "nobody9@nowhere.example".',
      createFrom: "nobody9@nowhere.example",
    });
    // Alice is still Alice: by name, by email and by id.
    for (const query of ["alice", "alice@acme.example", "#1"]) {
      const card = expectView(await b.find(query), "card");
      expect(card.contact.name, query).toBe("Alice Anderson");
    }
    expect(expectView(await b.find("stranger"), "notice").level).toBe("notFound");
  });

  it("an oversized ITFlow answer to one lookup is refused unread; the list is untouched", async () => {
    const b = bot();
    await b.ctx.directory.warm();
    const notes = "x".repeat(600_000);
    const huge = Array.from({ length: 20 }, (_, i) =>
      buildContactRow({ contact_id: String(100 + i), contact_client_id: "1", contact_notes: notes }),
    );
    env.fake.respondNext(1, contactsAnswer(huge));
    const view = expectView(await b.find("nobody9@nowhere.example"), "notice");
    expect(view.level).toBe("error");
    expect(view.text).toMatch(
      /^ITFlow sent a far bigger answer than what was asked for can be \(over \d+ MB\)/,
    );
    expect(view.text).not.toContain("127.0.0.1");
    expect(expectView(await b.find("alice"), "card").contact.email).toBe("alice@acme.example");
  });

  it("ITFlow unreachable → the message names no address (the chat channel must not learn where ITFlow lives)", async () => {
    const closed = await startFakeItflow();
    const url = closed.url;
    await closed.close();
    const b = new Bot({ ...env.fake, url } as FakeItflow, { readRetries: 0 });
    try {
      const view = expectView(await b.find("alice@acme.example"), "notice");
      expect(view.text).toBe("Could not reach ITFlow (connection refused).");
      expect(view.text).not.toContain(new URL(url).host);
    } finally {
      await b.close();
    }
  });

  it("an expired key (401) → a notice about the API key that never shows the key", async () => {
    const b = bot({ apiKey: "KEY_EXPIRED" });
    const view = await b.find("alice");
    expect(view).toEqual({
      kind: "notice",
      level: "error",
      text: "ITFlow rejected the API key: it is missing, wrong or expired. Check ITFLOW_API_KEY.",
    });
    expect(env.fake.requests.length).toBeGreaterThan(0);
    expect(env.fake.requests.every((r) => r.apiKey === "KEY_EXPIRED")).toBe(true);
    expect(JSON.stringify(view)).not.toContain("KEY_EXPIRED");
  });

  it("an unknown key (401) → the same notice, and the key appears in no view", async () => {
    const secret = "itflow-secret-7f3a9c1e5b2d";
    const b = bot({ apiKey: secret });
    const views = [await b.find("alice"), await b.find("alice@acme.example"), await b.find("#1")];
    for (const view of views) {
      expect(view).toEqual({
        kind: "notice",
        level: "error",
        text: "ITFlow rejected the API key: it is missing, wrong or expired. Check ITFLOW_API_KEY.",
      });
    }
    expect(env.fake.requests.some((r) => r.apiKey === secret)).toBe(true);
    expect(JSON.stringify(views)).not.toContain(secret);
  });

  it("long notes are cut for the card, and say so", async () => {
    const alice = rowOf(env.fake, 1)!;
    alice.contact_notes = `${"n".repeat(600)}  `;
    const card = expectView(await bot().find("alice anderson"), "card");
    expect(card.contact.notesTruncated).toBe(true);
    expect([...card.contact.notes]).toHaveLength(500);
    expect(card.contact.notes).toBe(`${"n".repeat(499)}…`);
  });
});

describe("contact_pin", () => {
  let fake: FakeItflow;
  let b: Bot;

  beforeAll(async () => {
    fake = await startFakeItflow();
  });
  beforeEach(() => {
    fake.reset();
    rowOf(fake, 1)!.contact_pin = "4321";
    b = new Bot(fake);
  });
  afterEach(async () => {
    await b.close();
  });
  afterAll(async () => {
    await fake.close();
  });

  it("never reaches a view, a directory row, or an update sent back to ITFlow", async () => {
    const card = await b.find("alice@acme.example");
    const list = await b.find("4567"); // Alice and Bob
    const byId = await b.find("#1");
    const form = await b.editForm({ query: "alice anderson" });
    const saved = await b.submit(editSubmission(form, { title: "Chief Executive" }));
    expect(expectView(saved, "card").saved?.changes.map((c) => c.key)).toEqual(["title"]);
    const rows = [
      ...(await findAll(b.ctx, { query: "alice" })),
      ...(await findAll(b.ctx, { query: "5551234567" })),
    ];
    expect(rows.map((r) => r.contact.id)).toEqual([1, 1, 2]);

    const everything = JSON.stringify([card, list, byId, form, saved, rows]);
    expect(everything).toContain("Alice Anderson");
    expect(everything).not.toContain("4321");
    expectNothingSecret([card, list, byId, form, saved, rows], b.apiKey);

    // The update sent every form field but not the PIN, and ITFlow kept it.
    const update = requestsTo(fake, "contacts/update.php");
    expect(update).toHaveLength(1);
    expect(JSON.stringify(update[0]?.body)).not.toContain("pin");
    expect(rowOf(fake, 1)?.contact_pin).toBe("4321");
  });
});
