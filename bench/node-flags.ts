// The Node flags the bot runs with, read from the `start` script in package.json, so that every
// number the bench prints is measured the way `npm start` runs the bot — one place to change them.
// bench/run.ts restarts itself with these flags when started without them; the memory child
// (scenarios/memory.ts) gets them on its command line.
import { readFileSync } from "node:fs";

function flagsOfStartScript(): string[] {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    scripts?: { start?: string };
  };
  // "npm run build && node --flag=1 --other dist/adapters/cli/main.js serve" → the --flags.
  const match = /\bnode((?:\s+--\S+)*)\s+dist\//.exec(pkg.scripts?.start ?? "");
  return (match?.[1] ?? "").split(/\s+/).filter(Boolean);
}

export const START_FLAGS: readonly string[] = flagsOfStartScript();

/** The start flags this process was not started with (empty when it runs as the bot does). */
export function missingStartFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return START_FLAGS.filter((flag) => !execArgv.includes(flag));
}
