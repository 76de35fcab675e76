// Run by scenarios/calls.ts in its own Node process: the bot under test for rows (g) and (h), as
// `npm start` runs it with the caller-ID service on — startCore, the directory built from the bench's
// fake ITFlow (which stays in the parent), Slack (HTTP mode) and Discord against the parent's fakes,
// then the calls service — configured from the environment the parent passes. Logs at the configured
// level into a stream that counts and drops the lines. Protocol, one JSON line each way:
//   → stdout {"ready": true, "port": N, "contacts": n}    the calls service is listening
//   stdin closed                                         stop everything, exit
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { startCore } from "../../adapters/bootstrap.js";
import { loadCallsConfig } from "../../adapters/calls/config.js";
import { startCallsService } from "../../adapters/calls/server.js";
import { startDiscord } from "../../adapters/discord/client.js";
import { startSlack } from "../../adapters/slack/index.js";
import { loadCoreConfig } from "../../src/config.js";
import { createLogger } from "../../src/log.js";

export interface CallsBotReady {
  ready: true;
  port: number;
  contacts: number;
}

async function main(): Promise<void> {
  const discard = new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });
  const config = loadCoreConfig(process.env);
  const logger = createLogger({ level: config.logLevel, destination: discard });
  const core = await startCore(config, logger);
  await core.ctx.directory.warm();
  const slack = await startSlack(core, process.env, logger);
  const discord = await startDiscord(core, process.env, logger);
  const calls = await startCallsService({
    ctx: core.ctx,
    config: loadCallsConfig(process.env, config.phoneRegion),
    publishers: { slack: slack.pops, discord: discord.pops },
    logger,
  });
  const ready: CallsBotReady = {
    ready: true,
    port: calls.port,
    contacts: core.ctx.directory.status().contacts,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  for await (const _ of createInterface({ input: process.stdin })) {
    // Nothing to say: the parent only measures over HTTP and at its fakes.
  }
  await calls.stop();
  await Promise.allSettled([slack.stop(), discord.stop()]);
  await core.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
