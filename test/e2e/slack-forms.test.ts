// Creating and editing contacts through Slack modals, end to end: the real Bolt app opens and updates
// modals on the fake Slack, receives signed view_submissions built from the exact modal it sent, and
// writes to the fake ITFlow. Dedupe is proven by counting create.php requests at the fake ITFlow.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeItflow, startFakeItflow } from "../fakes/itflow/index.js";
import {
  allText,
  type BotUnderTest,
  elementsOfType,
  type FakeSlack,
  type FakeView,
  startBot,
  startFakeSlack,
  stateOf,
  type Typed,
} from "../fakes/slack/index.js";

let itflow: FakeItflow;
let slack: FakeSlack;
let bot: BotUnderTest;

beforeAll(async () => {
  itflow = await startFakeItflow();
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
  await itflow.close();
});
beforeEach(async () => {
  itflow.reset();
  slack.reset();
  bot = await startBot(itflow, slack);
});
afterEach(async () => {
  await bot.stop();
});

/** Creates of a contact; the write-access probe (a create with only client_id) is none. */
const creates = () =>
  itflow.requests.filter(
    (r) =>
      r.path.endsWith("/contacts/create.php") &&
      (r.body as { contact_name?: unknown }).contact_name !== undefined,
  );
const updates = () => itflow.requests.filter((r) => r.path.endsWith("/contacts/update.php"));

interface InputBlock {
  type: string;
  block_id?: string;
  element?: Record<string, unknown>;
}
const inputs = (view: Record<string, unknown>) =>
  (view.blocks as InputBlock[]).filter((b) => b.type === "input" && b.block_id);
const initialValue = (view: Record<string, unknown>, blockId: string) =>
  inputs(view).find((b) => b.block_id === blockId)?.element?.initial_value;

/** Waits until the modal `id` shows the contact form, and returns it as Slack holds it. */
async function formShown(id?: string): Promise<FakeView> {
  return slack.waitFor(() => {
    for (const v of slack.views.values()) {
      if ((id === undefined || v.id === id) && v.view.callback_id === "contact_form") return v;
    }
    return undefined;
  });
}

/** Submits the modal as the user would after typing `typed`. */
function submit(view: FakeView, typed: Record<string, Typed> = {}, retryNum?: number) {
  const payload = bot.payloads.viewSubmission({
    id: view.id,
    hash: view.hash,
    callback_id: String(view.view.callback_id),
    private_metadata: String(view.view.private_metadata ?? ""),
    state: stateOf(view.view, typed),
  });
  return bot.send(payload.form, retryNum === undefined ? {} : { retryNum });
}

async function openEditFromCard(contactId: string) {
  const click = bot.payloads.buttonClick("contact_edit", contactId);
  const reply = await bot.send(click.form);
  expect(reply.status).toBe(200);
  expect(reply.ms).toBeLessThan(1000);
  const opened = await slack.waitFor(() => slack.callsTo("views.open")[0]);
  const form = await formShown();
  return { click, opened, form };
}

describe("edit", () => {
  it("the Edit button opens a Loading modal at once, then views.update fills it with the prefilled form", async () => {
    const { opened, form } = await openEditFromCard("1");
    const loading = opened.body.view as Record<string, unknown>;
    expect(loading.callback_id).toBe("contact_info");
    expect(allText(loading.blocks)).toContain("Asking ITFlow");
    const update = slack.callsTo("views.update").at(-1);
    expect(update?.body.view_id).toBe(form.id);
    expect((form.view.title as { text: string }).text).toBe("Edit contact");
    expect(initialValue(form.view, "name")).toBe("Alice Anderson");
    expect(initialValue(form.view, "email")).toBe("alice@acme.example");
    expect(initialValue(form.view, "phone")).toBe("(555) 123-4567");
    expect(initialValue(form.view, "extension")).toBe("101");
    expect(initialValue(form.view, "mobile")).toBe("(555) 987-6543");
    expect(initialValue(form.view, "title")).toBe("CEO");
    const location = inputs(form.view).find((b) => b.block_id === "locationId")?.element;
    expect(location?.initial_option).toMatchObject({ value: "1", text: { text: "Acme HQ" } });
    const flags = inputs(form.view).find((b) => b.block_id === "flags")?.element;
    expect(((flags?.initial_options ?? []) as Array<{ value: string }>).map((o) => o.value)).toEqual([
      "primary",
      "important",
    ]);
    expect(allText(form.view.blocks)).toContain("*Client:* Acme Corp");
  });

  it("saving closes the modal and posts the updated card privately, saying what changed", async () => {
    const { click, form } = await openEditFromCard("2");
    const reply = await submit(form, { title: "Head of IT" });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe("");
    const card = await slack.waitFor(() => slack.postsTo(click.responseUrl ?? "")[0]);
    expect(card.body.response_type).toBe("ephemeral");
    const text = allText(card.body.blocks);
    expect(text).toContain("*Saved.* What changed:");
    expect(text).toContain("Title: IT Manager → Head of IT");
    expect(updates()).toHaveLength(1);
    expect(itflow.state.contacts.find((c) => c.contact_id === "2")?.contact_title).toBe("Head of IT");
  });

  it("making a contact primary says the current primary is demoted, before and after", async () => {
    const { click, form } = await openEditFromCard("2");
    expect(allText(form.view.blocks)).toContain("Alice Anderson is this client's primary contact");
    await submit(form, { flags: ["primary", "technical"] });
    const card = await slack.waitFor(() => slack.postsTo(click.responseUrl ?? "")[0]);
    expect(allText(card.body.blocks)).toContain("Alice Anderson is no longer the client's primary contact");
  });

  it("invalid input is answered inline on the fields (response_action: errors), nothing written", async () => {
    const { form } = await openEditFromCard("1");
    itflow.clearRequests();
    const reply = await submit(form, { email: "alice-at-acme", phone: "12", extension: "ext one" });
    expect(reply.ms).toBeLessThan(1000);
    expect(reply.json?.response_action).toBe("errors");
    const errors = reply.json?.errors as Record<string, string>;
    expect(Object.keys(errors).sort()).toEqual(["email", "extension", "phone"]);
    expect(errors.email).toContain("is not a valid email address");
    expect(errors.phone).toContain("is not a phone number I can read");
    expect(updates()).toHaveLength(0);
  });

  it("conflict: the contact changed in ITFlow since the form opened → not saved, the current version shown", async () => {
    const { form } = await openEditFromCard("1");
    const alice = itflow.state.contacts.find((c) => c.contact_id === "1");
    if (!alice) throw new Error("seed changed");
    alice.contact_title = "Chief Executive (changed in ITFlow)";
    const reply = await submit(form, { title: "My change" });
    expect(reply.json?.response_action).toBe("update");
    const view = reply.json?.view as Record<string, unknown>;
    expect((view.title as { text: string }).text).toBe("Not saved");
    expect(allText(view.blocks)).toContain("was changed in ITFlow after you opened this form");
    expect(allText(view.blocks)).toContain("Chief Executive (changed in ITFlow)");
    expect(elementsOfType(view.blocks, "button").map((b) => b.action_id)).toContain("contact_edit");
    expect(updates()).toHaveLength(0);
    expect(alice.contact_title).toBe("Chief Executive (changed in ITFlow)");
  });

  it("/contact edit <query> with one match opens the form; with several, a list to pick from inside the modal", async () => {
    const one = bot.payloads.slashCommand("edit #4");
    await bot.send(one.form);
    const form = await formShown();
    expect(initialValue(form.view, "name")).toBe("Dave Davies");

    slack.reset();
    const several = bot.payloads.slashCommand("edit (555) 123-4567");
    await bot.send(several.form);
    const list = await slack.waitFor(() => slack.callsTo("views.update")[0]);
    const view = list.body.view as Record<string, unknown>;
    const rowButtons = elementsOfType(view.blocks, "button");
    expect(rowButtons.map((b) => [b.action_id, b.value])).toEqual([
      ["contact_edit", "1"],
      ["contact_edit", "2"],
    ]);
    // A row's Edit inside the modal reuses the modal: no second views.open.
    const click = bot.payloads.buttonClick("contact_edit", "2", {
      view: { id: String(list.body.view_id), private_metadata: String(view.private_metadata ?? "") },
    });
    await bot.send(click.form);
    const bob = await slack.waitFor(() => {
      const v = slack.views.get(String(list.body.view_id));
      return v?.view.callback_id === "contact_form" ? v : undefined;
    });
    expect(initialValue(bob.view, "name")).toBe("Bob Brown");
    expect(slack.callsTo("views.open")).toHaveLength(1);
  });
});

describe("create", () => {
  async function openCreate(text = "new Acme Corp") {
    const cmd = bot.payloads.slashCommand(text);
    const reply = await bot.send(cmd.form);
    expect(reply.status).toBe(200);
    return { cmd, form: await formShown() };
  }

  const NEW_GUY: Record<string, Typed> = {
    name: "Nina New",
    email: "nina@acme.example",
    phone: "555 010 2000",
    title: "Helpdesk Lead",
  };

  it("`/contact new <client>` opens the form with the client chosen and its locations; submit creates and posts the card", async () => {
    const { cmd, form } = await openCreate();
    const client = inputs(form.view).find((b) => b.block_id === "client")?.element;
    expect(client).toMatchObject({ type: "external_select", initial_option: { value: "1" } });
    const location = inputs(form.view).find((b) => b.block_id === "locationId")?.element;
    expect(((location?.options ?? []) as Array<{ value: string }>).map((o) => o.value)).toEqual(["0", "1"]);

    const reply = await submit(form, { ...NEW_GUY, locationId: { option: "1" } });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe("");
    const card = await slack.waitFor(() => slack.postsTo(cmd.responseUrl)[0]);
    const text = allText(card.body.blocks);
    expect(text).toContain("Created in ITFlow");
    expect(text).toContain("Nina New");
    expect(text).toContain("Acme HQ");
    expect(creates()).toHaveLength(1);
    expect(creates()[0]?.body).toMatchObject({
      contact_name: "Nina New",
      contact_email: "nina@acme.example",
    });
  });

  it("the client picker searches ITFlow clients, and picking one loads its locations keeping what was typed", async () => {
    const shortcut = bot.payloads.globalShortcut();
    await bot.send(shortcut.form);
    const form = await formShown();
    expect(inputs(form.view).find((b) => b.block_id === "locationId")).toBeUndefined();

    const options = await bot.send(bot.payloads.clientSearch("glo").form);
    expect(options.json).toEqual({
      options: [{ text: { type: "plain_text", text: "Globex Ltd", emoji: false }, value: "2" }],
    });

    const picked = bot.payloads.clientPicked(
      {
        id: form.id,
        hash: form.hash,
        private_metadata: String(form.view.private_metadata),
        state: stateOf(form.view, { name: "Typed Before", client: { option: "2" } }),
      },
      2,
    );
    await bot.send(picked.form);
    const reloaded = await slack.waitFor(() => {
      const v = slack.views.get(form.id);
      return v && v.hash !== form.hash ? v : undefined;
    });
    const location = inputs(reloaded.view).find((b) => b.block_id === "locationId")?.element;
    expect(((location?.options ?? []) as Array<{ text: { text: string } }>).map((o) => o.text.text)).toEqual([
      "No location",
      "Globex London",
    ]);
    expect(initialValue(reloaded.view, "name")).toBe("Typed Before");
    expect(allText(reloaded.view.blocks)).toContain("Dave Davies is this client's primary contact");
  });

  it("from the global shortcut (no conversation) the saved card replaces the modal", async () => {
    const shortcut = bot.payloads.globalShortcut();
    await bot.send(shortcut.form);
    const form = await formShown();
    const reply = await submit(form, { ...NEW_GUY, client: { option: "1" } });
    expect(reply.json?.response_action).toBe("update");
    const view = reply.json?.view as Record<string, unknown>;
    expect((view.title as { text: string }).text).toBe("Contact saved");
    expect(allText(view.blocks)).toContain("Nina New");
    expect(creates()).toHaveLength(1);
  });

  it("no client chosen → inline error on the picker", async () => {
    const shortcut = bot.payloads.globalShortcut();
    await bot.send(shortcut.form);
    const reply = await submit(await formShown(), NEW_GUY);
    expect(reply.json).toEqual({
      response_action: "errors",
      errors: { client: "Choose the client this contact belongs to." },
    });
  });

  it("a duplicate email in the same client is caught before the write, naming the existing contact", async () => {
    const { form } = await openCreate();
    const reply = await submit(form, { ...NEW_GUY, email: "Bob@Acme.Example" });
    expect(reply.json?.response_action).toBe("errors");
    expect((reply.json?.errors as Record<string, string> | undefined)?.email).toBe(
      "bob@acme.example is already used by Bob Brown (#2) at Acme Corp.",
    );
    expect(creates()).toHaveLength(0);
  });

  it("the Create button after 'no match' opens the form with the searched email filled in", async () => {
    const click = bot.payloads.buttonClick("contact_create", "nina@acme.example");
    await bot.send(click.form);
    const form = await formShown();
    expect(initialValue(form.view, "email")).toBe("nina@acme.example");
    expect((form.view.title as { text: string }).text).toBe("New contact");
  });

  it("a Slack retry and a double submit of the same form create exactly one contact", async () => {
    const { cmd, form } = await openCreate();
    itflow.setLatency(150);
    const [first, retry, double] = await Promise.all([
      submit(form, NEW_GUY),
      submit(form, NEW_GUY, 1),
      submit(form, NEW_GUY),
    ]);
    for (const reply of [first, retry, double]) {
      expect(reply.status).toBe(200);
      expect(reply.ms).toBeLessThan(3000);
    }
    itflow.setLatency(0);
    // Later still (a user clicking again after the card arrived): answered from the first save.
    const again = await submit(form, NEW_GUY, 2);
    expect(again.status).toBe(200);
    await slack.waitFor(() => slack.postsTo(cmd.responseUrl)[0]);
    expect(creates()).toHaveLength(1);
    expect(itflow.state.contacts.filter((c) => c.contact_name === "Nina New")).toHaveLength(1);
    // …and the card is posted once, not once per copy of the submission.
    await new Promise((r) => setTimeout(r, 200));
    expect(slack.postsTo(cmd.responseUrl)).toHaveLength(1);
  });
});

describe("ITFlow slow or down while saving", () => {
  it("a save slower than the budget acks with 'Saving…', then the modal shows the outcome", async () => {
    await bot.stop();
    bot = await startBot(itflow, slack, { timing: { submitBudgetMs: 100 } });
    const cmd = bot.payloads.slashCommand("new Acme Corp");
    await bot.send(cmd.form);
    const form = await formShown();
    itflow.setLatency(150);
    const reply = await submit(form, { name: "Slow Sam", email: "sam.slow@acme.example" });
    expect(reply.ms).toBeLessThan(1000);
    expect(reply.json?.response_action).toBe("update");
    expect(allText(reply.json?.view)).toContain("Saving to ITFlow");
    const done = await slack.waitFor(() => {
      const v = slack.views.get(form.id);
      return v && (v.view.title as { text: string }).text === "Contact saved" ? v : undefined;
    });
    expect(allText(done.view.blocks)).toContain("Slow Sam");
    await slack.waitFor(() => slack.postsTo(cmd.responseUrl)[0]);
    expect(creates()).toHaveLength(1);
  });

  it("ITFlow not answering: the form comes back with what was typed and says why, so nothing is lost", async () => {
    await bot.stop();
    bot = await startBot(itflow, slack, { timing: { submitBudgetMs: 200 } });
    const cmd = bot.payloads.slashCommand("new Acme Corp");
    await bot.send(cmd.form);
    const form = await formShown();
    itflow.hang(true);
    try {
      const reply = await submit(form, { name: "Hung Harry", email: "harry@acme.example" });
      expect(reply.ms).toBeLessThan(1000);
      const back = await slack.waitFor(() => {
        const v = slack.views.get(form.id);
        return v && allText(v.view.blocks).includes("Not saved") ? v : undefined;
      }, 15_000);
      // Three reads of 800 ms each (retries included): the message says the whole wait.
      expect(allText(back.view.blocks)).toMatch(/ITFlow did not answer within 2\.\d s\./);
      expect(initialValue(back.view, "name")).toBe("Hung Harry");
      expect(initialValue(back.view, "email")).toBe("harry@acme.example");
      expect(back.view.callback_id).toBe("contact_form");
    } finally {
      itflow.hang(false);
    }
    expect(creates()).toHaveLength(0);
  });

  it("opening the edit form while ITFlow is down fills the Loading modal with the reason", async () => {
    itflow.hang(true);
    try {
      const click = bot.payloads.buttonClick("contact_edit", "1");
      const reply = await bot.send(click.form);
      expect(reply.ms).toBeLessThan(1000);
      const opened = await slack.waitFor(() => slack.callsTo("views.open")[0]);
      expect(opened).toBeDefined();
      const final = await slack.waitFor(() => {
        const v = [...slack.views.values()][0];
        return v && allText(v.view.blocks).includes("did not answer") ? v : undefined;
      }, 15_000);
      expect(allText(final.view.blocks)).toMatch(/ITFlow did not answer/);
    } finally {
      itflow.hang(false);
    }
  });
});
