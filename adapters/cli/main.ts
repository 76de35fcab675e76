#!/usr/bin/env node
// The `itflow-contact` command: find contacts, verify a caller and check the setup from a terminal,
// and `serve` to run the chat bot. Output goes to stdout; logs, prompts and errors to stderr.
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { archivedOnly, echo, findAll, needsList, viewOfRows } from "../../commands/find.js";
import { summarize } from "../../commands/summary.js";
import { ConfigError, loadCoreConfig } from "../../src/config.js";
import { classifyQuery } from "../../src/contacts/query.js";
import { ItflowError } from "../../src/itflow/errors.js";
import { createLogger, scrubSecrets } from "../../src/log.js";
import { startCore } from "../bootstrap.js";
import { runCheck } from "./check.js";
import { jsonContact, plain, renderView } from "./render.js";
import { runVerify } from "./verify.js";

const USAGE = `Usage:
  itflow-contact find <query> [--json] [--include-archived] [--whole-list] [--verbose]
      Look up contacts by email, phone (any format), name or #id. An email, a number or #id is
      asked of ITFlow directly; a name (or --whole-list) loads the whole contact list first.
  itflow-contact verify <query> [--verbose]
      Check what a caller says against the contact's ITFlow PIN. Type it at the prompt (not shown),
      or pipe it in as one line. Exit 0 match, 1 no match or locked, 3 no PIN on file, 2 bad usage.
  itflow-contact check [--verbose]
      Check that ITFlow is reachable and the API key works.
  itflow-contact serve
      Start the chat bot (Slack and/or Discord, whichever is configured) and the caller-ID service
      for phone systems (when CALLS_PORT is set).
  itflow-contact register [--global]
      Put the Discord slash commands on the DISCORD_GUILD_IDS servers (or globally); safe to repeat.
  itflow-contact calls-template 3cx --url https://bot.example.com
      Print a 3CX CRM template (XML) for the caller-ID service at that address.
  itflow-contact help

find, verify and check print their answer only; --verbose adds the bot's JSON log lines on stderr, at
LOG_LEVEL (info unless set). Configuration comes from the environment or a .env file in the
current folder (see .env.example).`;

/** Needs no configuration: the template is made on a laptop and uploaded to 3CX. */
async function callsTemplate(args: string[], url: string | undefined): Promise<number> {
  const usage = "Usage: itflow-contact calls-template 3cx --url https://bot.example.com";
  if (args[0] !== "3cx" || args.length > 1) {
    process.stderr.write(`${args[0] ? `No template for "${plain(args[0])}": only 3cx. ` : ""}${usage}\n`);
    return 2;
  }
  if (!url) {
    process.stderr.write(`--url is missing: the bot's address as 3CX reaches it.\n${usage}\n`);
    return 2;
  }
  const { threeCxTemplate } = await import("../calls/threecx-template.js");
  try {
    process.stdout.write(threeCxTemplate(url));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  return 0;
}

function isPhoneQuery(ctx: Parameters<typeof needsList>[0], text: string): boolean {
  return classifyQuery(text, ctx.region).kind === "phone";
}

/** How long a name search may wait for the whole list before the terminal says why it waits. */
const LOADING_NOTE_AFTER_MS = 1000;

/**
 * Runs `work`; when it needs the whole contact list and that takes more than a second, says so on
 * stderr (an email, a number or an id is answered by ITFlow's exact reads and never waits for it).
 */
async function withLoadingNote<T>(needsList: boolean, work: () => Promise<T>): Promise<T> {
  const timer = needsList
    ? setTimeout(
        () =>
          process.stderr.write(
            "Loading the whole contact list for a name search (an email, number or #id does not need it)…\n",
          ),
        LOADING_NOTE_AFTER_MS,
      )
    : undefined;
  try {
    return await work();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * undici (the ITFlow client, discord.js) parses HTTP in WebAssembly (llhttp). Once the parser is hot,
 * V8 compiles it again with its optimizing compiler on a background thread; that compile peaked at
 * ~30 MB, a third of a terminal lookup's memory, and left the bot ~15 MB bigger for good, for no
 * speed that shows (a response's body passes through the parser untouched). V8's baseline code
 * (Liftoff) is kept instead. Set before the first request compiles the parser; `npm start` passes
 * the same flag on node's command line.
 */
function keepWasmBaseline(): void {
  setFlagsFromString("--liftoff-only");
}

const CLI_CALLER = { platform: "cli", workspaceId: null, userId: "terminal", roleIds: [] } as const;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      "include-archived": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
      global: { type: "boolean", default: false },
      url: { type: "string" },
      verbose: { type: "boolean", default: false },
      "whole-list": { type: "boolean", default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (!command || command === "help" || values.help) {
    process.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : 2;
  }
  if (command === "calls-template") return callsTemplate(rest, values.url);
  if (!["find", "verify", "check", "serve", "register"].includes(command)) {
    process.stderr.write(`Unknown command "${plain(command)}".\n\n${USAGE}\n`);
    return 2;
  }
  if (existsSync(".env")) process.loadEnvFile(".env");
  keepWasmBaseline();

  if (command === "serve") {
    const { serve } = await import("../serve.js");
    return serve(process.env);
  }
  if (command === "register") {
    const { runRegister } = await import("../discord/main.js");
    return runRegister(process.env, values.global);
  }

  const config = loadCoreConfig(process.env);
  // A one-shot command prints its answer and reports failures in its own one line. Logs only when
  // asked for with --verbose: LOG_LEVEL alone (set in a .env copied from .env.example) is for serve.
  const logger = createLogger({ level: values.verbose ? config.logLevel : "silent" });
  const core = await startCore(config, logger, { learnWriteAccess: false, listOnDemand: true });
  try {
    if (command === "check") {
      const lines = await runCheck(core.itflow, config.itflow.url);
      for (const l of lines) process.stdout.write(`${l.ok ? "ok  " : "FAIL"}  ${l.text}\n`);
      return lines.every((l) => l.ok) ? 0 : 1;
    }
    if (command === "verify") return await runVerify(core.ctx, rest.join(" "));
    const query = rest.join(" ");
    if (!query.trim()) {
      process.stderr.write("find needs something to look up, e.g. itflow-contact find alice\n");
      return 2;
    }
    const includeArchived = values["include-archived"];
    // Archived matches come along (to say so when they are the only ones) and are left out below.
    const wholeList = values["whole-list"] || needsList(core.ctx, query);
    const all = await withLoadingNote(wholeList, async () => {
      if (wholeList) await core.ctx.directory.warm();
      return findAll(core.ctx, { query, includeArchived: true });
    });
    if (!wholeList && !values.json && all.length === 1 && isPhoneQuery(core.ctx, query)) {
      // ITFlow's own number lookup stops at one contact (LIMIT 1): say how to see any others.
      process.stderr.write(
        "ITFlow's number lookup returns one contact per number; --whole-list shows everyone sharing it.\n",
      );
    }
    const rows = includeArchived ? all : all.filter((r) => !r.contact.archivedAt);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(rows.map(jsonContact), null, 2)}\n`);
      return 0;
    }
    const archived = rows.length === 0 && !includeArchived ? all : [];
    const view =
      archived.length > 0
        ? archivedOnly(core.ctx, query, archived)
        : rows.length > 1
          ? {
              kind: "list" as const,
              query: echo(query),
              items: rows.map((r) => summarize(r, core.ctx.region, core.ctx.itflowUrl)),
              total: rows.length,
              canEdit: false,
            }
          : viewOfRows(core.ctx, CLI_CALLER, query, rows);
    process.stdout.write(
      `${renderView(view.kind === "notice" ? { ...view, createFrom: undefined } : view)}\n`,
    );
    return 0;
  } finally {
    await core.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    // The terminal's user set ITFLOW_URL: where ITFlow was asked is worth showing here (never in chat).
    const detail = error instanceof ItflowError && error.detail ? ` (${error.detail})` : "";
    process.stderr.write(`itflow-contact: ${scrubSecrets((message.split("\n")[0] ?? "failed") + detail)}\n`);
    process.exitCode = 1;
  },
);
