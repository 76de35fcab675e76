// The Slack adapter's environment: which mode starts, and one readable message for every problem.
import { describe, expect, it } from "vitest";
import { loadSlackConfig, slackConfigured } from "../../adapters/slack/config.js";
import { ConfigError } from "../../src/config.js";

const BOT = "xoxb-1234-5678-abcdefghijkl";

function problems(env: Record<string, string>): string[] {
  try {
    loadSlackConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("Slack configuration", () => {
  it("Socket Mode when the app token is set (whatever else is), with defaults", () => {
    const config = loadSlackConfig({
      SLACK_BOT_TOKEN: BOT,
      SLACK_APP_TOKEN: "xapp-1-A1-2-abc",
      SLACK_SIGNING_SECRET: "0123456789abcdef0123",
    });
    expect(config).toMatchObject({ mode: "socket", port: 3000, apiUrl: undefined, teamIds: [] });
  });

  it("HTTP mode with the signing secret; port, host, API URL and team list read", () => {
    const config = loadSlackConfig({
      SLACK_BOT_TOKEN: BOT,
      SLACK_SIGNING_SECRET: "0123456789abcdef0123",
      SLACK_PORT: "8080",
      SLACK_HOST: "127.0.0.1",
      SLACK_API_URL: "https://slack-gov.com/api",
      SLACK_TEAM_IDS: "T0123ABCD, E0456EFGH",
    });
    expect(config).toMatchObject({
      mode: "http",
      port: 8080,
      host: "127.0.0.1",
      apiUrl: "https://slack-gov.com/api/",
      teamIds: ["T0123ABCD", "E0456EFGH"],
    });
  });

  it("names every problem at once, with what the variable is for, never echoing a secret", () => {
    const lines = problems({
      SLACK_BOT_TOKEN: "xoxp-user-token-secret",
      SLACK_PORT: "99999",
      SLACK_TEAM_IDS: "acme",
    });
    expect(lines).toHaveLength(4);
    expect(lines.join("\n")).toContain("SLACK_BOT_TOKEN must be a bot token starting with xoxb-");
    expect(lines.join("\n")).toContain(
      "SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) must be set",
    );
    expect(lines.join("\n")).toContain("SLACK_PORT must be a port number");
    expect(lines.join("\n")).toContain("SLACK_TEAM_IDS");
    expect(lines.join("\n")).toContain("OAuth & Permissions");
    expect(lines.join("\n")).not.toContain("xoxp-user-token-secret");
  });

  it("reads the optional verification audit channel, refusing a channel name", () => {
    const env = { SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: "xapp-1-A1-2-abc" };
    expect(loadSlackConfig({ ...env, VERIFY_AUDIT_SLACK_CHANNEL: "C0AUDIT1" }).verifyAuditChannel).toBe(
      "C0AUDIT1",
    );
    expect(loadSlackConfig(env).verifyAuditChannel).toBeUndefined();
    expect(problems({ ...env, VERIFY_AUDIT_SLACK_CHANNEL: "#audit" })).toEqual([
      expect.stringMatching(
        /^VERIFY_AUDIT_SLACK_CHANNEL must be a channel id such as C0123ABCD .* — a channel id \(C…, or G…/,
      ),
    ]);
  });

  it("an app token that is not one is refused", () => {
    expect(problems({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: BOT })[0]).toContain("starting with xapp-");
  });

  it("the Slack adapter starts only when its bot token is set", () => {
    expect(slackConfigured({})).toBe(false);
    expect(slackConfigured({ SLACK_BOT_TOKEN: "  " })).toBe(false);
    expect(slackConfigured({ SLACK_BOT_TOKEN: BOT })).toBe(true);
  });
});
