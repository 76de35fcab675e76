// `npm start`: starts every chat platform whose variables are set. With none set there is nothing
// to run, so it says how to configure one and exits 2.
import { ConfigError, loadCoreConfig } from "../src/config.js";
import { createLogger } from "../src/log.js";

const NOTHING_CONFIGURED = `No chat platform is configured, so there is nothing to start.
  Slack:   set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode), or SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP).
  Discord: set DISCORD_TOKEN, DISCORD_APPLICATION_ID and DISCORD_GUILD_IDS.
See README.md and .env.example.`;

export async function serve(env: NodeJS.ProcessEnv): Promise<number> {
  const slack = Boolean(env.SLACK_BOT_TOKEN?.trim());
  const discord = Boolean(env.DISCORD_TOKEN?.trim());
  if (!slack && !discord) {
    process.stderr.write(`${NOTHING_CONFIGURED}\n`);
    return 2;
  }
  const config = loadCoreConfig(env);
  const logger = createLogger({ level: config.logLevel });
  logger.error("chat adapters are not built yet");
  throw new ConfigError(["the Slack and Discord adapters are not available in this version"]);
}
