// The bot's whole configuration, read once from the environment through one zod schema. A bad or
// missing value yields ONE message listing every problem with what the variable is for, so a new
// user fixes everything in one go. Secret values are never echoed back.
import { type CountryCode, isSupportedCountry } from "libphonenumber-js";
import { z } from "zod";
import { DEFAULT_ACTION_TIMEOUT_MS } from "./itflow/deadline.js";

/** What each variable is for, shown next to any problem with it. */
export const VARIABLE_HELP: Record<string, string> = {
  ITFLOW_URL: "the address of your ITFlow server, e.g. https://itflow.example.com",
  ITFLOW_API_KEY:
    "an ITFlow API key (ITFlow > Admin > API Keys); its user's role and clients decide what the bot may see and change",
  ITFLOW_TIMEOUT_MS: "how long one ITFlow request may take, in milliseconds (default 5000)",
  ACTION_TIMEOUT_MS:
    "how long one action of a technician (a find, opening a form, a save) may wait for ITFlow in all, retries included, in milliseconds (default 8000)",
  ITFLOW_PAGE_SIZE:
    "contacts fetched per request when the contact list is (re)loaded, three requests at a time (default 2000)",
  DEFAULT_PHONE_REGION: "the two-letter country used for numbers typed without a country code (default US)",
  CACHE_TTL_SECONDS: "how long exact lookups (email, phone, id) are cached (default 60)",
  DIRECTORY_REFRESH_SECONDS:
    "how often the full contact list behind name search is refreshed in the background (default 300)",
  STORE_URL: "where cache and form state live: memory:// (default) or redis://host:6379 for several replicas",
  EDIT_ALLOW: "who may create and edit contacts, e.g. slack:U0123,discord:role:4567 (empty = everyone)",
  VERIFY_ALLOW:
    "who may check a caller's PIN (verify), same form as EDIT_ALLOW, e.g. slack:U0123,discord:role:4567,cli:alice (empty = everyone)",
  LOG_LEVEL: "fatal, error, warn, info (default), debug or trace",
};

/** A whole-number variable within [min, max], `fallback` when unset or empty. */
export const intFrom = (name: string, fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return fallback;
      const n = Number(v.trim());
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `${name} must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const httpUrl = z
  .string({ error: "is missing" })
  .trim()
  .min(1, "is missing")
  .pipe(z.url({ protocol: /^https?$/, error: "must be an http:// or https:// address" }))
  .transform((u) => u.replace(/\/+$/, ""));

/** Splits a comma- or space-separated list variable into its entries. */
export function listOf(value: string | undefined): string[] {
  return (value ?? "")
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const policyEntry = z
  .string()
  .regex(
    /^(slack|discord|cli):(role:)?[A-Za-z0-9_.-]+$/,
    "entries look like slack:U0123, discord:123456789 or discord:role:123456789",
  );

export const coreEnvSchema = z.object({
  ITFLOW_URL: httpUrl,
  ITFLOW_API_KEY: z
    .string({ error: "is missing" })
    .trim()
    .min(1, "is missing")
    .refine((k) => k.length >= 8 && !/\s/.test(k), "does not look like an ITFlow API key"),
  ITFLOW_TIMEOUT_MS: intFrom("ITFLOW_TIMEOUT_MS", 5000, 500, 120_000),
  ACTION_TIMEOUT_MS: intFrom("ACTION_TIMEOUT_MS", DEFAULT_ACTION_TIMEOUT_MS, 1000, 120_000),
  ITFLOW_PAGE_SIZE: intFrom("ITFLOW_PAGE_SIZE", 2000, 10, 10_000),
  DEFAULT_PHONE_REGION: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim().toUpperCase() : "US"))
    .refine((v) => isSupportedCountry(v), "must be a two-letter country code such as US, GB or DE")
    .transform((v) => v as CountryCode),
  CACHE_TTL_SECONDS: intFrom("CACHE_TTL_SECONDS", 60, 0, 86_400),
  DIRECTORY_REFRESH_SECONDS: intFrom("DIRECTORY_REFRESH_SECONDS", 300, 5, 86_400),
  STORE_URL: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : "memory://"))
    .refine((v) => /^(memory:\/\/|rediss?:\/\/)/.test(v), "must be memory:// or a redis:// URL"),
  EDIT_ALLOW: z.string().optional().transform(listOf).pipe(z.array(policyEntry)),
  VERIFY_ALLOW: z.string().optional().transform(listOf).pipe(z.array(policyEntry)),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
    .optional()
    .default("info"),
});

export type CoreEnv = z.output<typeof coreEnvSchema>;

export interface CoreConfig {
  itflow: { url: string; apiKey: string; timeoutMs: number; pageSize: number };
  /** One technician's action, retries included: every ITFlow request it makes ends by then. */
  actionTimeoutMs: number;
  phoneRegion: CountryCode;
  cacheTtlMs: number;
  refreshMs: number;
  storeUrl: string;
  editAllow: string[];
  verifyAllow: string[];
  logLevel: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(
      `The bot is not configured correctly:\n${problems.map((p) => `  - ${p}`).join("\n")}\n` +
        "Set these in the environment or in a .env file (see .env.example).",
    );
  }
}

/** Turns zod issues into one line per variable, each with what the variable is for. */
export function describeIssues(error: z.ZodError): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const issue of error.issues) {
    const name = String(issue.path[0] ?? "environment");
    if (seen.has(name)) continue;
    seen.add(name);
    const help = VARIABLE_HELP[name];
    // The message is always ours or zod's generic text: the offending value is never echoed,
    // because it may be a secret typed into the wrong variable.
    const message = issue.message.startsWith(name) ? issue.message : `${name} ${issue.message}`;
    lines.push(help ? `${message} — ${help}` : message);
  }
  return lines;
}

export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const result = schema.safeParse(env);
  if (!result.success) throw new ConfigError(describeIssues(result.error));
  return result.data;
}

export function loadCoreConfig(env: NodeJS.ProcessEnv = process.env): CoreConfig {
  const e = parseEnv(coreEnvSchema, env);
  return {
    itflow: {
      url: e.ITFLOW_URL,
      apiKey: e.ITFLOW_API_KEY,
      timeoutMs: e.ITFLOW_TIMEOUT_MS,
      pageSize: e.ITFLOW_PAGE_SIZE,
    },
    actionTimeoutMs: e.ACTION_TIMEOUT_MS,
    phoneRegion: e.DEFAULT_PHONE_REGION,
    cacheTtlMs: e.CACHE_TTL_SECONDS * 1000,
    refreshMs: e.DIRECTORY_REFRESH_SECONDS * 1000,
    storeUrl: e.STORE_URL,
    editAllow: e.EDIT_ALLOW,
    verifyAllow: e.VERIFY_ALLOW,
    logLevel: e.LOG_LEVEL,
  };
}
