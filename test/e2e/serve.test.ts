// `npm start` end to end, as a new user runs it: the real `itflow-contact serve` as a child process
// (clean environment, a working directory without .env) against the fake ITFlow, the fake Slack
// (HTTP mode and Socket Mode) and the fake Discord, observed through GET /health, what reaches the
// fakes, its exit code and what it prints.
import { SnowflakeUtil } from "discord.js";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { messageOf } from "../fakes/discord/harness.js";
import {
  type FakeDiscord,
  Interactions,
  newUserId,
  startFakeDiscord,
  type Who,
} from "../fakes/discord/index.js";
import { type FakeItflow, startFakeItflow } from "../fakes/itflow/index.js";
import {
  APP_TOKEN,
  allText,
  BOT_TOKEN,
  type FakeSlack,
  type FakeView,
  SIGNING_SECRET,
  SlackPayloads,
  sendSigned,
  startFakeSlack,
  stateOf,
} from "../fakes/slack/index.js";
import {
  exitWithin,
  freePort,
  getHealth,
  killAll,
  removeTempDirs,
  spawnServe,
  waitForHealth,
} from "./support/serve-process.js";

afterAll(async () => {
  await killAll();
  removeTempDirs();
});

// These children exit on their own within seconds; afterAll kills any that do not.
describe.concurrent("serve: configuration mistakes", () => {
  it("with no chat platform configured, exits 2 and says how to configure Slack or Discord", async () => {
    const proc = spawnServe({});
    const { code } = await exitWithin(proc, 15_000);
    const { stderr } = proc.output();
    expect(code).toBe(2);
    expect(stderr).toContain("No chat platform is configured");
    expect(stderr).toMatch(/Slack:\s+set SLACK_BOT_TOKEN and SLACK_APP_TOKEN/);
    expect(stderr).toContain("SLACK_SIGNING_SECRET");
    expect(stderr).toContain("Discord: set DISCORD_TOKEN, DISCORD_APPLICATION_ID and DISCORD_GUILD_IDS");
  });

  it("lists every bad variable in one message, exits 2 and echoes no secret", async () => {
    const apiKey = "itflow-secret-key-93c1f0a7";
    const botToken = "xoxb-9999-8888-secretbottoken";
    const proc = spawnServe({
      ITFLOW_URL: "http://127.0.0.1:9",
      ITFLOW_API_KEY: apiKey,
      ITFLOW_TIMEOUT_MS: "abc",
      SLACK_BOT_TOKEN: botToken,
      HEALTH_PORT: "not-a-port",
    });
    const { code } = await exitWithin(proc, 15_000);
    const { stdout, stderr } = proc.output();
    expect(code).toBe(2);
    // One message…
    expect(stderr.match(/The bot is not configured correctly/g)).toHaveLength(1);
    // …naming every problem, one line each.
    const problems = stderr.split("\n").filter((l) => l.startsWith("  - "));
    expect(problems.some((l) => l.includes("ITFLOW_TIMEOUT_MS"))).toBe(true);
    expect(
      problems.some((l) => l.includes("SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)")),
    ).toBe(true);
    expect(problems.some((l) => l.includes("HEALTH_PORT"))).toBe(true);
    expect(problems).toHaveLength(3);
    // Nothing started, so nothing on stdout; and no secret anywhere.
    expect(stdout).toBe("");
    for (const secret of [apiKey, botToken]) expect(stdout + stderr).not.toContain(secret);
  });
});

describe("serve: Slack (HTTP mode) and Discord together", () => {
  let itflow: FakeItflow;
  let slack: FakeSlack;
  let discord: FakeDiscord;

  beforeEach(async () => {
    itflow = await startFakeItflow();
    slack = await startFakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
  });
  afterEach(async () => {
    await killAll();
    await discord?.close();
    await slack.close();
    await itflow.close();
  });

  /** `serve` with Slack (HTTP mode) and Discord on the fakes; `extra` adds or overrides variables. */
  async function serveBoth(extra: Record<string, string> = {}) {
    const guildId = SnowflakeUtil.generate().toString();
    const channelId = SnowflakeUtil.generate().toString();
    discord = await startFakeDiscord({ guilds: [{ id: guildId, name: "Helpdesk", channelId }] });
    const slackPort = await freePort();
    const proc = spawnServe({
      ITFLOW_URL: itflow.url,
      ITFLOW_API_KEY: "KEY_ADMIN",
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_PORT: String(slackPort),
      SLACK_HOST: "127.0.0.1",
      SLACK_API_URL: slack.apiUrl,
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_GUILD_IDS: guildId,
      DISCORD_API_URL: discord.apiUrl,
      ...extra,
    });
    return { proc, guildId, channelId, slackPort };
  }

  it("starts both, reports healthy, answers a Slack and a Discord /contact find, then degrades when ITFlow fails", async () => {
    const healthPort = await freePort();
    const { proc, guildId, channelId, slackPort } = await serveBoth({
      ITFLOW_TIMEOUT_MS: "1000",
      HEALTH_PORT: String(healthPort),
    });

    // Connected first; the list loads behind.
    const healthy = await waitForHealth(
      proc,
      healthPort,
      (h) => h.status === 200 && h.body.directory.contacts > 0,
    );
    expect(healthy.body).toMatchObject({
      ok: true,
      itflow: { ok: true },
      store: { ok: true, kind: expect.any(String) },
      adapters: { slack: { connected: true }, discord: { connected: true } },
    });
    expect(healthy.body.directory.contacts).toBeGreaterThan(0);
    const firstCheck = Date.parse(healthy.body.itflow.checkedAt);

    // Slack: a signed slash command on SLACK_PORT, acked at once, the card on the response_url.
    const payloads = new SlackPayloads(slack);
    const cmd = payloads.slashCommand("find alice@acme.example");
    const ack = await sendSigned(`http://127.0.0.1:${slackPort}/slack/events`, SIGNING_SECRET, cmd.form);
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(3000);
    const card = await slack.waitFor(() => slack.postsTo(cmd.responseUrl)[0], 5000);
    expect(card.body.response_type).toBe("ephemeral");
    expect(allText(card.body.blocks)).toContain("Alice Anderson");
    // A forged request is refused.
    const forged = await sendSigned(`http://127.0.0.1:${slackPort}/slack/events`, "wrong-secret", cmd.form);
    expect(forged.status).toBe(401);

    // Discord: INTERACTION_CREATE over the fake gateway, the callback on the fake REST.
    const tech: Who = { guildId, channelId, userId: newUserId(), username: "tech", roles: [] };
    const interaction = new Interactions(discord.applicationId).slash(tech, "find", {
      query: "alice@acme.example",
    });
    discord.dispatch(interaction);
    const callback = await discord.callbackFor(interaction.id, 5000);
    expect(callback.body.type).toBe(4);
    expect(messageOf(callback).embeds[0]?.title).toBe("Alice Anderson");

    // ITFlow starts failing: /health says so once its cached ITFlow state (15 s) runs out.
    itflow.failNext(1000, { status: 500, body: "" });
    const degraded = await waitForHealth(proc, healthPort, (h) => h.status === 503, 20_000);
    expect(degraded.body.ok).toBe(false);
    expect(degraded.body.itflow.ok).toBe(false);
    expect(degraded.body.adapters).toEqual({ slack: { connected: true }, discord: { connected: true } });
    expect(Date.parse(degraded.body.itflow.checkedAt) - firstCheck).toBeGreaterThanOrEqual(15_000 - 1000);

    proc.child.kill("SIGTERM");
    expect((await exitWithin(proc, 15_000)).code).toBe(0);
  }, 45_000);

  it("connects Slack and Discord at once, answers email, phone and #id through ITFlow, and says name search is still loading", async () => {
    // The contact list's pages never come; clients and exact reads are answered.
    itflow.hang(true, (r) => r.path.endsWith("contacts/read.php") && r.query.offset !== undefined);
    const started = Date.now();
    const { proc, guildId, channelId, slackPort } = await serveBoth();
    const endpoint = `http://127.0.0.1:${slackPort}/slack/events`;
    const payloads = new SlackPayloads(slack);
    // Reachable as soon as the process is up: it used to wait for the list (~16 s, then gave up).
    for (;;) {
      if (proc.hasExited()) throw new Error(`serve exited: ${proc.output().stderr}`);
      const help = await sendSigned(endpoint, SIGNING_SECRET, payloads.slashCommand("help").form).catch(
        () => null,
      );
      if (help?.status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await slack.waitFor(
      () => (proc.output().stderr.includes('"Discord connected"') ? true : undefined),
      10_000,
    );
    const connectedAfter = Date.now() - started;
    expect(connectedAfter).toBeLessThan(8000);

    const answers: Record<string, string> = {};
    for (const query of ["alice@acme.example", "(555) 765-4321", "#2", "alice"]) {
      const cmd = payloads.slashCommand(`find ${query}`);
      expect((await sendSigned(endpoint, SIGNING_SECRET, cmd.form)).status).toBe(200);
      answers[query] = allText(
        (await slack.waitFor(() => slack.postsTo(cmd.responseUrl)[0], 10_000)).body.blocks,
      );
    }
    expect(answers["alice@acme.example"]).toContain("Alice Anderson");
    expect(answers["(555) 765-4321"]).toContain("Carol O");
    expect(answers["#2"]).toContain("Bob Brown");
    expect(answers.alice).toContain("The contact list is still loading from ITFlow");

    const tech: Who = { guildId, channelId, userId: newUserId(), username: "tech", roles: [] };
    const interaction = new Interactions(discord.applicationId).slash(tech, "find", { query: "#3" });
    discord.dispatch(interaction);
    expect(messageOf(await discord.callbackFor(interaction.id, 5000)).embeds[0]?.title).toBe(
      "Carol O'Connor",
    );

    // The list arrives: names are found.
    itflow.hang(false);
    let named = "";
    for (const until = Date.now() + 15_000; !named.includes("Alice Anderson") && Date.now() < until; ) {
      const cmd = payloads.slashCommand("find alice");
      await sendSigned(endpoint, SIGNING_SECRET, cmd.form);
      named = allText((await slack.waitFor(() => slack.postsTo(cmd.responseUrl)[0], 10_000)).body.blocks);
      if (!named.includes("Alice Anderson")) await new Promise((r) => setTimeout(r, 200));
    }
    expect(named).toContain("CEO");
    proc.child.kill("SIGTERM");
    expect((await exitWithin(proc, 15_000)).code).toBe(0);
  }, 45_000);
});

describe("serve: ITFlow down, shutdown and Socket Mode", () => {
  let itflow: FakeItflow;
  let slack: FakeSlack;

  beforeEach(async () => {
    itflow = await startFakeItflow();
    slack = await startFakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
  });
  afterEach(async () => {
    await killAll();
    await slack.close();
    await itflow.close();
  });

  const slackHttpEnv = (itflowUrl: string, healthPort: number, slackPort: number) => ({
    ITFLOW_URL: itflowUrl,
    ITFLOW_API_KEY: "KEY_ADMIN",
    ITFLOW_TIMEOUT_MS: "3000",
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_PORT: String(slackPort),
    SLACK_HOST: "127.0.0.1",
    SLACK_API_URL: slack.apiUrl,
    HEALTH_PORT: String(healthPort),
  });

  it("starts with ITFlow unreachable, /health answers 503, and chat hears why without learning ITFlow's address", async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const healthPort = await freePort();
    const slackPort = await freePort();
    const proc = spawnServe(slackHttpEnv(nowhere, healthPort, slackPort));
    const h = await waitForHealth(proc, healthPort, () => true);
    expect(h.status).toBe(503);
    expect(h.body.ok).toBe(false);
    expect(h.body.itflow.ok).toBe(false);
    expect(h.body.itflow.error).toEqual(expect.any(String));
    expect(h.body.adapters).toEqual({ slack: { connected: true } });
    expect(h.body.directory.builtAt).toBeNull();
    const cmd = new SlackPayloads(slack).slashCommand("find alice@acme.example");
    await sendSigned(`http://127.0.0.1:${slackPort}/slack/events`, SIGNING_SECRET, cmd.form);
    const answer = await slack.waitFor(() => slack.postsTo(cmd.responseUrl)[0], 10_000);
    expect(allText(answer.body.blocks)).toContain("Could not reach ITFlow (connection refused).");
    expect(JSON.stringify(answer.body)).not.toContain(new URL(nowhere).host);
    // The log keeps where ITFlow was asked.
    expect(proc.output().stderr).toContain(`ITFLOW_URL ${nowhere}`);
    proc.child.kill("SIGTERM");
    expect((await exitWithin(proc, 15_000)).code).toBe(0);
  });

  it("SIGTERM during a slow contact save finishes the write, exits 0 and stops answering /health", async () => {
    const healthPort = await freePort();
    const slackPort = await freePort();
    const endpoint = `http://127.0.0.1:${slackPort}/slack/events`;
    const proc = spawnServe(slackHttpEnv(itflow.url, healthPort, slackPort));
    await waitForHealth(proc, healthPort, (h) => h.status === 200);

    const payloads = new SlackPayloads(slack);
    const cmd = payloads.slashCommand("new Acme Corp");
    expect((await sendSigned(endpoint, SIGNING_SECRET, cmd.form)).status).toBe(200);
    const form = await slack.waitFor(() => {
      for (const v of slack.views.values()) if (v.view.callback_id === "contact_form") return v;
      return undefined;
    }, 5000);

    itflow.setLatency(800);
    const submission = submit(endpoint, payloads, form);
    // The save has reached ITFlow (and is held there by the latency) when the signal arrives.
    // (Not the write-access probe, a create carrying only client_id.)
    const create = await slack.waitFor(
      () =>
        itflow.requests.find(
          (r) =>
            r.path.endsWith("/contacts/create.php") &&
            (r.body as { contact_name?: unknown }).contact_name !== undefined,
        ),
      10_000,
    );
    proc.child.kill("SIGTERM");

    const { code } = await exitWithin(proc, 15_000);
    const exitedAt = Date.now();
    expect(code).toBe(0);
    // The fake finishes a request even when its caller is gone, so the contact existing is not
    // enough: the bot stayed up until ITFlow answered, acked the form and posted the card.
    expect(exitedAt - create.at).toBeGreaterThanOrEqual(750);
    expect(itflow.state.contacts.filter((c) => c.contact_name === "Nina New")).toHaveLength(1);
    const reply = await submission;
    expect(reply).not.toBeNull();
    expect(reply?.status).toBe(200);
    const card = slack.postsTo(cmd.responseUrl)[0];
    expect(allText(card?.body.blocks)).toContain("Created in ITFlow");
    expect(proc.output().stderr).toContain("shutting down: no new requests, finishing writes under way");
    expect(await getHealth(healthPort)).toBeNull();
  });

  it("Socket Mode: connects with the app token, reports connected, exits 0 on SIGTERM", async () => {
    const healthPort = await freePort();
    const proc = spawnServe({
      ITFLOW_URL: itflow.url,
      ITFLOW_API_KEY: "KEY_ADMIN",
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: slack.apiUrl,
      HEALTH_PORT: String(healthPort),
    });
    const h = await waitForHealth(proc, healthPort, (a) => a.status === 200);
    expect(h.body.adapters).toEqual({ slack: { connected: true } });
    await slack.socketConnected();
    const open = slack.callsTo("apps.connections.open");
    expect(open.length).toBeGreaterThanOrEqual(1);
    expect(open[0]?.token).toBe(APP_TOKEN);

    const closed = slack.socketClosed();
    proc.child.kill("SIGTERM");
    expect((await exitWithin(proc, 15_000)).code).toBe(0);
    await closed;
    // The tokens never reach the log.
    const { stdout, stderr } = proc.output();
    for (const secret of [APP_TOKEN, BOT_TOKEN, "KEY_ADMIN"]) expect(stdout + stderr).not.toContain(secret);
  });
});

const NEW_GUY = {
  name: "Nina New",
  email: "nina@acme.example",
  phone: "555 010 2000",
  title: "Helpdesk Lead",
};

/** Submits the create form as a user would; null when the connection broke instead of answering. */
function submit(endpoint: string, payloads: SlackPayloads, form: FakeView) {
  const payload = payloads.viewSubmission({
    id: form.id,
    hash: form.hash,
    callback_id: String(form.view.callback_id),
    private_metadata: String(form.view.private_metadata ?? ""),
    state: stateOf(form.view, NEW_GUY),
  });
  return sendSigned(endpoint, SIGNING_SECRET, payload.form).catch(() => null);
}
