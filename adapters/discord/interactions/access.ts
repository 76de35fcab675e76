// Who is asking, and whether this bot answers them here. The guild allowlist keeps a bot invited
// to a stranger's server (or opened in a DM) from showing that server your ITFlow contacts.
import type { BaseInteraction } from "discord.js";
import type { Caller } from "../../../commands/caller.js";

export function isAllowedPlace(guildIds: ReadonlySet<string>, interaction: BaseInteraction): boolean {
  return interaction.guildId !== null && guildIds.has(interaction.guildId);
}

export const REFUSAL =
  "This bot only answers in the Discord servers it was set up for. Ask your admin to add this server to DISCORD_GUILD_IDS.";

function roleIdsOf(interaction: BaseInteraction): string[] {
  const member = interaction.member;
  if (!member) return [];
  // Without a cached guild discord.js hands over Discord's raw member, whose roles are ids.
  if (Array.isArray(member.roles)) return [...member.roles];
  try {
    return [...member.roles.cache.keys()].filter((id) => id !== interaction.guildId);
  } catch {
    // The role list is derived from the guild's role cache; if that is incomplete, no roles.
    return [];
  }
}

/** The Caller the command handlers see; member roles feed EDIT_ALLOW's discord:role:… entries. */
export function callerOf(interaction: BaseInteraction): Caller {
  return {
    platform: "discord",
    workspaceId: interaction.guildId,
    userId: interaction.user.id,
    roleIds: roleIdsOf(interaction),
  };
}
