// How answers leave the adapter once the 3-second ack is done: posts to a response_url (the only
// channel-independent way to reach the user: it works where the bot is not a member and needs no
// chat:write scope), and modals opened and then updated through the Web API. Failures here are
// logged and swallowed: the user may have closed the modal, and nothing else can be done.
import type { webApi } from "@slack/bolt";
import { request } from "undici";
import type { Logger } from "../../src/log.js";
import { viewResponseSchema } from "./payloads.js";
import type { SlackMessage } from "./render/cards.js";
import type { ModalView } from "./render/modals.js";

export interface ResponseOptions {
  /** "in_channel" makes a public message; private (ephemeral) is the default everywhere. */
  public?: boolean;
  /** Replace the message the response_url belongs to (a list replaced by a card, say). */
  replaceOriginal?: boolean;
}

export type WebClient = webApi.WebClient;

/** How long a response_url post may wait for Slack's answer (connecting takes at most 10 s too). */
const POST_TIMEOUT_MS = 10_000;

export class Replies {
  constructor(private readonly logger: Logger) {}

  /** Posts to a response_url (valid 30 min, 5 posts). Returns whether Slack took it. */
  async post(responseUrl: string, message: SlackMessage, options: ResponseOptions = {}): Promise<boolean> {
    const body = {
      response_type: options.public ? "in_channel" : "ephemeral",
      replace_original: options.replaceOriginal ?? false,
      text: message.text,
      ...(message.blocks.length > 0 ? { blocks: message.blocks } : {}),
    };
    try {
      // undici's request() rather than fetch(): no WHATWG streams, Request/Response objects or
      // AbortSignal for a post whose answer is one word. Under a burst of commands fetch cost more
      // CPU (and garbage) per answer than the lookup itself, and the acks of requests arriving
      // meanwhile wait behind that CPU and its garbage collections.
      const res = await request(responseUrl, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify(body),
        headersTimeout: POST_TIMEOUT_MS,
        bodyTimeout: POST_TIMEOUT_MS,
      });
      if (res.statusCode < 200 || res.statusCode > 299) {
        // Slack says why in a word: expired_url, used_url, invalid_blocks…
        const reason = (await res.body.text()).slice(0, 100);
        this.logger.warn({ status: res.statusCode, reason }, "Slack refused a response_url post");
        return false;
      }
      await res.body.dump();
      return true;
    } catch (error) {
      this.logger.warn({ err: error }, "could not post to Slack's response_url");
      return false;
    }
  }

  /** Opens a modal; returns its view id (to update it later) or null when Slack refused. */
  async openModal(client: WebClient, triggerId: string, view: ModalView): Promise<string | null> {
    try {
      const answer = viewResponseSchema.safeParse(await client.views.open({ trigger_id: triggerId, view }));
      if (answer.success) return answer.data.view.id;
      this.logger.warn("views.open answered without a view id");
    } catch (error) {
      // expired_trigger_id: more than ~3 s passed since the click; nothing can reopen it.
      this.logger.warn({ err: error }, "views.open failed");
    }
    return null;
  }

  async updateModal(client: WebClient, viewId: string, view: ModalView, hash?: string): Promise<boolean> {
    try {
      await client.views.update({ view_id: viewId, view, ...(hash ? { hash } : {}) });
      return true;
    } catch (error) {
      // not_found: the user closed the modal meanwhile; hash_conflict: a newer update won.
      this.logger.info({ err: error }, "views.update failed (modal closed or replaced meanwhile?)");
      return false;
    }
  }
}

/**
 * Waits for `work`; if it is still running after `afterMs`, calls `onSlow` once (without waiting
 * for it), so the user hears that ITFlow is slow instead of silence.
 */
export async function withSlowNotice<T>(
  work: Promise<T>,
  afterMs: number,
  onSlow: () => Promise<unknown>,
): Promise<T> {
  let done = false;
  const timer = setTimeout(() => {
    if (!done) void onSlow().catch(() => {});
  }, afterMs);
  try {
    return await work;
  } finally {
    done = true;
    clearTimeout(timer);
  }
}

/** `work`'s result if it settles within `ms`, else "late" (the work keeps running). */
export async function within<T>(
  work: Promise<T>,
  ms: number,
): Promise<{ done: true; value: T } | { done: false }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ done: false }>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), Math.max(0, ms));
  });
  try {
    return await Promise.race([work.then((value) => ({ done: true as const, value })), late]);
  } finally {
    clearTimeout(timer);
  }
}
