// Who is asking, and what they may do. The access policy comes from EDIT_ALLOW and VERIFY_ALLOW:
// platform-qualified user or role ids; an empty list lets everyone who may use the bot do it.

export type Platform = "slack" | "discord" | "cli";

export interface Caller {
  platform: Platform;
  /** Slack team id or Discord guild id; null for the terminal. */
  workspaceId: string | null;
  userId: string;
  roleIds: readonly string[];
}

export interface AccessPolicy {
  canEdit(caller: Caller): boolean;
  /** May check what a caller says against a contact's PIN. */
  canVerify(caller: Caller): boolean;
}

function allowList(allow: readonly string[]): (caller: Caller) => boolean {
  const entries = new Set(allow);
  return (caller) => {
    if (entries.size === 0) return true;
    if (entries.has(`${caller.platform}:${caller.userId}`)) return true;
    return caller.roleIds.some((role) => entries.has(`${caller.platform}:role:${role}`));
  };
}

export function accessPolicy(
  editAllow: readonly string[],
  verifyAllow: readonly string[] = [],
): AccessPolicy {
  return { canEdit: allowList(editAllow), canVerify: allowList(verifyAllow) };
}
