// Caller verification end to end on Slack (the real Bolt app receiving signed requests, answering
// through the fake Slack) and Discord (the real discord.js client on the fake gateway), against the
// fake ITFlow holding PINs: match, no match, no PIN, the lock after 3 wrong answers, the cap per
// technician, the lock shared by two bot instances on one real redis-server, and the audit
// channels. Every bot logs at trace; the last test scans every payload that reached the fake Slack
// and the fake Discord, and every log line, for the PINs and what was typed: none may appear.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type DiscordHarness,
  messageOf,
  modalOf,
  type SentMessage,
  startDiscordHarness,
} from "../fakes/discord/harness.js";
import { newUserId } from "../fakes/discord/index.js";
import { type FakeItflow, PINS, seedWithPins, startFakeItflow } from "../fakes/itflow/index.js";
import {
  APP_TOKEN,
  allText,
  type BotUnderTest,
  elementsOfType,
  type FakeSlack,
  type FakeView,
  type Person,
  startBot,
  startFakeSlack,
  stateOf,
  TECH,
} from "../fakes/slack/index.js";
import { REDIS_SKIP_REASON, type RedisServer, startRedis } from "../support/redis-server.js";

// ---- what the final test scans ------------------------------------------------------------------

/** Everything the bots sent to the fakes, and every line they logged, over the whole file. */
const seen = { slack: [] as unknown[], discord: [] as unknown[], logs: [] as unknown[] };
/** What technicians typed in this file besides the PINs themselves (wrong answers). */
const WRONG = ["kiwi-wrong-1", "kiwi-wrong-2", "kiwi-wrong-3", "kiwi-wrong-4"] as const;
const ALICE_PIN = PINS[1];
const DAVE_PIN = PINS[4];

function keepSlack(slack: FakeSlack, bots: BotUnderTest[]): void {
  seen.slack.push(...slack.calls.map((c) => c.body), ...slack.responses.map((r) => r.body));
  for (const b of bots) seen.logs.push(...b.logs);
}

function keepDiscord(h: DiscordHarness): void {
  seen.discord.push(
    ...h.discord.callbacks.map((c) => c.body),
    ...h.discord.webhooks.map((w) => w.body),
    ...[...h.discord.channelMessages.values()].map((m) => m.body),
  );
  seen.logs.push(...h.logs);
}

const infoLines = (logs: ReadonlyArray<Record<string, unknown>>) =>
  logs.filter((l) => l.msg === "caller verification");

// ---- Slack ----------------------------------------------------------------------------------------

const LOCKED_SLACK =
  /Verification for Alice Anderson is locked until <!date\^\d+\^\{time\}\|\d\d:\d\d> after 3 failed attempts\./;

class SlackTech {
  readonly acks: unknown[] = [];
  constructor(
    private readonly bot: BotUnderTest,
    private readonly slack: FakeSlack,
    readonly who: Person = TECH,
  ) {}

  /** `/contact verify <query>`, after forgetting the modals shown so far. */
  async command(query: string) {
    this.slack.views.clear();
    const cmd = this.bot.payloads.slashCommand(`verify ${query}`, this.who);
    expect((await this.bot.send(cmd.form)).status).toBe(200);
    return cmd;
  }

  /** Waits for the modal opened from `triggerId`, or updated in place, to show `callbackId`. */
  async modal(callbackId: string, previous?: string): Promise<FakeView> {
    return this.slack.waitFor(() =>
      [...this.slack.views.values()].find((v) => v.view.callback_id === callbackId && v.hash !== previous),
    );
  }

  /** Types `typed` into the verify form and submits it: the modal the ack put in its place. */
  async submit(form: FakeView, typed: string): Promise<Record<string, unknown>> {
    const payload = this.bot.payloads.viewSubmission(
      {
        id: form.id,
        hash: form.hash,
        callback_id: String(form.view.callback_id),
        private_metadata: String(form.view.private_metadata ?? ""),
        state: stateOf(form.view, { caller_says: typed }),
      },
      this.who,
    );
    const reply = await this.bot.send(payload.form);
    expect(reply.status).toBe(200);
    this.acks.push(reply.json);
    expect(reply.json?.response_action).toBe("update");
    return reply.json?.view as Record<string, unknown>;
  }

  /** Opens the form for `query` and submits `typed`: the answer's text. */
  async verify(query: string, typed: string): Promise<string> {
    await this.command(query);
    const form = await this.modal("contact_verify_form");
    return allText((await this.submit(form, typed)).blocks);
  }
}

describe("Slack", () => {
  let itflow: FakeItflow;
  let slack: FakeSlack;
  let bot: BotUnderTest;
  let tech: SlackTech;
  const env = { LOG_LEVEL: "trace", VERIFY_AUDIT_SLACK_CHANNEL: "C0AUDIT" };

  beforeAll(async () => {
    itflow = await startFakeItflow({ seed: seedWithPins() });
    slack = await startFakeSlack();
  });
  beforeEach(async () => {
    itflow.reset();
    slack.reset();
    bot = await startBot(itflow, slack, { env });
    tech = new SlackTech(bot, slack);
  });
  afterEach(async () => {
    await bot.stop();
    keepSlack(slack, [bot]);
    seen.slack.push(...tech.acks);
  });
  afterAll(async () => {
    await slack.close();
    await itflow.close();
  });

  const audits = () => slack.callsTo("chat.postMessage");

  it("/contact verify opens the one-field form; the right PIN is answered privately, logged and audited", async () => {
    const cmd = await tech.command("alice@acme.example");
    const opened = await slack.waitFor(() => slack.callsTo("views.open")[0]);
    expect(opened.body.trigger_id).toBe(cmd.triggerId);
    const form = await tech.modal("contact_verify_form");
    expect(allText(form.view.title)).toBe("Verify caller");
    const inputs = (form.view.blocks as Array<Record<string, unknown>>).filter((b) => b.type === "input");
    expect(inputs.map((b) => [b.block_id, allText(b.label)])).toEqual([
      ["caller_says", "What the caller says"],
    ]);
    expect(allText(form.view.blocks)).toContain("*Alice Anderson* — Acme Corp");

    const answer = await tech.submit(form, "  quokka  7351 ");
    expect(allText(answer.blocks)).toContain("✅ Alice Anderson (Acme Corp) gave the right PIN.");
    expect(allText(answer.blocks)).toContain("Alice Anderson · Acme Corp · ITFlow contact #1");
    // Nothing went to the channel: the form and its answer are seen by the technician alone.
    expect(slack.postsTo(cmd.responseUrl)).toEqual([]);

    const audit = await slack.waitFor(() => audits()[0]);
    expect(audit.body).toMatchObject({
      channel: "C0AUDIT",
      text: "🔐 tech verified Alice Anderson (Acme Corp): match",
      link_names: "false",
      parse: "none",
    });
    expect(infoLines(bot.logs)).toEqual([
      expect.objectContaining({
        level: 30,
        platform: "slack",
        user: "U0TECH",
        contactId: 1,
        clientId: 1,
        result: "match",
      }),
    ]);
  });

  it("Verify caller on a card; wrong answers count down with Try again; the third locks, then even the right PIN is refused", async () => {
    const find = bot.payloads.slashCommand("find alice@acme.example");
    await bot.send(find.form);
    const card = await slack.waitFor(() => slack.postsTo(find.responseUrl)[0]);
    const verifyButton = elementsOfType(card.body.blocks, "button").find(
      (b) => b.action_id === "contact_verify",
    );
    expect(verifyButton).toMatchObject({ value: "1", text: { text: "Verify caller" } });

    await bot.send(bot.payloads.buttonClick("contact_verify", "1").form);
    let form = await tech.modal("contact_verify_form");
    let answer = await tech.submit(form, WRONG[0]);
    expect(allText(answer.blocks)).toContain(
      "❌ That is not Alice Anderson's PIN. 2 tries left before verification is locked for 15 minutes.",
    );
    const retry = elementsOfType(answer.blocks, "button").find((b) => b.action_id === "contact_verify");
    expect(retry).toMatchObject({ value: "1", text: { text: "Try again" } });

    // Try again, inside the modal: the same modal shows the form again.
    await bot.send(
      bot.payloads.buttonClick("contact_verify", "1", {
        view: { id: form.id, private_metadata: String(answer.private_metadata ?? "") },
      }).form,
    );
    form = await tech.modal("contact_verify_form", form.hash);
    answer = await tech.submit(form, WRONG[1]);
    expect(allText(answer.blocks)).toContain("1 try left before verification is locked for 15 minutes.");

    expect(await tech.verify("#1", WRONG[2])).toMatch(
      new RegExp(`^❌ That is not Alice Anderson's PIN\\. ${LOCKED_SLACK.source}`),
    );
    expect(
      bot.logs.filter((l) => l.level === 40 && String(l.msg).startsWith("caller verification locked")),
    ).toEqual([expect.objectContaining({ platform: "slack", user: "U0TECH", contactId: 1, clientId: 1 })]);
    const reads = itflow.requests.filter((r) => r.query.contact_id === "1").length;
    expect(reads).toBe(3);

    // Locked: the command shows the lock instead of the form, and ITFlow is not asked for the PIN.
    await tech.command("alice anderson");
    const locked = await tech.modal("contact_info");
    expect(allText(locked.view.blocks)).toMatch(new RegExp(`^🔒 ${LOCKED_SLACK.source}`));
    expect(itflow.requests.filter((r) => r.query.contact_id === "1")).toHaveLength(reads);
    expect(audits().map((c) => c.body.text)).toEqual([
      "🔐 tech verified Alice Anderson (Acme Corp): no match",
      "🔐 tech verified Alice Anderson (Acme Corp): no match",
      "🔐 tech verified Alice Anderson (Acme Corp): no match, now locked",
    ]);
  });

  it("no PIN on file: says so and gives the number on record to call back", async () => {
    expect(await tech.verify("bob@acme.example", "1234")).toContain(
      "⚠️ No PIN is on file for Bob Brown (Acme Corp). To verify the caller, call back on the number on record: (555) 123-4567",
    );
  });

  it("one technician gets 10 attempts in 15 minutes over all contacts; the 11th is refused, another technician is not", async () => {
    await tech.command("heidi@initech.example");
    const form = await tech.modal("contact_verify_form");
    for (let i = 0; i < 10; i++) {
      expect(allText((await tech.submit(form, `x${i}`)).blocks)).toContain("No PIN and no phone number");
    }
    expect(await tech.verify("alice@acme.example", ALICE_PIN)).toMatch(
      /^⏳ You have made 10 verification attempts in the last 15 minutes; you can verify again at <!date\^\d+\^\{time\}\|\d\d:\d\d>\./,
    );
    const colleague = new SlackTech(bot, slack, { userId: "U0COLLEAGUE", teamId: "T0HOME" });
    expect(await colleague.verify("alice@acme.example", ALICE_PIN)).toContain("gave the right PIN");
    seen.slack.push(...colleague.acks);
    expect(
      bot.logs.filter((l) => l.level === 40 && String(l.msg).includes("reached 10 caller verifications")),
    ).toHaveLength(1);
  });

  it("the audit line is escaped: markup in a contact's name pings nobody", async () => {
    const heidi = itflow.state.contacts.find((c) => c.contact_id === "7");
    if (heidi) heidi.contact_name = "<!channel> *Heidi* <@U0BOSS>";
    await tech.verify("#7", "1");
    const audit = await slack.waitFor(() => audits()[0]);
    expect(audit.body.text).toBe(
      "🔐 tech verified &lt;!channel&gt; *\u200bHeidi*\u200b &lt;@U0BOSS&gt; (Initech &amp; Partners): no PIN on file",
    );
    expect(JSON.stringify(audit.body)).not.toMatch(/<!channel>|<@U0BOSS>/);
  });

  it("VERIFY_ALLOW: a technician it leaves out gets no button and a private refusal", async () => {
    await bot.stop();
    bot = await startBot(itflow, slack, { env: { ...env, VERIFY_ALLOW: "slack:U0SOMEONE" } });
    tech = new SlackTech(bot, slack);
    const find = bot.payloads.slashCommand("find alice@acme.example");
    await bot.send(find.form);
    const card = await slack.waitFor(() => slack.postsTo(find.responseUrl)[0]);
    expect(elementsOfType(card.body.blocks, "button").map((b) => b.action_id)).not.toContain(
      "contact_verify",
    );
    const cmd = await tech.command("alice");
    const refusal = await slack.waitFor(() => slack.postsTo(cmd.responseUrl)[0]);
    expect(allText(refusal.body.blocks)).toContain(
      "You are not allowed to verify callers. An admin can add you to VERIFY_ALLOW.",
    );
    expect(slack.callsTo("views.open")).toEqual([]);
  });

  it("Socket Mode at trace level: the submission's debug lines are withheld, the answer still comes", async () => {
    await bot.stop();
    bot = await startBot(itflow, slack, {
      env: { ...env, SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: "" },
    });
    await slack.socketConnected();
    const meta = JSON.stringify({ c: 1, r: null });
    const ack = await slack.sendEnvelope({
      type: "interactive",
      payload: {
        type: "view_submission",
        user: { id: "U0TECH", name: "tech", username: "tech", team_id: "T0HOME" },
        team: { id: "T0HOME", domain: "home" },
        trigger_id: slack.newTriggerId(),
        view: {
          id: "V0SOCKET",
          type: "modal",
          callback_id: "contact_verify_form",
          private_metadata: meta,
          state: { values: { caller_says: { caller_says: { type: "plain_text_input", value: ALICE_PIN } } } },
        },
      },
    });
    seen.slack.push(ack);
    expect(allText((ack as { view?: unknown }).view)).toContain("gave the right PIN");
    // Socket Mode logged the message it received, without its contents (the form and the PIN).
    expect(bot.logs.some((l) => String(l.msg).endsWith("[contents not logged]"))).toBe(true);
    expect(bot.logs.some((l) => JSON.stringify(l).includes(ALICE_PIN))).toBe(false);
    await bot.stop();
    await slack.socketClosed();
  });
});

// ---- Discord ----------------------------------------------------------------------------------------

const LOCKED_DISCORD = /locked until <t:\d+:t> after 3 failed attempts\./;

describe("Discord", () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await startDiscordHarness({ seed: seedWithPins(), logLevel: "trace", auditChannel: true });
  });
  afterEach(() => {
    keepDiscord(h);
    h.discord.reset();
    h.logs.length = 0;
  });
  afterAll(async () => {
    await h?.close();
  });

  const answerOf = async (modalData: Record<string, unknown>, typed: string, who = h.tech) =>
    messageOf(await h.send(h.ix.modalSubmit(who, modalData, { caller_says: typed })));
  const describeOf = (m: SentMessage) => m.embeds[0]?.description ?? "";

  it("/contact verify contact: opens the modal first; the right PIN is answered privately, logged and audited", async () => {
    const choices = await h.send(h.ix.autocomplete(h.tech, "verify", "contact", "alice"));
    expect((choices.body.data as { choices: Array<{ value: string }> }).choices[0]?.value).toBe("#1");

    const opened = await h.send(h.ix.slash(h.tech, "verify", { contact: "#1" }));
    const modal = modalOf(opened);
    expect(modal.custom_id).toBe("vf:1");
    expect(modal.title).toBe("Verify Alice Anderson");
    expect(modal.components.map((c) => [c.label, c.component?.custom_id])).toEqual([
      ["What the caller says", "caller_says"],
    ]);

    const reply = await h.send(
      h.ix.modalSubmit(h.tech, opened.body.data ?? {}, { caller_says: "QUOKKA 7351" }),
    );
    expect(reply.body.type).toBe(4);
    const message = messageOf(reply);
    expect(message.flags).toBe(64);
    expect(describeOf(message)).toBe("✅ Alice Anderson (Acme Corp) gave the right PIN.");
    expect(message.embeds[0]?.footer?.text).toBe("Alice Anderson · Acme Corp · ITFlow contact #1");

    await h.discord.callbackFor(reply.interactionId);
    const audit = await waitUntil(() => [...h.discord.channelMessages.values()][0]);
    expect(audit.body).toEqual({
      content: "🔐 tech (global) verified Alice Anderson (Acme Corp): match",
      allowed_mentions: { parse: [] },
    });
    expect(infoLines(h.logs as Array<Record<string, unknown>>)).toEqual([
      expect.objectContaining({
        level: 30,
        platform: "discord",
        user: h.tech.userId,
        contactId: 1,
        result: "match",
      }),
    ]);
  });

  it("Verify caller on a card; three wrong answers lock the contact; the lock answers the button at once", async () => {
    const card = messageOf(await h.send(h.ix.slash(h.tech, "find", { query: "dave@globex.example" })));
    const buttons = card.components[0]?.components ?? [];
    expect(buttons.map((b) => b.label)).toEqual([
      "Edit",
      "More details",
      "Verify caller",
      "Share in channel",
      "Open in ITFlow",
    ]);
    expect(buttons[2]?.custom_id).toBe("vc:4");

    let modal = await h.send(h.ix.button(h.tech, "vc:4"));
    expect(modalOf(modal).custom_id).toBe("vf:4");
    let answer = await answerOf(modal.body.data ?? {}, WRONG[0]);
    expect(describeOf(answer)).toBe(
      "❌ That is not Dave Davies's PIN. 2 tries left before verification is locked for 15 minutes.",
    );
    expect(answer.components[0]?.components.map((b) => [b.label, b.custom_id])).toEqual([
      ["Try again", "vc:4"],
    ]);
    modal = await h.send(h.ix.button(h.tech, "vc:4"));
    answer = await answerOf(modal.body.data ?? {}, WRONG[1]);
    expect(describeOf(answer)).toContain("1 try left");
    modal = await h.send(h.ix.slash(h.tech, "verify", { contact: "#4" }));
    answer = await answerOf(modal.body.data ?? {}, WRONG[2]);
    expect(describeOf(answer)).toMatch(
      /^❌ That is not Dave Davies's PIN\. Verification for Dave Davies is /,
    );
    expect(describeOf(answer)).toMatch(LOCKED_DISCORD);
    expect(answer.components).toEqual([]);
    expect(
      h.logs.filter((l) => l.level === 40 && l.msg.startsWith("caller verification locked")),
    ).toHaveLength(1);

    const locked = messageOf(await h.send(h.ix.button(h.tech, "vc:4")));
    expect(describeOf(locked)).toMatch(/^🔒 Verification for Dave Davies is /);
    expect(describeOf(locked)).toMatch(LOCKED_DISCORD);
    expect(locked.flags).toBe(64);
  });

  it("no PIN on file: says so and gives the number on record to call back", async () => {
    const modal = await h.send(h.ix.slash(h.tech, "verify", { contact: "#2" }));
    expect(describeOf(await answerOf(modal.body.data ?? {}, "1234"))).toBe(
      "⚠️ No PIN is on file for Bob Brown (Acme Corp). To verify the caller, call back on the number on record: (555) 123-4567",
    );
  });

  it("one technician gets 10 attempts in 15 minutes; the 11th is refused", async () => {
    const someone = { ...h.tech, userId: newUserId(), username: "someone" };
    const modal = await h.send(h.ix.slash(someone, "verify", { contact: "#7" }));
    for (let i = 0; i < 10; i++) {
      expect(describeOf(await answerOf(modal.body.data ?? {}, `x${i}`, someone))).toContain(
        "No PIN and no phone",
      );
    }
    const alice = await h.send(h.ix.slash(someone, "verify", { contact: "#1" }));
    expect(describeOf(await answerOf(alice.body.data ?? {}, ALICE_PIN, someone))).toMatch(
      /^⏳ You have made 10 verification attempts in the last 15 minutes; you can verify again at <t:\d+:t>\./,
    );
  });
});

async function waitUntil<T>(find: () => T | undefined, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

// ---- two instances, one Redis ----------------------------------------------------------------------

if (REDIS_SKIP_REASON) console.warn(REDIS_SKIP_REASON);

describe.skipIf(REDIS_SKIP_REASON !== null)("two bot instances sharing one redis-server", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("Slack: three wrong answers through one instance lock the contact on the other", async () => {
    const itflow = await startFakeItflow({ seed: seedWithPins() });
    const slack = await startFakeSlack();
    const env = { LOG_LEVEL: "trace", STORE_URL: `${redis.url}/1` };
    const [a, b] = [await startBot(itflow, slack, { env }), await startBot(itflow, slack, { env })];
    try {
      const [onA, onB] = [
        new SlackTech(a, slack),
        new SlackTech(b, slack, { userId: "U0OTHER", teamId: "T0HOME" }),
      ];
      expect(await onA.verify("alice@acme.example", WRONG[0])).toContain("2 tries left");
      expect(await onB.verify("alice@acme.example", WRONG[1])).toContain("1 try left");
      expect(await onA.verify("alice@acme.example", WRONG[2])).toMatch(LOCKED_SLACK);
      await onB.command("alice@acme.example");
      const locked = await onB.modal("contact_info");
      expect(allText(locked.view.blocks)).toMatch(new RegExp(`^🔒 ${LOCKED_SLACK.source}`));
      seen.slack.push(...onA.acks, ...onB.acks);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      keepSlack(slack, [a, b]);
      await slack.close();
      await itflow.close();
    }
  });

  it("Discord: the lock set through one instance holds on the other, for the right PIN too", async () => {
    const env = { STORE_URL: `${redis.url}/2` };
    const options = { seed: seedWithPins(), logLevel: "trace", env };
    const [one, two] = [await startDiscordHarness(options), await startDiscordHarness(options)];
    try {
      for (const [i, typed] of WRONG.slice(0, 3).entries()) {
        const h = i === 1 ? two : one;
        const modal = await h.send(h.ix.slash(h.tech, "verify", { contact: "#1" }));
        await h.send(h.ix.modalSubmit(h.tech, modal.body.data ?? {}, { caller_says: typed }));
      }
      const locked = messageOf(await two.send(two.ix.slash(two.tech, "verify", { contact: "#1" })));
      expect(locked.embeds[0]?.description).toMatch(
        /^🔒 Verification for Alice Anderson is locked until <t:\d+:t>/,
      );
      // The wrong answer through the other instance counted: the third one, on the first, locked it.
      const log = one.logs.filter((l) => l.msg.startsWith("caller verification locked"));
      expect(log).toHaveLength(1);
    } finally {
      keepDiscord(one);
      keepDiscord(two);
      await Promise.all([one.close(), two.close()]);
    }
  });
});

// ---- nothing leaks ----------------------------------------------------------------------------------

describe("the PINs and what was typed", () => {
  it("appear in no payload sent to the fake Slack or the fake Discord, and in no log line at trace level", () => {
    // The scan covered real traffic: answers on both platforms and trace-level lines.
    expect(seen.slack.length).toBeGreaterThan(30);
    expect(seen.discord.length).toBeGreaterThan(20);
    const levels = new Set(seen.logs.map((l) => (l as { level: number }).level));
    expect(levels.has(10) || levels.has(20)).toBe(true);
    expect(
      seen.logs.filter((l) => (l as { msg?: string }).msg === "caller verification").length,
    ).toBeGreaterThan(30);

    const everything = JSON.stringify(seen).toLowerCase();
    for (const secret of [ALICE_PIN, DAVE_PIN, ...WRONG]) {
      expect(everything, secret).not.toContain(secret.toLowerCase());
    }
    // Nor a recognisable part of one (the digits alone would match ids and timestamps by chance).
    for (const part of ["quokka", "marmot"]) expect(everything, part).not.toContain(part);
  });
});
