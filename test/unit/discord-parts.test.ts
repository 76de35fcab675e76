// The Discord adapter's pure parts: escaping, custom_id round trips, reading a submitted modal,
// picking emails and numbers out of a message, configuration, command comparison and the budget.
import { ComponentType, type ModalData } from "discord.js";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../adapters/discord/commands-definition.js";
import { loadDiscordConfig } from "../../adapters/discord/config.js";
import { type Action, encodeAction, parseAction } from "../../adapters/discord/custom-id.js";
import { termsInMessage } from "../../adapters/discord/interactions/message-lookup.js";
import { timingFor, within } from "../../adapters/discord/interactions/respond.js";
import { sameCommands } from "../../adapters/discord/register.js";
import { clip, escapeMarkdown } from "../../adapters/discord/render/escape.js";
import { valuesFromSubmission } from "../../adapters/discord/render/modals.js";
import { ConfigError } from "../../src/config.js";

describe("escapeMarkdown", () => {
  it.each([
    ["**x**", "\\*\\*x\\*\\*"],
    ["@everyone and @here", "@\u200beveryone and @\u200bhere"],
    ["<@123> <#456> <@&789>", "\\<@123> \\<#456> \\<@&789>"],
    ["[click](https://evil.example)", "\\[click\\](https://evil.example)"],
    [
      "snake_case ~~gone~~ `code` ||spoiler||",
      "snake\\_case \\~\\~gone\\~\\~ \\`code\\` \\|\\|spoiler\\|\\|",
    ],
    [
      "# Heading\n> quote\n- item\n1. first\n-# small",
      "\\# Heading\n\\> quote\n\\- item\n1\\. first\n\\-# small",
    ],
    ["back\\slash", "back\\\\slash"],
    ["O'Connor & Sons (555) 123-4567", "O'Connor & Sons (555) 123-4567"],
  ])("%j → %j", (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it("clips without splitting a surrogate pair or leaving a dangling escape", () => {
    expect(clip("abc", 3)).toBe("abc");
    expect(clip("abcdef", 4)).toBe("abc…");
    expect(clip("ab😀😀", 4)).toBe("ab…");
    expect(clip(escapeMarkdown("ab**"), 4)).toBe("ab…");
  });
});

describe("custom_id", () => {
  const actions: Action[] = [
    { kind: "edit", step: 1, contactId: 42 },
    { kind: "edit", step: 2, contactId: 42 },
    { kind: "share", contactId: 7 },
    { kind: "open" },
    { kind: "create", prefill: "sally@itflow.org" },
    { kind: "pickClient", sessionId: "AbCdEfGhIjKl" },
    { kind: "fix", step: 2, sessionId: "AbCdEfGhIjKl" },
    { kind: "verify", contactId: 1 },
    { kind: "verifyForm", contactId: 2_147_483_647 },
    {
      kind: "form",
      step: 1,
      sessionId: "AbCd-fGh_jKl",
      mode: "create",
      contactId: null,
      clientId: 3,
      version: null,
    },
    {
      kind: "form",
      step: 2,
      sessionId: "AbCdEfGhIjKl",
      mode: "edit",
      contactId: 9,
      clientId: 1,
      version: "OFqwX4OHKxAU2eHV",
    },
  ];
  it.each(actions.map((a) => [encodeAction(a), a] as const))("%s round-trips", (id, action) => {
    expect(parseAction(id)).toEqual(action);
  });

  it("refuses what is not ours", () => {
    for (const id of [
      "",
      "e3:1",
      "e1:x",
      "sh:0",
      "f1:short:c:0:0:-",
      "pc:bad id",
      "vc:0",
      "vx:1",
      "x".repeat(101),
    ]) {
      expect(parseAction(id)).toBeNull();
    }
  });
});

describe("valuesFromSubmission", () => {
  const text = (customId: string, value: string): ModalData => ({
    type: ComponentType.TextInput,
    id: 1,
    customId,
    value,
  });

  it("reads step 1: texts and the flags group", () => {
    const values = valuesFromSubmission(
      [
        text("name", "Nina"),
        text("email", "nina@acme.example"),
        text("title", "ignored: not a step-1 field"),
        { type: ComponentType.CheckboxGroup, id: 2, customId: "flags", values: ["billing"] },
      ],
      1,
    );
    expect(values).toEqual({
      name: "Nina",
      email: "nina@acme.example",
      primary: false,
      important: false,
      billing: true,
      technical: false,
    });
  });

  it("reads step 2: the location select, where 'No location' and nothing both mean none", () => {
    const select = (values: string[]): ModalData => ({
      type: ComponentType.StringSelect,
      id: 3,
      customId: "locationId",
      values,
    });
    expect(valuesFromSubmission([text("notes", "a\nb"), select(["4"])], 2)).toEqual({
      notes: "a\nb",
      locationId: "4",
    });
    expect(valuesFromSubmission([select(["0"])], 2)).toEqual({ locationId: null });
    expect(valuesFromSubmission([select([])], 2)).toEqual({ locationId: null });
  });
});

describe("termsInMessage", () => {
  it("finds every email and phone number once, in order, and skips ticket numbers and dates", () => {
    expect(
      termsInMessage(
        "From: Grace <grace@globex.example> — call back on +44 20 7946 0018 or (555) 123-4567. " +
          "Ticket #4521, 2026-03-14. Again: GRACE@globex.example, 555.123.4567",
        "US",
      ),
    ).toEqual(["grace@globex.example", "+44 20 7946 0018", "(555) 123-4567"]);
  });

  it("finds nothing in chatter", () => {
    expect(termsInMessage("ok thanks, see you at 10:30 on the 3rd", "US")).toEqual([]);
  });
});

describe("loadDiscordConfig", () => {
  const good = {
    DISCORD_TOKEN: "MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789",
    DISCORD_APPLICATION_ID: "123456789012345678",
    DISCORD_GUILD_IDS: "234567890123456789, 345678901234567890",
  };

  it("reads the allowlist and the optional REST override", () => {
    const config = loadDiscordConfig({ ...good, DISCORD_API_URL: "http://127.0.0.1:9999/api/" });
    expect([...config.guildIds]).toEqual(["234567890123456789", "345678901234567890"]);
    expect(config.apiUrl).toBe("http://127.0.0.1:9999/api");
    expect(loadDiscordConfig(good).apiUrl).toBeUndefined();
  });

  it("reads the optional verification audit channel, refusing anything but an id", () => {
    expect(
      loadDiscordConfig({ ...good, VERIFY_AUDIT_DISCORD_CHANNEL: " 456789012345678901 " }).verifyAuditChannel,
    ).toBe("456789012345678901");
    expect(loadDiscordConfig(good).verifyAuditChannel).toBeUndefined();
    expect(() => loadDiscordConfig({ ...good, VERIFY_AUDIT_DISCORD_CHANNEL: "#audit" })).toThrow(
      /VERIFY_AUDIT_DISCORD_CHANNEL must be a channel's numeric id .*— the id of a channel where every caller verification is posted/,
    );
  });

  it("reports every problem at once, with what each variable is for, never echoing the token", () => {
    try {
      loadDiscordConfig({ DISCORD_TOKEN: "short secret", DISCORD_GUILD_IDS: "my-server" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toMatch(/DISCORD_TOKEN does not look like a bot token — the bot token/);
      expect(message).toMatch(/DISCORD_APPLICATION_ID is missing — the application id/);
      expect(message).toMatch(/DISCORD_GUILD_IDS entries must be numeric server ids/);
      expect(message).not.toContain("short secret");
    }
  });
});

describe("sameCommands", () => {
  it("sees Discord's echo of our commands (ids, versions, defaults) as the same set", () => {
    const echoed = COMMANDS.map((c, i) => ({
      ...c,
      id: String(i),
      version: "1",
      application_id: "1",
      default_member_permissions: null,
      nsfw: false,
      description: "description" in c ? c.description : "",
    })).reverse();
    expect(sameCommands(echoed, COMMANDS)).toBe(true);
  });

  it("sees a changed description as a change", () => {
    const changed = COMMANDS.map((c) => ({
      ...c,
      description: "description" in c ? `${c.description}!` : "",
    }));
    expect(sameCommands(changed, COMMANDS)).toBe(false);
    expect(sameCommands([], COMMANDS)).toBe(false);
  });
});

describe("the response budget", () => {
  it("leaves room for the answer inside Discord's 3 s, shortened by the interaction's age", () => {
    const now = 1_000_000;
    expect(timingFor(now, now).budgetMs).toBe(2000);
    expect(timingFor(now - 1500, now).budgetMs).toBe(900);
    // A clock far off must not starve every answer.
    expect(timingFor(now - 60_000, now).budgetMs).toBe(300);
    expect(timingFor(now + 60_000, now).budgetMs).toBe(2000);
  });

  it("within() says whether work finished in time and lets it run on", async () => {
    expect(await within(Promise.resolve(1), 50)).toEqual({ done: true, value: 1 });
    const slow = new Promise((r) => setTimeout(() => r(2), 80));
    expect(await within(slow, 10)).toEqual({ done: false });
    expect(await slow).toBe(2);
  });
});
