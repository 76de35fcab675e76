// What Slack sends, as zod schemas: every listener parses its body through one of these before
// touching it, so a field Slack renames or leaves out fails loudly in one place instead of reaching
// the core as undefined. Only the fields the adapter uses are declared; the rest pass through.
import { z } from "zod";
import { viewStateSchema } from "./render/modals.js";

const slackId = z.string().regex(/^[A-Z0-9]{2,}$/);
// Slack sends some absent ids as "" (enterprise_id outside Enterprise Grid) rather than leaving them out.
const optionalId = z.preprocess((v) => (v === "" || v === null ? undefined : v), slackId.optional());

/** Who sent a request and from where, in the shape every interaction payload shares. */
const userSchema = z.object({ id: slackId, team_id: optionalId });
const teamSchema = z.object({ id: slackId, enterprise_id: optionalId }).nullish();
const enterpriseSchema = z.object({ id: slackId }).nullish();

const interactionBase = {
  user: userSchema,
  team: teamSchema,
  enterprise: enterpriseSchema,
};

export const slashCommandSchema = z.object({
  command: z.string(),
  text: z.string().default(""),
  team_id: slackId,
  enterprise_id: optionalId,
  user_id: slackId,
  channel_id: z.string().optional(),
  response_url: z.url(),
  trigger_id: z.string().min(1),
});

const viewRefSchema = z.object({
  id: z.string().min(1),
  hash: z.string().optional(),
  callback_id: z.string().optional(),
  private_metadata: z.string().optional(),
  state: viewStateSchema.optional(),
});

export const blockActionsSchema = z.object({
  type: z.literal("block_actions"),
  ...interactionBase,
  trigger_id: z.string().min(1),
  response_url: z.url().optional(),
  view: viewRefSchema.nullish(),
  actions: z
    .array(
      z.object({
        action_id: z.string(),
        block_id: z.string().optional(),
        value: z.string().optional(),
        selected_option: z.object({ value: z.string() }).nullish(),
      }),
    )
    .min(1),
});
export type BlockActions = z.infer<typeof blockActionsSchema>;

export const viewSubmissionSchema = z.object({
  type: z.literal("view_submission"),
  ...interactionBase,
  view: viewRefSchema.extend({
    callback_id: z.string(),
    private_metadata: z.string().default(""),
    state: viewStateSchema,
  }),
});
export type ViewSubmission = z.infer<typeof viewSubmissionSchema>;

export const messageShortcutSchema = z.object({
  type: z.literal("message_action"),
  ...interactionBase,
  callback_id: z.string(),
  trigger_id: z.string().min(1),
  response_url: z.url(),
  message: z.object({ text: z.string().default("") }).loose(),
});

export const globalShortcutSchema = z.object({
  type: z.literal("shortcut"),
  ...interactionBase,
  callback_id: z.string(),
  trigger_id: z.string().min(1),
});

export const blockSuggestionSchema = z.object({
  type: z.literal("block_suggestion"),
  ...interactionBase,
  action_id: z.string(),
  value: z.string().default(""),
});

/** The identity fields, read from any request (command or interaction) before it is routed. */
export const identitySchema = z.union([
  z.object({ user_id: slackId, team_id: slackId, enterprise_id: optionalId }),
  z.object(interactionBase),
]);

/** `views.open` / `views.update` answers: only the view id is needed (to update it later). */
export const viewResponseSchema = z.object({
  view: z.object({ id: z.string(), hash: z.string().optional() }),
});

/** `auth.test`: which workspace (and org) the bot token belongs to. */
export const authTestSchema = z.object({
  team_id: z.string().optional(),
  enterprise_id: z.string().optional(),
  is_enterprise_install: z.boolean().optional(),
  user_id: z.string().optional(),
  bot_id: z.string().optional(),
});
