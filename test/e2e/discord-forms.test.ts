// Creating and editing contacts through Discord modals: the modal is always the first response,
// both steps save every field, validation errors offer "Fix it" with the user's input, duplicates
// and conflicts are caught, and a double submit creates one contact.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  controlsOf,
  type DiscordHarness,
  fieldsOf,
  messageOf,
  modalOf,
  startDiscordHarness,
} from "../fakes/discord/harness.js";

const textInput = (
  custom_id: string,
  label: string,
  required: boolean,
  placeholder: string,
  value: string,
) => ({
  type: 18,
  label,
  component: { type: 4, custom_id, style: 1, required, max_length: 200, placeholder, value },
});
/** Writes of a contact; the write-access probe (a create with only client_id) is none. */
const writes = (h: DiscordHarness, what: "create" | "update") =>
  h.itflow.requests.filter(
    (r) =>
      r.path.endsWith(`contacts/${what}.php`) &&
      (r.body as { contact_name?: unknown }).contact_name !== undefined,
  ).length;
const stored = (h: DiscordHarness, email: string) =>
  h.itflow.state.contacts.filter((c) => String(c.contact_email).toLowerCase() === email.toLowerCase());

describe("Discord: contact forms", () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await startDiscordHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("creates a contact through both steps: /contact new → step 1 → More details → step 2", async () => {
    const opened = await h.send(h.ix.slash(h.tech, "new", { client: "Acme Corp" }));
    const step1 = modalOf(opened);
    expect(h.discord.callbacks.filter((c) => c.interactionId === opened.interactionId)).toHaveLength(1);
    expect(step1.title).toBe("New contact at Acme Corp (1/2)");
    expect(Object.keys(fieldsOf(step1))).toEqual(["name", "email", "phone", "mobile", "flags"]);
    // Whom ticking Primary demotes is said under the Primary box, not over the whole form.
    expect(fieldsOf(step1).flags?.description).toBeUndefined();
    const primary = fieldsOf(step1).flags?.component?.options?.find((o) => o.value === "primary");
    expect(primary?.description).toBe("Alice Anderson is primary now; ticking this demotes them.");

    const created = messageOf(
      await h.send(
        h.ix.modalSubmit(h.tech, opened.body.data!, {
          name: "Nina New",
          email: "nina@acme.example",
          phone: "555-010-2030",
          mobile: "+44 7700 900777",
          flags: ["technical", "billing"],
        }),
      ),
    );
    expect(created.embeds[0]?.description).toMatch(/^✅ Created in ITFlow\./);
    const [row] = stored(h, "nina@acme.example");
    expect(row).toMatchObject({
      contact_name: "Nina New",
      contact_phone: "5550102030",
      contact_mobile: "447700900777",
      contact_technical: "1",
      contact_billing: "1",
      contact_primary: "0",
      contact_client_id: "1",
    });
    const id = Number(row?.contact_id);
    expect(controlsOf(created).slice(0, 3)).toEqual([`e1:${id}`, `e2:${id}`, `sh:${id}`]);

    const more = await h.send(h.ix.button(h.tech, `e2:${id}`));
    const step2 = modalOf(more);
    expect(step2.title).toBe("Edit Nina New (2/2)");
    const fields = fieldsOf(step2);
    expect(Object.keys(fields)).toEqual(["extension", "title", "department", "locationId", "notes"]);
    expect(fields.locationId?.component?.options?.map((o) => o.label)).toEqual(["No location", "Acme HQ"]);

    const saved = messageOf(
      await h.send(
        h.ix.modalSubmit(h.tech, more.body.data!, {
          title: "Network Engineer",
          department: "IT",
          extension: "ext. 204",
          locationId: ["1"],
          notes: "Prefers email.\nIn on Tuesdays.",
        }),
      ),
    );
    expect(saved.embeds[0]?.description).toMatch(/^✅ Saved 5 changes\./);
    expect(saved.embeds[0]?.fields?.[0]).toMatchObject({ name: "Changes" });
    expect(saved.embeds[0]?.fields?.[0]?.value).toContain("**Location:** (empty) → Acme HQ");
    expect(stored(h, "nina@acme.example")[0]).toMatchObject({
      contact_title: "Network Engineer",
      contact_department: "IT",
      contact_extension: "204",
      contact_location_id: "1",
      contact_notes: "Prefers email.\nIn on Tuesdays.",
      contact_technical: "1",
    });
  });

  it("asks for the client first when /contact new names none, then opens the form from the choice", async () => {
    const picker = messageOf(await h.send(h.ix.slash(h.tech, "new")));
    const select = picker.components[0]?.components[0];
    expect(select?.custom_id).toMatch(/^pc:/);
    expect(select?.options?.map((o) => o.label)).toEqual(["Acme Corp", "Globex Ltd", "Initech & Partners"]);
    const opened = await h.send(h.ix.select(h.tech, select?.custom_id ?? "", ["2"]));
    expect(modalOf(opened).title).toBe("New contact at Globex Ltd (1/2)");
    await h.send(
      h.ix.modalSubmit(h.tech, opened.body.data!, { name: "Gus Globex", email: "gus@globex.example" }),
    );
    expect(stored(h, "gus@globex.example")[0]?.contact_client_id).toBe("2");
  });

  it("prefills the form from a search that found nothing (Create contact)", async () => {
    const opened = await h.send(h.ix.button(h.tech, "nw:walt@acme.example"));
    const picker = messageOf(opened);
    const select = picker.components[0]?.components[0]?.custom_id ?? "";
    const modal = modalOf(await h.send(h.ix.select(h.tech, select, ["1"])));
    expect(fieldsOf(modal).email?.component?.value).toBe("walt@acme.example");
  });

  it("sends Alice Anderson's step-1 edit modal: five labelled inputs derived from the field table", async () => {
    const opened = await h.send(h.ix.button(h.tech, "e1:1"));
    expect(opened.body).toEqual({
      type: 9,
      data: {
        custom_id: expect.stringMatching(/^f1:[A-Za-z0-9_-]{12}:e:1:1:[A-Za-z0-9_-]{16}$/),
        title: "Edit Alice Anderson (1/2)",
        components: [
          textInput("name", "Name", true, "Jane Doe", "Alice Anderson"),
          textInput("email", "Email", false, "jane@example.com", "alice@acme.example"),
          textInput("phone", "Phone", false, "(555) 123-4567 or +44 20 7946 0958", "(555) 123-4567"),
          textInput("mobile", "Mobile", false, "+1 555 987 6543", "(555) 987-6543"),
          {
            type: 18,
            label: "Flags",
            component: {
              type: 22,
              custom_id: "flags",
              required: false,
              min_values: 0,
              max_values: 4,
              options: [
                {
                  label: "Primary contact",
                  value: "primary",
                  default: true,
                  description:
                    "The client's main contact; making this one primary demotes the current primary.",
                },
                { label: "Important", value: "important", default: true },
                { label: "Billing", value: "billing", default: false },
                { label: "Technical", value: "technical", default: false },
              ],
            },
          },
        ],
      },
    });
  });

  it("opens /contact edit as the first response, prefilled from the index, and saves what changed", async () => {
    const before = h.itflow.requests.length;
    const opened = await h.send(h.ix.slash(h.tech, "edit", { contact: "#2" }));
    const modal = modalOf(opened);
    // Opened from cached data: not one ITFlow request between the command and the modal.
    expect(h.itflow.requests.length).toBe(before);
    expect(modal.title).toBe("Edit Bob Brown (1/2)");
    expect(fieldsOf(modal).phone?.component?.value).toBe("(555) 123-4567");
    const saved = messageOf(
      await h.send(h.ix.modalSubmit(h.tech, opened.body.data!, { mobile: "555 222 4444" })),
    );
    expect(saved.embeds[0]?.description).toMatch(/^✅ Saved 1 change\./);
    expect(saved.embeds[0]?.fields?.[0]?.value).toBe("**Mobile:** (555) 222-3333 → (555) 222-4444");
    expect(h.itflow.state.contacts.find((c) => c.contact_id === "2")?.contact_mobile).toBe("5552224444");
  });

  it("names each bad field and reopens the form holding the input with Fix it", async () => {
    const opened = await h.send(h.ix.slash(h.tech, "new", { client: "Initech & Partners" }));
    const typed = { name: "Ivan Invalid", email: "ivan(at)initech", phone: "call me maybe" };
    const errors = messageOf(await h.send(h.ix.modalSubmit(h.tech, opened.body.data!, typed)));
    expect(errors.embeds[0]?.title).toBe("Not created yet: please fix these fields");
    expect(errors.embeds[0]?.description).toContain(
      '• Email: "ivan(at)initech" is not a valid email address.',
    );
    expect(errors.embeds[0]?.description).toContain(
      '• Phone: "call me maybe" is not a phone number I can read.',
    );
    const [fix] = controlsOf(errors);
    expect(fix).toMatch(/^fx1:/);
    expect(writes(h, "create")).toBe(2 + 0); // Nina and Gus only

    const again = await h.send(h.ix.button(h.tech, fix ?? ""));
    const reopened = modalOf(again);
    const fields = fieldsOf(reopened);
    expect(fields.name?.component?.value).toBe("Ivan Invalid");
    expect(fields.email?.component?.value).toBe("ivan(at)initech");
    expect(fields.email?.description).toBe('Email: "ivan(at)initech" is not a valid email address.');
    const created = messageOf(
      await h.send(h.ix.modalSubmit(h.tech, again.body.data!, { email: "ivan@initech.example", phone: "" })),
    );
    expect(created.embeds[0]?.description).toMatch(/^✅ Created/);
    expect(stored(h, "ivan@initech.example")[0]).toMatchObject({
      contact_name: "Ivan Invalid",
      contact_client_id: "3",
    });
  });

  it("catches a duplicate email in the client before writing", async () => {
    const creates = writes(h, "create");
    const opened = await h.send(h.ix.slash(h.tech, "new", { client: "Acme Corp" }));
    const errors = messageOf(
      await h.send(
        h.ix.modalSubmit(h.tech, opened.body.data!, { name: "Alice Again", email: "ALICE@acme.example" }),
      ),
    );
    expect(errors.embeds[0]?.description).toContain(
      "• alice@acme.example is already used by Alice Anderson (#1) at Acme Corp.",
    );
    expect(controlsOf(errors)[0]).toMatch(/^fx1:/);
    expect(writes(h, "create")).toBe(creates);
  });

  it("refuses to overwrite a contact changed in ITFlow after the form opened", async () => {
    const opened = await h.send(h.ix.button(h.tech, "e1:3"));
    const carol = h.itflow.state.contacts.find((c) => c.contact_id === "3");
    if (carol) carol.contact_title = "Head of Accounts";
    const updates = writes(h, "update");
    const answer = messageOf(
      await h.send(h.ix.modalSubmit(h.tech, opened.body.data!, { name: "Carol O'Connor-Smith" })),
    );
    expect(answer.embeds[0]?.description).toMatch(
      /^Carol O'Connor was changed in ITFlow after you opened this form, so nothing was saved\./,
    );
    expect(answer.embeds[1]?.description).toBe("Head of Accounts");
    expect(controlsOf(answer)[0]).toBe("e1:3");
    expect(writes(h, "update")).toBe(updates);
    expect(h.itflow.state.contacts.find((c) => c.contact_id === "3")?.contact_name).toBe("Carol O'Connor");
  });

  it("creates one contact when the same form is submitted twice at once", async () => {
    const opened = await h.send(h.ix.slash(h.tech, "new", { client: "Globex Ltd" }));
    const first = h.ix.modalSubmit(h.tech, opened.body.data!, {
      name: "Dora Double",
      email: "dora@globex.example",
    });
    const second = h.ix.modalSubmit(h.tech, opened.body.data!, {
      name: "Dora Double",
      email: "dora@globex.example",
    });
    const [a, b] = await Promise.all([h.send(first), h.send(second)]);
    const answers = await Promise.all(
      [a, b].map(async (cb) =>
        cb.body.type === 5 ? messageOf(await h.discord.webhookFor(cb.token)) : messageOf(cb),
      ),
    );
    expect(stored(h, "dora@globex.example")).toHaveLength(1);
    for (const answer of answers) expect(answer.embeds[0]?.title).toBe("Dora Double");
  });
});

describe("Discord: EDIT_ALLOW", () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await startDiscordHarness({ editAllowTechRole: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("lets members with an allowed role edit, and tells others they may not", async () => {
    expect(modalOf(await h.send(h.ix.button(h.tech, "e1:1"))).title).toBe("Edit Alice Anderson (1/2)");
    const denied = messageOf(await h.send(h.ix.button(h.visitor, "e1:1")));
    expect(denied.embeds[0]?.description).toMatch(/not allowed to create or edit contacts/);
    const card = messageOf(await h.send(h.ix.slash(h.visitor, "find", { query: "alice@acme.example" })));
    expect(controlsOf(card)).toEqual([
      "vc:1",
      "sh:1",
      `link:${h.itflow.url}/agent/contact_details.php?client_id=1&contact_id=1`,
    ]);
  });
});
