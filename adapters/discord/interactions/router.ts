// Every interaction enters here: refused unless it comes from an allowed server, then routed by
// kind — slash command, autocomplete, button or select (by custom_id: parse, then run), modal
// submit, message command. Nothing thrown while answering escapes: an expired or doubly answered
// interaction is logged and the bot carries on.
import type {
  ButtonInteraction,
  ChatInputCommandInteraction,
  Interaction,
  ModalSubmitInteraction,
  StringSelectMenuInteraction,
} from "discord.js";
import { mayEdit } from "../../../commands/access.js";
import type { Caller } from "../../../commands/caller.js";
import { actionDeadline } from "../../../commands/context.js";
import { failureNotice } from "../../../commands/failure.js";
import { findContacts } from "../../../commands/find.js";
import { help } from "../../../commands/help.js";
import { summarize } from "../../../commands/summary.js";
import type { ContactRow } from "../../../src/contacts/directory.js";
import { CONTACT_COMMAND, LOOKUP_MESSAGE_COMMAND, OPTIONS, SUBCOMMANDS } from "../commands-definition.js";
import { parseAction } from "../custom-id.js";
import { renderCard, renderHelp } from "../render/embeds.js";
import type { MessageOut } from "../render/message.js";
import { callerOf, isAllowedPlace, REFUSAL } from "./access.js";
import { handleAutocomplete } from "./autocomplete.js";
import { type Deps, render } from "./deps.js";
import {
  openEdit,
  openEditByQuery,
  pickClient,
  prefillFrom,
  reopen,
  startCreate,
  submitStep,
} from "./forms.js";
import { lookUpMessage } from "./message-lookup.js";
import {
  answer,
  answerWithModal,
  logAnswerFailure,
  noticeMessage,
  replyOptions,
  type Timing,
  timingFor,
} from "./respond.js";
import { openVerifyModal, submitVerify } from "./verify.js";

const STALE_BUTTON =
  "This button belongs to an older message the bot no longer understands. Run the command again.";

function describe(interaction: Interaction): Record<string, unknown> {
  const base = {
    interactionId: interaction.id,
    type: interaction.type,
    userId: interaction.user.id,
    guildId: interaction.guildId,
  };
  if (interaction.isCommand() || interaction.isAutocomplete())
    return { ...base, command: interaction.commandName };
  // A custom_id can carry what was searched ("Create contact" prefills from it): only its kind is logged.
  if (interaction.isMessageComponent() || interaction.isModalSubmit())
    return { ...base, action: parseAction(interaction.customId)?.kind ?? "unknown" };
  return base;
}

async function contactCard(
  deps: Deps,
  caller: Caller,
  contactId: number,
  sharedBy?: string,
): Promise<MessageOut> {
  const { ctx } = deps;
  let row: ContactRow | null;
  try {
    row =
      (await ctx.directory.getCached(contactId)) ??
      (await ctx.directory.getFresh(contactId, actionDeadline(ctx)));
  } catch (error) {
    return render(deps, failureNotice(error, ctx.logger, "showing the contact"));
  }
  if (!row) return noticeMessage(`Contact #${contactId} no longer exists in ITFlow.`, "notFound");
  const contact = summarize(row, ctx.region, ctx.itflowUrl);
  return renderCard(
    {
      kind: "card",
      contact,
      canEdit: mayEdit(ctx, caller),
      canVerify: ctx.policy.canVerify(caller),
    },
    { region: ctx.region, ...(sharedBy ? { sharedBy } : {}) },
  );
}

async function onCommand(
  deps: Deps,
  interaction: ChatInputCommandInteraction,
  timing: Timing,
): Promise<void> {
  const caller = callerOf(interaction);
  const { logger } = deps;
  const sub = interaction.commandName === CONTACT_COMMAND ? interaction.options.getSubcommand(false) : null;
  switch (sub) {
    case SUBCOMMANDS.find: {
      const query = interaction.options.getString(OPTIONS.query, true);
      await answer(interaction, timing, logger, "find", async () =>
        render(deps, await findContacts(deps.ctx, caller, { query })),
      );
      return;
    }
    case SUBCOMMANDS.new: {
      const client = interaction.options.getString(OPTIONS.client) ?? "";
      await answerWithModal(interaction, timing, logger, "new", () => startCreate(deps, caller, client, {}));
      return;
    }
    case SUBCOMMANDS.edit: {
      const contact = interaction.options.getString(OPTIONS.contact, true);
      await answerWithModal(interaction, timing, logger, "edit", () =>
        openEditByQuery(deps, caller, contact),
      );
      return;
    }
    case SUBCOMMANDS.verify: {
      const contact = interaction.options.getString(OPTIONS.contact, true);
      await answerWithModal(interaction, timing, logger, "verify", () =>
        openVerifyModal(deps, caller, { query: contact }),
      );
      return;
    }
    case SUBCOMMANDS.help:
      await interaction.reply(replyOptions(renderHelp(help("/contact"))));
      return;
    default:
      await interaction.reply(replyOptions(noticeMessage(STALE_BUTTON)));
  }
}

async function onComponent(
  deps: Deps,
  interaction: ButtonInteraction | StringSelectMenuInteraction,
  timing: Timing,
): Promise<void> {
  const caller = callerOf(interaction);
  const { logger } = deps;
  const action = parseAction(interaction.customId);
  const chosen = interaction.isStringSelectMenu() ? interaction.values[0] : undefined;
  switch (action?.kind) {
    case "edit":
      await answerWithModal(interaction, timing, logger, "edit button", () =>
        openEdit(deps, caller, action.contactId, action.step),
      );
      return;
    case "share": {
      const who = interaction.user.globalName ?? interaction.user.username;
      await answer(
        interaction,
        timing,
        logger,
        "share",
        () => contactCard(deps, caller, action.contactId, who),
        false,
      );
      return;
    }
    case "card":
      await answer(interaction, timing, logger, "card", () => contactCard(deps, caller, action.contactId));
      return;
    case "open": {
      const id = Number(chosen);
      await answer(interaction, timing, logger, "open", () =>
        Number.isSafeInteger(id) && id > 0
          ? contactCard(deps, caller, id)
          : Promise.resolve(noticeMessage("Pick a contact from the list.")),
      );
      return;
    }
    case "create":
      await answerWithModal(interaction, timing, logger, "create button", () =>
        startCreate(deps, caller, "", prefillFrom(action.prefill, deps)),
      );
      return;
    case "pickClient":
      await answerWithModal(interaction, timing, logger, "client picker", () =>
        pickClient(deps, caller, action.sessionId, chosen),
      );
      return;
    case "fix":
      await answerWithModal(interaction, timing, logger, "fix it", () =>
        reopen(deps, caller, action.sessionId, action.step),
      );
      return;
    case "verify":
      await answerWithModal(interaction, timing, logger, "verify button", () =>
        openVerifyModal(deps, caller, { contactId: action.contactId }),
      );
      return;
    default:
      await interaction.reply(replyOptions(noticeMessage(STALE_BUTTON)));
  }
}

async function onModalSubmit(deps: Deps, interaction: ModalSubmitInteraction, timing: Timing): Promise<void> {
  const action = parseAction(interaction.customId);
  if (action?.kind === "verifyForm") {
    const caller = callerOf(interaction);
    await answer(interaction, timing, deps.logger, "verify submit", () =>
      submitVerify(deps, caller, interaction, action.contactId),
    );
    return;
  }
  if (action?.kind !== "form") {
    await interaction.reply(replyOptions(noticeMessage(STALE_BUTTON)));
    return;
  }
  const caller = callerOf(interaction);
  await answer(interaction, timing, deps.logger, "form submit", () =>
    submitStep(deps, caller, interaction, action),
  );
}

export function createRouter(deps: Deps): (interaction: Interaction) => Promise<void> {
  const { logger } = deps;
  return async (interaction) => {
    const timing = timingFor(interaction.createdTimestamp);
    const context = describe(interaction);
    try {
      if (!isAllowedPlace(deps.config.guildIds, interaction)) {
        logger.warn(
          context,
          interaction.guildId
            ? "refused an interaction from a server not in DISCORD_GUILD_IDS"
            : "refused an interaction outside a server (DM)",
        );
        if (interaction.isAutocomplete()) await interaction.respond([]);
        else if (interaction.isRepliable())
          await interaction.reply(replyOptions(noticeMessage(REFUSAL, "denied")));
        return;
      }
      if (interaction.isAutocomplete()) await handleAutocomplete(deps, interaction, timing);
      else if (interaction.isChatInputCommand()) await onCommand(deps, interaction, timing);
      else if (
        interaction.isMessageContextMenuCommand() &&
        interaction.commandName === LOOKUP_MESSAGE_COMMAND
      ) {
        const caller = callerOf(interaction);
        await answer(interaction, timing, logger, "look up message", () =>
          lookUpMessage(deps, caller, interaction),
        );
      } else if (interaction.isButton() || interaction.isStringSelectMenu())
        await onComponent(deps, interaction, timing);
      else if (interaction.isModalSubmit()) await onModalSubmit(deps, interaction, timing);
      else if (interaction.isRepliable()) await interaction.reply(replyOptions(noticeMessage(STALE_BUTTON)));
      logger.debug({ ...context, ms: Date.now() - timing.receivedAt }, "interaction answered");
    } catch (error) {
      logAnswerFailure(logger, error, { ...context, ms: Date.now() - timing.receivedAt });
    }
  };
}
