// What every listener is handed: the core's command context, the way to answer, and the timings
// that keep every answer inside Slack's deadlines.
import type { Caller } from "../../../commands/caller.js";
import type { CommandContext } from "../../../commands/context.js";
import type { Logger } from "../../../src/log.js";
import type { Replies } from "../replies.js";
import { identityOf } from "../workspaces.js";

export interface Timing {
  /** After this long without an ITFlow answer the user is told it is slow (the answer still follows). */
  slowNoticeMs: number;
  /**
   * How long a form submit may wait for ITFlow before the ack must go out (Slack allows 3 s in
   * all). Within it the outcome is the ack itself (inline errors, close); after it the modal
   * shows "Saving…" and is updated when ITFlow answers.
   */
  submitBudgetMs: number;
  /** How long the client picker may search before answering with what it has (nothing). */
  optionsBudgetMs: number;
}

export const DEFAULT_TIMING: Timing = { slowNoticeMs: 2500, submitBudgetMs: 2000, optionsBudgetMs: 2000 };

export interface SlackDeps {
  ctx: CommandContext;
  replies: Replies;
  logger: Logger;
  timing: Timing;
}

/**
 * The core's view of who is asking. Slack has no roles the bot can see cheaply (user groups need
 * another scope and a call per request), so EDIT_ALLOW on Slack lists user ids: slack:U0123.
 */
export function callerOf(body: unknown): Caller {
  const identity = identityOf(body);
  return {
    platform: "slack",
    workspaceId: identity?.teamIds[0] ?? identity?.enterpriseId ?? null,
    userId: identity?.userId ?? "unknown",
    roleIds: [],
  };
}
