// A bench child process under the same tsx loader (and Node flags) as the bench, spoken to in JSON
// lines on stdin / stdout: the bot under test, or a load generator, each in its own process.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** A child process; `file` is relative to bench/scenarios/. */
export interface Child {
  nextLine(): Promise<string>;
  send(message: unknown): void;
  close(): Promise<void>;
}

export function startChild(file: string, args: string[], env?: NodeJS.ProcessEnv): Child {
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(new URL(`./scenarios/${file}`, import.meta.url)), ...args],
    { stdio: ["pipe", "pipe", "pipe"], ...(env ? { env } : {}) },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<{ resolve: (line: string) => void; reject: (e: Error) => void }> = [];
  lines.on("line", (line) => waiting.shift()?.resolve(line));
  let exitedWith: string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.on("close", (code, signal) => {
      exitedWith = `${file} exited with ${signal ?? code}: ${stderr.trim()}`;
      for (const w of waiting.splice(0)) w.reject(new Error(exitedWith));
      resolve();
    });
  });
  return {
    nextLine: () =>
      new Promise<string>((resolve, reject) => {
        if (exitedWith !== null) reject(new Error(exitedWith));
        else waiting.push({ resolve, reject });
      }),
    send: (message) => child.stdin.write(`${JSON.stringify(message)}\n`),
    async close() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
