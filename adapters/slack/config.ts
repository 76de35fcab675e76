// The Slack adapter's part of the environment, read through the same zod + ConfigError path as the
// core, so a missing Slack variable is reported together with every other problem in one message.
import { z } from "zod";
import { ConfigError, describeIssues, listOf } from "../../src/config.js";

/** What each variable is for, shown next to any problem with it (the core's list covers its own). */
export const SLACK_VARIABLE_HELP: Record<string, string> = {
  SLACK_BOT_TOKEN:
    "the Bot User OAuth Token, xoxb-… (api.slack.com/apps > your app > OAuth & Permissions, after installing)",
  SLACK_APP_TOKEN:
    "an app-level token, xapp-…, with the connections:write scope (Basic Information > App-Level Tokens); set it to use Socket Mode (no public URL needed)",
  SLACK_SIGNING_SECRET:
    "the Signing Secret (Basic Information > App Credentials); set it instead of SLACK_APP_TOKEN to receive requests over HTTP",
  SLACK_PORT: "the port the HTTP mode listens on (default 3000; ignored in Socket Mode)",
  SLACK_HOST:
    "the address the HTTP mode listens on (default: every interface), e.g. 127.0.0.1 behind a proxy",
  SLACK_API_URL:
    "override of Slack's Web API address, e.g. https://slack-gov.com/api/ for GovSlack or a proxy (default https://slack.com/api/)",
  SLACK_TEAM_IDS:
    "comma-separated workspace ids (T…) or Enterprise Grid org ids (E…) the bot answers; empty = only the workspace the bot token belongs to",
  VERIFY_AUDIT_SLACK_CHANNEL:
    "a channel id (C…, or G… for an old private channel) where every caller verification is posted as one line; invite the bot there, and the app needs the chat:write scope (empty = not posted)",
};

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));

export const slackEnvSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: "is missing" })
    .trim()
    .min(1, "is missing")
    .refine((t) => t.startsWith("xoxb-") && !/\s/.test(t), "must be a bot token starting with xoxb-"),
  SLACK_APP_TOKEN: optionalText.refine(
    (t) => t === undefined || (t.startsWith("xapp-") && !/\s/.test(t)),
    "must be an app-level token starting with xapp-",
  ),
  SLACK_SIGNING_SECRET: optionalText.refine(
    (s) => s === undefined || (s.length >= 16 && !/\s/.test(s)),
    "does not look like a signing secret",
  ),
  SLACK_PORT: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return 3000;
      const n = Number(v.trim());
      if (!Number.isInteger(n) || n < 0 || n > 65_535) {
        ctx.addIssue({ code: "custom", message: "SLACK_PORT must be a port number from 0 to 65535" });
        return z.NEVER;
      }
      return n;
    }),
  SLACK_HOST: optionalText,
  SLACK_API_URL: optionalText.pipe(
    z
      .url({ protocol: /^https?$/, error: "must be an http:// or https:// address" })
      // The Web API client appends the method name directly, so the base must end with "/".
      .transform((u) => (u.endsWith("/") ? u : `${u}/`))
      .optional(),
  ),
  SLACK_TEAM_IDS: z
    .string()
    .optional()
    .transform(listOf)
    .pipe(z.array(z.string().regex(/^[TE][A-Z0-9]{2,}$/, "entries look like T0123ABCD or E0123ABCD"))),
  VERIFY_AUDIT_SLACK_CHANNEL: optionalText.refine(
    (c) => c === undefined || /^[CG][A-Z0-9]{2,}$/.test(c),
    "must be a channel id such as C0123ABCD (channel name › About › Channel ID), not its name",
  ),
});

export type SlackMode = "socket" | "http";

export interface SlackConfig {
  botToken: string;
  /** Socket Mode when set (the default the README recommends); HTTP mode otherwise. */
  appToken: string | undefined;
  signingSecret: string | undefined;
  mode: SlackMode;
  port: number;
  host: string | undefined;
  /** Web API base ending in "/"; undefined = Slack's default. */
  apiUrl: string | undefined;
  /** Workspaces (T…) and Enterprise orgs (E…) the bot answers; empty = learn from auth.test. */
  teamIds: readonly string[];
  /** Where caller verifications are posted, one line each; undefined = nowhere. */
  verifyAuditChannel: string | undefined;
}

// Checked apart from the schema: zod runs object refinements only when every field parsed, and
// this problem must be reported together with the others.
const NO_TRANSPORT =
  "SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) must be set next to SLACK_BOT_TOKEN";

export function loadSlackConfig(env: NodeJS.ProcessEnv): SlackConfig {
  const result = slackEnvSchema.safeParse(env);
  const problems = result.success ? [] : describeIssues(result.error);
  if (!env.SLACK_APP_TOKEN?.trim() && !env.SLACK_SIGNING_SECRET?.trim()) problems.push(NO_TRANSPORT);
  if (!result.success || problems.length > 0) {
    throw new ConfigError(
      problems.map((line) => {
        const help = SLACK_VARIABLE_HELP[line.split(" ")[0] ?? ""];
        return help ? `${line} — ${help}` : line;
      }),
    );
  }
  const e = result.data;
  return {
    botToken: e.SLACK_BOT_TOKEN,
    appToken: e.SLACK_APP_TOKEN,
    signingSecret: e.SLACK_SIGNING_SECRET,
    mode: e.SLACK_APP_TOKEN ? "socket" : "http",
    port: e.SLACK_PORT,
    host: e.SLACK_HOST,
    apiUrl: e.SLACK_API_URL,
    teamIds: e.SLACK_TEAM_IDS,
    verifyAuditChannel: e.VERIFY_AUDIT_SLACK_CHANNEL,
  };
}

/** Whether `npm start` should start the Slack adapter: its bot token is set. */
export function slackConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.SLACK_BOT_TOKEN?.trim());
}
