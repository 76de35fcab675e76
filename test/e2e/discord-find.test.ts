// /contact find, autocomplete, the list and card controls, "Look up contact", help, escaping and
// the server allowlist — the real discord.js Client against the fake gateway, REST and ITFlow.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  controlsOf,
  type DiscordHarness,
  messageOf,
  startDiscordHarness,
  warnings,
} from "../fakes/discord/harness.js";
import { buildContactRow } from "../fakes/itflow/index.js";

const EPHEMERAL = 64;

describe("Discord: finding contacts", () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await startDiscordHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("answers /contact find (555) 123-4567 at once with a private list of both contacts sharing the number", async () => {
    const interaction = h.ix.slash(h.tech, "find", { query: "(555) 123-4567" });
    const callback = await h.send(interaction);
    expect(callback.body.type).toBe(4);
    const message = messageOf(callback);
    expect(message.flags).toBe(EPHEMERAL);
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(message.embeds[0]?.title).toBe('2 contacts match "(555) 123-4567"');
    expect(message.embeds[0]?.description).toContain("**1. Alice Anderson** — Acme Corp");
    expect(message.embeds[0]?.description).toContain("(555) 123-4567 ext. 102");
    const select = message.components[0]?.components[0];
    expect(select?.custom_id).toBe("op");
    expect(select?.options?.map((o) => [o.label, o.value])).toEqual([
      ["Alice Anderson", "1"],
      ["Bob Brown", "2"],
    ]);
    expect(h.discord.callbacksOf(interaction.id)).toHaveLength(1);
  });

  it("shows one match as a card with Edit, More details, Verify caller, Share and an Open-in-ITFlow link", async () => {
    const message = messageOf(await h.send(h.ix.slash(h.tech, "find", { query: "dave@globex.example" })));
    const card = message.embeds[0];
    expect(card?.title).toBe("Dave Davies");
    expect(card?.description).toBe("Director");
    expect(card?.url).toBe(`${h.itflow.url}/agent/contact_details.php?client_id=2&contact_id=4`);
    expect(card?.fields?.map((f) => [f.name, f.value])).toEqual([
      ["Client", "Globex Ltd"],
      ["Email", "dave@globex.example"],
      ["Phone", "+44 20 7946 0018"],
      ["Mobile", "+44 7700 900123"],
      ["Location", "Globex London"],
      ["Flags", "Primary"],
    ]);
    expect(controlsOf(message)).toEqual(["e1:4", "e2:4", "vc:4", "sh:4", `link:${card?.url}`]);
    expect(message.flags).toBe(EPHEMERAL);
  });

  it("offers to create a contact when nothing matches", async () => {
    const message = messageOf(await h.send(h.ix.slash(h.tech, "find", { query: "nobody@nowhere.example" })));
    expect(message.embeds[0]?.description).toBe('No contact matches "nobody@nowhere.example".');
    expect(controlsOf(message)).toEqual(["nw:nobody@nowhere.example"]);
  });

  it("opens a contact's card from the list's select", async () => {
    const message = messageOf(await h.send(h.ix.select(h.tech, "op", ["2"])));
    expect(message.embeds[0]?.title).toBe("Bob Brown");
    expect(message.flags).toBe(EPHEMERAL);
  });

  it("autocompletes from the cached directory without asking ITFlow: name — client — email, value #id", async () => {
    const before = h.itflow.requests.length;
    const started = Date.now();
    const callback = await h.send(h.ix.autocomplete(h.tech, "find", "query", "ali"));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(callback.body).toEqual({
      type: 8,
      data: { choices: [{ name: "Alice Anderson — Acme Corp — alice@acme.example", value: "#1" }] },
    });
    const partial = await h.send(h.ix.autocomplete(h.tech, "edit", "contact", "4567"));
    expect(partial.body.data?.choices).toEqual([
      { name: "Alice Anderson — Acme Corp — alice@acme.example", value: "#1" },
      { name: "Bob Brown — Acme Corp — bob@acme.example", value: "#2" },
    ]);
    const halfEmail = await h.send(h.ix.autocomplete(h.tech, "find", "query", "carol@"));
    expect(halfEmail.body.data?.choices).toEqual([
      { name: "Carol O'Connor — Acme Corp — carol@acme.example", value: "#3" },
    ]);
    expect(h.itflow.requests.length).toBe(before);
  });

  it("autocompletes the client of /contact new", async () => {
    const callback = await h.send(h.ix.autocomplete(h.tech, "new", "client", "glo"));
    expect(callback.body.data?.choices).toEqual([{ name: "Globex Ltd", value: "Globex Ltd" }]);
  });

  it("finds the chosen autocomplete value (#id)", async () => {
    const message = messageOf(await h.send(h.ix.slash(h.tech, "find", { query: "#3" })));
    expect(message.embeds[0]?.title).toBe("Carol O'Connor");
  });

  it("shares a card publicly in the channel like Slack does: no notes, no Edit, only Open in ITFlow", async () => {
    // Grace's notes ("Added automatically via email parsing.") show on her private card, with Edit...
    const own = messageOf(await h.send(h.ix.slash(h.tech, "find", { query: "#6" })));
    expect(own.embeds[0]?.fields?.map((f) => f.name)).toContain("Notes");
    expect(controlsOf(own)).toContain("e1:6");
    // ...and on neither in the copy shared with the channel.
    const message = messageOf(await h.send(h.ix.button(h.tech, "sh:6")));
    expect(message.flags ?? 0).toBe(0);
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(message.embeds[0]?.title).toContain("Hopper");
    expect(message.embeds[0]?.footer?.text).toBe("ITFlow contact #6 · shared by tech (global)");
    expect(JSON.stringify(message)).not.toContain("email parsing");
    expect(message.embeds[0]?.fields?.map((f) => f.name)).not.toContain("Notes");
    expect(controlsOf(message)).toEqual([
      `link:${h.itflow.url}/agent/contact_details.php?client_id=2&contact_id=6`,
    ]);
  });

  it("looks up every email and phone number in a message (Look up contact)", async () => {
    const message = messageOf(
      await h.send(
        h.ix.messageCommand(
          h.tech,
          "Missed call from +1 (555) 123-4567, also cc dave@globex.example. Ticket #12.",
        ),
      ),
    );
    expect(message.embeds[0]?.title).toBe('3 contacts match "+1 (555) 123-4567, dave@globex.example"');
    expect(message.components[0]?.components[0]?.options?.map((o) => o.label)).toEqual([
      "Alice Anderson",
      "Bob Brown",
      "Dave Davies",
    ]);
  });

  it("says so when a message has nothing to look up", async () => {
    const message = messageOf(await h.send(h.ix.messageCommand(h.tech, "thanks, all sorted!")));
    expect(message.embeds[0]?.description).toBe(
      "That message holds no email address or phone number to look up.",
    );
  });

  it("answers /contact help privately", async () => {
    const message = messageOf(await h.send(h.ix.slash(h.tech, "help")));
    expect(message.flags).toBe(EPHEMERAL);
    const usages = message.embeds[0]?.fields?.map((f) => f.name) ?? [];
    expect(usages[0]).toMatch(/^\/contact find/);
    expect(usages).toContain("Right-click a message → Apps → Look up contact");
    expect(usages.some((u) => u.startsWith("/contact <query>"))).toBe(false);
  });

  it("renders mentions and markdown in contact data literally and pings nobody", async () => {
    h.itflow.state.contacts.push(
      buildContactRow({
        contact_id: "60",
        contact_client_id: "1",
        contact_name: "@everyone **x**",
        contact_title: "# Boss <@123456789012345678>",
        contact_email: "mallory@acme.example",
        contact_notes: "> quoted\n||spoiler|| and _under_ @here",
      }),
    );
    const message = messageOf(await h.send(h.ix.slash(h.tech, "find", { query: "#60" })));
    const card = message.embeds[0];
    expect(card?.title).toBe("@\u200beveryone \\*\\*x\\*\\*");
    expect(card?.description).toBe("\\# Boss \\<@123456789012345678>");
    expect(card?.fields?.find((f) => f.name === "Notes")?.value).toBe(
      "\\> quoted\n\\|\\|spoiler\\|\\| and \\_under\\_ @\u200bhere",
    );
    expect(message.allowed_mentions).toEqual({ parse: [] });
  });

  it("refuses politely, and logs, an interaction from a server not in DISCORD_GUILD_IDS", async () => {
    const before = h.itflow.requests.length;
    const message = messageOf(await h.send(h.ix.slash(h.elsewhere, "find", { query: "alice" })));
    expect(message.flags).toBe(EPHEMERAL);
    expect(message.embeds[0]?.description).toMatch(/only answers in the Discord servers it was set up for/);
    expect(JSON.stringify(message)).not.toContain("Alice");
    expect(warnings(h.logs, /server not in DISCORD_GUILD_IDS/).at(-1)?.guildId).toBe(h.foreignGuildId);
    const autocomplete = await h.send(h.ix.autocomplete(h.elsewhere, "find", "query", "ali"));
    expect(autocomplete.body).toEqual({ type: 8, data: { choices: [] } });
    expect(h.itflow.requests.length).toBe(before);
  });

  it("refuses a DM too", async () => {
    const message = messageOf(await h.send(h.ix.slash(h.inDm, "find", { query: "alice" })));
    expect(message.embeds[0]?.description).toMatch(/only answers in the Discord servers/);
    expect(warnings(h.logs, /outside a server \(DM\)/)).not.toHaveLength(0);
  });
});

describe("Discord: a large directory", () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await startDiscordHarness({ generate: { contacts: 400, clients: 20 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("offers at most 25 autocomplete choices of at most 100 characters", async () => {
    const callback = await h.send(h.ix.autocomplete(h.tech, "find", "query", "a"));
    const choices = (callback.body.data?.choices ?? []) as Array<{ name: string; value: string }>;
    expect(choices).toHaveLength(25);
    for (const c of choices) {
      expect(c.name.length).toBeGreaterThan(0);
      expect(c.name.length).toBeLessThanOrEqual(100);
      expect(c.value).toMatch(/^#\d+$/);
    }
  });

  it("lists the first ten matches and says how many more there are", async () => {
    const message = messageOf(await h.send(h.ix.slash(h.tech, "find", { query: "a" })));
    expect(message.components[0]?.components[0]?.options).toHaveLength(10);
    expect(message.embeds[0]?.footer?.text).toMatch(/^\d+ more — refine the query/);
  });
});
