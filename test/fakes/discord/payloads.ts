// INTERACTION_CREATE payloads as Discord sends them, for the fake gateway to dispatch. Modal
// submissions are built from the modal the bot actually sent, the way a person fills one in:
// prefilled values kept unless typed over.
import { randomBytes } from "node:crypto";
import { SnowflakeUtil } from "discord.js";

export interface Who {
  /** null: a DM. */
  guildId: string | null;
  channelId: string;
  userId: string;
  username?: string;
  roles?: string[];
}

type Json = Record<string, unknown>;

export interface InteractionPayload extends Json {
  id: string;
  token: string;
}

let nextUser = 0;
export function newUserId(): string {
  nextUser++;
  return SnowflakeUtil.generate({ timestamp: Date.now() - 86_400_000 * 400 - nextUser }).toString();
}

function base(
  applicationId: string,
  who: Who,
  type: number,
  data: Json,
  createdAt?: number,
): InteractionPayload {
  const user = {
    id: who.userId,
    username: who.username ?? "tech",
    discriminator: "0",
    global_name: who.username ? `${who.username} (global)` : "Tech Nician",
    avatar: null,
  };
  const payload: InteractionPayload = {
    id: SnowflakeUtil.generate(createdAt === undefined ? {} : { timestamp: createdAt }).toString(),
    token: `aW50ZXJhY3Rpb24${randomBytes(24).toString("base64url")}`,
    application_id: applicationId,
    type,
    data,
    channel_id: who.channelId,
    version: 1,
    app_permissions: "0",
    locale: "en-US",
    entitlements: [],
    attachment_size_limit: 8_388_608,
  };
  if (who.guildId) {
    payload.guild_id = who.guildId;
    payload.guild_locale = "en-US";
    payload.channel = { id: who.channelId, type: 0, guild_id: who.guildId, name: "helpdesk" };
    payload.member = {
      user,
      roles: who.roles ?? [],
      permissions: "2248473465835073",
      joined_at: "2025-01-01T00:00:00.000000+00:00",
      deaf: false,
      mute: false,
      flags: 0,
      nick: null,
      avatar: null,
      premium_since: null,
      pending: false,
    };
    payload.authorizing_integration_owners = { "0": who.guildId };
    payload.context = 0;
  } else {
    payload.user = user;
    payload.channel = { id: who.channelId, type: 1, recipients: [user] };
    payload.authorizing_integration_owners = { "0": "0" };
    payload.context = 1;
  }
  return payload;
}

export class Interactions {
  readonly commandId = SnowflakeUtil.generate().toString();
  readonly messageCommandId = SnowflakeUtil.generate().toString();
  constructor(private readonly applicationId: string) {}

  /** `/contact <sub> name:value…`; `createdAt` ages the interaction (expired tests). */
  slash(who: Who, sub: string, options: Record<string, string> = {}, createdAt?: number): InteractionPayload {
    return base(
      this.applicationId,
      who,
      2,
      {
        id: this.commandId,
        name: "contact",
        type: 1,
        ...(who.guildId ? { guild_id: who.guildId } : {}),
        options: [
          {
            type: 1,
            name: sub,
            options: Object.entries(options).map(([name, value]) => ({ type: 3, name, value })),
          },
        ],
      },
      createdAt,
    );
  }

  autocomplete(who: Who, sub: string, focused: string, value: string): InteractionPayload {
    return base(this.applicationId, who, 4, {
      id: this.commandId,
      name: "contact",
      type: 1,
      options: [{ type: 1, name: sub, options: [{ type: 3, name: focused, value, focused: true }] }],
    });
  }

  messageCommand(who: Who, content: string): InteractionPayload {
    const messageId = SnowflakeUtil.generate().toString();
    return base(this.applicationId, who, 2, {
      id: this.messageCommandId,
      name: "Look up contact",
      type: 3,
      target_id: messageId,
      resolved: {
        messages: {
          [messageId]: this.message(who, messageId, content),
        },
      },
    });
  }

  private message(who: Who, id: string, content: string, extra: Json = {}): Json {
    return {
      id,
      channel_id: who.channelId,
      author: {
        id: "11111111111111111",
        username: "customer-relay",
        discriminator: "0",
        global_name: null,
        avatar: null,
      },
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      type: 0,
      flags: 0,
      ...extra,
    };
  }

  private botMessage(who: Who, ephemeral: boolean): Json {
    return this.message(who, SnowflakeUtil.generate().toString(), "", {
      flags: ephemeral ? 64 : 0,
      author: {
        id: this.applicationId,
        username: "ContactBot",
        discriminator: "0",
        global_name: null,
        avatar: null,
        bot: true,
      },
      application_id: this.applicationId,
    });
  }

  /** A click on a button of a message the bot sent (ephemeral unless said otherwise). */
  button(who: Who, customId: string, ephemeral = true): InteractionPayload {
    const payload = base(this.applicationId, who, 3, { custom_id: customId, component_type: 2 });
    payload.message = this.botMessage(who, ephemeral);
    return payload;
  }

  select(who: Who, customId: string, values: string[]): InteractionPayload {
    const payload = base(this.applicationId, who, 3, { custom_id: customId, component_type: 3, values });
    payload.message = this.botMessage(who, true);
    return payload;
  }

  /**
   * The submission of `modal` (the `data` of a type-9 callback) after the user typed `typed`:
   * text by field custom_id, selected values (checkbox group, select) as arrays.
   */
  modalSubmit(
    who: Who,
    modal: Record<string, unknown>,
    typed: Record<string, string | string[]> = {},
  ): InteractionPayload {
    const components = (Array.isArray(modal.components) ? modal.components : []).flatMap(
      (raw: unknown, i: number) => {
        const top = raw as Json;
        if (top.type !== 18) return [];
        const c = top.component as Json;
        const id = String(c.custom_id);
        const options = (Array.isArray(c.options) ? c.options : []) as Json[];
        const defaults = options.filter((o) => o.default === true).map((o) => String(o.value));
        const given = typed[id];
        let inner: Json;
        if (c.type === 4)
          inner = {
            type: 4,
            id: i * 2 + 2,
            custom_id: id,
            value: typeof given === "string" ? given : String(c.value ?? ""),
          };
        else
          inner = {
            type: c.type,
            id: i * 2 + 2,
            custom_id: id,
            values: Array.isArray(given) ? given : defaults,
          };
        return [{ type: 18, id: i * 2 + 1, component: inner }];
      },
    );
    return base(this.applicationId, who, 5, { custom_id: String(modal.custom_id), components });
  }
}
