// The Discord adapter's part of the environment, read through the same zod + ConfigError path as
// the core, so a missing Discord variable is reported with every other problem in one message.
import { z } from "zod";
import { ConfigError, describeIssues, listOf } from "../../src/config.js";

/** What each variable is for, shown next to any problem with it (the core's list covers its own). */
export const DISCORD_VARIABLE_HELP: Record<string, string> = {
  DISCORD_TOKEN: "the bot token (Discord Developer Portal > your application > Bot > Reset Token)",
  DISCORD_APPLICATION_ID: "the application id (Developer Portal > General Information), a long number",
  DISCORD_GUILD_IDS:
    "comma-separated ids of the servers (guilds) the bot answers in; any other server or a DM is refused",
  DISCORD_API_URL: "override of Discord's REST address, e.g. a proxy (default https://discord.com/api)",
  VERIFY_AUDIT_DISCORD_CHANNEL:
    "the id of a channel where every caller verification is posted as one line; the bot needs View Channel and Send Messages there (empty = not posted)",
};

const SNOWFLAKE = /^\d{17,20}$/;

export const discordEnvSchema = z.object({
  DISCORD_TOKEN: z
    .string({ error: "is missing" })
    .trim()
    .min(1, "is missing")
    // The real token has three dot-separated parts; anything with spaces is a copy-paste accident.
    .refine((t) => !/\s/.test(t) && t.length >= 20, "does not look like a bot token")
    .transform((t) => t.replace(/^Bot\s+/i, "")),
  DISCORD_APPLICATION_ID: z
    .string({ error: "is missing" })
    .trim()
    .regex(SNOWFLAKE, "must be the application's numeric id"),
  DISCORD_GUILD_IDS: z
    .string({ error: "is missing" })
    .transform(listOf)
    .pipe(
      z
        .array(z.string().regex(SNOWFLAKE, "entries must be numeric server ids"))
        .min(1, "needs at least one server id (right-click the server > Copy Server ID)"),
    ),
  DISCORD_API_URL: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined))
    .pipe(
      z
        .url({ protocol: /^https?$/, error: "must be an http:// or https:// address" })
        .transform((u) => u.replace(/\/+$/, ""))
        .optional(),
    ),
  VERIFY_AUDIT_DISCORD_CHANNEL: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined))
    .pipe(
      z
        .string()
        .regex(SNOWFLAKE, "must be a channel's numeric id (right-click it > Copy Channel ID)")
        .optional(),
    ),
});

export interface DiscordConfig {
  token: string;
  applicationId: string;
  guildIds: ReadonlySet<string>;
  /** REST base without the version, e.g. https://discord.com/api; undefined = discord.js default. */
  apiUrl: string | undefined;
  /** Where caller verifications are posted, one line each; undefined = nowhere. */
  verifyAuditChannel: string | undefined;
}

export function loadDiscordConfig(env: NodeJS.ProcessEnv): DiscordConfig {
  const result = discordEnvSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      describeIssues(result.error).map((line) => {
        const help = DISCORD_VARIABLE_HELP[line.split(" ")[0] ?? ""];
        return help ? `${line} — ${help}` : line;
      }),
    );
  }
  const e = result.data;
  return {
    token: e.DISCORD_TOKEN,
    applicationId: e.DISCORD_APPLICATION_ID,
    guildIds: new Set(e.DISCORD_GUILD_IDS),
    apiUrl: e.DISCORD_API_URL,
    verifyAuditChannel: e.VERIFY_AUDIT_DISCORD_CHANNEL,
  };
}

/** Whether `npm start` should start the Discord adapter: its token is set. */
export function discordConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.DISCORD_TOKEN?.trim());
}
