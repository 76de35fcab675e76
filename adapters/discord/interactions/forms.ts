// The contact form on Discord: opening a step as a modal (always the first response, from cached
// data), the client picker a create form needs first, saving a submitted step, and "Fix it".
import type { ModalBuilder, ModalSubmitInteraction } from "discord.js";
import { mayEdit } from "../../../commands/access.js";
import type { Caller } from "../../../commands/caller.js";
import { actionDeadline } from "../../../commands/context.js";
import { failureNotice } from "../../../commands/failure.js";
import { findActive, viewOfRows } from "../../../commands/find.js";
import {
  formValuesOf,
  openCreateForm,
  openCreateFormFor,
  openEditForm,
  submitForm,
} from "../../../commands/forms.js";
import type { FormValues, FormView, NoticeView } from "../../../commands/views.js";
import type { ContactRow } from "../../../src/contacts/directory.js";
import { classifyQuery } from "../../../src/contacts/query.js";
import type { Client } from "../../../src/contacts/types.js";
import type { Action, FormStep } from "../custom-id.js";
import { renderClientPicker, renderFormErrors, renderSaveFailure } from "../render/embeds.js";
import type { MessageOut } from "../render/message.js";
import { formModal, valuesFromSubmission } from "../render/modals.js";
import { type Deps, render } from "./deps.js";
import { noticeMessage } from "./respond.js";

type FormAction = Extract<Action, { kind: "form" }>;

const EXPIRED =
  "This form has expired (forms are kept for an hour). Open it again from the contact's card or with /contact.";

function ownerOf(caller: Caller): { userId: string; guildId: string } {
  return { userId: caller.userId, guildId: caller.workspaceId ?? "" };
}

async function modalFor(deps: Deps, caller: Caller, form: FormView, step: FormStep): Promise<ModalBuilder> {
  const session = await deps.sessions.open(ownerOf(caller), form);
  return formModal(form, step, session.id);
}

/** Edit button, "More details" and /contact edit: a step of the form, prefilled from the index. */
export async function openEdit(
  deps: Deps,
  caller: Caller,
  contactId: number,
  step: FormStep,
): Promise<ModalBuilder | MessageOut> {
  const view = await openEditForm(deps.ctx, caller, { contactId, cached: true });
  if (view.kind !== "form") return render(deps, view);
  return modalFor(deps, caller, view, step);
}

/** /contact edit with what the user typed: "#42" from autocomplete, or a query of their own. */
export async function openEditByQuery(
  deps: Deps,
  caller: Caller,
  text: string,
): Promise<ModalBuilder | MessageOut> {
  const { ctx } = deps;
  const query = classifyQuery(text, ctx.region);
  if (query.kind === "id") return openEdit(deps, caller, query.id, 1);
  if (!mayEdit(ctx, caller) || query.kind === "empty" || query.kind === "invalidEmail") {
    return render(deps, await openEditForm(ctx, caller, { query: text }));
  }
  // Resolve through the index and open from it: the modal must be the first response, and a
  // fresh ITFlow read here would spend the deadline (the version still guards the save).
  let rows: ContactRow[] | NoticeView;
  try {
    rows = await findActive(ctx, text, query, actionDeadline(ctx));
  } catch (error) {
    return render(deps, failureNotice(error, ctx.logger, "looking up the contact to edit"));
  }
  if ("kind" in rows) return render(deps, rows);
  const only = rows.length === 1 ? rows[0] : undefined;
  if (only) return openEdit(deps, caller, only.contact.id, 1);
  return render(deps, viewOfRows(ctx, caller, text, rows));
}

/** A create form for a chosen client, with its locations and the primary-contact hint. */
async function createFormFor(
  deps: Deps,
  caller: Caller,
  client: Client,
  values: FormValues,
): Promise<FormView | MessageOut> {
  const view = await openCreateFormFor(deps.ctx, caller, client.id);
  if (view.kind !== "form") return render(deps, view);
  return { ...view, values: { ...view.values, ...values } };
}

/** Values a search that found nothing suggests for the new contact. */
export function prefillFrom(text: string, deps: Deps): FormValues {
  const query = classifyQuery(text, deps.ctx.region);
  switch (query.kind) {
    case "email":
      return { email: query.email };
    case "phone":
      return { phone: text.trim() };
    case "name":
      return { name: query.text };
    default:
      return {};
  }
}

/** /contact new [client] and "Create contact": the modal, or first the client picker. */
export async function startCreate(
  deps: Deps,
  caller: Caller,
  clientName: string,
  prefill: FormValues,
): Promise<ModalBuilder | MessageOut> {
  const view = await openCreateForm(deps.ctx, caller, clientName);
  if (view.kind !== "form") return render(deps, view);
  const form: FormView = { ...view, values: { ...view.values, ...prefill } };
  if (form.client) return modalFor(deps, caller, form, 1);
  const clients = clientName.trim()
    ? await deps.ctx.directory.searchClients(clientName)
    : await deps.ctx.directory.clients();
  const only = clients.length === 1 ? clients[0] : undefined;
  if (only) {
    const chosen = await createFormFor(deps, caller, only, form.values);
    return "kind" in chosen ? modalFor(deps, caller, chosen, 1) : chosen;
  }
  if (clients.length === 0)
    return noticeMessage("The ITFlow API key this bot uses cannot see any client.", "error");
  const session = await deps.sessions.open(ownerOf(caller), form);
  return renderClientPicker(clients, session.id, form.notice);
}

/** The client picker's choice: the create form's first step. */
export async function pickClient(
  deps: Deps,
  caller: Caller,
  sessionId: string,
  clientIdText: string | undefined,
): Promise<ModalBuilder | MessageOut> {
  const session = await deps.sessions.get(sessionId, caller.userId);
  if (!session) return noticeMessage(EXPIRED, "error");
  const client = clientIdText ? await deps.ctx.directory.client(Number(clientIdText)) : null;
  if (!client) return noticeMessage("That client is no longer available; run /contact new again.", "error");
  const chosen = await createFormFor(deps, caller, client, session.form.values);
  if (!("kind" in chosen)) return chosen;
  session.form = chosen;
  await deps.sessions.save(session);
  return formModal(chosen, 1, session.id);
}

/** "Fix it": the step again, holding what the user typed and naming what was wrong. */
export async function reopen(
  deps: Deps,
  caller: Caller,
  sessionId: string,
  step: FormStep,
): Promise<ModalBuilder | MessageOut> {
  const session = await deps.sessions.get(sessionId, caller.userId);
  if (!session) return noticeMessage(EXPIRED, "error");
  return formModal(session.form, step, session.id);
}

/** A submitted step: merged over the other step's values, validated and saved by the core. */
export async function submitStep(
  deps: Deps,
  caller: Caller,
  interaction: ModalSubmitInteraction,
  action: FormAction,
): Promise<MessageOut> {
  const { ctx, sessions } = deps;
  const session = await sessions.get(action.sessionId, caller.userId);
  let base: FormValues = session?.form.values ?? {};
  if (!session && action.mode === "edit" && action.contactId !== null) {
    // The session is gone (expired, or a restart with the in-memory store): the other step's
    // values come from the index. The version in custom_id still guards against overwriting.
    const row = await ctx.directory.getCached(action.contactId);
    if (row) base = formValuesOf(row.contact, ctx);
  }
  const values: FormValues = {
    ...base,
    ...valuesFromSubmission(interaction.fields.fields.values(), action.step),
  };
  const view = await submitForm(ctx, caller, {
    mode: action.mode,
    formKey: action.sessionId,
    contactId: action.contactId,
    version: action.version,
    clientId: action.clientId,
    values,
  });
  if (view.kind === "form") {
    const form: FormView = { ...view, notice: view.notice ?? session?.form.notice ?? null };
    await sessions.save({ id: action.sessionId, ...ownerOf(caller), form });
    return renderFormErrors(form, action.sessionId);
  }
  if (view.kind === "notice" && view.level === "error") {
    // ITFlow was down or refused: keep what was typed so one click brings it back.
    const client =
      action.clientId === null ? null : await ctx.directory.client(action.clientId).catch(() => null);
    const form: FormView = session?.form ?? {
      kind: "form",
      mode: action.mode,
      title: action.mode === "create" ? "New contact" : "Edit contact",
      contactId: action.contactId,
      version: action.version,
      client: client ? { id: client.id, name: client.name } : null,
      values,
      errors: {},
      locations: [],
      notice: null,
      primaryHolder: null,
    };
    await sessions.save({ id: action.sessionId, ...ownerOf(caller), form: { ...form, values, errors: {} } });
    return renderSaveFailure(view, action.sessionId, action.step, { region: ctx.region });
  }
  return render(deps, view);
}
