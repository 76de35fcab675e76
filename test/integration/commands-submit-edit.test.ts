// Saving the edit form: what is sent to ITFlow (every field, the contact's own client), numbers
// nobody touched kept as stored, conflicts and deletions detected before writing, failures that
// may be retried.
import { describe, expect, it } from "vitest";
import type { Caller } from "../../commands/caller.js";
import { buildLocationRow } from "../fakes/itflow/index.js";
import {
  type BotOptions,
  editSubmission,
  expectView,
  flattened,
  RequestGate,
  requestsTo,
  rowOf,
  useBots,
} from "./support/commands-harness.js";

describe("submitForm: edit", () => {
  const env = useBots();
  const bot = (options?: BotOptions) => env.bot(options);
  const updates = () => requestsTo(env.fake, "contacts/update.php");
  /** Every column but the ones a save may legitimately touch. */
  const untouched = (id: number, ...changed: string[]) => {
    const row = flattened(rowOf(env.fake, id));
    for (const column of ["contact_updated_at", ...changed]) delete row[column];
    return row;
  };

  it("a caller EDIT_ALLOW leaves out is denied, and nothing reaches ITFlow", async () => {
    const b = bot({ allow: ["slack:U1"] });
    const form = await b.editForm({ contactId: 2 });
    env.fake.clearRequests();
    const stranger: Caller = { platform: "slack", workspaceId: "T1", userId: "U2", roleIds: [] };
    expect(await b.submit(editSubmission(form, { title: "CTO" }), stranger)).toEqual({
      kind: "notice",
      level: "denied",
      text: "You are not allowed to create or edit contacts. An admin can add you to EDIT_ALLOW.",
    });
    expect(env.fake.requests).toHaveLength(0);
  });

  it("a changed title → the card listing that one change; ITFlow got every field and the contact's own client", async () => {
    const b = bot();
    const form = await b.editForm({ query: "bob@acme.example" });
    const before = untouched(2, "contact_title", "contact_notes", "contact_department");
    const view = await b.submit(editSubmission(form, { title: "CTO" }));
    const card = expectView(view, "card");
    expect(card.saved).toEqual({
      created: false,
      changes: [{ key: "title", label: "Title", before: "IT Manager", after: "CTO" }],
      demotedPrimary: null,
      differences: [],
      cleaned: [],
    });
    expect(card.contact).toMatchObject({
      id: 2,
      name: "Bob Brown",
      title: "CTO",
      client: { id: 1, name: "Acme Corp" },
    });
    expect(card.canEdit).toBe(true);

    expect(updates()).toHaveLength(1);
    expect(updates()[0]?.body).toEqual({
      api_key: "KEY_ADMIN",
      contact_id: 2,
      client_id: 1,
      contact_name: "Bob Brown",
      contact_title: "CTO",
      contact_department: "",
      contact_email: "bob@acme.example",
      contact_phone: "5551234567",
      contact_extension: "102",
      contact_mobile: "5552223333",
      contact_notes: "",
      contact_primary: 0,
      contact_important: 0,
      contact_billing: 0,
      contact_technical: 1,
      contact_location_id: 1,
    });
    expect(rowOf(env.fake, 2)?.contact_title).toBe("CTO");
    expect(untouched(2, "contact_title", "contact_notes", "contact_department")).toEqual(before);
    // The bot's copy follows: the next find shows the new title without asking ITFlow.
    env.fake.clearRequests();
    expect(expectView(await b.find("bob brown"), "card").contact.title).toBe("CTO");
    expect(env.fake.requests).toHaveLength(0);
  });

  it("a number stored as 15557654321 and left alone stays 15557654321", async () => {
    const b = bot();
    const form = await b.editForm({ contactId: 3 });
    expect(form.values.mobile).toBe("(555) 765-4321"); // what the form showed, submitted back as is
    const view = await b.submit(editSubmission(form, { department: "Accounting" }));
    expect(expectView(view, "card").saved?.changes).toEqual([
      { key: "department", label: "Department", before: "Finance", after: "Accounting" },
    ]);
    expect(updates()[0]?.body).toMatchObject({
      contact_mobile: "15557654321",
      contact_phone: "",
      client_id: 1,
    });
    expect(rowOf(env.fake, 3)).toMatchObject({
      contact_mobile: "15557654321",
      contact_mobile_country_code: "1",
      contact_department: "Accounting",
    });
  });

  it("a number the user did change is stored the way the bot stores typed numbers", async () => {
    const b = bot();
    const form = await b.editForm({ contactId: 3 });
    const view = await b.submit(editSubmission(form, { mobile: "555.765.9999" }));
    expect(expectView(view, "card").saved?.changes).toEqual([
      { key: "mobile", label: "Mobile", before: "15557654321", after: "5557659999" },
    ]);
    expect(rowOf(env.fake, 3)?.contact_mobile).toBe("5557659999");
  });

  it("a short internal number ITFlow holds (4567) does not block saving another field", async () => {
    rowOf(env.fake, 7)!.contact_phone = "4567"; // Heidi: a desk extension typed into ITFlow's phone field
    const b = bot();
    const form = await b.editForm({ contactId: 7 });
    expect(form.values.phone).toBe("4567");
    const view = await b.submit(editSubmission(form, { title: "Operations Manager" }));
    expect(expectView(view, "card").saved?.changes).toEqual([
      { key: "title", label: "Title", before: "Office Manager", after: "Operations Manager" },
    ]);
    expect(rowOf(env.fake, 7)).toMatchObject({ contact_phone: "4567", contact_title: "Operations Manager" });
  });

  it("fields a form did not carry (a step of a two-step form, over-long notes) keep their stored values", async () => {
    const longNotes = "n".repeat(5000); // longer than any chat form holds
    rowOf(env.fake, 1)!.contact_notes = longNotes;
    const b = bot();
    const form = await b.editForm({ contactId: 1 });
    const submission = editSubmission(form, { title: "Chief Executive" });
    submission.values = { name: form.values.name ?? "", title: "Chief Executive" };
    const view = await b.submit(submission);
    expect(expectView(view, "card").saved?.changes).toEqual([
      { key: "title", label: "Title", before: "CEO", after: "Chief Executive" },
    ]);
    expect(rowOf(env.fake, 1)).toMatchObject({
      contact_title: "Chief Executive",
      contact_notes: longNotes,
      contact_email: "alice@acme.example",
      contact_phone: "5551234567",
      contact_extension: "101",
      contact_mobile: "5559876543",
      contact_primary: "1",
      contact_important: "1",
      contact_location_id: "1",
    });
  });

  it("an intranet email ITFlow holds (heidi@initech) does not block saving another field", async () => {
    rowOf(env.fake, 7)!.contact_email = "heidi@initech"; // accepted by ITFlow's web form (type=email)
    const b = bot();
    const form = await b.editForm({ contactId: 7 });
    expect(form.values.email).toBe("heidi@initech");
    const view = await b.submit(editSubmission(form, { title: "Operations Manager" }));
    expect(expectView(view, "card").saved?.changes).toEqual([
      { key: "title", label: "Title", before: "Office Manager", after: "Operations Manager" },
    ]);
    expect(rowOf(env.fake, 7)).toMatchObject({
      contact_email: "heidi@initech",
      contact_title: "Operations Manager",
    });
  });

  it("a location archived since it was set does not block saving another field", async () => {
    env.fake.state.locations.push(
      buildLocationRow({
        location_id: "3",
        location_name: "Acme Old Office",
        location_client_id: "1",
        location_archived_at: "2026-01-02 00:00:00",
      }),
    );
    rowOf(env.fake, 2)!.contact_location_id = "3";
    const b = bot();
    const form = await b.editForm({ contactId: 2 });
    expect(form.values.locationId).toBe(3);
    const view = await b.submit(editSubmission(form, { title: "CTO" }));
    expect(expectView(view, "card").saved?.changes).toEqual([
      { key: "title", label: "Title", before: "IT Manager", after: "CTO" },
    ]);
    expect(rowOf(env.fake, 2)).toMatchObject({ contact_location_id: "3", contact_title: "CTO" });
  });

  it("nothing changed → the card with no changes, and no write", async () => {
    const b = bot();
    for (const id of [1, 2, 3, 5]) {
      const form = await b.editForm({ contactId: id });
      const card = expectView(await b.submit(editSubmission(form, {}, `view-${id}`)), "card");
      expect(card.saved, `contact ${id}`).toEqual({
        created: false,
        changes: [],
        demotedPrimary: null,
        differences: [],
        cleaned: [],
      });
      expect(card.contact.id).toBe(id);
    }
    expect(updates()).toHaveLength(0);
  });

  it("someone changed the contact after the form opened → a conflict notice with their version, and no write", async () => {
    const b = bot();
    const form = await b.editForm({ contactId: 2 });
    rowOf(env.fake, 2)!.contact_title = "Head of IT"; // saved in ITFlow's web UI meanwhile
    const view = await b.submit(editSubmission(form, { department: "Infrastructure" }));
    const notice = expectView(view, "notice");
    expect(notice.level).toBe("conflict");
    expect(notice.text).toBe(
      "Bob Brown was changed in ITFlow after you opened this form, so nothing was saved. Here is the current version; press Edit to make your change on it.",
    );
    expect(notice.contact).toMatchObject({ id: 2, title: "Head of IT", department: "" });
    expect(updates()).toHaveLength(0);
    expect(rowOf(env.fake, 2)).toMatchObject({ contact_title: "Head of IT", contact_department: null });
    // Reopened, the form carries the new version and saves.
    const fresh = await b.editForm({ contactId: 2 });
    expect(fresh.version).not.toBe(form.version);
    const saved = expectView(
      await b.submit(editSubmission(fresh, { department: "Infrastructure" }, "view-2")),
      "card",
    );
    expect(saved.saved?.changes.map((c) => c.key)).toEqual(["department"]);
    expect(rowOf(env.fake, 2)).toMatchObject({
      contact_title: "Head of IT",
      contact_department: "Infrastructure",
    });
  });

  it("the contact was moved to another client meanwhile → conflict, and no write", async () => {
    const b = bot();
    const form = await b.editForm({ contactId: 2 });
    rowOf(env.fake, 2)!.contact_client_id = "3";
    const notice = expectView(await b.submit(editSubmission(form, { title: "CTO" })), "notice");
    expect(notice.level).toBe("conflict");
    expect(notice.contact?.client).toEqual({ id: 3, name: "Initech & Partners" });
    expect(updates()).toHaveLength(0);
  });

  it("the contact was deleted meanwhile → a notFound notice, and no write", async () => {
    const b = bot();
    const form = await b.editForm({ contactId: 2 });
    env.fake.state.contacts = env.fake.state.contacts.filter((r) => r.contact_id !== "2");
    expect(await b.submit(editSubmission(form, { title: "CTO" }))).toEqual({
      kind: "notice",
      level: "notFound",
      text: "Contact #2 no longer exists in ITFlow.",
    });
    expect(updates()).toHaveLength(0);
  });

  it("once a save found the contact deleted, find no longer shows it", async () => {
    const b = bot();
    const form = await b.editForm({ contactId: 2 });
    env.fake.state.contacts = env.fake.state.contacts.filter((r) => r.contact_id !== "2");
    expectView(await b.submit(editSubmission(form, { title: "CTO" })), "notice");
    // The bot was just told #2 is gone; its index must not keep offering a card for him.
    expect(await b.find("bob brown")).toEqual({
      kind: "notice",
      level: "notFound",
      text: 'No contact matches "bob brown".',
      createFrom: "bob brown",
    });
  });

  it("ITFlow failing the update (HTTP 500) → an error notice, and the same submission is tried again later", async () => {
    const b = bot();
    const form = await b.editForm({ contactId: 2 });
    env.fake.clearRequests();
    const submission = editSubmission(form, { title: "CTO" });

    const gate = new RequestGate(env.fake);
    const pending = b.submit(submission);
    expect((await gate.arrival()).query.contact_id).toBe("2"); // the directory's version check
    gate.pass();
    expect((await gate.arrival()).query.contact_id).toBe("2"); // the update recipe's read
    env.fake.failNext(1, { status: 500, body: "" }); // ...and the write after it fails
    gate.open();
    expect(await pending).toEqual({
      kind: "notice",
      level: "error",
      text: "ITFlow could not save this (HTTP 500, no details). This usually means a value is longer than its ITFlow column allows (200 characters for name, title, email, phones and department).",
    });
    expect(updates()).toHaveLength(1);
    expect(rowOf(env.fake, 2)?.contact_title).toBe("IT Manager");

    // The claim was released: the identical submission is really attempted again, and saves.
    const retry = expectView(await b.submit(submission), "card");
    expect(retry.saved?.changes).toEqual([
      { key: "title", label: "Title", before: "IT Manager", after: "CTO" },
    ]);
    expect(updates()).toHaveLength(2);
    expect(rowOf(env.fake, 2)?.contact_title).toBe("CTO");
  });

  it("the same edit submitted twice at once → one write, both get the card", async () => {
    const b = bot();
    const form = await b.editForm({ contactId: 2 });
    env.fake.setLatency(30);
    const [first, second] = await Promise.all([
      b.submit(editSubmission(form, { title: "CTO" })),
      b.submit(editSubmission(form, { title: "CTO" })),
    ]);
    expect(expectView(first, "card").saved?.changes.map((c) => c.key)).toEqual(["title"]);
    expect(second).toEqual(first);
    expect(updates()).toHaveLength(1);
  });

  it("a name with a NUL and a title with a right-to-left override: neither reaches ITFlow, and the save is not called unsaved", async () => {
    const b = bot();
    const form = await b.editForm({ contactId: 2 });
    const view = await b.submit(editSubmission(form, { name: "Bo\u0000b", title: "\u202Eexe.live" }));
    const card = expectView(view, "card");
    expect(card.contact).toMatchObject({ name: "Bob", title: "exe.live" });
    expect(card.saved).toMatchObject({ created: false, differences: [], cleaned: ["Name", "Title"] });
    const sent = updates()[0]?.body as Record<string, unknown>;
    expect(sent.contact_name).toBe("Bob");
    expect(sent.contact_title).toBe("exe.live");
    expect(rowOf(env.fake, 2)).toMatchObject({ contact_name: "Bob", contact_title: "exe.live" });
  });

  it("ITFlow storing a field otherwise than typed → saved, with what ITFlow holds named field by field", async () => {
    const b = bot();
    await b.ctx.directory.warm();
    const form = await b.editForm({ contactId: 2 });
    env.fake.clearRequests();
    const gate = new RequestGate(env.fake);
    const saving = b.submit(editSubmission(form, { title: "CTO", department: "IT" }));
    // Let the checks and the update through; hold the read-back.
    for (;;) {
      const request = await gate.arrival();
      gate.pass();
      if (request.path.endsWith("update.php")) break;
    }
    await gate.arrival();
    // Whatever ITFlow did on its side (a trigger, a collation, a plugin): it holds another title.
    rowOf(env.fake, 2)!.contact_title = "CTO (acting)";
    gate.open();
    const card = expectView(await saving, "card");
    expect(card.saved?.differences).toEqual([
      { key: "title", label: "Title", typed: "CTO", stored: "CTO (acting)" },
    ]);
    expect(card.saved?.changes.map((c) => [c.key, c.after])).toEqual([
      ["title", "CTO (acting)"],
      ["department", "IT"],
    ]);
    expect(card.contact.title).toBe("CTO (acting)");
  });

  it("a phone typed with its extension (555 123 4567 ext. 12) → the extension field holds 12", async () => {
    const b = bot();
    const form = await b.editForm({ contactId: 2 });
    const card = expectView(await b.submit(editSubmission(form, { phone: "555 123 4567 ext. 12" })), "card");
    expect(card.contact.phones[0]).toMatchObject({ digits: "5551234567", extension: "12" });
    expect(rowOf(env.fake, 2)).toMatchObject({ contact_phone: "5551234567", contact_extension: "12" });
  });

  it("making a contact primary → saved.demotedPrimary names Alice, who is no longer primary in ITFlow", async () => {
    const b = bot();
    const form = await b.editForm({ contactId: 2 });
    expect(form.primaryHolder).toBe("Alice Anderson");
    const card = expectView(await b.submit(editSubmission(form, { primary: true })), "card");
    expect(card.saved).toEqual({
      created: false,
      changes: [{ key: "primary", label: "Primary contact", before: false, after: true }],
      demotedPrimary: "Alice Anderson",
      differences: [],
      cleaned: [],
    });
    expect(rowOf(env.fake, 1)?.contact_primary).toBe("0");
    expect(rowOf(env.fake, 2)?.contact_primary).toBe("1");
    expect(expectView(await b.find("alice@acme.example"), "card").contact.flags.primary).toBe(false);
  });

  it("invalid values → the edit form again with errors per field, its contact and version kept, no write", async () => {
    const b = bot();
    const form = await b.editForm({ contactId: 2 });
    const submission = editSubmission(form, { name: "", email: "bob@", extension: "12a" });
    const view = expectView(await b.submit(submission), "form");
    // (Whether the reopened form repeats the primary hint is left open.)
    expect({ ...view, notice: form.notice }).toEqual({
      ...form,
      values: submission.values,
      errors: {
        name: "Name is required.",
        email: 'Email: "bob@" is not a valid email address.',
        extension: "Extension must be digits only, e.g. 101.",
      },
    });
    expect(updates()).toHaveLength(0);
  });

  it("an empty email is allowed on edit", async () => {
    const b = bot();
    const form = await b.editForm({ contactId: 2 });
    const card = expectView(await b.submit(editSubmission(form, { email: "" })), "card");
    expect(card.saved?.changes).toEqual([
      { key: "email", label: "Email", before: "bob@acme.example", after: "" },
    ]);
    expect(rowOf(env.fake, 2)?.contact_email).toBe("");
  });

  it("another client's location → errors.locationId, and no write", async () => {
    const b = bot();
    const form = await b.editForm({ contactId: 2 });
    const view = expectView(await b.submit(editSubmission(form, { locationId: "2" })), "form");
    expect(view.errors).toEqual({ locationId: "Location: choose one of this client's locations." });
    expect(updates()).toHaveLength(0);
  });

  it("another client's location is refused even when the submission does not name the client", async () => {
    const b = bot();
    const form = await b.editForm({ contactId: 2 });
    // The contact decides the client on edit (update.php gets its own client_id), so the location
    // must be checked against that client, whatever the form sent.
    const view = await b.submit({ ...editSubmission(form, { locationId: "2" }), clientId: null });
    expect(expectView(view, "form").errors).toEqual({
      locationId: "Location: choose one of this client's locations.",
    });
    expect(updates()).toHaveLength(0);
    expect(rowOf(env.fake, 2)?.contact_location_id).toBe("1");
  });

  it("changing the email to one another contact of the same client uses → caught before the write", async () => {
    const b = bot();
    const form = await b.editForm({ contactId: 2 });
    const view = await b.submit(editSubmission(form, { email: "alice@acme.example" }));
    expect(expectView(view, "form").errors).toEqual({
      email: "alice@acme.example is already used by Alice Anderson (#1) at Acme Corp.",
    });
    expect(updates()).toHaveLength(0);
    expect(rowOf(env.fake, 2)?.contact_email).toBe("bob@acme.example");
  });

  it("changing the email to one used only under another client is allowed", async () => {
    const b = bot();
    const form = await b.editForm({ contactId: 2 });
    const card = expectView(await b.submit(editSubmission(form, { email: "dave@globex.example" })), "card");
    expect(card.saved?.changes.map((c) => c.key)).toEqual(["email"]);
    expect(rowOf(env.fake, 2)?.contact_email).toBe("dave@globex.example");
  });

  it("a form that lost its contact id or version → asks to open Edit again, without asking ITFlow", async () => {
    const b = bot();
    const form = await b.editForm({ contactId: 2 });
    env.fake.clearRequests();
    const lost = {
      kind: "notice",
      level: "error",
      text: "This form lost track of its contact; open Edit again.",
    };
    expect(await b.submit({ ...editSubmission(form), version: null })).toEqual(lost);
    expect(await b.submit({ ...editSubmission(form), contactId: null })).toEqual(lost);
    expect(env.fake.requests).toHaveLength(0);
  });

  it("a read-only key → ITFlow's refusal as a notice, nothing changed", async () => {
    const b = bot({ apiKey: "KEY_READONLY" });
    const form = await b.editForm({ contactId: 2 });
    expect(await b.submit(editSubmission(form, { title: "CTO" }))).toEqual({
      kind: "notice",
      level: "error",
      text: "ITFlow refused: the ITFlow user behind the API key lacks the right to do this (its role) or access to this client.",
    });
    expect(rowOf(env.fake, 2)?.contact_title).toBe("IT Manager");
  });

  it("a key scoped to Acme edits Acme's contacts", async () => {
    const b = bot({ apiKey: "KEY_SCOPED_CLIENT1" });
    const form = await b.editForm({ query: "carol" });
    const card = expectView(await b.submit(editSubmission(form, { title: "Controller" })), "card");
    expect(card.saved?.changes.map((c) => c.key)).toEqual(["title"]);
    expect(rowOf(env.fake, 3)).toMatchObject({ contact_title: "Controller", contact_client_id: "1" });
  });
});
