// The two shapes every answer takes after the ack: a message posted to a response_url, or a modal
// opened at once with "Loading…" and then updated with whatever the core answered. Both tell the
// user when ITFlow is slow, and both make sure the "slow" note never lands after the answer.
import type { Caller } from "../../../commands/caller.js";
import { openCreateForm } from "../../../commands/forms.js";
import type { FormValues, View } from "../../../commands/views.js";
import { classifyQuery } from "../../../src/contacts/query.js";
import { answerTurn } from "../ack-first.js";
import { renderMessage, type SlackMessage } from "../render/cards.js";
import { loadingModal, type ModalView, viewModal } from "../render/modals.js";
import { type WebClient, withSlowNotice } from "../replies.js";
import type { SlackDeps } from "./deps.js";

const duration = (ms: number) => (ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`);
const slowText = (ms: number) =>
  `ITFlow has not answered for ${duration(ms)}; still waiting — the answer will follow here.`;

/**
 * Runs `work` and posts its answer privately to `responseUrl`, with a "slow" note if it takes long.
 * Returns at once, so the listener ends at its ack: Bolt holds everything it built for a request
 * (the HTTP request and response, the listener arguments) until the listener returns, and under a
 * burst 50 of those kept alive while their answers wait turned into garbage that survives
 * collections (longer pauses, more often, for the acks still to come).
 */
export function answerByResponseUrl(
  deps: SlackDeps,
  responseUrl: string,
  work: () => Promise<View | SlackMessage>,
): void {
  answerLater(deps, responseUrl, work).catch((error: unknown) => {
    deps.logger.error({ err: error }, "Slack: posting an answer failed");
  });
}

async function answerLater(
  deps: SlackDeps,
  responseUrl: string,
  work: () => Promise<View | SlackMessage>,
): Promise<void> {
  await answerTurn();
  let slowPost: Promise<unknown> = Promise.resolve();
  const pending = safely(deps, work, "answering");
  const answer = await withSlowNotice(pending, deps.timing.slowNoticeMs, () => {
    slowPost = deps.replies.post(responseUrl, {
      text: slowText(deps.timing.slowNoticeMs),
      blocks: [],
    });
    return slowPost;
  });
  await slowPost;
  await deps.replies.post(responseUrl, "kind" in answer ? renderMessage(answer) : answer);
}

export type ModalTarget =
  /** A fresh modal from a command, button or shortcut: its trigger_id lives about 3 s. */
  | { triggerId: string }
  /** A modal that is already open (a button inside it): reuse it. */
  | { viewId: string };

/**
 * Opens (or reuses) a modal showing "Loading…" at once, then fills it with `work`'s view: the form
 * when there is one, else the card, list or notice in its place. `work` may also build the modal
 * itself (a view the core has no neutral form for, like the verify form).
 */
export async function answerInModal(
  deps: SlackDeps,
  client: WebClient,
  target: ModalTarget,
  title: string,
  responseUrl: string | null,
  work: () => Promise<View | ModalView>,
): Promise<void> {
  const { replies } = deps;
  let viewId: string | null;
  // ITFlow is asked at the same time as the modal opens: the user sees "Loading…" within the
  // trigger's 3 s whatever ITFlow does, and the form no later than ITFlow allows.
  const pending = safely(deps, work, "opening the form");
  if ("viewId" in target) {
    viewId = target.viewId;
    await replies.updateModal(client, viewId, loadingModal(title, undefined, responseUrl));
  } else {
    viewId = await replies.openModal(client, target.triggerId, loadingModal(title, undefined, responseUrl));
  }
  if (!viewId) return;
  const id = viewId;
  let slowUpdate: Promise<unknown> = Promise.resolve();
  const view = await withSlowNotice(pending, deps.timing.slowNoticeMs, () => {
    slowUpdate = replies.updateModal(client, id, loadingModal(title, slowText(deps.timing.slowNoticeMs)));
    return slowUpdate;
  });
  await slowUpdate;
  await replies.updateModal(client, id, "kind" in view ? viewModal(view, title, responseUrl) : view);
}

/** The core's handlers catch ITFlow's errors themselves; this catches our own bugs. */
async function safely<T>(deps: SlackDeps, work: () => Promise<T>, doing: string): Promise<T | View> {
  try {
    return await work();
  } catch (error) {
    deps.logger.error({ err: error }, `Slack: ${doing} failed`);
    return {
      kind: "notice",
      level: "error",
      text: `Something went wrong while ${doing}. Nothing was changed; the details are in the bot's log.`,
    };
  }
}

/** What a "no match" search can fill in on the create form: the email or number that was searched. */
export function prefillFrom(query: string, deps: SlackDeps): FormValues {
  const q = classifyQuery(query, deps.ctx.region);
  switch (q.kind) {
    case "email":
      return { email: q.email };
    case "phone":
      return { phone: query.trim() };
    case "name":
      return { name: q.text };
    default:
      return {};
  }
}

/** The create form, prefilled from a search (the Create button after "no contact matches"). */
export async function createFormFrom(deps: SlackDeps, caller: Caller, query: string): Promise<View> {
  const view = await openCreateForm(deps.ctx, caller);
  return view.kind === "form" ? { ...view, values: { ...view.values, ...prefillFrom(query, deps) } } : view;
}
