// The real `itflow-contact` program as a child process (through tsx), with a clean environment, as
// a script would run it (stdin a pipe) or as a person would (stdin a terminal, through `script`).
import { execFile, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../../adapters/cli/main.ts", import.meta.url));
const CWD = fileURLToPath(new URL("..", import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `itflow-contact args…`; `input` is written to its standard input (a pipe), then closed. */
export function runCli(args: string[], env: Record<string, string>, input?: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", MAIN, ...args],
      // A clean environment: nothing from the developer's shell or a .env can leak in.
      { env: { PATH: process.env.PATH ?? "", ...env }, cwd: CWD, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === "number" ? error.code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(input ?? "");
  });
}

function findScript(): string | null {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    try {
      accessSync(path.join(dir, "script"), constants.X_OK);
      return path.join(dir, "script");
    } catch {
      // not here
    }
  }
  return null;
}

/** util-linux `script`, which gives a child a real pseudo-terminal; null where it is missing. */
export const SCRIPT = findScript();

/**
 * Runs `itflow-contact args…` on a pseudo-terminal and types `typed` + Enter once `prompt` shows.
 * `output` is everything the terminal displayed (stdout and stderr, and any echo of the typing).
 */
export function runCliInTerminal(
  args: string[],
  env: Record<string, string>,
  prompt: string,
  typed: string,
): Promise<{ code: number | null; output: string }> {
  if (!SCRIPT) throw new Error("script (util-linux) is not installed");
  const command = [process.execPath, "--import", "tsx", MAIN, ...args]
    .map((a) => `'${a.replace(/'/g, "'\\''")}'`)
    .join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT as string, ["-qefc", command, "/dev/null"], {
      env: { PATH: process.env.PATH ?? "", ...env },
      cwd: CWD,
    });
    let output = "";
    let typedYet = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no exit within 20 s; the terminal showed: ${output}`));
    }, 20_000);
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      // Typed only once the prompt is up: the program switches echo off before it asks.
      if (!typedYet && output.includes(prompt)) {
        typedYet = true;
        child.stdin.write(`${typed}\r`);
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
