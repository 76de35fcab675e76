// The command set this bot registers: /contact with its subcommands, and the "Look up contact"
// message context-menu command. Names here are what the interaction router matches on.
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIApplicationCommandsJSONBody,
} from "discord.js";

export const CONTACT_COMMAND = "contact";
export const LOOKUP_MESSAGE_COMMAND = "Look up contact";

export const SUBCOMMANDS = {
  find: "find",
  new: "new",
  edit: "edit",
  verify: "verify",
  help: "help",
} as const;

export const OPTIONS = {
  query: "query",
  client: "client",
  contact: "contact",
} as const;

/** `contact:` on edit and verify: one contact, picked through autocomplete (`#42`) or typed. */
const CONTACT_OPTION = {
  type: ApplicationCommandOptionType.String,
  name: OPTIONS.contact,
  description: "Start typing a name, email or phone number, or give #id",
  required: true,
  autocomplete: true,
  max_length: 200,
} as const;

// Guild-only: DMs are refused anyway (the allowlist names servers), so offering the commands
// there would only produce refusals.
const WHERE = {
  contexts: [InteractionContextType.Guild],
  integration_types: [ApplicationIntegrationType.GuildInstall],
};

export const COMMANDS: RESTPostAPIApplicationCommandsJSONBody[] = [
  {
    type: ApplicationCommandType.ChatInput,
    name: CONTACT_COMMAND,
    description: "Find, create and edit ITFlow contacts",
    ...WHERE,
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: SUBCOMMANDS.find,
        description: "Who is this? Look up by email, phone (any format), name or #id",
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: OPTIONS.query,
            description: "An email, a phone number such as (555) 123-4567, a name, or #42",
            required: true,
            autocomplete: true,
            max_length: 200,
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: SUBCOMMANDS.new,
        description: "Create a contact through a form",
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: OPTIONS.client,
            description: "The client the contact belongs to",
            required: false,
            autocomplete: true,
            max_length: 200,
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: SUBCOMMANDS.edit,
        description: "Open a contact's form, filled in, to change it",
        options: [CONTACT_OPTION],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: SUBCOMMANDS.verify,
        description: "Check what a caller says against the contact's ITFlow PIN",
        options: [CONTACT_OPTION],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: SUBCOMMANDS.help,
        description: "What this bot can do",
      },
    ],
  },
  {
    type: ApplicationCommandType.Message,
    name: LOOKUP_MESSAGE_COMMAND,
    ...WHERE,
  },
];
