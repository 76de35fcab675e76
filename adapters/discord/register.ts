// Puts the command set on each allowed guild (instant, for everyday use) or globally (up to an
// hour to appear everywhere). It compares first and writes only when something differs, with a
// bulk overwrite (PUT) when it does, so running it twice changes nothing and never spends the
// daily command-creation allowance.
import { REST, Routes } from "discord.js";
import { z } from "zod";
import { registerSecret } from "../../src/log.js";
import { COMMANDS } from "./commands-definition.js";
import { loadDiscordConfig } from "./config.js";

export interface RegisterOptions {
  /** Register for every server the bot is in instead of each DISCORD_GUILD_IDS guild. */
  global?: boolean;
}

export interface RegistrationResult {
  /** "global" or the guild id. */
  scope: string;
  action: "created" | "updated" | "unchanged";
  commands: string[];
}

interface OptionShape {
  type: number;
  name: string;
  description?: string | undefined;
  required?: boolean | undefined;
  autocomplete?: boolean | undefined;
  min_length?: number | undefined;
  max_length?: number | undefined;
  choices?: Array<{ name: string; value: string | number }> | undefined;
  options?: OptionShape[] | undefined;
}

// What Discord answers for a command is ours plus ids, versions and defaults; only the fields we
// set are compared, with Discord's defaults filled in on both sides.
const optionSchema: z.ZodType<OptionShape> = z.lazy(() =>
  z.object({
    type: z.number(),
    name: z.string(),
    description: z.string().optional(),
    required: z.boolean().optional(),
    autocomplete: z.boolean().optional(),
    min_length: z.number().optional(),
    max_length: z.number().optional(),
    choices: z.array(z.object({ name: z.string(), value: z.union([z.string(), z.number()]) })).optional(),
    options: z.array(optionSchema).optional(),
  }),
);

const commandSchema = z.object({
  type: z.number().optional(),
  name: z.string(),
  description: z.string().optional(),
  default_member_permissions: z.string().nullable().optional(),
  nsfw: z.boolean().optional(),
  contexts: z.array(z.number()).nullable().optional(),
  integration_types: z.array(z.number()).nullable().optional(),
  options: z.array(optionSchema).optional(),
});

type CommandShape = z.output<typeof commandSchema>;

function normalizeOption(o: OptionShape): unknown {
  return {
    type: o.type,
    name: o.name,
    description: o.description ?? "",
    required: o.required ?? false,
    autocomplete: o.autocomplete ?? false,
    min_length: o.min_length ?? null,
    max_length: o.max_length ?? null,
    choices: o.choices ?? [],
    options: (o.options ?? []).map(normalizeOption),
  };
}

function normalize(commands: CommandShape[]): string {
  const list = commands.map((c) => ({
    type: c.type ?? 1,
    name: c.name,
    description: c.description ?? "",
    default_member_permissions: c.default_member_permissions ?? null,
    nsfw: c.nsfw ?? false,
    contexts: [...(c.contexts ?? [])].sort(),
    integration_types: [...(c.integration_types ?? [0])].sort(),
    options: (c.options ?? []).map(normalizeOption),
  }));
  list.sort((a, b) => a.type - b.type || a.name.localeCompare(b.name));
  return JSON.stringify(list);
}

/** Whether the commands Discord holds are the ones this version of the bot defines. */
export function sameCommands(existing: unknown, wanted: unknown): boolean {
  const a = z.array(commandSchema).safeParse(existing);
  const b = z.array(commandSchema).safeParse(wanted);
  return a.success && b.success && normalize(a.data) === normalize(b.data);
}

export async function registerCommands(
  env: NodeJS.ProcessEnv,
  options: RegisterOptions = {},
): Promise<RegistrationResult[]> {
  const config = loadDiscordConfig(env);
  registerSecret(config.token);
  const rest = new REST({ version: "10", ...(config.apiUrl ? { api: config.apiUrl } : {}) }).setToken(
    config.token,
  );
  const targets = options.global
    ? [{ scope: "global", route: Routes.applicationCommands(config.applicationId) }]
    : [...config.guildIds].map((guildId) => ({
        scope: guildId,
        route: Routes.applicationGuildCommands(config.applicationId, guildId),
      }));
  const names = COMMANDS.map((c) => c.name);
  const results: RegistrationResult[] = [];
  try {
    for (const target of targets) {
      const existing: unknown = await rest.get(target.route);
      if (sameCommands(existing, COMMANDS)) {
        results.push({ scope: target.scope, action: "unchanged", commands: names });
        continue;
      }
      await rest.put(target.route, { body: COMMANDS });
      const had = Array.isArray(existing) && existing.length > 0;
      results.push({ scope: target.scope, action: had ? "updated" : "created", commands: names });
    }
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
  return results;
}

/** One line per scope, for the `register` command's output. */
export function describeRegistration(results: RegistrationResult[]): string[] {
  return results.map((r) => {
    const where = r.scope === "global" ? "globally (may take up to an hour to show)" : `on server ${r.scope}`;
    const what =
      r.action === "unchanged" ? "already up to date" : r.action === "created" ? "registered" : "updated";
    return `${r.commands.join(", ")}: ${what} ${where}`;
  });
}
