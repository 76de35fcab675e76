// Caller verification in Slack: `/contact verify <query>` and the "Verify caller" button open the
// one-field form; its submit checks the answer and shows the result in the form's place, seen by
// the technician alone. What was typed is read from the submission once, handed to the core, and
// never logged or sent anywhere.
import { z } from "zod";
import type { Caller } from "../../../commands/caller.js";
import {
  ATTEMPT_MAX,
  openVerify,
  type VerifyPromptView,
  type VerifyResultView,
  verifyCaller,
} from "../../../commands/verify.js";
import type { NoticeView, View } from "../../../commands/views.js";
import { CALLER_SAYS_BLOCK, COMMAND } from "../ids.js";
import { viewSubmissionSchema } from "../payloads.js";
import { renderMessage } from "../render/cards.js";
import { loadingModal, type ModalView, viewModal } from "../render/modals.js";
import { decodeVerifyMetadata, VERIFY_TITLE, verifyModal, verifyResultModal } from "../render/verify.js";
import { type WebClient, within } from "../replies.js";
import { callerOf, type SlackDeps } from "./deps.js";
import { answerInModal, type ModalTarget } from "./flows.js";
import type { ViewListener } from "./submit.js";

/** How long `/contact verify` looks for the contact before opening a Loading form instead. */
const QUICK_MS = 1000;

const ASK_WHO: NoticeView = {
  kind: "notice",
  level: "info",
  text: `Say whose PIN to check, e.g. \`${COMMAND} verify alice@example.com\` or \`${COMMAND} verify #42\`.`,
};

// Slack's legacy handle (`name`) reads better in an audit line than an id.
const namedUserSchema = z.object({
  user: z.object({ id: z.string(), name: z.string().optional(), username: z.string().optional() }),
});

function whoOf(body: unknown): string | undefined {
  const parsed = namedUserSchema.safeParse(body);
  return parsed.success ? (parsed.data.user.name ?? parsed.data.user.username) : undefined;
}

type Opened = VerifyPromptView | VerifyResultView | View;

/** The form; a locked contact's answer; or the list or notice in its place. */
function formOrView(view: Opened, responseUrl: string | null): ModalView | View {
  if (view.kind === "verifyPrompt") return verifyModal(view, responseUrl, ATTEMPT_MAX);
  if (view.kind === "verifyResult") return verifyResultModal(view, responseUrl);
  return view;
}

/** The "Verify caller" button (on a card, or "Try again" in the form): the form for that contact. */
export async function verifyFromButton(
  deps: SlackDeps,
  client: WebClient,
  target: ModalTarget,
  responseUrl: string | null,
  caller: Caller,
  contactId: number,
): Promise<void> {
  if (!deps.ctx.policy.canVerify(caller)) {
    const denied = await openVerify(deps.ctx, caller, { contactId });
    if (responseUrl && denied.kind === "notice") await deps.replies.post(responseUrl, renderMessage(denied));
    return;
  }
  await answerInModal(deps, client, target, VERIFY_TITLE, responseUrl, async () =>
    formOrView(await openVerify(deps.ctx, caller, { contactId }), responseUrl),
  );
}

/**
 * `/contact verify <query>`. The contact usually comes from the index at once: then the form opens
 * straight away, or a list or "no match" arrives privately (a list's cards carry the button). If
 * finding it takes longer than the trigger can wait, a Loading form opens and is filled in later.
 */
export async function verifyFromCommand(
  deps: SlackDeps,
  client: WebClient,
  command: { triggerId: string; responseUrl: string },
  caller: Caller,
  query: string,
): Promise<void> {
  if (!query.trim()) {
    await deps.replies.post(command.responseUrl, renderMessage(ASK_WHO));
    return;
  }
  const finding = openVerify(deps.ctx, caller, { query });
  // Leaves most of the trigger's 3 s for opening a Loading form if the index is not ready.
  const quick = await within(finding, Math.min(QUICK_MS, deps.timing.submitBudgetMs));
  if (!quick.done) {
    await answerInModal(
      deps,
      client,
      { triggerId: command.triggerId },
      VERIFY_TITLE,
      command.responseUrl,
      async () => formOrView(await finding, command.responseUrl),
    );
    return;
  }
  const found = formOrView(quick.value, command.responseUrl);
  if (!("kind" in found)) {
    if (await deps.replies.openModal(client, command.triggerId, found)) return;
    await deps.replies.post(command.responseUrl, {
      text: "Slack did not open the form in time. Run the command again.",
      blocks: [],
    });
    return;
  }
  await deps.replies.post(command.responseUrl, renderMessage(found));
}

function answerModal(view: VerifyResultView | NoticeView, responseUrl: string | null): ModalView {
  return view.kind === "verifyResult"
    ? verifyResultModal(view, responseUrl)
    : viewModal(view, VERIFY_TITLE, responseUrl);
}

/** The verify form's submit: registered with the contact form's (listeners/submit.ts), one listener. */
export function verifySubmitted(deps: SlackDeps): ViewListener {
  return async ({ ack, body, client }) => {
    const started = Date.now();
    const parsed = viewSubmissionSchema.safeParse(body);
    const meta = parsed.success ? decodeVerifyMetadata(parsed.data.view.private_metadata) : null;
    if (!parsed.success || !meta) {
      deps.logger.warn("Slack sent a verify form submission the bot cannot read");
      const lost: NoticeView = {
        kind: "notice",
        level: "error",
        text: "This form lost track of its contact; open it again.",
      };
      await ack({ response_action: "update", view: viewModal(lost, VERIFY_TITLE) });
      return;
    }
    const attempt = parsed.data.view.state.values[CALLER_SAYS_BLOCK]?.[CALLER_SAYS_BLOCK]?.value ?? "";
    if (attempt.trim() === "") {
      await ack({ response_action: "errors", errors: { [CALLER_SAYS_BLOCK]: "Type what the caller says." } });
      return;
    }
    const who = whoOf(body);
    const checking = verifyCaller(deps.ctx, callerOf(body), {
      contactId: meta.contactId,
      attempt,
      ...(who ? { who } : {}),
    }).catch((error: unknown): NoticeView => {
      deps.logger.error({ err: error }, "Slack: checking a caller's PIN failed");
      return {
        kind: "notice",
        level: "error",
        text: "Something went wrong while checking; nothing was counted.",
      };
    });
    // The answer is the ack itself when ITFlow is quick; otherwise "Checking…" now, the answer after.
    const early = await within(checking, deps.timing.submitBudgetMs - (Date.now() - started));
    if (early.done) {
      await ack({ response_action: "update", view: answerModal(early.value, meta.responseUrl) });
      return;
    }
    await ack({ response_action: "update", view: loadingModal(VERIFY_TITLE, "Checking with ITFlow…") });
    await deps.replies.updateModal(
      client,
      parsed.data.view.id,
      answerModal(await checking, meta.responseUrl),
    );
  };
}
