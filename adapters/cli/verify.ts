// `itflow-contact verify <query>`: the contact the query names, what the caller says (read without
// echo on a terminal, or one line of standard input), and the answer with an exit code a script
// can act on.
import { userInfo } from "node:os";
import type { Caller } from "../../commands/caller.js";
import type { CommandContext } from "../../commands/context.js";
import { needsList } from "../../commands/find.js";
import {
  ATTEMPT_MAX,
  aboutLine,
  clockTime,
  openVerify,
  type VerifyOutcome,
  type VerifyResultView,
  verifyAnswerText,
  verifyCaller,
} from "../../commands/verify.js";
import { classifyQuery } from "../../src/contacts/query.js";
import { readAnswer } from "./answer.js";
import { plain } from "./render.js";

export const EXIT = { match: 0, notVerified: 1, usage: 2, noPin: 3 } as const;

const EXIT_OF: Record<VerifyOutcome["result"], number> = {
  match: EXIT.match,
  noMatch: EXIT.notVerified,
  locked: EXIT.notVerified,
  capped: EXIT.notVerified,
  noPin: EXIT.noPin,
};

/** The person at the terminal, by their login name: VERIFY_ALLOW's cli:<name> and the attempt limits. */
function terminalCaller(): Caller {
  let name = "terminal";
  try {
    name = userInfo().username.replace(/[^A-Za-z0-9_.-]/g, "") || name;
  } catch {
    // No user database entry (some containers): one shared name.
  }
  return { platform: "cli", workspaceId: null, userId: name, roleIds: [] };
}

function fail(text: string, code: number): number {
  process.stderr.write(`${plain(text)}\n`);
  return code;
}

export async function runVerify(ctx: CommandContext, query: string): Promise<number> {
  if (!query.trim())
    return fail(
      "verify needs the contact to check, e.g. itflow-contact verify alice@acme.example",
      EXIT.usage,
    );
  const caller = terminalCaller();
  // A name needs the whole list (a one-shot command has none loaded), and so does a number:
  // ITFlow's number lookup returns one contact even when several share it, and verifying the
  // wrong one of them must not be possible. An email or #id is read from ITFlow directly.
  if (needsList(ctx, query) || classifyQuery(query, ctx.region).kind === "phone") await ctx.directory.warm();
  const prompt = await openVerify(ctx, caller, { query });
  if (prompt.kind === "list") {
    const rows = prompt.items.map((c) => `  #${c.id}  ${plain(c.name)} — ${plain(c.client.name)}`);
    process.stdout.write(`${rows.join("\n")}\n`);
    const first = prompt.items[0]?.id ?? 42;
    return fail(
      `${prompt.total} contacts match "${prompt.query}": say which one, e.g. itflow-contact verify #${first}`,
      EXIT.usage,
    );
  }
  if (prompt.kind === "verifyResult") return answer(prompt);
  if (prompt.kind !== "verifyPrompt") {
    const text = prompt.kind === "notice" ? prompt.text : "That is not a contact.";
    // ITFlow could not answer: 1, like every other command; anything else is the query's fault.
    return fail(text, prompt.kind === "notice" && prompt.level === "error" ? EXIT.notVerified : EXIT.usage);
  }
  process.stderr.write(`Verifying ${plain(aboutLine(prompt.contact))}\n`);
  const attempt = await readAnswer("What the caller says: ");
  if (attempt === null || attempt.trim() === "") {
    return fail("Nothing was typed, so nothing was checked.", EXIT.usage);
  }
  if (attempt.length > ATTEMPT_MAX) {
    return fail(
      `That is longer than any PIN (${ATTEMPT_MAX} characters at most); nothing was checked.`,
      EXIT.usage,
    );
  }
  const view = await verifyCaller(ctx, caller, { contactId: prompt.contact.id, attempt });
  // The typed answer was checked above, so an error here is ITFlow's; a refusal is the caller's.
  if (view.kind === "notice") return fail(view.text, view.level === "error" ? EXIT.notVerified : EXIT.usage);
  return answer(view);
}

/** Prints the answer and the contact it is about; the exit code says what it was. */
function answer(view: VerifyResultView): number {
  process.stdout.write(`${plain(verifyAnswerText(view, { text: (s) => s, time: clockTime }))}\n`);
  process.stdout.write(`  ${plain(aboutLine(view.contact))}\n`);
  return EXIT_OF[view.outcome.result];
}
