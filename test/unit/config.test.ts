import { describe, expect, it } from "vitest";
import { accessPolicy, type Caller } from "../../commands/caller.js";
import { ConfigError, loadCoreConfig } from "../../src/config.js";

const base = { ITFLOW_URL: "https://itflow.example.com/", ITFLOW_API_KEY: "abcdEFGH1234ijkl" };

function problems(env: Record<string, string>): string[] {
  try {
    loadCoreConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadCoreConfig", () => {
  it("applies the documented defaults", () => {
    expect(loadCoreConfig(base)).toEqual({
      itflow: {
        url: "https://itflow.example.com",
        apiKey: "abcdEFGH1234ijkl",
        timeoutMs: 5000,
        pageSize: 2000,
      },
      actionTimeoutMs: 8000,
      phoneRegion: "US",
      cacheTtlMs: 60_000,
      refreshMs: 300_000,
      storeUrl: "memory://",
      editAllow: [],
      verifyAllow: [],
      logLevel: "info",
    });
  });

  it("lists every problem at once, each with what the variable is for", () => {
    const list = problems({
      ITFLOW_URL: "ftp://nope",
      ITFLOW_TIMEOUT_MS: "soon",
      DEFAULT_PHONE_REGION: "XX",
      STORE_URL: "mysql://db",
      EDIT_ALLOW: "bob",
    });
    expect(list).toHaveLength(6);
    expect(list[0]).toMatch(
      /^ITFLOW_URL must be an http:\/\/ or https:\/\/ address — the address of your ITFlow server/,
    );
    expect(list[1]).toMatch(/^ITFLOW_API_KEY is missing — an ITFlow API key/);
    expect(list.join("\n")).toContain("ITFLOW_TIMEOUT_MS must be a whole number from 500 to 120000");
    expect(list.join("\n")).toContain("DEFAULT_PHONE_REGION must be a two-letter country code");
    expect(list.join("\n")).toContain("STORE_URL must be memory:// or a redis:// URL");
    expect(list.join("\n")).toContain("EDIT_ALLOW entries look like slack:U0123");
  });

  it("never echoes a value back, so a secret in the wrong variable is not printed", () => {
    const secret = "xoxb-1234-SECRET-TOKEN";
    const message = (() => {
      try {
        loadCoreConfig({ ...base, ITFLOW_URL: secret, ITFLOW_TIMEOUT_MS: secret, EDIT_ALLOW: secret });
      } catch (error) {
        return String(error);
      }
      return "";
    })();
    expect(message).toContain("ITFLOW_URL");
    expect(message).not.toContain("SECRET");
  });

  it("parses EDIT_ALLOW lists with commas or spaces", () => {
    expect(loadCoreConfig({ ...base, EDIT_ALLOW: "slack:U1, discord:role:42 discord:7" }).editAllow).toEqual([
      "slack:U1",
      "discord:role:42",
      "discord:7",
    ]);
  });

  it("parses VERIFY_ALLOW like EDIT_ALLOW, and names it when an entry is malformed", () => {
    const config = loadCoreConfig({ ...base, VERIFY_ALLOW: "slack:U1 cli:alice,discord:role:42" });
    expect(config.verifyAllow).toEqual(["slack:U1", "cli:alice", "discord:role:42"]);
    expect(() => loadCoreConfig({ ...base, VERIFY_ALLOW: "alice" })).toThrow(
      /VERIFY_ALLOW entries look like slack:U0123.*who may check a caller's PIN/,
    );
  });
});

describe("accessPolicy", () => {
  const who = (platform: Caller["platform"], userId: string, roleIds: string[] = []): Caller => ({
    platform,
    workspaceId: null,
    userId,
    roleIds,
  });

  it("lets everyone verify when VERIFY_ALLOW is empty, and only those listed otherwise, apart from EDIT_ALLOW", () => {
    const open = accessPolicy(["slack:U1"]);
    expect(open.canVerify(who("slack", "U2"))).toBe(true);
    expect(open.canEdit(who("slack", "U2"))).toBe(false);
    const limited = accessPolicy([], ["slack:U1", "discord:role:42", "cli:alice"]);
    expect(limited.canEdit(who("slack", "U2"))).toBe(true);
    expect(limited.canVerify(who("slack", "U1"))).toBe(true);
    expect(limited.canVerify(who("slack", "U2"))).toBe(false);
    expect(limited.canVerify(who("discord", "7", ["42"]))).toBe(true);
    expect(limited.canVerify(who("discord", "7", ["43"]))).toBe(false);
    expect(limited.canVerify(who("cli", "alice"))).toBe(true);
    expect(limited.canVerify(who("discord", "U1"))).toBe(false);
  });
});
