// A fake Discord (gateway + REST) for running the real discord.js Client offline.
export { checkChoices, checkCommands, checkEmbed, checkMessage, checkModal } from "./limits.js";
export { type InteractionPayload, Interactions, newUserId, type Who } from "./payloads.js";
export {
  type FakeDiscord,
  type FakeDiscordOptions,
  type FakeGuild,
  type RecordedCallback,
  type RecordedChannelMessage,
  type RecordedWebhook,
  startFakeDiscord,
} from "./server.js";
