// `npm start` as a child process: the real `itflow-contact serve` run through tsx, with a clean
// environment and a working directory without .env, plus helpers to poll its GET /health.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const MAIN = path.join(REPO, "adapters/cli/main.ts");
// `--import tsx` resolves "tsx" from the working directory; a temp dir has no node_modules, so the
// loader is given by its absolute URL (the same module `--import tsx` loads from the repo).
const TSX = pathToFileURL(path.join(REPO, "node_modules/tsx/dist/loader.mjs")).href;

export interface ServeProcess {
  child: ChildProcess;
  /** Everything written so far (logs, errors). */
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code (or null when killed by a signal) once the child has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
}

const running = new Set<ServeProcess>();
const tempDirs: string[] = [];

export function spawnServe(vars: Record<string, string>): ServeProcess {
  const cwd = mkdtempSync(path.join(tmpdir(), "serve-e2e-"));
  tempDirs.push(cwd);
  const child = spawn(process.execPath, ["--import", TSX, MAIN, "serve"], {
    env: { PATH: process.env.PATH ?? "", ...vars },
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let done = false;
  child.stdout?.on("data", (c: Buffer) => {
    stdout += c.toString("utf8");
  });
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString("utf8");
  });
  const proc: ServeProcess = {
    child,
    output: () => ({ stdout, stderr }),
    exited: new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        done = true;
        running.delete(proc);
        resolve({ code, signal });
      });
    }),
    hasExited: () => done,
  };
  running.add(proc);
  return proc;
}

/** SIGKILLs every child still running (for afterEach/afterAll, also after a failed test). */
export async function killAll(): Promise<void> {
  const left = [...running];
  for (const p of left) if (!p.hasExited()) p.child.kill("SIGKILL");
  await Promise.all(left.map((p) => p.exited));
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A port nothing listens on right now: listen on 0, note the port, close. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface HealthAnswer {
  status: number;
  body: {
    ok: boolean;
    itflow: { ok: boolean; error?: string; checkedAt: string };
    store: { ok: boolean; kind: string };
    adapters: Record<string, { connected: boolean }>;
    directory: { contacts: number; clients: number; builtAt: string | null };
    calls?: { port: number; targets: Record<string, { ok: boolean; error?: string; at: string }> };
  };
}

/** GET /health once; null when nothing answers. */
export async function getHealth(port: number): Promise<HealthAnswer | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(3000) });
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text) as HealthAnswer["body"] };
  } catch {
    return null;
  }
}

/**
 * Polls GET /health until `ready` accepts an answer, or fails after `ms` saying what it last saw and
 * what the child wrote (it fails at once if the child exits).
 */
export async function waitForHealth(
  proc: ServeProcess,
  port: number,
  ready: (h: HealthAnswer) => boolean,
  ms = 15_000,
): Promise<HealthAnswer> {
  const until = Date.now() + ms;
  let last: HealthAnswer | null = null;
  for (;;) {
    if (proc.hasExited()) {
      const { stdout, stderr } = proc.output();
      throw new Error(`serve exited before /health was ready\nstdout:\n${stdout}\nstderr:\n${stderr}`);
    }
    last = await getHealth(port);
    if (last && ready(last)) return last;
    if (Date.now() > until) {
      const { stdout, stderr } = proc.output();
      throw new Error(
        `/health not as expected within ${ms} ms; last: ${JSON.stringify(last)}\nstdout:\n${stdout.slice(-4000)}\nstderr:\n${stderr.slice(-4000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves with the child's exit, or fails after `ms` (the child is then left to killAll). */
export async function exitWithin(
  proc: ServeProcess,
  ms: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const { stdout, stderr } = proc.output();
      reject(
        new Error(`serve did not exit within ${ms} ms\nstdout:\n${stdout.slice(-4000)}\nstderr:\n${stderr}`),
      );
    }, ms);
  });
  try {
    return await Promise.race([proc.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
