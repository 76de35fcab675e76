// Logs carry ids, never contact data, at every level: at LOG_LEVEL=debug Bolt and the Slack Web API
// client log whole request bodies (a form's name, email, phones and notes), and logs are often
// shipped elsewhere. Real Slack and Discord adapters on the fakes, every log line scanned.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startDiscordHarness } from "../fakes/discord/harness.js";
import { type FakeItflow, startFakeItflow } from "../fakes/itflow/index.js";
import {
  APP_TOKEN,
  type BotUnderTest,
  type FakeSlack,
  startBot,
  startFakeSlack,
  stateOf,
} from "../fakes/slack/index.js";

// What a technician types into a form, and contact data the bot reads from ITFlow.
const TYPED = {
  name: "Quentin Quill",
  email: "quentin.quill@acme.example",
  phone: "555 246 8135",
  title: "Night Auditor",
  notes: "Gate code 9913; allergic to peanuts",
};
const CONTACT_DATA = [
  "Quentin",
  "quentin.quill",
  "5552468135",
  "246-8135",
  "246 8135",
  "Night Auditor",
  "Gate code",
  "peanuts",
  "Alice Anderson",
  "alice@acme.example",
  "5551234567",
  "123-4567",
  "Dave Davies",
  "dave@globex.example",
  "7700900123",
];

/** The contact form Slack shows, submitted as if `typed` had been typed into it. */
async function filledForm(slack: FakeSlack, bot: BotUnderTest, typed: Record<string, string>) {
  const form = await slack.waitFor(() => {
    for (const v of slack.views.values()) if (v.view.callback_id === "contact_form") return v;
    return undefined;
  });
  return bot.payloads.viewSubmission({
    id: form.id,
    hash: form.hash,
    callback_id: String(form.view.callback_id),
    private_metadata: String(form.view.private_metadata ?? ""),
    state: stateOf(form.view, typed),
  });
}

function leaks(lines: unknown[]): string[] {
  const text = JSON.stringify(lines);
  return CONTACT_DATA.filter((needle) => text.toLowerCase().includes(needle.toLowerCase()));
}

describe("logs at LOG_LEVEL=debug hold no contact data", () => {
  let itflow: FakeItflow;
  let slack: FakeSlack;
  beforeAll(async () => {
    itflow = await startFakeItflow();
    slack = await startFakeSlack({ appToken: APP_TOKEN });
  });
  beforeEach(() => {
    itflow.reset();
    slack.reset();
  });
  afterAll(async () => {
    await slack.close();
    await itflow.close();
  });

  it("Slack: find, Look up contact, edit form and save", async () => {
    const bot = await startBot(itflow, slack, { env: { LOG_LEVEL: "debug" } });
    try {
      await bot.core.ctx.directory.warm();
      const find = bot.payloads.slashCommand("find alice@acme.example");
      await bot.send(find.form);
      await slack.waitFor(() => slack.postsTo(find.responseUrl)[0]);
      const byPhone = bot.payloads.slashCommand("find +44 7700 900123");
      await bot.send(byPhone.form);
      await slack.waitFor(() => slack.postsTo(byPhone.responseUrl)[0]);
      const create = bot.payloads.slashCommand("new Acme Corp");
      await bot.send(create.form);
      await bot.send((await filledForm(slack, bot, TYPED)).form);
      await slack.waitFor(() => slack.postsTo(create.responseUrl)[0]);
      expect(itflow.state.contacts.some((c) => c.contact_name === "Quentin Quill")).toBe(true);
      expect(bot.logs.some((l) => l.level === 20)).toBe(true); // debug lines were written
      expect(leaks(bot.logs)).toEqual([]);
    } finally {
      await bot.stop();
    }
  });

  it("Slack Socket Mode: the envelopes (a query, typed form values) and their acks", async () => {
    const bot = await startBot(itflow, slack, {
      env: { LOG_LEVEL: "debug", SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: "" },
    });
    try {
      await slack.socketConnected();
      await bot.core.ctx.directory.warm();
      const find = bot.payloads.slashCommand("find dave@globex.example");
      await slack.sendEnvelope({ type: "slash_commands", payload: find.form });
      await slack.waitFor(() => slack.postsTo(find.responseUrl)[0]);
      const create = bot.payloads.slashCommand("new Acme Corp");
      await slack.sendEnvelope({ type: "slash_commands", payload: create.form });
      const submitted = await filledForm(slack, bot, { ...TYPED, email: "quentin.quill@initech.example" });
      await slack.sendEnvelope({
        type: "interactive",
        payload: JSON.parse(submitted.form.payload) as Record<string, unknown>,
      });
      await slack.waitFor(() => slack.postsTo(create.responseUrl)[0]);
      expect(bot.logs.some((l) => String(l.msg).startsWith("Received a message on the WebSocket"))).toBe(
        true,
      );
      expect(leaks(bot.logs)).toEqual([]);
    } finally {
      await bot.stop();
      await slack.socketClosed();
    }
  });

  it("Discord: find, a search that offers Create (its query rides in the button), Look up contact, a saved form", async () => {
    const h = await startDiscordHarness(); // logs at debug
    try {
      await h.send(h.ix.slash(h.tech, "find", { query: "alice@acme.example" }));
      const none = await h.send(h.ix.slash(h.tech, "find", { query: "quentin.quill@acme.example" }));
      expect(JSON.stringify(none.body)).toContain("nw:quentin.quill@acme.example");
      await h.send(h.ix.button(h.tech, "nw:quentin.quill@acme.example"));
      await h.send(h.ix.messageCommand(h.tech, "Call back Dave on +44 7700 900123 or dave@globex.example"));
      const opened = await h.send(h.ix.slash(h.tech, "new", { client: "Acme Corp" }));
      await h.send(
        h.ix.modalSubmit(h.tech, opened.body.data!, {
          name: TYPED.name,
          email: TYPED.email,
          phone: TYPED.phone,
          mobile: "",
          flags: [],
        }),
      );
      expect(h.itflow.state.contacts.some((c) => c.contact_name === "Quentin Quill")).toBe(true);
      expect(h.logs.some((l) => l.level === 20)).toBe(true);
      expect(leaks(h.logs)).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
