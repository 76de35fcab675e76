// Answering inside Discord's deadline. Discord waits 3 s for the first response; after that the
// token is dead and the user sees "The application did not respond". Work that may touch ITFlow
// races a budget: if it finishes in time its answer is the first (and only) response, otherwise
// the interaction is deferred and the answer edited in when it comes. Modals cannot follow a
// defer, so a modal that is not ready in time is replaced by a "try again" note.
import {
  type ApplicationCommandOptionChoiceData,
  type AutocompleteInteraction,
  DiscordAPIError,
  DiscordjsError,
  DiscordjsErrorCodes,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  MessageFlags,
  type ModalBuilder,
  RESTJSONErrorCodes,
  type RepliableInteraction,
} from "discord.js";
import type { Logger } from "../../../src/log.js";
import { COLORS, type MessageOut } from "../render/message.js";

export const DEADLINE_MS = 3000;
const MAX_BUDGET_MS = 2000;
const MIN_BUDGET_MS = 300;
// The response itself takes a round trip to Discord; leave room for it.
const SEND_MARGIN_MS = 600;

/** When an interaction arrived and how long its handler may work before it must answer. */
export interface Timing {
  receivedAt: number;
  budgetMs: number;
}

/**
 * The budget left for an interaction created at `createdAt` (its snowflake time). Clocks differ,
 * so age only ever shortens the budget, within limits: a skewed clock must not starve every answer.
 */
export function timingFor(createdAt: number, receivedAt = Date.now()): Timing {
  const age = Math.max(0, receivedAt - createdAt);
  const budgetMs = Math.min(MAX_BUDGET_MS, Math.max(MIN_BUDGET_MS, DEADLINE_MS - SEND_MARGIN_MS - age));
  return { receivedAt, budgetMs };
}

type Raced<T> = { done: true; value: T } | { done: false };

/** Whether `promise` settles within `ms` of `since`; it keeps running either way. */
export async function within<T>(promise: Promise<T>, ms: number, since = Date.now()): Promise<Raced<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Raced<T>>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), Math.max(0, since + ms - Date.now()));
  });
  try {
    return await Promise.race([promise.then((value): Raced<T> => ({ done: true, value })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// Contact data may contain "@everyone"; the renderers escape it, and this makes sure nothing in
// any message the bot sends can ping, whatever a future renderer forgets.
const NO_PINGS = { parse: [] } as const;

export function replyOptions(out: MessageOut): InteractionReplyOptions {
  return {
    embeds: out.embeds,
    components: out.components,
    allowedMentions: NO_PINGS,
    ...(out.ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
  };
}

export function editOptions(out: MessageOut): InteractionEditReplyOptions {
  return { embeds: out.embeds, components: out.components, allowedMentions: NO_PINGS };
}

export function noticeMessage(text: string, level: keyof typeof COLORS = "info"): MessageOut {
  return { embeds: [{ description: text, color: COLORS[level] }], components: [], ephemeral: true };
}

const SLOW =
  "ITFlow is taking too long to answer, so the form could not open in time. Try again in a moment.";
const BUG = "Something went wrong on the bot's side; the details are in its log. Nothing was changed.";

function safely(work: () => Promise<MessageOut>, logger: Logger, what: string): Promise<MessageOut> {
  return Promise.resolve()
    .then(work)
    .catch((error: unknown) => {
      logger.error({ err: error }, `${what} failed`);
      return noticeMessage(BUG, "error");
    });
}

/**
 * Answers with a message: at once when `work` is done within the budget, else deferred and edited.
 * `deferEphemeral` decides the privacy of a deferred answer, which cannot change afterwards.
 */
export async function answer(
  interaction: RepliableInteraction,
  timing: Timing,
  logger: Logger,
  what: string,
  work: () => Promise<MessageOut>,
  deferEphemeral = true,
): Promise<void> {
  const pending = safely(work, logger, what);
  const first = await within(pending, timing.budgetMs, timing.receivedAt);
  if (first.done) {
    await interaction.reply(replyOptions(first.value));
    return;
  }
  logger.info({ what, budgetMs: timing.budgetMs }, "answer not ready within the budget; deferring");
  await interaction.deferReply(deferEphemeral ? { flags: MessageFlags.Ephemeral } : {});
  await interaction.editReply(editOptions(await pending));
}

/** Opens a modal as the first response, or answers with a message when `work` returns one. */
export async function answerWithModal(
  interaction: RepliableInteraction & { showModal(modal: ModalBuilder): Promise<unknown> },
  timing: Timing,
  logger: Logger,
  what: string,
  work: () => Promise<ModalBuilder | MessageOut>,
): Promise<void> {
  const pending = Promise.resolve()
    .then(work)
    .catch((error: unknown): MessageOut => {
      logger.error({ err: error }, `${what} failed`);
      return noticeMessage(BUG, "error");
    });
  const first = await within(pending, timing.budgetMs, timing.receivedAt);
  if (!first.done) {
    logger.warn(
      { what, budgetMs: timing.budgetMs },
      "form not ready within the budget; asked the user to retry",
    );
    await interaction.reply(replyOptions(noticeMessage(SLOW, "error")));
    return;
  }
  if ("embeds" in first.value) await interaction.reply(replyOptions(first.value));
  else await interaction.showModal(first.value);
}

/** Autocomplete cannot be deferred: whatever is known within the budget, or nothing. */
export async function answerAutocomplete(
  interaction: AutocompleteInteraction,
  timing: Timing,
  logger: Logger,
  work: () => Promise<ApplicationCommandOptionChoiceData[]>,
): Promise<void> {
  const pending = Promise.resolve()
    .then(work)
    .catch((error: unknown) => {
      logger.warn({ err: error }, "autocomplete lookup failed; answering with no choices");
      return [];
    });
  const first = await within(pending, timing.budgetMs, timing.receivedAt);
  if (!first.done) logger.info({ budgetMs: timing.budgetMs }, "autocomplete not ready within the budget");
  await interaction.respond(first.done ? first.value : []);
}

/**
 * Logs a failure to answer an interaction at the level it deserves. Expired and doubly answered
 * interactions are facts of life (a slow network, a replayed event, a second replica), not bugs.
 * The request URL is never logged: it holds the interaction's token.
 */
export function logAnswerFailure(logger: Logger, error: unknown, context: Record<string, unknown>): void {
  if (error instanceof DiscordAPIError) {
    const details = { ...context, code: error.code, status: error.status, method: error.method };
    if (error.code === RESTJSONErrorCodes.UnknownInteraction) {
      logger.warn(details, "interaction expired before it was answered (10062 Unknown interaction)");
    } else if (error.code === RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged) {
      logger.warn(details, "interaction was already answered elsewhere (40060 already acknowledged)");
    } else {
      logger.error({ ...details, discordMessage: error.message }, "Discord refused the answer");
    }
    return;
  }
  if (error instanceof DiscordjsError && error.code === DiscordjsErrorCodes.InteractionAlreadyReplied) {
    logger.warn(context, "interaction was already answered");
    return;
  }
  logger.error({ ...context, err: error }, "answering the interaction failed");
}
