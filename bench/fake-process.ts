// The fake ITFlow in a process of its own, for rows that compare the bot with ITFlow's own speed:
// in the bench's process the fake shares a heap (and its garbage collections) with the bench's own
// 50k-contact directory, and sent the list two to three times slower than a real ITFlow does.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { START_FLAGS } from "./node-flags.js";

const MAIN = fileURLToPath(new URL("../test/fakes/itflow/main.ts", import.meta.url));

export interface FakeProcess {
  url: string;
  close(): Promise<void>;
}

export interface FakeProcessOptions {
  contacts: number;
  clients: number;
  seed: number;
  /** Added to every answer, as a real ITFlow spends per request (PHP start-up, the database). */
  latencyMs: number;
}

export async function startFakeProcess(options: FakeProcessOptions): Promise<FakeProcess> {
  // The tsx loader, without the bot's own flags (the fake stands for ITFlow, not for the bot).
  const execArgv = process.execArgv.filter((flag) => !START_FLAGS.includes(flag));
  const child = spawn(
    process.execPath,
    [
      ...execArgv,
      MAIN,
      ...["--port", "0", "--contacts", String(options.contacts), "--clients", String(options.clients)],
      ...["--seed", String(options.seed), "--latency-ms", String(options.latencyMs)],
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (found?.[1]) resolve(found[1]);
      else reject(new Error(`fake ITFlow said: ${line}`));
    });
    void exited.then(() => reject(new Error(`fake ITFlow exited: ${stderr.trim()}`)));
  });
  return {
    url,
    async close() {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
