// The Slack adapter end to end: the real Bolt app (HTTP receiver) receives correctly signed requests
// and answers through a fake Slack Web API and response_urls, with the core talking to the fake
// ITFlow. Assertions are on what reached the fakes.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeItflow, startFakeItflow } from "../fakes/itflow/index.js";
import {
  allText,
  BOT_TOKEN,
  type BotUnderTest,
  elementsOfType,
  type FakeSlack,
  type ResponsePost,
  SIGNING_SECRET,
  startBot,
  startFakeSlack,
  textObjects,
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
beforeEach(() => {
  itflow.reset();
  slack.reset();
});
afterEach(async () => {
  await bot?.stop();
});

/** Waits for the n-th post to a response_url and returns it. */
async function nthPost(responseUrl: string, n = 1): Promise<ResponsePost> {
  return slack.waitFor(() => slack.postsTo(responseUrl)[n - 1]);
}

async function find(text: string) {
  const cmd = bot.payloads.slashCommand(text);
  const reply = await bot.send(cmd.form);
  expect(reply.status).toBe(200);
  return { reply, post: await nthPost(cmd.responseUrl), responseUrl: cmd.responseUrl };
}

const buttons = (json: unknown) => elementsOfType(json, "button");

describe("/contact find", () => {
  beforeEach(async () => {
    bot = await startBot(itflow, slack);
  });

  it("one match: acks at once, then a private card with mailto/tel links, Edit, Verify caller, Share and Open in ITFlow", async () => {
    const { reply, post } = await find("find alice@acme.example");
    expect(reply.text).toBe("");
    expect(reply.ms).toBeLessThan(1000);
    expect(post.body.response_type).toBe("ephemeral");
    const text = allText(post.body.blocks);
    expect(text).toContain("Alice Anderson");
    expect(text).toContain("<mailto:alice@acme.example|alice@acme.example>");
    expect(text).toContain("<tel:+15551234567;ext=101|(555) 123-4567> ext. 101");
    expect(text).toContain("Acme Corp");
    expect(text).toContain("Primary · Important");
    const labels = buttons(post.body.blocks).map((b) => (b.text as { text: string }).text);
    expect(labels).toEqual(["Edit", "Verify caller", "Share in channel", "Open in ITFlow"]);
    const open = buttons(post.body.blocks).find((b) => b.url);
    expect(open?.url).toBe(`${itflow.url}/agent/contact_details.php?client_id=1&contact_id=1`);
  });

  it("a bare `/contact <query>` is a find", async () => {
    const { post } = await find("+44 7700 900123");
    expect(allText(post.body.blocks)).toContain("Dave Davies");
  });

  it("several matches: a compact list with an Open button per row, each opening that card", async () => {
    const { post } = await find("find (555) 123-4567");
    const text = allText(post.body.blocks);
    expect(text).toContain("2 contacts match");
    const rows = buttons(post.body.blocks);
    expect(rows.map((b) => [b.action_id, b.value])).toEqual([
      ["contact_open", "1"],
      ["contact_open", "2"],
    ]);

    const click = bot.payloads.buttonClick("contact_open", "2");
    expect((await bot.send(click.form)).status).toBe(200);
    const card = await nthPost(click.responseUrl ?? "");
    expect(card.body.response_type).toBe("ephemeral");
    expect(card.body.replace_original).toBe(false);
    expect(allText(card.body.blocks)).toContain("Bob Brown");
    expect(allText(card.body.blocks)).toContain("IT Manager");
  });

  it("only an archived contact matches: says so, offers to show it (no Create), and the button shows its card", async () => {
    const { post } = await find("find zed");
    const text = allText(post.body.blocks);
    expect(text).toContain('No active contact matches "zed", but an archived contact does.');
    expect(buttons(post.body.blocks).map((b) => [b.action_id, b.value])).toEqual([["contact_open", "11"]]);
    const click = bot.payloads.buttonClick("contact_open", "11");
    expect((await bot.send(click.form)).status).toBe(200);
    const card = await nthPost(click.responseUrl ?? "");
    expect(allText(card.body.blocks)).toContain("Zed Archived (archived)");
    // An archived contact's card offers no Edit.
    expect(buttons(card.body.blocks).map((b) => b.action_id)).not.toContain("contact_edit");
  });

  it("no match: says so and offers a Create button carrying the query", async () => {
    const { post } = await find("find nobody@nowhere.example");
    expect(allText(post.body.blocks)).toContain("No contact matches");
    const create = buttons(post.body.blocks).find((b) => b.action_id === "contact_create");
    expect(create?.value).toBe("nobody@nowhere.example");
  });

  it("a burst of finds: every one acked with 200, then answered once on its own response_url", async () => {
    const emails = ["alice@acme.example", "bob@acme.example", "carol@acme.example", "dave@globex.example"];
    const commands = Array.from({ length: 40 }, (_, i) => {
      const email = emails[i % emails.length] ?? "";
      return { email, ...bot.payloads.slashCommand(`find ${email}`) };
    });
    const replies = await Promise.all(commands.map((cmd) => bot.send(cmd.form)));
    expect(replies.map((r) => r.status)).toEqual(commands.map(() => 200));
    for (const cmd of commands) {
      const post = await nthPost(cmd.responseUrl);
      expect(JSON.stringify(post.body).toLowerCase()).toContain(cmd.email);
    }
    expect(slack.responses).toHaveLength(commands.length);
  });

  it("help, and a bare /contact, answer in the ack itself", async () => {
    for (const text of ["help", ""]) {
      const cmd = bot.payloads.slashCommand(text);
      const reply = await bot.send(cmd.form);
      expect(reply.json?.response_type).toBe("ephemeral");
      expect(allText(reply.json?.blocks)).toContain("/contact find &lt;email | phone | name | #id&gt;");
    }
    expect(slack.responses).toHaveLength(0);
  });

  it("Share in channel posts a public copy without notes and without Edit/Share buttons", async () => {
    // Grace (#6) has notes; the private card shows them, the public copy must not.
    const { post } = await find("grace@globex.example");
    expect(allText(post.body.blocks)).toContain("Added automatically via email parsing.");
    const click = bot.payloads.buttonClick("contact_share", "6");
    await bot.send(click.form);
    const shared = await nthPost(click.responseUrl ?? "");
    expect(shared.body.response_type).toBe("in_channel");
    expect(shared.body.replace_original).toBe(false);
    expect(allText(shared.body.blocks)).not.toContain("Added automatically");
    expect(allText(shared.body.blocks)).toContain("shared by <@U0TECH>");
    expect(buttons(shared.body.blocks).map((b) => b.action_id)).toEqual(["contact_itflow_link"]);
  });

  it("message shortcut 'Look up contact': every email and number in the message, answered privately", async () => {
    const shortcut = bot.payloads.messageShortcut(
      "Missed call from <tel:5551234567|(555) 123-4567>, please cc <mailto:dave@globex.example|dave@globex.example> and ring +44 7700 900123 back; nobody@nowhere.example too",
    );
    const reply = await bot.send(shortcut.form);
    expect(reply.status).toBe(200);
    const post = await nthPost(shortcut.responseUrl);
    expect(post.body.response_type).toBe("ephemeral");
    const text = allText(post.body.blocks);
    expect(text).toContain("*(555) 123-4567*");
    expect(text).toContain("Alice Anderson");
    expect(text).toContain("Bob Brown");
    expect(text).toContain("*dave@globex.example*");
    expect(text).toContain("Dave Davies");
    expect(text).toContain("*+44 7700 900123*");
    expect(text).toContain("No contact matches");
    expect((post.body.blocks as unknown[]).length).toBeLessThanOrEqual(50);
  });

  it("message shortcut finding one contact twice (email and mobile) still sends a valid message", async () => {
    const shortcut = bot.payloads.messageShortcut("bob@acme.example / mobile 555-222-3333");
    await bot.send(shortcut.form);
    const post = await nthPost(shortcut.responseUrl);
    const blocks = post.body.blocks as Array<{ block_id?: string }>;
    const ids = blocks.map((b) => b.block_id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
    expect(allText(blocks).match(/Bob Brown/g)).toHaveLength(2);
  });

  it("message shortcut on a message with one email answers with that contact's card", async () => {
    const shortcut = bot.payloads.messageShortcut("from: <mailto:bob@acme.example|bob@acme.example>");
    await bot.send(shortcut.form);
    const post = await nthPost(shortcut.responseUrl);
    expect(buttons(post.body.blocks).map((b) => b.action_id)).toContain("contact_edit");
    expect(allText(post.body.blocks)).toContain("Bob Brown");
  });

  it("message shortcut on a message with nothing to look up says so", async () => {
    const shortcut = bot.payloads.messageShortcut("lunch at noon?");
    await bot.send(shortcut.form);
    const post = await nthPost(shortcut.responseUrl);
    expect(allText(post.body.blocks)).toContain("no email address or phone number");
  });
});

describe("escaping contact data", () => {
  beforeEach(async () => {
    const bob = itflow.state.contacts.find((c) => c.contact_id === "2");
    if (!bob) throw new Error("seed changed: no contact 2");
    bob.contact_name = "<!channel> Bob <@U123> *VIP*";
    bob.contact_title = "<https://evil.example|click me> & co";
    bot = await startBot(itflow, slack);
  });

  it("mentions, links and formatting in a name render literally and ping nobody, in every place", async () => {
    const places: unknown[] = [];
    const card = await find("bob@acme.example");
    places.push(card.post.body);
    const list = await find("(555) 123-4567");
    places.push(list.post.body);
    const share = bot.payloads.buttonClick("contact_share", "2");
    await bot.send(share.form);
    places.push((await nthPost(share.responseUrl ?? "")).body);

    for (const body of places) {
      const record = body as { text: string; blocks: unknown };
      // The fallback text is used for notifications and parsed like mrkdwn.
      for (const text of [
        record.text,
        ...textObjects(record.blocks)
          .filter((t) => t.type === "mrkdwn")
          .map((t) => t.text),
      ]) {
        expect(text).not.toMatch(/<!channel>|<@U123>|<https:\/\/evil/);
      }
    }
    const cardText = textObjects((card.post.body as { blocks: unknown }).blocks);
    // The header is plain_text: never parsed for markup, so it carries the name as it is.
    expect(cardText.find((t) => t.type === "plain_text")?.text).toBe("<!channel> Bob <@U123> *VIP*");
    expect(cardText.some((t) => t.text.includes("&lt;https://evil.example|click me&gt; &amp; co"))).toBe(
      true,
    );
    const listText = allText((list.post.body as { blocks: unknown }).blocks);
    expect(listText).toContain("&lt;!channel&gt; Bob &lt;@U123&gt; *\u200bVIP*\u200b");
  });

  it("a client name with & is escaped", async () => {
    const { post } = await find("heidi@initech.example");
    expect(allText(post.body.blocks)).toContain("Initech &amp; Partners");
  });
});

describe("boundaries", () => {
  it("a request with a bad signature is refused with 401 and does nothing", async () => {
    bot = await startBot(itflow, slack);
    const cmd = bot.payloads.slashCommand("find alice");
    const forged = await bot.send(cmd.form, { secret: "not-the-signing-secret-0000000000" });
    expect(forged.status).toBe(401);
    const stale = await bot.send(cmd.form, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(stale.status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect(slack.responses).toHaveLength(0);
    expect(SIGNING_SECRET).not.toBe("not-the-signing-secret-0000000000");
  });

  it("a command from another workspace is refused politely, logged, and never reaches ITFlow", async () => {
    bot = await startBot(itflow, slack);
    itflow.clearRequests();
    const cmd = bot.payloads.slashCommand("find alice", { userId: "U0EVE", teamId: "T0OTHER" });
    const reply = await bot.send(cmd.form);
    expect(reply.json?.response_type).toBe("ephemeral");
    expect(String(reply.json?.text)).toContain("only answers people in its own Slack workspace");
    await new Promise((r) => setTimeout(r, 100));
    expect(slack.responses).toHaveLength(0);
    expect(itflow.requests.filter((r) => r.path.includes("contacts"))).toHaveLength(0);
    const refused = bot.logs.find((l) => String(l.msg).includes("refused a Slack request"));
    expect(refused).toMatchObject({ userId: "U0EVE", teamIds: ["T0OTHER"] });
  });

  it("an external user (Slack Connect) clicking a shared card's button is refused, even inside our workspace", async () => {
    bot = await startBot(itflow, slack);
    const click = bot.payloads.buttonClick("contact_edit", "1", {
      who: { userId: "U0EXT", teamId: "T0HOME", userTeamId: "T0PARTNER" },
    });
    expect((await bot.send(click.form)).status).toBe(200);
    const post = await nthPost(click.responseUrl ?? "");
    expect(String(post.body.text)).toContain("only answers people in its own Slack workspace");
    expect(slack.callsTo("views.open")).toHaveLength(0);
  });

  it("SLACK_TEAM_IDS replaces the default (the token's own workspace)", async () => {
    bot = await startBot(itflow, slack, { env: { SLACK_TEAM_IDS: "T0SECOND" } });
    expect(bot.slack.workspaces).toEqual(["T0SECOND"]);
    const home = bot.payloads.slashCommand("help");
    expect(String((await bot.send(home.form)).json?.text)).toContain("only answers");
    const second = bot.payloads.slashCommand("help", { userId: "U0TECH", teamId: "T0SECOND" });
    expect((await bot.send(second.form)).json?.blocks).toBeDefined();
  });

  it("EDIT_ALLOW: a technician not on the list sees no Edit button and cannot open the form", async () => {
    bot = await startBot(itflow, slack, { env: { EDIT_ALLOW: "slack:U0BOSS" } });
    const { post } = await find("alice@acme.example");
    expect(buttons(post.body.blocks).map((b) => b.action_id)).not.toContain("contact_edit");
    const click = bot.payloads.buttonClick("contact_edit", "1");
    await bot.send(click.form);
    const denied = await nthPost(click.responseUrl ?? "");
    expect(allText(denied.body.blocks)).toContain("not allowed to create or edit contacts");
    const cmd = bot.payloads.slashCommand("new Acme Corp");
    await bot.send(cmd.form);
    expect(allText((await nthPost(cmd.responseUrl)).body.blocks)).toContain("not allowed");
    expect(slack.callsTo("views.open")).toHaveLength(0);
  });
});

describe("operations", () => {
  it("HTTP mode answers a health check, and no token or secret ever reaches the log", async () => {
    bot = await startBot(itflow, slack);
    const health = await fetch(bot.endpoint.replace("/slack/events", "/healthz"));
    expect(health.status).toBe(200);
    expect(bot.slack.connected()).toBe(true);
    await find("find alice");
    await bot.send(bot.payloads.slashCommand("find alice", { userId: "U0EVE", teamId: "T0OTHER" }).form);
    const log = JSON.stringify(bot.logs);
    expect(log).toContain("refused a Slack request");
    for (const secret of [BOT_TOKEN, SIGNING_SECRET, "KEY_ADMIN"]) expect(log).not.toContain(secret);
  });

  it("a bot token Slack rejects stops the start with a message saying which token to copy", async () => {
    const strict = await startFakeSlack({ botToken: "xoxb-the-right-one" });
    try {
      await expect(startBot(itflow, strict)).rejects.toThrow(
        /Slack did not accept SLACK_BOT_TOKEN \(invalid_auth\)/,
      );
    } finally {
      await strict.close();
    }
  });
});

describe("ITFlow slow or down", () => {
  it("the ack stays fast; the user hears it is slow, then that ITFlow did not answer, within the action's deadline", async () => {
    bot = await startBot(itflow, slack, {
      timing: { slowNoticeMs: 300 },
      env: { ACTION_TIMEOUT_MS: "1500" },
    });
    await bot.core.ctx.directory.warm();
    itflow.hang(true);
    try {
      const cmd = bot.payloads.slashCommand("find nobody@nowhere.example");
      const started = Date.now();
      const reply = await bot.send(cmd.form);
      expect(reply.status).toBe(200);
      expect(reply.ms).toBeLessThan(1000);
      const slow = await nthPost(cmd.responseUrl, 1);
      expect(String(slow.body.text)).toContain("ITFlow has not answered for 300 ms; still waiting");
      const answer = await slack.waitFor(() => slack.postsTo(cmd.responseUrl)[1], 15_000);
      // Attempts of 800 ms with retries would have run 2.5 s and said "800 ms".
      expect(Date.now() - started).toBeLessThan(1800);
      expect(allText(answer.body.blocks)).toMatch(/ITFlow did not answer within 1\.[45] s\./);
    } finally {
      itflow.hang(false);
    }
  });

  it("ITFlow failing outright is reported in words, not silence", async () => {
    bot = await startBot(itflow, slack);
    itflow.failNext(10, {
      status: 401,
      body: JSON.stringify({ success: "False", message: "Invalid API Key" }),
    });
    const { reply, post } = await find("find alice");
    expect(reply.ms).toBeLessThan(1000);
    expect(allText(post.body.blocks)).toMatch(/API key/i);
  });
});

describe("a read-only ITFlow key", () => {
  it("cards carry no Edit, and /contact new answers with one sentence instead of a form", async () => {
    bot = await startBot(itflow, slack, { env: { ITFLOW_API_KEY: "KEY_READONLY" } });
    await bot.core.ctx.directory.warm();
    await expect.poll(() => bot.core.ctx.directory.writeAccess).toBe("forbidden");
    const { post } = await find("find alice@acme.example");
    // Verifying a caller only reads, so it stays.
    expect(buttons(post.body.blocks).map((b) => b.action_id)).toEqual([
      "contact_verify",
      "contact_share",
      "contact_itflow_link",
    ]);
    const none = await find("find nobody@nowhere.example");
    expect(buttons(none.post.body.blocks)).toEqual([]);
    const create = await find("new Acme Corp");
    expect(allText(create.post.body.blocks)).toContain(
      "This bot's ITFlow API key may only read contacts, so nobody can create or edit them from here",
    );
    expect(slack.callsTo("views.open")).toHaveLength(0);
  });
});
