// Caller ID end to end: the real `itflow-contact serve` as a child process with CALLS_PORT set,
// phone-system requests made the way 3CX, FreePBX/Asterisk and call webhooks make them (plain HTTP
// on 127.0.0.1), and what reaches the fake Slack (chat.postMessage / chat.update) and the fake
// Discord (channel message create / edit).
import { SnowflakeUtil } from "discord.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { messageOf } from "../fakes/discord/harness.js";
import { type FakeDiscord, Interactions, newUserId, startFakeDiscord } from "../fakes/discord/index.js";
import { buildContactRow, type FakeItflow, startFakeItflow } from "../fakes/itflow/index.js";
import {
  APP_TOKEN,
  allText,
  BOT_TOKEN,
  type FakeSlack,
  SlackPayloads,
  startFakeSlack,
} from "../fakes/slack/index.js";
import { REDIS_SKIP_REASON, type RedisServer, startRedis } from "../support/redis-server.js";
import {
  exitWithin,
  freePort,
  killAll,
  removeTempDirs,
  type ServeProcess,
  spawnServe,
  waitForHealth,
} from "./support/serve-process.js";

const TOKEN = "calls-token-0123456789abcdef0123456789abcdef";
const SLACK_CHANNEL = "C0HELPDESK";

afterAll(async () => {
  await killAll();
  removeTempDirs();
});

interface Answer {
  status: number;
  body: string;
  type: string | null;
}

async function call(
  port: number,
  path: string,
  options: { method?: string; token?: string | null; body?: string; type?: string; query?: boolean } = {},
): Promise<Answer> {
  const token = options.token === undefined ? TOKEN : options.token;
  const useQuery = options.query ?? false;
  const sep = path.includes("?") ? "&" : "?";
  const url = `http://127.0.0.1:${port}${path}${useQuery && token ? `${sep}token=${token}` : ""}`;
  const res = await fetch(url, {
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    headers: {
      ...(!useQuery && token ? { authorization: `Bearer ${token}` } : {}),
      ...(options.body !== undefined ? { "content-type": options.type ?? "application/json" } : {}),
    },
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  return { status: res.status, body: await res.text(), type: res.headers.get("content-type") };
}

const event = (port: number, body: Record<string, unknown>) =>
  call(port, "/calls/events", { body: JSON.stringify(body) });

interface LookupJson {
  number: string;
  contacts: Array<Record<string, string | number>>;
}

function addContact(itflow: FakeItflow, values: Record<string, string>): number {
  const id = itflow.state.autoIncrement.contacts;
  itflow.state.autoIncrement.contacts = id + 1;
  itflow.state.contacts.push(buildContactRow({ contact_id: String(id), ...values }));
  return id;
}

describe("caller ID with Slack (Socket Mode) and Discord", () => {
  let itflow: FakeItflow;
  let slack: FakeSlack;
  let discord: FakeDiscord;
  let proc: ServeProcess;
  let port: number;
  let healthPort: number;
  const guildId = SnowflakeUtil.generate().toString();
  const discordChannel = SnowflakeUtil.generate().toString();
  const supportChannel = SnowflakeUtil.generate().toString();

  beforeAll(async () => {
    itflow = await startFakeItflow();
    // One number at two clients, and a name that tries to ping everyone.
    addContact(itflow, { contact_name: "Xavier Xu", contact_phone: "5553334444", contact_client_id: "1" });
    addContact(itflow, { contact_name: "Yara Young", contact_phone: "5553334444", contact_client_id: "3" });
    addContact(itflow, {
      contact_name: "<!channel> @everyone Mallory",
      contact_title: "*CEO*",
      contact_phone: "5556667777",
      contact_important: "1",
      contact_notes: "gate code 4711",
      contact_client_id: "2",
    });
    slack = await startFakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN, memberOf: [SLACK_CHANNEL] });
    discord = await startFakeDiscord({
      guilds: [{ id: guildId, name: "Helpdesk", channelId: discordChannel }],
      channels: [supportChannel],
    });
    port = await freePort();
    healthPort = await freePort();
    proc = spawnServe({
      ITFLOW_URL: itflow.url,
      ITFLOW_API_KEY: "KEY_ADMIN",
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: slack.apiUrl,
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_GUILD_IDS: guildId,
      DISCORD_API_URL: discord.apiUrl,
      HEALTH_PORT: String(healthPort),
      CALLS_PORT: String(port),
      CALLS_TOKEN: TOKEN,
      CALLS_SLACK_CHANNEL: SLACK_CHANNEL,
      CALLS_DISCORD_CHANNEL: discordChannel,
      CALLS_ROUTES: `+1 555 000 9999=discord:${supportChannel}; +15550008888=slack:C0NOTMEMBER`,
      LOG_LEVEL: "debug",
    });
    await waitForHealth(proc, healthPort, (h) => h.status === 200 && h.body.directory.contacts > 0, 20_000);
  }, 30_000);

  afterAll(async () => {
    await killAll();
    await discord?.close();
    await slack?.close();
    await itflow?.close();
  });

  describe("who may ask", () => {
    it("refuses a request without the token, or with a wrong one, with 401 and an empty body", async () => {
      for (const answer of [
        await call(port, "/calls/lookup?number=5551234567", { token: null }),
        await call(port, "/calls/lookup?number=5551234567", { token: "x".repeat(40) }),
        await call(port, "/calls/lookup?number=5551234567", { token: `${TOKEN}0` }),
        await call(port, "/calls/cid?number=5551234567", { token: TOKEN.slice(0, -1), query: true }),
        await call(port, "/nothing-here", { token: null }),
      ]) {
        expect(answer.status).toBe(401);
        expect(answer.body).toBe("");
      }
    });

    it("takes the token as a bearer header or as ?token=, and never logs it", async () => {
      expect((await call(port, "/calls/cid?number=5551234567")).status).toBe(200);
      expect((await call(port, "/calls/cid?number=5551234567", { query: true })).status).toBe(200);
      const { stdout, stderr } = proc.output();
      expect(stdout + stderr).not.toContain(TOKEN);
      expect(stderr).toContain('"path":"/calls/cid"');
    });

    it("answers 404 for unknown paths, 405 for a wrong method, 413 over 16 KB, 400 without a number", async () => {
      expect((await call(port, "/calls/nope")).status).toBe(404);
      const wrongMethod = await call(port, "/calls/events");
      expect(wrongMethod.status).toBe(405);
      const big = await call(port, "/calls/events", { body: JSON.stringify({ pad: "x".repeat(17_000) }) });
      expect(big.status).toBe(413);
      const missing = await call(port, "/calls/lookup");
      expect(missing.status).toBe(400);
      expect(missing.body.trim().split("\n")).toHaveLength(1);
      expect(missing.body).toContain("missing number");
      const unreadable = await call(port, "/calls/cid?number=call-me-maybe");
      expect(unreadable.status).toBe(400);
      expect(unreadable.body).toMatch(/^unreadable number: .*not a phone number\n$/);
      const badEvent = await event(port, { event: "ringing", callId: "c-bad" });
      expect(badEvent.status).toBe(400);
      expect(badEvent.body).toContain('"from" is required');
      const badKind = await event(port, { event: "hangup", callId: "c-bad", from: "5551234567" });
      expect(badKind.status).toBe(400);
      expect(badKind.body).toContain('"event" must be one of ringing, answered, ended, missed');
    });
  });

  describe("GET /calls/lookup (3CX CRM JSON)", () => {
    it("returns both contacts sharing a number, echoing the number exactly as received", async () => {
      const answer = await call(port, "/calls/lookup?number=+15551234567");
      expect(answer.status).toBe(200);
      expect(answer.type).toContain("application/json");
      const json = JSON.parse(answer.body) as LookupJson;
      expect(json.number).toBe("+15551234567");
      expect(json.contacts.map((c) => c.name).sort()).toEqual(["Alice Anderson", "Bob Brown"]);
      const alice = json.contacts.find((c) => c.name === "Alice Anderson");
      expect(alice).toEqual({
        id: 1,
        name: "Alice Anderson",
        firstName: "Alice",
        lastName: "Anderson",
        company: "Acme Corp",
        title: expect.any(String),
        email: "alice@acme.example",
        phoneBusiness: "+15551234567",
        phoneMobile: "+15559876543",
        url: `${itflow.url}/agent/contact_details.php?client_id=1&contact_id=1`,
      });
    });

    it.each([
      ["%2B15551234567", "+15551234567"],
      ["15551234567", "15551234567"],
      ["5551234567", "5551234567"],
      ["1234567", "1234567"],
    ])("finds Alice from number=%s and echoes %s in phoneBusiness", async (sent, echoed) => {
      const json = JSON.parse((await call(port, `/calls/lookup?number=${sent}`)).body) as LookupJson;
      expect(json.number).toBe(echoed);
      expect(json.contacts.find((c) => c.id === 1)?.phoneBusiness).toBe(echoed);
    });

    it("echoes the number in phoneMobile when the mobile matched, national form with a leading 0 too", async () => {
      const eve = JSON.parse((await call(port, "/calls/lookup?number=07700900456")).body) as LookupJson;
      expect(eve.contacts).toHaveLength(1);
      expect(eve.contacts[0]).toMatchObject({
        name: "Eve Evans",
        phoneMobile: "07700900456",
        phoneBusiness: "",
      });
      const carol = JSON.parse(
        (await call(port, "/calls/lookup?number=%2B1%20555%20765%204321")).body,
      ) as LookupJson;
      expect(carol.contacts[0]).toMatchObject({ name: "Carol O'Connor", phoneMobile: "+1 555 765 4321" });
    });

    it("answers an empty list for an unknown number, a withheld one and an internal extension", async () => {
      for (const n of ["+15550000000", "anonymous", "201"]) {
        const json = JSON.parse((await call(port, `/calls/lookup?number=${n}`)).body) as LookupJson;
        expect(json).toEqual({ number: n, contacts: [] });
      }
    });

    it("leaves archived contacts out", async () => {
      const json = JSON.parse((await call(port, "/calls/lookup?number=5559990000")).body) as LookupJson;
      expect(json.contacts).toEqual([]);
    });
  });

  describe("GET /calls/cid (FreePBX, Asterisk)", () => {
    it("answers the caller's name and client as text", async () => {
      const dave = await call(port, "/calls/cid?number=%2B442079460018", { query: true });
      expect(dave.type).toContain("text/plain");
      expect(dave.body).toBe("Dave Davies (Globex Ltd)");
    });

    it("answers the client's name when several contacts of one client share the number", async () => {
      expect((await call(port, "/calls/cid?number=5551234567")).body).toBe("Acme Corp");
    });

    it("answers the first name and +N when they belong to several clients", async () => {
      expect((await call(port, "/calls/cid?number=5553334444")).body).toBe("Xavier Xu +1");
    });

    it("answers an empty body for an unknown number", async () => {
      const unknown = await call(port, "/calls/cid?number=5550000000");
      expect(unknown.status).toBe(200);
      expect(unknown.body).toBe("");
    });
  });

  describe("POST /calls/events → the pop in Slack and Discord", () => {
    const slackPop = (text: string) =>
      [...slack.messages.values()].filter(
        (m) => m.channel === SLACK_CHANNEL && allText(m.blocks).includes(text),
      );
    const discordPops = (channel: string, text: string) =>
      [...discord.channelMessages.values()].filter(
        (m) => m.channelId === channel && JSON.stringify(m.body).includes(text),
      );

    it("answers 202 at once, pops the card on ringing and updates it in place as the call goes on", async () => {
      const ringing = await event(port, { event: "ringing", callId: "call-1", from: "+442079460018" });
      expect(ringing.status).toBe(202);
      const [posted] = await slack.waitFor(() => {
        const found = slackPop("Dave Davies");
        return found.length > 0 ? found : null;
      });
      expect(posted?.channel).toBe(SLACK_CHANNEL);
      const blocks = allText(posted?.blocks ?? []);
      expect(blocks).toContain("+44 20 7946 0018");
      expect(blocks).toContain("Globex Ltd");
      expect(blocks).toContain("Primary");
      expect(blocks).toContain("Incoming call");
      const discordPop = await slack.waitFor(() => discordPops(discordChannel, "Dave Davies")[0]);
      expect(JSON.stringify(discordPop.body)).toContain("Incoming call");
      expect(discordPop.body.allowed_mentions).toEqual({ parse: [] });

      expect(
        (await event(port, { event: "answered", callId: "call-1", from: "+442079460018", agent: "Bob Tech" }))
          .status,
      ).toBe(202);
      await slack.waitFor(() => posted && allText(posted.blocks).includes("Answered by Bob Tech"));
      await slack.waitFor(() => JSON.stringify(discordPop.body).includes("Answered by Bob Tech"));

      await event(port, { event: "ended", callId: "call-1", from: "+442079460018" });
      await slack.waitFor(() => posted && allText(posted.blocks).includes("Ended"));
      await slack.waitFor(() => JSON.stringify(discordPop.body).includes("Ended"));
      expect(slackPop("Dave Davies")).toHaveLength(1);
      expect(discordPops(discordChannel, "Dave Davies")).toHaveLength(1);
      expect(posted?.updates).toBe(2);
      expect(discordPop.edits).toBe(2);
    });

    it("shows the latest state whatever order events arrive in, and repeats change nothing", async () => {
      const from = "5551234567";
      await event(port, { event: "ended", callId: "call-2", from, agent: "Ann" });
      await event(port, { event: "ringing", callId: "call-2", from });
      await event(port, { event: "answered", callId: "call-2", from, agent: "Ann" });
      await event(port, { event: "ended", callId: "call-2", from });
      await event(port, { event: "ringing", callId: "call-2", from });
      // Several callers on one number: each name with its client.
      const pop = await slack.waitFor(() => slackPop("Answered by Ann")[0]);
      await new Promise((r) => setTimeout(r, 500));
      expect(slackPop("Answered by Ann")).toHaveLength(1);
      expect(allText(pop.blocks)).toContain("2 contacts have this number");
      const text = allText(pop.blocks);
      expect(text).toContain("Alice Anderson");
      expect(text).toContain("Bob Brown");
      expect(text).toContain("Answered by Ann · Ended");
      expect(text).not.toContain("Incoming call");
    });

    it("Show full card answers the clicker privately, with the whole card", async () => {
      await event(port, { event: "ringing", callId: "call-card", from: "+442079460018" });
      const pop = await slack.waitFor(() => discordPops(discordChannel, "Dave Davies")[0]);
      expect(JSON.stringify(pop.body.components)).toContain('"custom_id":"cd:4"');
      const who = { guildId, channelId: discordChannel, userId: newUserId(), username: "tech", roles: [] };
      const click = new Interactions(discord.applicationId).button(who, "cd:4", false);
      discord.dispatch(click);
      const reply = await discord.callbackFor(click.id);
      expect(reply.body).toMatchObject({ type: 4, data: { flags: 64 } });
      expect(messageOf(reply).embeds[0]?.title).toBe("Dave Davies");
      expect(JSON.stringify(messageOf(reply).embeds)).toContain("dave@globex.example");

      expect(JSON.stringify(pop.body.components)).toContain('"custom_id":"vc:4"');
      const slackPopMessage = slackPop("Dave Davies")[0];
      expect(JSON.stringify(slackPopMessage?.blocks)).toContain('"action_id":"contact_open","value":"4"');
      expect(JSON.stringify(slackPopMessage?.blocks)).toContain('"action_id":"contact_verify","value":"4"');
      const slackClick = new SlackPayloads(slack).buttonClick("contact_open", "4");
      await slack.sendEnvelope({ type: "interactive", payload: JSON.parse(slackClick.form.payload) });
      const answer = await slack.waitFor(() => slack.postsTo(slackClick.responseUrl ?? "")[0]);
      expect(answer.body.response_type).toBe("ephemeral");
      expect(allText(answer.body.blocks)).toContain("dave@globex.example");
    });

    it("pops 'Unknown caller' with a Create contact button prefilled with the number", async () => {
      await event(port, { event: "ringing", callId: "call-3", from: "+15550001234" });
      const pop = await slack.waitFor(() => slackPop("(555) 000-1234")[0]);
      expect(allText(pop.blocks)).toContain("Unknown caller");
      const create = JSON.stringify(pop.blocks);
      expect(create).toContain('"action_id":"contact_create"');
      expect(create).toContain('"value":"(555) 000-1234"');
      const inDiscord = await slack.waitFor(() => discordPops(discordChannel, "(555) 000-1234")[0]);
      expect(JSON.stringify(inDiscord.body.components)).toContain("nw:(555) 000-1234");
    });

    it("pops 'Withheld number' without a lookup, and nothing for internal or outgoing calls", async () => {
      itflow.clearRequests();
      const before = slack.callsTo("chat.postMessage").length;
      await event(port, { event: "ringing", callId: "call-5", from: "201", to: "202" });
      await event(port, { event: "ringing", callId: "call-6", from: "5551234567", direction: "out" });
      await event(port, { event: "ringing", callId: "call-4", from: "anonymous" });
      const pop = await slack.waitFor(() => slackPop("Withheld number")[0]);
      expect(JSON.stringify(pop.blocks)).not.toContain("contact_create");
      await new Promise((r) => setTimeout(r, 500));
      // The withheld call's message is the only one: the internal and outgoing calls posted nothing.
      expect(
        slack
          .callsTo("chat.postMessage")
          .slice(before)
          .map((c) => c.body.text),
      ).toEqual(["Incoming call: Withheld number"]);
      expect(itflow.requests).toHaveLength(0);
    });

    it("keeps a contact's name inert and the notes out of the public pop", async () => {
      await event(port, { event: "ringing", callId: "call-7", from: "5556667777" });
      const pop = await slack.waitFor(() =>
        [...slack.messages.values()].find((m) => allText(m.blocks).includes("Mallory")),
      );
      const json = JSON.stringify(pop);
      expect(json).not.toContain("<!channel>");
      expect(json).toContain("&lt;!channel&gt;");
      expect(json).not.toContain("gate code");
      expect(allText(pop.blocks)).toContain("Important");
      const inDiscord = await slack.waitFor(() => discordPops(discordChannel, "Mallory")[0]);
      const body = JSON.stringify(inDiscord.body);
      expect(body).not.toMatch(/@everyone/);
      expect(body).not.toContain("gate code");
      expect(inDiscord.body.allowed_mentions).toEqual({ parse: [] });
    });

    it("takes an event form-encoded with ?token=, as Asterisk's CURL() posts it", async () => {
      const answer = await call(port, "/calls/events", {
        query: true,
        body: "event=ringing&callId=1701437520.42&from=+15550002222&to=100",
        type: "application/x-www-form-urlencoded",
      });
      expect(answer.status).toBe(202);
      const pop = await slack.waitFor(() => slackPop("Sam Shared (Initech)")[0]);
      expect(allText(pop.blocks)).toContain("Initech &amp; Partners");
    });

    it("routes a call to the channel CALLS_ROUTES names for its called number", async () => {
      const inDefault = slackPop("Dave Davies").length;
      await event(port, { event: "ringing", callId: "call-8", from: "+442079460018", to: "15550009999" });
      const routed = await slack.waitFor(() => discordPops(supportChannel, "Dave Davies")[0]);
      expect(routed.channelId).toBe(supportChannel);
      await new Promise((r) => setTimeout(r, 300));
      expect(slackPop("Dave Davies")).toHaveLength(inDefault);
    });

    it("says in /health and the log when the bot cannot post in a channel", async () => {
      await event(port, { event: "ringing", callId: "call-9", from: "5551234567", to: "+15550008888" });
      const health = await waitForHealth(
        proc,
        healthPort,
        (h) => Boolean(h.body.calls?.targets["slack:C0NOTMEMBER"]),
        10_000,
      );
      expect(health.status).toBe(200);
      expect(health.body.calls?.targets["slack:C0NOTMEMBER"]).toMatchObject({
        ok: false,
        error: expect.stringContaining("not_in_channel: the bot is not in Slack channel C0NOTMEMBER"),
      });
      expect(health.body.calls?.targets[`slack:${SLACK_CHANNEL}`]).toMatchObject({ ok: true });
      expect(proc.output().stderr).toContain("not_in_channel");
    });

    it("turns a burst of 100 ringing calls into 100 messages, none twice", async () => {
      const before = slack.callsTo("chat.postMessage").length;
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          event(port, {
            event: "ringing",
            callId: `burst-${i}`,
            from: `+1555300${String(i).padStart(4, "0")}`,
          }),
        ),
      );
      expect(answers.every((a) => a.status === 202)).toBe(true);
      await slack.waitFor(() => slack.callsTo("chat.postMessage").length - before >= 100, 15_000);
      await new Promise((r) => setTimeout(r, 500));
      const posts = slack.callsTo("chat.postMessage").slice(before);
      expect(posts).toHaveLength(100);
      const numbers = new Set(posts.map((p) => String(p.body.text)));
      expect(numbers.size).toBe(100);
    }, 30_000);
  });

  describe("3CX: the lookup pops, the journal closes the pop", () => {
    it("pops once per number per minute and marks the pop ended with the journal's duration", async () => {
      const look = () => call(port, "/calls/lookup?number=+447700900123");
      expect((await look()).status).toBe(200);
      expect((await look()).status).toBe(200);
      const pop = await slack.waitFor(() =>
        [...slack.messages.values()].find(
          (m) => allText(m.blocks).includes("Dave Davies") && m.text.includes("7700"),
        ),
      );
      await new Promise((r) => setTimeout(r, 300));
      expect([...slack.messages.values()].filter((m) => m.text.includes("+44 7700 900123"))).toHaveLength(1);
      const journal = await call(port, "/calls/3cx/journal", {
        body: JSON.stringify({
          CallType: "Inbound",
          Number: "+447700900123",
          Agent: "101 Bob Tech",
          Duration: "00:03:12",
          CallStartTimeUTC: "2026-12-01 14:00:00",
          CallEndTimeUTC: "2026-12-01 14:03:12",
        }),
      });
      expect(journal.status).toBe(202);
      await slack.waitFor(() =>
        allText(pop.blocks).includes("Answered by 101 Bob Tech · Ended · 3 min 12 s"),
      );
    });

    it("marks a missed call, and posts one for a journal whose lookup never popped", async () => {
      // Heidi's number was never looked up: no lookup pop to close, so the journal posts its own.
      const before = slack.callsTo("chat.postMessage").length;
      const journal = await call(port, "/calls/3cx/journal", {
        body: "CallType=Notanswered&Number=+15559876543&Agent=&Duration=0",
        type: "application/x-www-form-urlencoded",
      });
      expect(journal.status).toBe(202);
      const pop = await slack.waitFor(() =>
        [...slack.messages.values()].find((m) => m.text.includes("Missed call") && m.text.includes("Alice")),
      );
      expect(allText(pop.blocks)).toContain("Alice Anderson");
      expect(slack.callsTo("chat.postMessage").length - before).toBe(1);
    });

    it("refuses a journal without a CallType or number", async () => {
      const answer = await call(port, "/calls/3cx/journal", {
        body: JSON.stringify({ Number: "5551234567" }),
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toContain("CallType");
    });
  });
});

describe("caller ID without any chat platform (a lookup-only deployment)", () => {
  let itflow: FakeItflow;
  afterEach(async () => {
    await killAll();
    await itflow?.close();
  });

  /** `serve` with only the ITFlow and CALLS_* variables, once its contact list has loaded. */
  async function lookupOnly() {
    itflow = await startFakeItflow();
    const port = await freePort();
    const healthPort = await freePort();
    const proc = spawnServe({
      ITFLOW_URL: itflow.url,
      ITFLOW_API_KEY: "KEY_ADMIN",
      CALLS_PORT: String(port),
      CALLS_TOKEN: TOKEN,
      HEALTH_PORT: String(healthPort),
    });
    const health = await waitForHealth(
      proc,
      healthPort,
      (h) => h.status === 200 && h.body.directory.contacts > 0,
      20_000,
    );
    return { proc, port, health };
  }

  it("runs with only ITFlow and CALLS_* set and answers lookups", async () => {
    const { proc, port, health } = await lookupOnly();
    expect(health.body.adapters).toEqual({});
    expect((await call(port, "/calls/cid?number=4420 7946 0018".replace(/ /g, "%20"))).body).toBe(
      "Dave Davies (Globex Ltd)",
    );
    proc.child.kill("SIGTERM");
    expect((await exitWithin(proc, 15_000)).code).toBe(0);
  }, 30_000);

  it("answers 'unknown' within the 1.5 s budget when ITFlow hangs, instead of keeping the phone waiting", async () => {
    const { port } = await lookupOnly();
    itflow.hang(true);
    // Known numbers come from the index, hang or not.
    expect((await call(port, "/calls/cid?number=5551234567")).body).toBe("Acme Corp");
    // An unknown number would need ITFlow's exact reads, which now never answer.
    for (const path of ["/calls/cid?number=5550004444", "/calls/lookup?number=5550004445"]) {
      const started = performance.now();
      const answer = await call(port, path);
      const ms = performance.now() - started;
      expect(answer.status).toBe(200);
      expect(answer.body === "" || JSON.parse(answer.body).contacts.length === 0).toBe(true);
      expect(ms).toBeGreaterThan(1400);
      expect(ms).toBeLessThan(2500);
    }
    itflow.hang(false);
  }, 30_000);

  it.each([
    [{ CALLS_PORT: "4999" }, "CALLS_TOKEN is missing"],
    [{ CALLS_PORT: "4999", CALLS_TOKEN: "short-token" }, "CALLS_TOKEN must be at least 32 characters"],
    [
      { CALLS_PORT: "4999", CALLS_TOKEN: TOKEN, CALLS_SLACK_CHANNEL: "C0HELP" },
      "names a Slack channel, but Slack is not configured",
    ],
    [
      { CALLS_PORT: "4999", CALLS_TOKEN: TOKEN, CALLS_ROUTES: "+15550001111=teams:abc" },
      "CALLS_ROUTES has an entry",
    ],
  ])("stops start-up with one configuration message: %j", async (vars, expected) => {
    const proc = spawnServe({ ITFLOW_URL: "http://127.0.0.1:9", ITFLOW_API_KEY: "KEY_ADMIN", ...vars });
    const { code } = await exitWithin(proc, 15_000);
    const { stderr } = proc.output();
    expect(code).toBe(2);
    expect(stderr.match(/The bot is not configured correctly/g)).toHaveLength(1);
    expect(stderr).toContain(expected);
    if ("CALLS_TOKEN" in vars) expect(stderr).not.toContain(vars.CALLS_TOKEN);
  });
});

describe.skipIf(REDIS_SKIP_REASON !== null)("caller ID on two replicas sharing one redis-server", () => {
  let redis: RedisServer;
  let itflow: FakeItflow;
  let slack: FakeSlack;

  afterEach(async () => {
    await killAll();
    await slack?.close();
    await itflow?.close();
    await redis?.stop();
  });

  it("updates one message when ringing reaches one replica and answered the other", async () => {
    redis = await startRedis();
    itflow = await startFakeItflow();
    slack = await startFakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
    const replica = async () => {
      const port = await freePort();
      const healthPort = await freePort();
      const proc = spawnServe({
        ITFLOW_URL: itflow.url,
        ITFLOW_API_KEY: "KEY_ADMIN",
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_APP_TOKEN: APP_TOKEN,
        SLACK_API_URL: slack.apiUrl,
        STORE_URL: redis.url,
        CALLS_PORT: String(port),
        CALLS_TOKEN: TOKEN,
        CALLS_SLACK_CHANNEL: SLACK_CHANNEL,
        HEALTH_PORT: String(healthPort),
      });
      await waitForHealth(proc, healthPort, (h) => h.status === 200 && h.body.directory.contacts > 0, 20_000);
      return port;
    };
    const [a, b] = await Promise.all([replica(), replica()]);
    const from = "+442079460018";
    await event(a, { event: "ringing", callId: "shared-1", from });
    const pop = await slack.waitFor(() =>
      [...slack.messages.values()].find((m) => allText(m.blocks).includes("Dave")),
    );
    await event(b, { event: "answered", callId: "shared-1", from, agent: "Zoe" });
    await slack.waitFor(() => allText(pop.blocks).includes("Answered by Zoe"));
    // Both at once, on both replicas, repeated: still one message.
    await Promise.all([
      event(a, { event: "ended", callId: "shared-1", from }),
      event(b, { event: "ended", callId: "shared-1", from }),
      event(b, { event: "ringing", callId: "shared-1", from }),
    ]);
    await slack.waitFor(() => allText(pop.blocks).includes("Ended"));
    await new Promise((r) => setTimeout(r, 500));
    expect(slack.callsTo("chat.postMessage")).toHaveLength(1);
    expect(allText(pop.blocks)).toContain("Answered by Zoe · Ended");

    // A new call posted on B, with its events racing on both replicas: one message.
    await Promise.all([
      event(a, { event: "ringing", callId: "shared-2", from: "5551234567" }),
      event(b, { event: "ringing", callId: "shared-2", from: "5551234567" }),
      event(b, { event: "answered", callId: "shared-2", from: "5551234567", agent: "Yan" }),
    ]);
    await slack.waitFor(() => slack.callsTo("chat.postMessage").length === 2);
    await new Promise((r) => setTimeout(r, 500));
    expect(slack.callsTo("chat.postMessage")).toHaveLength(2);
  }, 60_000);
});
