// Which Slack workspaces the bot answers. Contacts are an MSP's customer data: a user from another
// organisation (a Slack Connect channel shares buttons and shortcuts across companies) must not be
// able to look them up or change them. Every request passes this check before any listener runs.
import { z } from "zod";
import type { Logger } from "../../src/log.js";
import { identitySchema } from "./payloads.js";

export interface Identity {
  userId: string;
  /** The workspace the request came from, and the user's home workspace when Slack says it. */
  teamIds: string[];
  enterpriseId: string | null;
}

/** Who is asking, from any command or interaction body; null when the body names nobody. */
export function identityOf(body: unknown): Identity | null {
  const parsed = identitySchema.safeParse(body);
  if (!parsed.success) return null;
  const b = parsed.data;
  if ("user_id" in b) {
    return { userId: b.user_id, teamIds: [b.team_id], enterpriseId: b.enterprise_id ?? null };
  }
  // In a Slack Connect channel `team` is where the click happened and `user.team_id` the user's own
  // workspace: an external user differs in the second, so both are checked.
  const teams = [b.team?.id, b.user.team_id].filter((t): t is string => typeof t === "string");
  return {
    userId: b.user.id,
    teamIds: [...new Set(teams)],
    enterpriseId: b.enterprise?.id ?? b.team?.enterprise_id ?? null,
  };
}

export class WorkspaceBoundary {
  private readonly teams: ReadonlySet<string>;
  private readonly enterprises: ReadonlySet<string>;

  constructor(allowed: readonly string[]) {
    this.teams = new Set(allowed.filter((id) => id.startsWith("T")));
    this.enterprises = new Set(allowed.filter((id) => id.startsWith("E")));
  }

  /** The ids this boundary lets in, for the start-up log line. */
  describe(): string[] {
    return [...this.teams, ...this.enterprises];
  }

  allows(identity: Identity): boolean {
    // An Enterprise Grid entry trusts every workspace of that organisation.
    if (identity.enterpriseId !== null && this.enterprises.has(identity.enterpriseId)) return true;
    return identity.teamIds.length > 0 && identity.teamIds.every((t) => this.teams.has(t));
  }
}

/**
 * SLACK_TEAM_IDS when set; otherwise the workspace the bot token was installed in (from auth.test),
 * or its organisation for an org-wide Enterprise Grid install. A bot token is bound to one
 * installation, so "where the token works" is the natural default and needs no configuration.
 */
export function boundaryFrom(
  configured: readonly string[],
  auth: {
    team_id?: string | undefined;
    enterprise_id?: string | undefined;
    is_enterprise_install?: boolean | undefined;
  },
): WorkspaceBoundary {
  if (configured.length > 0) return new WorkspaceBoundary(configured);
  const home: string[] = [];
  if (auth.is_enterprise_install && auth.enterprise_id) home.push(auth.enterprise_id);
  else if (auth.team_id) home.push(auth.team_id);
  if (home.length === 0) {
    throw new Error(
      "Slack's auth.test did not say which workspace the bot token belongs to; set SLACK_TEAM_IDS.",
    );
  }
  return new WorkspaceBoundary(home);
}

export const REFUSAL =
  "Sorry, this contact bot only answers people in its own Slack workspace, so it cannot help here.";

type AckLike = (response?: unknown) => Promise<void>;

/** What a refusal needs to know about a request: its kind and where to answer. */
const refusedSchema = z.object({
  type: z.string().optional(),
  command: z.string().optional(),
  response_url: z.url({ protocol: /^https?$/ }).optional(),
});

interface MiddlewareArgs {
  body: unknown;
  next: () => Promise<void>;
}

/**
 * Bolt global middleware: requests from outside the boundary are acknowledged (so Slack shows no
 * error), answered with a short private refusal where Slack allows one, logged, and go no further.
 */
export function workspaceGuard(
  boundary: WorkspaceBoundary,
  logger: Logger,
  tellUser: (responseUrl: string, text: string) => Promise<void>,
) {
  return async (args: MiddlewareArgs): Promise<void> => {
    const identity = identityOf(args.body);
    if (identity && boundary.allows(identity)) {
      await args.next();
      return;
    }
    const body = refusedSchema.safeParse(args.body).data ?? {};
    const kind = body.type ?? (body.command !== undefined ? "command" : "?");
    logger.warn(
      { kind, userId: identity?.userId, teamIds: identity?.teamIds, enterpriseId: identity?.enterpriseId },
      "refused a Slack request from outside the allowed workspaces (SLACK_TEAM_IDS)",
    );
    const ack = "ack" in args && typeof args.ack === "function" ? (args.ack as AckLike) : null;
    if (!ack) return;
    if (kind === "command") {
      await ack({ response_type: "ephemeral", text: REFUSAL });
      return;
    }
    if (kind === "block_suggestion") {
      await ack({ options: [] });
      return;
    }
    await ack();
    if (body.response_url) await tellUser(body.response_url, REFUSAL);
  };
}
