#!/usr/bin/env node
// Runs the Discord bot on its own, or registers its commands:
//   node dist/adapters/discord/main.js              start (stops cleanly on SIGTERM / SIGINT)
//   node dist/adapters/discord/main.js register     put the commands on every DISCORD_GUILD_IDS server
//   node dist/adapters/discord/main.js register --global
// `npm start` (adapters/serve.ts) is the usual entry when Slack runs in the same process; this one
// serves a Discord-only deployment and the registration step.
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { ConfigError, loadCoreConfig } from "../../src/config.js";
import { createLogger, scrubSecrets } from "../../src/log.js";
import { startCore } from "../bootstrap.js";
import { startDiscord } from "./client.js";
import { describeRegistration, registerCommands } from "./register.js";

/** Starts core and Discord, and stops both cleanly on the first SIGTERM or SIGINT. Returns the exit code. */
export async function runDiscord(env: NodeJS.ProcessEnv): Promise<number> {
  const config = loadCoreConfig(env);
  const logger = createLogger({ level: config.logLevel });
  const core = await startCore(config, logger);
  let bot: Awaited<ReturnType<typeof startDiscord>>;
  try {
    bot = await startDiscord(core, env, logger);
  } catch (error) {
    await core.close();
    throw error;
  }
  // Connected first; the list loads behind (see serve.ts).
  core.ctx.directory.warm().catch(() => {});
  const stopRefresh = core.ctx.directory.autoRefresh();
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  logger.info({ signal }, "shutting down");
  stopRefresh();
  await bot.stop();
  await core.close();
  return 0;
}

export async function runRegister(env: NodeJS.ProcessEnv, global: boolean): Promise<number> {
  const results = await registerCommands(env, { global });
  for (const line of describeRegistration(results)) process.stdout.write(`${line}\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  try {
    if (argv[0] === "register") return await runRegister(process.env, argv.includes("--global"));
    return await runDiscord(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    process.stderr.write(`${scrubSecrets(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
