// Buttons on cards, lists and notices, and the client picker on the create form. Each acks first;
// a button inside a modal reuses that modal instead of opening another one on top.
import type { AllMiddlewareArgs, App, SlackActionMiddlewareArgs } from "@slack/bolt";
import { mayEdit } from "../../../commands/access.js";
import type { Caller } from "../../../commands/caller.js";
import { findContacts } from "../../../commands/find.js";
import { openCreateForm, openCreateFormFor, openEditForm } from "../../../commands/forms.js";
import type { View } from "../../../commands/views.js";
import { ACTION, exactly } from "../ids.js";
import { type BlockActions, blockActionsSchema } from "../payloads.js";
import { renderMessage } from "../render/cards.js";
import { decodeMetadata, formModal, readSubmission, responseUrlOf } from "../render/modals.js";
import { callerOf, type SlackDeps } from "./deps.js";
import { answerByResponseUrl, answerInModal, createFormFrom, type ModalTarget } from "./flows.js";
import { verifyFromButton } from "./verify.js";

const CONTACT_ID = /^\d{1,10}$/;

type ActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;

function parse(deps: SlackDeps, body: unknown): { payload: BlockActions; value: string } | null {
  const parsed = blockActionsSchema.safeParse(body);
  if (!parsed.success) {
    deps.logger.warn({ issues: parsed.error.issues.length }, "Slack sent a button click the bot cannot read");
    return null;
  }
  const action = parsed.data.actions[0];
  return action ? { payload: parsed.data, value: action.value ?? "" } : null;
}

/** Where a button's answer goes: the modal it sits in, or a new one from its trigger. */
function modalTarget(p: BlockActions): ModalTarget {
  return p.view ? { viewId: p.view.id } : { triggerId: p.trigger_id };
}

/** The response_url to post a saved card to: the message's own, or the one the modal carries. */
function responseUrlFor(p: BlockActions): string | null {
  return p.response_url ?? responseUrlOf(p.view?.private_metadata);
}

async function tell(deps: SlackDeps, p: BlockActions, view: View): Promise<void> {
  const url = p.response_url;
  if (url) await deps.replies.post(url, renderMessage(view));
}

/** A contact named by a button: shown even when archived (the button was offered for it). */
function lookupById(deps: SlackDeps, caller: Caller, id: string): Promise<View> {
  return findContacts(deps.ctx, caller, { query: `#${id}`, includeArchived: true });
}

export function registerActions(app: App, deps: SlackDeps): void {
  const onClick: Record<string, (args: ActionArgs) => Promise<void>> = {
    [ACTION.edit]: async ({ ack, body, client }) => {
      await ack();
      const click = parse(deps, body);
      if (!click || !CONTACT_ID.test(click.value)) return;
      const { payload, value } = click;
      const caller = callerOf(body);
      if (!mayEdit(deps.ctx, caller)) {
        await tell(deps, payload, await openEditForm(deps.ctx, caller, { contactId: Number(value) }));
        return;
      }
      await answerInModal(deps, client, modalTarget(payload), "Edit contact", responseUrlFor(payload), () =>
        openEditForm(deps.ctx, caller, { contactId: Number(value) }),
      );
    },

    [ACTION.create]: async ({ ack, body, client }) => {
      await ack();
      const click = parse(deps, body);
      if (!click) return;
      const { payload, value } = click;
      const caller = callerOf(body);
      if (!mayEdit(deps.ctx, caller)) {
        await tell(deps, payload, await openCreateForm(deps.ctx, caller));
        return;
      }
      await answerInModal(deps, client, modalTarget(payload), "New contact", responseUrlFor(payload), () =>
        createFormFrom(deps, caller, value),
      );
    },

    [ACTION.open]: async ({ ack, body }) => {
      await ack();
      const click = parse(deps, body);
      if (!click || !CONTACT_ID.test(click.value) || !click.payload.response_url) return;
      const caller = callerOf(body);
      answerByResponseUrl(deps, click.payload.response_url, () => lookupById(deps, caller, click.value));
    },

    // "Share in channel" answers through the button's response_url with response_type in_channel:
    // it works in private channels and DMs and where the bot is not a member, with no chat:write
    // scope, which chat.postMessage would all need.
    [ACTION.share]: async ({ ack, body }) => {
      await ack();
      const click = parse(deps, body);
      const url = click?.payload.response_url;
      if (!click || !url || !CONTACT_ID.test(click.value)) return;
      const caller = callerOf(body);
      const view = await lookupById(deps, caller, click.value);
      if (view.kind !== "card") {
        await deps.replies.post(url, renderMessage(view));
        return;
      }
      const posted = await deps.replies.post(url, renderMessage(view, "public", caller.userId), {
        public: true,
      });
      if (!posted) {
        await deps.replies.post(url, {
          text: "Slack did not accept the shared card (this message may be too old); run the search again.",
          blocks: [],
        });
      }
    },

    // "Verify caller" on a card (or "Try again" in the verify form itself, which reuses the modal).
    [ACTION.verify]: async ({ ack, body, client }) => {
      await ack();
      const click = parse(deps, body);
      if (!click || !CONTACT_ID.test(click.value)) return;
      const { payload, value } = click;
      await verifyFromButton(
        deps,
        client,
        modalTarget(payload),
        responseUrlFor(payload),
        callerOf(body),
        Number(value),
      );
    },

    // A link button still sends an action; without an ack Slack marks the click as failed.
    [ACTION.itflowLink]: async ({ ack }) => {
      await ack();
    },

    // Choosing a client on the create form: reload its locations (and the primary-contact hint)
    // while keeping everything typed so far.
    [ACTION.client]: async ({ ack, body, client }) => {
      await ack();
      const click = parse(deps, body);
      const view = click?.payload.view;
      const picked = click?.payload.actions[0]?.selected_option?.value;
      if (!click || !view?.state || !picked || !CONTACT_ID.test(picked)) return;
      const meta = decodeMetadata(view.private_metadata ?? "");
      const form = await openCreateFormFor(deps.ctx, callerOf(body), Number(picked));
      if (form.kind !== "form") return;
      const typed = readSubmission(view.state).values;
      await deps.replies.updateModal(
        client,
        view.id,
        formModal(
          { ...form, values: { ...form.values, ...typed, locationId: null } },
          {
            responseUrl: meta?.responseUrl ?? null,
          },
        ),
        view.hash,
      );
    },
  };
  // One listener for every button, dispatching on its action_id: Bolt runs the matching of every
  // registered listener on every request it receives (a slash command too), and that matching
  // allocates per listener, so six button listeners made each ack in a burst measurably dearer.
  app.action(exactly(Object.keys(onClick)), async (args) => {
    const id = "action_id" in args.payload ? args.payload.action_id : "";
    await onClick[id]?.(args);
  });
}
