// What goes wrong in production: ITFlow down or hanging, interactions that expired or were
// already answered, re-running registration, shutting down — none may crash or lose input.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SnowflakeUtil } from "discord.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startCore } from "../../adapters/bootstrap.js";
import { startDiscord } from "../../adapters/discord/client.js";
import { COMMANDS } from "../../adapters/discord/commands-definition.js";
import { describeRegistration, registerCommands } from "../../adapters/discord/register.js";
import { loadCoreConfig } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import {
  controlsOf,
  type DiscordHarness,
  fieldsOf,
  messageOf,
  modalOf,
  startDiscordHarness,
  warnings,
} from "../fakes/discord/harness.js";
import { Interactions, startFakeDiscord } from "../fakes/discord/index.js";
import { startFakeItflow } from "../fakes/itflow/index.js";

const MAIN = fileURLToPath(new URL("../../adapters/discord/main.ts", import.meta.url));

describe("Discord: when things go wrong", () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await startDiscordHarness();
  });
  afterEach(() => {
    // Back to the seeded database with no canned failures, latency or hanging left over.
    h.itflow.reset();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("says ITFlow is unavailable when it answers with errors", async () => {
    h.itflow.failNext(10, { status: 503, body: "<h1>Service Unavailable</h1>", contentType: "text/html" });
    const callback = await h.send(h.ix.slash(h.tech, "find", { query: "#77" }));
    expect(callback.body.type).toBe(4);
    const message = messageOf(callback);
    expect(message.embeds[0]?.description).toMatch(/^ITFlow .*not working \(HTTP 503\)/);
    expect(message.flags).toBe(64);
  });

  it("acknowledges inside the deadline while ITFlow hangs, then edits in the answer", async () => {
    h.itflow.hang(true);
    try {
      const interaction = h.ix.slash(h.tech, "find", { query: "#78" });
      const started = Date.now();
      const callback = await h.send(interaction);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
      const edit = await h.discord.webhookFor(interaction.token, 15_000);
      expect(edit.method).toBe("PATCH");
      expect(edit.messageId).toBe("@original");
      // Three attempts of 1 s (ITFLOW_TIMEOUT_MS) and the pauses between: the whole wait is said.
      expect(messageOf(edit).embeds[0]?.description).toMatch(/^ITFlow did not answer within 3(\.\d)? s\.$/);
      expect(messageOf(edit).allowed_mentions).toEqual({ parse: [] });
    } finally {
      h.itflow.hang(false);
    }
  });

  it("still opens the edit form while ITFlow hangs (from cached data), and keeps the input when saving fails", async () => {
    h.itflow.hang(true);
    try {
      const opened = await h.send(h.ix.button(h.tech, "e1:8"));
      const modal = modalOf(opened);
      expect(modal.title).toBe("Edit Sam Shared (Acme) (1/2)");
      const submit = h.ix.modalSubmit(h.tech, opened.body.data!, { name: "Sam Shared (Acme Corp)" });
      const callback = await h.send(submit);
      expect(callback.body.type).toBe(5);
      const edit = await h.discord.webhookFor(submit.token, 15_000);
      const answer = messageOf(edit);
      expect(answer.embeds[0]?.description).toMatch(/ITFlow/);
      const retry = controlsOf(answer).find((id) => id.startsWith("fx1:"));
      expect(retry).toBeDefined();
      h.itflow.hang(false);
      const again = modalOf(await h.send(h.ix.button(h.tech, retry ?? "")));
      expect(fieldsOf(again).name?.component?.value).toBe("Sam Shared (Acme Corp)");
    } finally {
      h.itflow.hang(false);
    }
  });

  it("logs an expired interaction (10062) and keeps answering the next ones", async () => {
    const stale = h.ix.slash(h.tech, "find", { query: "alice" }, Date.now() - 10_000);
    const callback = await h.send(stale);
    expect(callback.status).toBe(404);
    await expect.poll(() => warnings(h.logs, /10062 Unknown interaction/).length).toBe(1);
    const fresh = await h.send(h.ix.slash(h.tech, "find", { query: "alice" }));
    expect(fresh.status).toBe(204);
  });

  it("logs a doubly delivered interaction (40060) without crashing", async () => {
    const interaction = h.ix.slash(h.tech, "find", { query: "bob@acme.example" });
    h.discord.dispatch(interaction);
    h.discord.dispatch(interaction);
    await expect.poll(() => h.discord.callbacksOf(interaction.id).length).toBe(2);
    expect(h.discord.callbacksOf(interaction.id).map((c) => c.status)).toEqual([204, 400]);
    await expect.poll(() => warnings(h.logs, /40060 already acknowledged/).length).toBe(1);
    expect(h.bot.client.isReady()).toBe(true);
  });

  it("answers an unknown button (from an older version) politely", async () => {
    const message = messageOf(await h.send(h.ix.button(h.tech, "v0-legacy:edit:1")));
    expect(message.embeds[0]?.description).toMatch(/older message/);
  });
});

describe("Discord: registration", () => {
  it("puts the command set on each allowed guild and changes nothing when run again", async () => {
    const discord = await startFakeDiscord();
    try {
      const guilds = [SnowflakeUtil.generate().toString(), SnowflakeUtil.generate().toString()];
      const env = {
        DISCORD_TOKEN: discord.token,
        DISCORD_APPLICATION_ID: discord.applicationId,
        DISCORD_GUILD_IDS: guilds.join(","),
        DISCORD_API_URL: discord.apiUrl,
      };
      const first = await registerCommands(env);
      expect(first.map((r) => [r.scope, r.action])).toEqual(guilds.map((g) => [g, "created"]));
      expect(discord.commandWrites).toBe(2);
      const held = discord.commands.get(guilds[0] ?? "");
      expect(held?.map((c) => [c.name, c.type])).toEqual([
        ["contact", 1],
        ["Look up contact", 3],
      ]);
      const ids = held?.map((c) => c.id);

      const second = await registerCommands(env);
      expect(second.map((r) => r.action)).toEqual(["unchanged", "unchanged"]);
      expect(discord.commandWrites).toBe(2);
      expect(discord.commands.get(guilds[0] ?? "")?.map((c) => c.id)).toEqual(ids);
      expect(describeRegistration(second)[0]).toBe(
        `contact, Look up contact: already up to date on server ${guilds[0]}`,
      );

      const global = await registerCommands(env, { global: true });
      expect(global).toEqual([{ scope: "global", action: "created", commands: COMMANDS.map((c) => c.name) }]);
      expect((await registerCommands(env, { global: true }))[0]?.action).toBe("unchanged");
      expect(discord.commandWrites).toBe(3);
    } finally {
      await discord.close();
    }
  });
});

describe("Discord: start and stop", () => {
  it("rejects a wrong token at start-up without leaving anything running", async () => {
    const discord = await startFakeDiscord();
    const core = await startCore(
      loadCoreConfig({ ITFLOW_URL: "http://127.0.0.1:9", ITFLOW_API_KEY: "KEY_ADMIN", LOG_LEVEL: "silent" }),
      silentLogger(),
    );
    try {
      const env = {
        DISCORD_TOKEN: "wrong-token.for-tests.only-0123456789",
        DISCORD_APPLICATION_ID: discord.applicationId,
        DISCORD_GUILD_IDS: SnowflakeUtil.generate().toString(),
        DISCORD_API_URL: discord.apiUrl,
      };
      await expect(startDiscord(core, env, silentLogger())).rejects.toThrow();
      expect(discord.identifies).toBe(0);
    } finally {
      await core.close();
      await discord.close();
    }
  });

  it("names every missing Discord variable in one configuration error", async () => {
    const core = await startCore(
      loadCoreConfig({ ITFLOW_URL: "http://127.0.0.1:9", ITFLOW_API_KEY: "KEY_ADMIN" }),
      silentLogger(),
    );
    try {
      await expect(startDiscord(core, { DISCORD_TOKEN: "x" }, silentLogger())).rejects.toThrow(
        /DISCORD_TOKEN does not look like a bot token[\s\S]*DISCORD_APPLICATION_ID is missing[\s\S]*DISCORD_GUILD_IDS is missing/,
      );
    } finally {
      await core.close();
    }
  });

  it("runs as a process that answers, then exits 0 on SIGTERM after closing the gateway", async () => {
    const discord = await startFakeDiscord({
      guilds: [
        {
          id: SnowflakeUtil.generate().toString(),
          name: "Helpdesk",
          channelId: SnowflakeUtil.generate().toString(),
        },
      ],
    });
    const itflow = await startFakeItflow();
    const guild = discord.guilds[0];
    try {
      const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
        env: {
          PATH: process.env.PATH ?? "",
          ITFLOW_URL: itflow.url,
          ITFLOW_API_KEY: "KEY_ADMIN",
          DISCORD_TOKEN: discord.token,
          DISCORD_APPLICATION_ID: discord.applicationId,
          DISCORD_GUILD_IDS: guild?.id ?? "",
          DISCORD_API_URL: discord.apiUrl,
        },
        cwd: fileURLToPath(new URL(".", import.meta.url)),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8");
      });
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      await expect.poll(() => stderr, { timeout: 15_000 }).toContain("connected to Discord");
      const ix = new Interactions(discord.applicationId);
      const help = ix.slash(
        { guildId: guild?.id ?? null, channelId: guild?.channelId ?? "", userId: "123456789012345678" },
        "help",
      );
      discord.dispatch(help);
      expect((await discord.callbackFor(help.id, 10_000)).body.type).toBe(4);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(stderr).toContain("disconnected from Discord");
      expect(stderr).not.toContain(discord.token);
    } finally {
      await itflow.close();
      await discord.close();
    }
  });

  it("stops cleanly: the gateway connection closes and late interactions are ignored", async () => {
    const h = await startDiscordHarness();
    await h.send(h.ix.slash(h.tech, "help"));
    await h.bot.stop();
    expect(h.bot.client.isReady()).toBe(false);
    const late = h.ix.slash(h.tech, "help");
    h.discord.dispatch(late);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.discord.callbacksOf(late.id)).toHaveLength(0);
    await h.close();
  });
});
