// `new` and `edit` opening their forms: who may, which client and locations are offered, what the
// form starts with, and how many ITFlow requests it cost.
import { describe, expect, it } from "vitest";
import type { Caller } from "../../commands/caller.js";
import { buildClientRow, buildLocationRow } from "../fakes/itflow/index.js";
import { type BotOptions, expectView, requestsTo, rowOf, TECH, useBots } from "./support/commands-harness.js";

const DENIED = {
  kind: "notice",
  level: "denied",
  text: "You are not allowed to create or edit contacts. An admin can add you to EDIT_ALLOW.",
};
// Whom ticking Primary would demote travels beside the Primary flag, not as a notice over the form.
const ALICE_IS_PRIMARY = "Alice Anderson";

describe("opening the contact forms", () => {
  const env = useBots();
  const bot = (options?: BotOptions) => env.bot(options);

  describe("EDIT_ALLOW", () => {
    const slackU2: Caller = { platform: "slack", workspaceId: "T1", userId: "U2", roleIds: [] };

    it("a user not on the list is denied both forms, before anything is asked of ITFlow", async () => {
      const b = bot({ allow: ["slack:U1"] });
      expect(await b.openCreate("Acme", slackU2)).toEqual(DENIED);
      expect(await b.openEdit({ query: "alice" }, slackU2)).toEqual(DENIED);
      expect(await b.openEdit({ contactId: 1 }, slackU2)).toEqual(DENIED);
      expect(env.fake.requests).toHaveLength(0);
      // The user on the list gets the form.
      expect(expectView(await b.openCreate("Acme", TECH), "form").client).toEqual({
        id: 1,
        name: "Acme Corp",
      });
    });

    it("a Discord role on the list lets its members in, on Discord only", async () => {
      const b = bot({ allow: ["discord:role:R1"] });
      const member: Caller = { platform: "discord", workspaceId: "G1", userId: "D7", roleIds: ["R2", "R1"] };
      const other: Caller = { platform: "discord", workspaceId: "G1", userId: "D8", roleIds: ["R2"] };
      const slackNamesake: Caller = { platform: "slack", workspaceId: "T1", userId: "U3", roleIds: ["R1"] };
      expect(expectView(await b.openCreate("", member), "form").mode).toBe("create");
      expect(expectView(await b.openEdit({ contactId: 2 }, member), "form").contactId).toBe(2);
      expect(await b.openCreate("", other)).toEqual(DENIED);
      expect(await b.openCreate("", slackNamesake)).toEqual(DENIED);
    });
  });

  describe("openCreateForm", () => {
    it("no client named → an empty form with the client still to choose", async () => {
      expect(await bot().openCreate()).toEqual({
        kind: "form",
        mode: "create",
        title: "New contact",
        contactId: null,
        version: null,
        client: null,
        values: {},
        errors: {},
        locations: [],
        notice: null,
        primaryHolder: null,
      });
    });

    it('"Acme" (part of a name) → Acme Corp, its locations, and who its primary contact is', async () => {
      expect(await bot().openCreate("Acme")).toEqual({
        kind: "form",
        mode: "create",
        title: "New contact",
        contactId: null,
        version: null,
        client: { id: 1, name: "Acme Corp" },
        values: {},
        errors: {},
        locations: [{ value: "1", label: "Acme HQ" }],
        notice: null,
        primaryHolder: ALICE_IS_PRIMARY,
      });
    });

    it("the exact name in any case → that client", async () => {
      const form = expectView(await bot().openCreate("  acme CORP "), "form");
      expect(form.client).toEqual({ id: 1, name: "Acme Corp" });
      expect(form.notice).toBeNull();
      expect(form.primaryHolder).toBe(ALICE_IS_PRIMARY);
    });

    it("another client's form offers that client's locations only, and its own primary", async () => {
      const b = bot();
      const globex = expectView(await b.openCreate("globex"), "form");
      expect(globex.client).toEqual({ id: 2, name: "Globex Ltd" });
      expect(globex.locations).toEqual([{ value: "2", label: "Globex London" }]);
      expect(globex.notice).toBeNull();
      expect(globex.primaryHolder).toBe("Dave Davies");
      // Initech has neither locations nor a primary contact.
      const initech = expectView(await b.openCreate("Initech"), "form");
      expect(initech.client).toEqual({ id: 3, name: "Initech & Partners" });
      expect(initech.locations).toEqual([]);
      expect(initech.primaryHolder).toBeNull();
    });

    it("archived locations are not offered", async () => {
      env.fake.state.locations.push(
        buildLocationRow({
          location_id: "3",
          location_name: "Acme Old Warehouse",
          location_client_id: "1",
          location_archived_at: "2026-01-02 00:00:00",
        }),
        buildLocationRow({ location_id: "4", location_name: "Acme Annex", location_client_id: "1" }),
      );
      const form = expectView(await bot().openCreate("Acme"), "form");
      expect(form.locations).toEqual([
        { value: "4", label: "Acme Annex" },
        { value: "1", label: "Acme HQ" },
      ]);
    });

    it('an unknown client ("zzz") → a notFound notice', async () => {
      expect(await bot().openCreate("zzz")).toEqual({
        kind: "notice",
        level: "notFound",
        text: 'No client matches "zzz".',
      });
    });

    it("several clients match → a form asking to pick one, with no client chosen", async () => {
      env.fake.state.clients.push(buildClientRow({ client_id: "4", client_name: "Acme Labs" }));
      const b = bot();
      expect(await b.openCreate("Acme")).toEqual({
        kind: "form",
        mode: "create",
        title: "New contact",
        contactId: null,
        version: null,
        client: null,
        values: {},
        errors: {},
        locations: [],
        notice: 'Several clients match "Acme"; pick one.',
        primaryHolder: null,
      });
      // An exact name still wins over the other partial matches.
      const exact = expectView(await b.openCreate("acme labs"), "form");
      expect(exact.client).toEqual({ id: 4, name: "Acme Labs" });
      expect(exact.notice).toBeNull();
      expect(expectView(await b.openCreate("Acme Corp"), "form").client).toEqual({
        id: 1,
        name: "Acme Corp",
      });
    });

    it("a client name typed without its accents finds it (client search is accent-insensitive)", async () => {
      env.fake.state.clients.push(buildClientRow({ client_id: "4", client_name: "Société Générale" }));
      const b = bot();
      // Typed as written, it is found...
      expect(expectView(await b.openCreate("Société"), "form").client).toEqual({
        id: 4,
        name: "Société Générale",
      });
      // ...and as most keyboards type it, too: searchClients is documented as accent-insensitive.
      expect(expectView(await b.openCreate("societe generale"), "form").client).toEqual({
        id: 4,
        name: "Société Générale",
      });
    });

    it("a key scoped to Acme is offered no other client", async () => {
      const b = bot({ apiKey: "KEY_SCOPED_CLIENT1" });
      expect(await b.openCreate("Globex")).toEqual({
        kind: "notice",
        level: "notFound",
        text: 'No client matches "Globex".',
      });
      expect(expectView(await b.openCreate("acme"), "form").client).toEqual({ id: 1, name: "Acme Corp" });
    });

    it("ITFlow rejecting the key → the API-key notice, not a form", async () => {
      expect(await bot({ apiKey: "KEY_EXPIRED" }).openCreate("Acme")).toEqual({
        kind: "notice",
        level: "error",
        text: "ITFlow rejected the API key: it is missing, wrong or expired. Check ITFLOW_API_KEY.",
      });
    });
  });

  describe("openEditForm", () => {
    it("by query → the form filled with what ITFlow holds now, numbers formatted", async () => {
      const b = bot();
      const form = expectView(await b.openEdit({ query: "bob@acme.example" }), "form");
      expect(form).toEqual({
        kind: "form",
        mode: "edit",
        title: "Edit contact",
        contactId: 2,
        version: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
        client: { id: 1, name: "Acme Corp" },
        values: {
          name: "Bob Brown",
          email: "bob@acme.example",
          phone: "(555) 123-4567",
          extension: "102",
          mobile: "(555) 222-3333",
          title: "IT Manager",
          department: "",
          locationId: 1,
          notes: "",
          primary: false,
          important: false,
          billing: false,
          technical: true,
        },
        errors: {},
        locations: [{ value: "1", label: "Acme HQ" }],
        notice: null,
        primaryHolder: ALICE_IS_PRIMARY,
      });
      // The form was filled from a fresh read of the contact, not only from the list.
      expect(
        requestsTo(env.fake, "contacts/read.php").filter((r) => r.query.contact_id === "2"),
      ).toHaveLength(1);
    });

    it("the primary contact's own form carries no demotion notice", async () => {
      const form = expectView(await bot().openEdit({ query: "alice anderson" }), "form");
      expect(form.contactId).toBe(1);
      expect(form.values.primary).toBe(true);
      expect(form.notice).toBeNull();
      expect(form.primaryHolder).toBeNull();
    });

    it("by id → tags ITFlow's email parser left in the name are stripped, notes kept as stored", async () => {
      const form = expectView(await bot().openEdit({ contactId: 6 }), "form");
      expect(form.client).toEqual({ id: 2, name: "Globex Ltd" });
      expect(form.values).toEqual({
        name: "Grace Hopper & Co",
        email: "grace@globex.example",
        phone: "",
        extension: "",
        mobile: "",
        title: "",
        department: "",
        locationId: null,
        notes: "Added automatically via email parsing.",
        primary: false,
        important: false,
        billing: false,
        technical: false,
      });
      expect(form.locations).toEqual([{ value: "2", label: "Globex London" }]);
      expect(form.notice).toBeNull();
      expect(form.primaryHolder).toBe("Dave Davies");
    });

    it("a number stored with its country code is shown as people write it", async () => {
      const form = expectView(await bot().openEdit({ contactId: 3 }), "form");
      expect(form.values).toMatchObject({ name: "Carol O'Connor", phone: "", mobile: "(555) 765-4321" });
      const eve = expectView(await bot().openEdit({ contactId: 5 }), "form");
      expect(eve.values.mobile).toBe("+44 7700 900456");
    });

    it("the version follows the contact: the same while it is unchanged, new once it changed", async () => {
      const b = bot();
      const first = expectView(await b.openEdit({ contactId: 2 }), "form");
      const again = expectView(await b.openEdit({ query: "bob brown" }), "form");
      expect(typeof first.version).toBe("string");
      expect(again.version).toBe(first.version);
      rowOf(env.fake, 2)!.contact_title = "Head of IT";
      const changed = expectView(await b.openEdit({ contactId: 2 }), "form");
      expect(changed.values.title).toBe("Head of IT");
      expect(changed.version).not.toBe(first.version);
    });

    it("a query for a contact deleted in ITFlow since the list was built → notFound, not a form", async () => {
      const b = bot();
      await b.ctx.directory.warm();
      env.fake.state.contacts = env.fake.state.contacts.filter((r) => r.contact_id !== "2");
      const view = await b.openEdit({ query: "bob brown" });
      // The fresh read said #2 is gone; opening his form from the old list invites a save that fails.
      expect(view).toMatchObject({ kind: "notice", level: "notFound" });
      // By id the same situation already answers so.
      expect(await b.openEdit({ contactId: 2 })).toEqual({
        kind: "notice",
        level: "notFound",
        text: "Contact #2 no longer exists.",
      });
    });

    it("a query matching several contacts → the list to pick from", async () => {
      const list = expectView(await bot().openEdit({ query: "4567" }), "list");
      expect(list.total).toBe(2);
      expect(list.items.map((i) => i.name)).toEqual(["Alice Anderson", "Bob Brown"]);
    });

    it("a query matching nobody → notFound with the create offer; an unknown id → notFound", async () => {
      const b = bot();
      expect(await b.openEdit({ query: "nobody" })).toEqual({
        kind: "notice",
        level: "notFound",
        text: 'No contact matches "nobody".',
        createFrom: "nobody",
      });
      expect(await b.openEdit({ contactId: 999 })).toEqual({
        kind: "notice",
        level: "notFound",
        text: "Contact #999 no longer exists.",
      });
    });

    it("a key scoped to Acme cannot open Dave's form by id", async () => {
      expect(await bot({ apiKey: "KEY_SCOPED_CLIENT1" }).openEdit({ contactId: 4 })).toEqual({
        kind: "notice",
        level: "notFound",
        text: "Contact #4 no longer exists.",
      });
    });

    it("cached: true opens from the index without a single ITFlow request", async () => {
      const b = bot();
      await b.ctx.directory.warm();
      env.fake.clearRequests();
      const cached = expectView(await b.openEdit({ contactId: 2, cached: true }), "form");
      expect(env.fake.requests).toHaveLength(0);
      // The same form a fresh read gives.
      const fresh = expectView(await b.openEdit({ contactId: 2 }), "form");
      expect(env.fake.requests).toHaveLength(1);
      expect(cached).toEqual(fresh);
    });

    it("cached: true for a contact the index does not hold falls back to ITFlow", async () => {
      const b = bot();
      await b.ctx.directory.warm();
      const alice = rowOf(env.fake, 1)!;
      env.fake.state.contacts.push({
        ...alice,
        contact_id: "40",
        contact_name: "Nora New",
        contact_primary: "0",
      });
      env.fake.clearRequests();
      const form = expectView(await b.openEdit({ contactId: 40, cached: true }), "form");
      expect(form.values.name).toBe("Nora New");
      expect(env.fake.requests).toHaveLength(1);
    });
  });
});
