// Who is asking, and what they may do. The access policy comes from EDIT_ALLOW: platform-qualified
// user or role ids; an empty list lets everyone edit.

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
}

export function editPolicy(allow: readonly string[]): AccessPolicy {
  const entries = new Set(allow);
  return {
    canEdit(caller) {
      if (entries.size === 0) return true;
      if (entries.has(`${caller.platform}:${caller.userId}`)) return true;
      return caller.roleIds.some((role) => entries.has(`${caller.platform}:role:${role}`));
    },
  };
}
