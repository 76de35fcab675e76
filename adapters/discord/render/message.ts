// The shape every renderer produces: what goes into one Discord message. Kept as plain API JSON so
// tests can compare it with what reached Discord, and so limits can be checked without a client.
import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed } from "discord.js";

export interface MessageOut {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
  /** Private to the person who asked (flags: 64). Everything is, except a shared card. */
  ephemeral: boolean;
}

export const COLORS = {
  card: 0x5865f2,
  saved: 0x57f287,
  info: 0x5865f2,
  notFound: 0x99aab5,
  error: 0xed4245,
  denied: 0xed4245,
  conflict: 0xfee75c,
  duplicate: 0xfee75c,
  archived: 0x99aab5,
} as const;

/** Discord's embed limits (platform-limits.md); renderers cut to these, the unit test checks them. */
export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  total: 6000,
} as const;

/** Characters Discord counts toward an embed's 6000 total. */
export function embedLength(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}
