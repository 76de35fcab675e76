// The form's Submit. Slack wants the answer to a view_submission inside 3 s, and only that answer
// can show errors inline on the fields, so: the core's validation runs first (no I/O, instant);
// then the save gets a time budget. Inside it, the outcome IS the ack (inline errors, close the
// modal, or replace it by a conflict notice). Past it, the modal shows "Saving…" and is updated
// when ITFlow answers. Retries and double submits are answered once by the core's dedupe, keyed by
// this view's id.
import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import type { Caller } from "../../../commands/caller.js";
import { type SubmitInput, submitForm } from "../../../commands/forms.js";
import type { FormErrors, FormView, View } from "../../../commands/views.js";
import { validateDraft } from "../../../src/contacts/fields.js";
import { CALLBACK, exactly } from "../ids.js";
import { type ViewSubmission, viewSubmissionSchema } from "../payloads.js";
import { renderMessage } from "../render/cards.js";
import {
  decodeMetadata,
  type FormMetadata,
  formModal,
  inlineErrors,
  loadingModal,
  type ModalView,
  readSubmission,
  viewModal,
} from "../render/modals.js";
import { within } from "../replies.js";
import { callerOf, type SlackDeps } from "./deps.js";

/** What the ack of a view_submission carries. Undefined closes the modal. */
export type SubmitAck =
  | { response_action: "errors"; errors: Record<string, string> }
  | { response_action: "update"; view: ModalView }
  | undefined;

interface Submitted {
  payload: ViewSubmission;
  meta: FormMetadata;
  input: SubmitInput;
  caller: Caller;
}

function titleOf(meta: FormMetadata): string {
  return meta.mode === "create" ? "New contact" : "Edit contact";
}

/** The form again, holding what the user typed, for a banner or errors shown as text. */
async function formOfInput(deps: SlackDeps, s: Submitted, errors: FormErrors): Promise<FormView> {
  const clientId = s.input.clientId;
  const client = clientId === null ? null : await deps.ctx.directory.client(clientId).catch(() => null);
  const locations = clientId === null ? [] : await deps.ctx.directory.locationsOf(clientId).catch(() => []);
  const holder =
    clientId === null
      ? null
      : await deps.ctx.directory.currentPrimary(clientId, s.meta.contactId ?? undefined).catch(() => null);
  return {
    kind: "form",
    mode: s.meta.mode,
    title: titleOf(s.meta),
    contactId: s.meta.contactId,
    version: s.meta.version,
    client: client ? { id: client.id, name: client.name } : null,
    values: s.input.values,
    errors,
    locations: locations.map((l) => ({ value: String(l.id), label: l.name })),
    notice: null,
    primaryHolder: holder?.name ?? null,
  };
}

/**
 * The ack for errors: inline on the fields on screen (the submitted state lists every input block
 * shown, so this needs no I/O); errors for anything else need the form again, with a banner.
 */
async function errorsAck(
  s: Submitted,
  errors: FormErrors,
  form: () => Promise<FormView>,
): Promise<SubmitAck> {
  const shown = new Set(Object.keys(s.payload.view.state.values));
  const { inline, other } = inlineErrors(errors, shown);
  if (other.length === 0 && Object.keys(inline).length > 0)
    return { response_action: "errors", errors: inline };
  const banner = other.join(" ") || "Please check the form.";
  return {
    response_action: "update",
    view: formModal(await form(), { responseUrl: s.meta.responseUrl, errorsAsText: true, banner }),
  };
}

/**
 * The modal (or none) that shows a finished save. `late` = the ack has gone already, so errors can
 * no longer be inline and are written under the fields instead.
 */
async function outcomeModal(deps: SlackDeps, s: Submitted, view: View, late: boolean): Promise<SubmitAck> {
  const responseUrl = s.meta.responseUrl;
  switch (view.kind) {
    case "form": {
      if (late)
        return { response_action: "update", view: formModal(view, { responseUrl, errorsAsText: true }) };
      return errorsAck(s, view.errors, async () => view);
    }
    case "card":
      // With a response_url the saved card goes to the conversation and the modal closes;
      // from a global shortcut there is no conversation, so the modal shows it.
      if (responseUrl && !late) return undefined;
      return { response_action: "update", view: viewModal(view, "Contact saved", responseUrl) };
    case "notice":
      if (view.level === "conflict" || view.level === "notFound") {
        return { response_action: "update", view: viewModal(view, "Not saved", responseUrl) };
      }
      // ITFlow down, access denied, already being saved: keep what the user typed, say why on top,
      // and let them press the button again.
      return {
        response_action: "update",
        view: formModal(await formOfInput(deps, s, {}), { responseUrl, banner: `Not saved: ${view.text}` }),
      };
    default:
      return { response_action: "update", view: viewModal(view, titleOf(s.meta), responseUrl) };
  }
}

async function readSubmitted(deps: SlackDeps, body: unknown): Promise<Submitted | View> {
  const parsed = viewSubmissionSchema.safeParse(body);
  const meta = parsed.success ? decodeMetadata(parsed.data.view.private_metadata) : null;
  if (!parsed.success || !meta) {
    deps.logger.warn("Slack sent a form submission the bot cannot read");
    return { kind: "notice", level: "error", text: "This form lost track of its contact; open it again." };
  }
  const { values, pickedClientId } = readSubmission(parsed.data.view.state);
  if (meta.notesLeftOut && meta.contactId !== null) {
    // The notes were too long to put in the form: keep what ITFlow has (the version check still
    // refuses the save if they changed meanwhile).
    const row = await deps.ctx.directory.getCached(meta.contactId).catch(() => null);
    values.notes = row?.contact.notes ?? "";
  }
  const input: SubmitInput = {
    mode: meta.mode,
    formKey: parsed.data.view.id,
    contactId: meta.contactId,
    version: meta.version,
    clientId: meta.mode === "create" ? (pickedClientId ?? meta.clientId) : meta.clientId,
    values,
  };
  return { payload: parsed.data, meta, input, caller: callerOf(body) };
}

/** The core's validation alone, with no I/O: mistakes are answered inline at once, even if ITFlow is slow. */
function quickErrors(deps: SlackDeps, s: Submitted): FormErrors {
  const checked = validateDraft(s.input.values, s.input.mode, deps.ctx.region);
  const errors: FormErrors = checked.ok ? {} : { ...checked.errors };
  if (s.input.mode === "create" && s.input.clientId === null) {
    errors.client = "Choose the client this contact belongs to.";
  }
  return errors;
}

/** What Bolt hands a view_submission listener. */
export type ViewListener = (
  args: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs,
) => Promise<void>;

/** The contact form's Submit, and any other forms' (`others`, by callback_id) in the same listener. */
export function registerSubmit(app: App, deps: SlackDeps, others: Record<string, ViewListener> = {}): void {
  const onForm: ViewListener = async ({ ack, body, client }) => {
    const started = Date.now();
    const submitted = await readSubmitted(deps, body);
    if (!("input" in submitted)) {
      await ack({ response_action: "update", view: viewModal(submitted, "Contact") });
      return;
    }
    const s = submitted;
    const errors = quickErrors(deps, s);
    if (Object.keys(errors).length > 0) {
      await ack(await errorsAck(s, errors, () => formOfInput(deps, s, errors)));
      return;
    }

    const saving = submitForm(deps.ctx, s.caller, s.input).catch((error: unknown): View => {
      deps.logger.error({ err: error }, "Slack: saving the contact failed");
      return {
        kind: "notice",
        level: "error",
        text: "Something went wrong while saving; nothing was changed.",
      };
    });
    const early = await within(saving, deps.timing.submitBudgetMs - (Date.now() - started));
    if (early.done) {
      await ack(await outcomeModal(deps, s, early.value, false));
      await postSavedCard(deps, s, early.value);
      return;
    }
    await ack({ response_action: "update", view: loadingModal(titleOf(s.meta), "Saving to ITFlow…") });
    const view = await saving;
    const late = await outcomeModal(deps, s, view, true);
    if (late?.response_action === "update")
      await deps.replies.updateModal(client, s.payload.view.id, late.view);
    await postSavedCard(deps, s, view);
  };
  const onSubmit: Record<string, ViewListener> = { [CALLBACK.form]: onForm, ...others };
  // One listener for every form, as for the buttons (listeners/actions.ts): every registered
  // listener costs every request Bolt receives.
  app.view<ViewSubmitAction>(
    { callback_id: exactly(Object.keys(onSubmit)), type: "view_submission" },
    async (args) => {
      await onSubmit[args.view.callback_id]?.(args);
    },
  );
}

/**
 * A saved card goes to the conversation the form was opened from, privately, once per form: a
 * retried or double submit gets the same answer from the core's dedupe and must not post it again.
 */
async function postSavedCard(deps: SlackDeps, s: Submitted, view: View): Promise<void> {
  if (view.kind !== "card" || !s.meta.responseUrl) return;
  if (!(await deps.ctx.store.claim(`slack:saved-card:${s.input.formKey}`, 30 * 60_000))) return;
  await deps.replies.post(s.meta.responseUrl, renderMessage(view));
}
