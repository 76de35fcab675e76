// Saving the new-contact form: validation and the duplicate check before any write, the card after
// it, primary demotion, and a retry or double click creating the contact only once.
import { describe, expect, it } from "vitest";
import type { Caller } from "../../commands/caller.js";
import type { FormValues } from "../../commands/views.js";
import {
  type BotOptions,
  createSubmission,
  expectView,
  RequestGate,
  requestsTo,
  rowOf,
  useBots,
} from "./support/commands-harness.js";

const NINA: FormValues = {
  name: "Nina New",
  email: "nina@acme.example",
  phone: "(555) 321-9876",
  extension: "x 204",
  mobile: "+44 7700 900789",
  title: "Engineer",
  department: "Operations",
  locationId: "1",
  notes: "Prefers email.\nIn the office Tue–Thu.",
  primary: false,
  important: false,
  billing: false,
  technical: true,
};

describe("submitForm: create", () => {
  const env = useBots();
  const bot = (options?: BotOptions) => env.bot(options);
  const creates = () => requestsTo(env.fake, "contacts/create.php");

  it("a caller EDIT_ALLOW leaves out is denied, and nothing reaches ITFlow", async () => {
    const b = bot({ allow: ["slack:U1"] });
    const stranger: Caller = { platform: "slack", workspaceId: "T1", userId: "U2", roleIds: [] };
    expect(await b.submit(createSubmission(1, NINA), stranger)).toEqual({
      kind: "notice",
      level: "denied",
      text: "You are not allowed to create or edit contacts. An admin can add you to EDIT_ALLOW.",
    });
    expect(env.fake.requests).toHaveLength(0);
  });

  it("invalid values → the form again with an error named for each field, and no write", async () => {
    const values: FormValues = {
      name: "   ",
      email: "not-an-email",
      phone: "12",
      extension: "ext. one-oh-one",
      mobile: "call me",
      title: "t".repeat(201),
      department: "R&D <Labs>",
    };
    const view = await bot().submit(createSubmission(1, values));
    expect(view).toEqual({
      kind: "form",
      mode: "create",
      title: "New contact",
      contactId: null,
      version: null,
      client: { id: 1, name: "Acme Corp" },
      values,
      errors: {
        name: "Name is required.",
        email: 'Email: "not-an-email" is not a valid email address.',
        phone: 'Phone: "12" is not a phone number I can read. Try e.g. (555) 123-4567 or +44 20 7946 0958.',
        extension: "Extension must be digits only, e.g. 101.",
        mobile:
          'Mobile: "call me" is not a phone number I can read. Try e.g. (555) 123-4567 or +44 20 7946 0958.',
        title: "Title is 201 characters long; ITFlow keeps at most 200.",
        department: "Department cannot contain < or > (ITFlow would cut the text there).",
      },
      locations: [{ value: "1", label: "Acme HQ" }],
      // The reopened form keeps the hint it opened with, beside the Primary flag.
      notice: null,
      primaryHolder: "Alice Anderson",
    });
    expect(creates()).toHaveLength(0);
  });

  it("an empty email is refused on create (ITFlow needs one)", async () => {
    const view = expectView(await bot().submit(createSubmission(1, { ...NINA, email: "" })), "form");
    expect(view.errors).toEqual({ email: "Email is required." });
    expect(creates()).toHaveLength(0);
  });

  it("no client chosen → errors.client, and no write", async () => {
    const view = await bot().submit(createSubmission(null, { ...NINA, locationId: null }));
    const form = expectView(view, "form");
    expect(form.errors).toEqual({ client: "Choose the client this contact belongs to." });
    expect(form.client).toBeNull();
    expect(form.locations).toEqual([]);
    expect(env.fake.requests).toHaveLength(0);
  });

  it("another client's location → errors.locationId, and no write", async () => {
    const view = await bot().submit(createSubmission(1, { ...NINA, locationId: "2" })); // Globex London
    const form = expectView(view, "form");
    expect(form.errors).toEqual({ locationId: "Location: choose one of this client's locations." });
    expect(form.client).toEqual({ id: 1, name: "Acme Corp" });
    expect(creates()).toHaveLength(0);
    expect(env.fake.state.contacts).toHaveLength(11);
  });

  it("a client the key cannot see → errors.client, and no write", async () => {
    const b = bot({ apiKey: "KEY_SCOPED_CLIENT1" });
    const view = await b.submit(createSubmission(2, { ...NINA, locationId: null }));
    expect(expectView(view, "form").errors).toEqual({
      client: "That client does not exist or this bot's ITFlow key cannot see it.",
    });
    expect(creates()).toHaveLength(0);
  });

  it("an email already used in the same client → caught before the write, naming who has it", async () => {
    const b = bot();
    const view = await b.submit(createSubmission(1, { ...NINA, email: "alice@acme.example" }));
    const form = expectView(view, "form");
    expect(form.errors).toEqual({
      email: "alice@acme.example is already used by Alice Anderson (#1) at Acme Corp.",
    });
    expect(form.values).toEqual({ ...NINA, email: "alice@acme.example" });
    // Typed in other case, against an address stored in mixed case: still the same address.
    const mona = expectView(
      await b.submit(createSubmission(1, { ...NINA, email: "MONA.mixed@acme.EXAMPLE" })),
      "form",
    );
    expect(mona.errors.email).toBe(
      "Mona.Mixed@Acme.Example is already used by Mona Mixed (#10) at Acme Corp.",
    );
    expect(creates()).toHaveLength(0);
    expect(env.fake.state.contacts).toHaveLength(11);
  });

  it("an email created in ITFlow's web UI a moment ago is caught too (ITFlow is asked, not only the list)", async () => {
    const b = bot();
    await b.ctx.directory.warm();
    env.fake.state.contacts.push({
      ...rowOf(env.fake, 2)!,
      contact_id: "30",
      contact_name: "Wes Web",
      contact_email: "nina@acme.example",
    });
    const form = expectView(await b.submit(createSubmission(1, NINA)), "form");
    expect(form.errors).toEqual({
      email: "nina@acme.example is already used by Wes Web (#30) at Acme Corp.",
    });
    expect(creates()).toHaveLength(0);
  });

  it("the same email under another client is allowed", async () => {
    const view = await bot().submit(
      createSubmission(3, { name: "Alice at Initech", email: "alice@acme.example" }),
    );
    const card = expectView(view, "card");
    expect(card.contact).toMatchObject({
      id: 12,
      name: "Alice at Initech",
      email: "alice@acme.example",
      client: { id: 3, name: "Initech & Partners" },
    });
    expect(creates()).toHaveLength(1);
    expect(rowOf(env.fake, 12)).toMatchObject({
      contact_email: "alice@acme.example",
      contact_client_id: "3",
    });
  });

  it("success → the card of the new contact, stored in ITFlow as typed (numbers as digits)", async () => {
    const view = await bot().submit(createSubmission(1, NINA));
    expect(view).toEqual({
      kind: "card",
      canEdit: true,
      saved: { created: true, changes: [], differences: [], cleaned: [], demotedPrimary: null },
      contact: {
        id: 12,
        name: "Nina New",
        title: "Engineer",
        email: "nina@acme.example",
        department: "Operations",
        phones: [
          {
            label: "Phone",
            display: "(555) 321-9876",
            digits: "5553219876",
            extension: "204",
            tel: "tel:+15553219876;ext=204",
          },
          {
            label: "Mobile",
            display: "+44 7700 900789",
            digits: "447700900789",
            extension: null,
            tel: "tel:+447700900789",
          },
        ],
        client: { id: 1, name: "Acme Corp" },
        location: { id: 1, name: "Acme HQ" },
        flags: { primary: false, important: false, billing: false, technical: true },
        notes: "Prefers email.\nIn the office Tue–Thu.",
        notesTruncated: false,
        archived: false,
        itflowUrl: `${env.fake.url}/agent/contact_details.php?client_id=1&contact_id=12`,
        raw: { phone: "5553219876", mobile: "447700900789", extension: "204" },
      },
    });
    expect(creates()).toHaveLength(1);
    expect(creates()[0]?.body).toEqual({
      api_key: "KEY_ADMIN",
      client_id: 1,
      contact_name: "Nina New",
      contact_title: "Engineer",
      contact_department: "Operations",
      contact_email: "nina@acme.example",
      contact_phone: "5553219876",
      contact_extension: "204",
      contact_mobile: "447700900789",
      contact_notes: "Prefers email.\nIn the office Tue–Thu.",
      contact_primary: 0,
      contact_important: 0,
      contact_billing: 0,
      contact_technical: 1,
      contact_location_id: 1,
    });
    expect(rowOf(env.fake, 12)).toMatchObject({
      contact_name: "Nina New",
      contact_email: "nina@acme.example",
      contact_phone: "5553219876",
      contact_extension: "204",
      contact_mobile: "447700900789",
      contact_location_id: "1",
      contact_client_id: "1",
      contact_primary: "0",
      contact_technical: "1",
      contact_archived_at: null,
    });
  });

  it("common phone input with an extension is read, not refused: 5551234567 x123", async () => {
    const view = await bot().submit(
      createSubmission(1, { ...NINA, phone: "5553219876 x123", extension: "" }),
    );
    expect(expectView(view, "card").contact.phones[0]).toMatchObject({
      digits: "5553219876",
      extension: "123",
    });
    expect(rowOf(env.fake, 12)).toMatchObject({ contact_phone: "5553219876", contact_extension: "123" });
  });

  it("the new contact is found at once, by name, email and number", async () => {
    const b = bot();
    await b.submit(createSubmission(1, NINA));
    env.fake.clearRequests();
    for (const query of ["nina new", "nina@acme.example", "555 321 9876", "+44 7700 900789"]) {
      expect(expectView(await b.find(query), "card").contact.id, query).toBe(12);
    }
    expect(env.fake.requests).toHaveLength(0);
  });

  it("a new primary contact → saved.demotedPrimary names Alice, who is no longer primary in ITFlow", async () => {
    const b = bot();
    const card = expectView(await b.submit(createSubmission(1, { ...NINA, primary: true })), "card");
    expect(card.saved).toEqual({
      created: true,
      changes: [],
      differences: [],
      cleaned: [],
      demotedPrimary: "Alice Anderson",
    });
    expect(card.contact.flags.primary).toBe(true);
    expect(rowOf(env.fake, 1)?.contact_primary).toBe("0");
    expect(rowOf(env.fake, 12)?.contact_primary).toBe("1");
    expect(
      env.fake.state.contacts.filter((r) => r.contact_client_id === "1" && r.contact_primary === "1"),
    ).toHaveLength(1);
    // The bot's own copy agrees: Alice's card no longer says primary, the next form names Nina.
    expect(expectView(await b.find("alice@acme.example"), "card").contact.flags.primary).toBe(false);
    expect(expectView(await b.openCreate("Acme"), "form").primaryHolder).toBe("Nina New");
  });

  it("primary in a client without one demotes nobody", async () => {
    const card = expectView(
      await bot().submit(
        createSubmission(3, { name: "Ian Initech", email: "ian@initech.example", primary: true }),
      ),
      "card",
    );
    expect(card.saved).toEqual({
      created: true,
      changes: [],
      differences: [],
      cleaned: [],
      demotedPrimary: null,
    });
  });

  it("the same submission twice in a row → one create; the second gets the first one's card", async () => {
    const b = bot();
    const first = await b.submit(createSubmission(1, NINA));
    const second = await b.submit(createSubmission(1, NINA));
    expectView(first, "card");
    expect(second).toEqual(first);
    expect(creates()).toHaveLength(1);
    expect(env.fake.state.contacts.filter((r) => r.contact_email === "nina@acme.example")).toHaveLength(1);
  });

  it("the same submission twice at once (a double click) → one create, both get the card", async () => {
    const b = bot();
    env.fake.setLatency(30);
    const [first, second] = await Promise.all([
      b.submit(createSubmission(1, NINA)),
      b.submit(createSubmission(1, NINA)),
    ]);
    expect(expectView(first, "card").saved?.created).toBe(true);
    expect(second).toEqual(first);
    expect(creates()).toHaveLength(1);
    expect(env.fake.state.contacts.filter((r) => r.contact_email === "nina@acme.example")).toHaveLength(1);
  });

  it("another form (another formKey) with the same values is tried again, and caught as a duplicate", async () => {
    const b = bot();
    expectView(await b.submit(createSubmission(1, NINA, "view-A")), "card");
    const again = expectView(await b.submit(createSubmission(1, NINA, "view-B")), "form");
    expect(again.errors).toEqual({
      email: "nina@acme.example is already used by Nina New (#12) at Acme Corp.",
    });
    expect(creates()).toHaveLength(1);
    // The duplicate check really ran again: ITFlow was asked about the address a second time.
    const emailReads = requestsTo(env.fake, "contacts/read.php").filter(
      (r) => r.query.contact_email === "nina@acme.example",
    );
    expect(emailReads).toHaveLength(2);
  });

  it("another user submitting the same values is not answered with someone else's result", async () => {
    const b = bot();
    const other: Caller = { platform: "slack", workspaceId: "T1", userId: "U9", roleIds: [] };
    expectView(await b.submit(createSubmission(1, NINA)), "card");
    const theirs = expectView(await b.submit(createSubmission(1, NINA), other), "form");
    expect(theirs.errors.email).toBe("nina@acme.example is already used by Nina New (#12) at Acme Corp.");
  });

  it("a read-only key not yet known as one → ITFlow's refusal; the bot learns from it and sends no more", async () => {
    const b = bot({ apiKey: "KEY_READONLY" });
    expect(await b.submit(createSubmission(1, NINA))).toEqual({
      kind: "notice",
      level: "error",
      text: "ITFlow refused: the ITFlow user behind the API key lacks the right to do this (its role) or access to this client.",
    });
    expect(await b.submit(createSubmission(1, NINA))).toEqual({
      kind: "notice",
      level: "denied",
      text: "This bot's ITFlow API key may only read contacts, so nobody can create or edit them from here; an ITFlow admin can give the key's user a role that may edit clients.",
    });
    expect(creates()).toHaveLength(1);
    expect(env.fake.state.contacts).toHaveLength(11);
  });

  it("a create that times out is not repeated: ITFlow may have stored it", async () => {
    const b = bot({ timeoutMs: 300 });
    await b.ctx.directory.warm();
    env.fake.clearRequests();
    const gate = new RequestGate(env.fake);
    const pending = b.submit(createSubmission(1, NINA));
    expect((await gate.arrival()).query.contact_email).toBe("nina@acme.example"); // the duplicate check
    gate.pass();
    expect((await gate.arrival()).path).toBe("/api/v1/contacts/create.php"); // held past the deadline
    const view = await pending;
    expect(view).toEqual({
      kind: "notice",
      level: "error",
      text: expect.stringMatching(
        /^ITFlow did not answer within 3\d0 ms\. The change may have been saved anyway: check in ITFlow before trying again\.$/,
      ),
    });
    gate.open(); // ITFlow finishes the create after all
    await expect.poll(() => rowOf(env.fake, 12)?.contact_name).toBe("Nina New");
    // The retry gets the same warning instead of a second attempt.
    expect(await b.submit(createSubmission(1, NINA))).toEqual(view);
    expect(creates()).toHaveLength(1);
  });
});
