// Autocomplete answers from the cached directory only: Discord allows 3 s and no deferral, and a
// technician types faster than ITFlow answers. Choices read "name — client — email".
import type { ApplicationCommandOptionChoiceData, AutocompleteInteraction } from "discord.js";
import type { ContactRow } from "../../../src/contacts/directory.js";
import { classifyQuery } from "../../../src/contacts/query.js";
import { OPTIONS } from "../commands-definition.js";
import { clip } from "../render/escape.js";
import type { Deps } from "./deps.js";
import { answerAutocomplete, type Timing } from "./respond.js";

export const MAX_CHOICES = 25;
const CHOICE_MAX = 100;

export function contactChoice(row: ContactRow): ApplicationCommandOptionChoiceData<string> {
  const { contact, client } = row;
  const parts = [contact.name || `Contact #${contact.id}`, client.name, contact.email].filter(Boolean);
  return { name: clip(parts.join(" — "), CHOICE_MAX), value: `#${contact.id}` };
}

async function contactChoices(deps: Deps, typed: string): Promise<ApplicationCommandOptionChoiceData[]> {
  const { directory, region } = deps.ctx;
  // Nothing cached yet (ITFlow down at start-up): building the list here would blow the deadline.
  if (directory.status().builtAt === null) {
    directory.warm().catch(() => {});
    return [];
  }
  let query = classifyQuery(typed, region);
  // Half an address ("alice@ac") is not an email yet: search names by what precedes the "@".
  if (query.kind === "invalidEmail") query = classifyQuery(query.input.split("@")[0] ?? "", region);
  if (query.kind === "empty" || query.kind === "invalidEmail") return [];
  const rows = await directory.find(query);
  return rows.slice(0, MAX_CHOICES).map(contactChoice);
}

async function clientChoices(deps: Deps, typed: string): Promise<ApplicationCommandOptionChoiceData[]> {
  if (deps.ctx.directory.status().builtAt === null) return [];
  const clients = await deps.ctx.directory.searchClients(typed);
  // The value is the name: `/contact new` resolves it like a typed name, exact match first.
  return clients
    .filter((c) => c.name.trim().length > 0)
    .slice(0, MAX_CHOICES)
    .map((c) => ({ name: clip(c.name, CHOICE_MAX), value: [...c.name].slice(0, CHOICE_MAX).join("") }));
}

export async function handleAutocomplete(
  deps: Deps,
  interaction: AutocompleteInteraction,
  timing: Timing,
): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const typed = String(focused.value);
  await answerAutocomplete(interaction, timing, deps.logger, () =>
    focused.name === OPTIONS.client ? clientChoices(deps, typed) : contactChoices(deps, typed),
  );
}
