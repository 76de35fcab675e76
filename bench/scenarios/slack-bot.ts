// Run by scenarios/slack-ack.ts in its own Node process: the bot under test for row (d), as `npm
// start` runs it in HTTP mode — startCore, the directory built from ITFlow (the bench's fake, which
// stays in the parent process: the real bot never holds ITFlow's database), then startSlack —
// configured from the environment the parent passes. Logs at the configured level into a stream
// that counts and drops the lines. Protocol, one JSON line each way:
//   → stdout {"ready": true, "port": N, "contacts": n, "clients": n}   Slack is listening
//   ← stdin  {"measure": true}     from now on: count log lines, record GC pauses and CPU time
//   → stdout {"gc": GcStats, "logLines": n, "cpuMs": t}   (reply to {"report": true}) since "measure"
//   stdin closed                   stop Slack, close the core, exit
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { startCore } from "../../adapters/bootstrap.js";
import { startSlack } from "../../adapters/slack/index.js";
import { loadCoreConfig } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { type GcStats, observeGc } from "../measure.js";

export interface BotReady {
  ready: true;
  port: number;
  contacts: number;
  clients: number;
}

export interface BotReport {
  gc: GcStats;
  logLines: number;
  /** CPU time (user + system) of this process since "measure". */
  cpuMs: number;
}

async function main(): Promise<void> {
  let logLines = 0;
  const discard = new Writable({
    write(_chunk, _encoding, done) {
      logLines++;
      done();
    },
  });
  const config = loadCoreConfig(process.env);
  const logger = createLogger({ level: config.logLevel, destination: discard });
  const core = await startCore(config, logger);
  await core.ctx.directory.warm();
  const slack = await startSlack(core, process.env, logger);
  const status = core.ctx.directory.status();
  const ready: BotReady = {
    ready: true,
    port: slack.port ?? 0,
    contacts: status.contacts,
    clients: status.clients,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);

  let gcDone: (() => Promise<GcStats>) | null = null;
  let cpuFrom = process.cpuUsage();
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    const message = JSON.parse(line) as { measure?: boolean; report?: boolean };
    if (message.measure) {
      logLines = 0;
      gcDone = observeGc();
      cpuFrom = process.cpuUsage();
    } else if (message.report) {
      const cpu = process.cpuUsage(cpuFrom);
      const gc = gcDone ? await gcDone() : { pauses: 0, totalMs: 0, maxMs: 0 };
      gcDone = null;
      const report: BotReport = { gc, logLines, cpuMs: (cpu.user + cpu.system) / 1000 };
      process.stdout.write(`${JSON.stringify(report)}\n`);
    }
  }
  await slack.stop();
  await core.close();
}

main().then(
  // undici may keep idle sockets open after stop(); the work is done, so leave.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
