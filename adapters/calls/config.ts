// The caller-ID service's configuration (CALLS_*), read through one zod schema like the rest. It is
// on when CALLS_PORT is set; CALLS_TOKEN is then required, because the service answers who a phone
// number belongs to and must never be open to whoever can reach its port.
import type { CountryCode } from "libphonenumber-js";
import { z } from "zod";
import type { PopTarget } from "../../commands/calls/pops.js";
import { ConfigError, describeIssues, intFrom } from "../../src/config.js";
import { readCallerNumber, UnreadableNumber } from "../../src/contacts/caller-number.js";

export const CALLS_HELP: Record<string, string> = {
  CALLS_PORT: "the port of the caller-ID service for phone systems (unset = off)",
  CALLS_HOST:
    "the address the caller-ID service listens on (default 127.0.0.1; expose it through a TLS proxy)",
  CALLS_TOKEN:
    "the secret phone systems send as 'Authorization: Bearer <token>' or ?token=<token>, at least 32 characters (e.g. openssl rand -hex 32)",
  CALLS_CID_MAX_LENGTH: "the longest caller name /calls/cid answers, in characters (default 40)",
  CALLS_MIN_DIGITS: "numbers with fewer digits are internal extensions: no lookup, no pop (default 7)",
  CALLS_SLACK_CHANNEL: "the Slack channel id (C…) incoming calls pop into; the bot must be invited there",
  CALLS_DISCORD_CHANNEL: "the Discord channel id incoming calls pop into",
  CALLS_ROUTES:
    "calls to these numbers pop elsewhere, e.g. +15550001111=slack:C0SUPPORT;+442079460000=discord:123456789012345678",
};

export interface Route {
  /** The called number, spelled as readCallerNumber keys it ("+15550001111", or "ext:800"). */
  to: string;
  targets: PopTarget[];
}

export interface CallsConfig {
  port: number;
  host: string;
  token: string;
  cidMaxLength: number;
  minDigits: number;
  /** Where calls pop when no route names their called number. */
  defaultTargets: PopTarget[];
  routes: Route[];
}

const SLACK_CHANNEL = /^[CGD][A-Z0-9]{2,20}$/;
const DISCORD_CHANNEL = /^\d{17,20}$/;

const optionalId = (pattern: RegExp, message: string) =>
  z
    .string()
    .optional()
    .transform((v) => v?.trim() || undefined)
    .refine((v) => v === undefined || pattern.test(v), message);

const callsSchema = z.object({
  CALLS_PORT: intFrom("CALLS_PORT", 0, 0, 65_535),
  CALLS_HOST: z
    .string()
    .optional()
    .transform((v) => v?.trim() || "127.0.0.1"),
  CALLS_TOKEN: z
    .string({ error: "is missing" })
    .trim()
    .min(1, "is missing")
    .min(32, "must be at least 32 characters")
    .refine((t) => !/\s/.test(t), "must not contain spaces"),
  CALLS_CID_MAX_LENGTH: intFrom("CALLS_CID_MAX_LENGTH", 40, 5, 200),
  CALLS_MIN_DIGITS: intFrom("CALLS_MIN_DIGITS", 7, 3, 15),
  CALLS_SLACK_CHANNEL: optionalId(SLACK_CHANNEL, "must be a Slack channel id such as C0123ABCD"),
  CALLS_DISCORD_CHANNEL: optionalId(DISCORD_CHANNEL, "must be a Discord channel id (17–20 digits)"),
  CALLS_ROUTES: z.string().optional(),
});

export function callsConfigured(env: NodeJS.ProcessEnv): boolean {
  return (env.CALLS_PORT ?? "").trim() !== "";
}

/** How a route's called number or an event's `to` is keyed, so "+1 555 000 1111" meets "15550001111". */
export function numberKey(raw: string, region: CountryCode, minDigits: number): string | null {
  try {
    const n = readCallerNumber(raw, region, minDigits);
    return n.kind === "number" ? n.key : n.kind === "extension" ? `ext:${n.digits}` : null;
  } catch (error) {
    if (error instanceof UnreadableNumber) return null;
    throw error;
  }
}

function parseTarget(text: string): PopTarget | null {
  const [platform, channel = ""] = text.trim().split(/:(.*)/s);
  if (platform === "slack" && SLACK_CHANNEL.test(channel)) return { platform, channel };
  if (platform === "discord" && DISCORD_CHANNEL.test(channel)) return { platform, channel };
  return null;
}

function parseRoutes(text: string, region: CountryCode, minDigits: number, problems: string[]): Route[] {
  const routes: Route[] = [];
  for (const entry of text.split(/[;\n]+/).map((e) => e.trim())) {
    if (!entry) continue;
    const [number = "", list = ""] = entry.split(/=(.*)/s);
    const to = numberKey(number, region, minDigits);
    const targets = list.split(",").map(parseTarget);
    if (!to || targets.length === 0 || targets.some((t) => t === null)) {
      problems.push(
        `CALLS_ROUTES has an entry that is not <number>=slack:<channel id> or <number>=discord:<channel id>: "${entry.slice(0, 60)}" — ${CALLS_HELP.CALLS_ROUTES}`,
      );
      continue;
    }
    routes.push({ to, targets: targets.filter((t): t is PopTarget => t !== null) });
  }
  return routes;
}

export function loadCallsConfig(env: NodeJS.ProcessEnv, region: CountryCode): CallsConfig {
  const parsed = callsSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      describeIssues(parsed.error).map((line) => {
        const help = CALLS_HELP[line.split(" ")[0] ?? ""];
        return help ? `${line} — ${help}` : line;
      }),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  const routes = parseRoutes(e.CALLS_ROUTES ?? "", region, e.CALLS_MIN_DIGITS, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const defaultTargets: PopTarget[] = [];
  if (e.CALLS_SLACK_CHANNEL) defaultTargets.push({ platform: "slack", channel: e.CALLS_SLACK_CHANNEL });
  if (e.CALLS_DISCORD_CHANNEL) defaultTargets.push({ platform: "discord", channel: e.CALLS_DISCORD_CHANNEL });
  return {
    port: e.CALLS_PORT,
    host: e.CALLS_HOST,
    token: e.CALLS_TOKEN,
    cidMaxLength: e.CALLS_CID_MAX_LENGTH,
    minDigits: e.CALLS_MIN_DIGITS,
    defaultTargets,
    routes,
  };
}

/** Where a call to `to` pops: the route naming that number, or the default channels. */
export function targetsFor(config: CallsConfig, to: string | null, region: CountryCode): PopTarget[] {
  const key = to ? numberKey(to, region, config.minDigits) : null;
  const route = key ? config.routes.find((r) => r.to === key) : undefined;
  return route ? route.targets : config.defaultTargets;
}
