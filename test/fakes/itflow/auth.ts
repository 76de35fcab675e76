// API key lookup (validate_api_key.php) and the per-user rules of enforce_api_rbac.php (26.08+),
// plus the older one-client-per-key model.

import type { PhpRequest } from "./context.js";
import { escapeSql, field, isset } from "./php.js";
import type { Cell } from "./rows.js";
import { sqlEquals } from "./sql.js";
import type { FakeApiKey, FakeState } from "./types.js";

/**
 * The key ITFlow would check: the JSON body's api_key wins over ?api_key=, and both go through
 * escapeSql (strip_tags + trim). Undefined when neither is set (401 with an empty body).
 */
export function requestedApiKey(request: Pick<PhpRequest, "get" | "post">): string | undefined {
  const fromBody = field(request.post, "api_key");
  if (isset(fromBody)) return escapeSql(fromBody);
  const fromQuery = field(request.get, "api_key");
  if (isset(fromQuery)) return escapeSql(fromQuery);
  return undefined;
}

/** `WHERE api_key_secret = '$key' AND api_key_expire > NOW()` (the column collation is case-insensitive). */
export function findValidKey(state: FakeState, apiKey: string): FakeApiKey | undefined {
  return state.keys.find((key) => !key.expired && sqlEquals(key.apiKey, apiKey));
}

/** enforce_api_rbac.php: read = 1, create/update = 2, delete = 3, anything else (archive...) = 2. */
export function requiredLevel(operationFile: string): number {
  if (operationFile === "read.php") return 1;
  if (operationFile === "delete.php") return 3;
  return 2;
}

/** Only these are "writes" that must name an accessible client; archive/unarchive slip through upstream. */
export function isClientCheckedWrite(operationFile: string): boolean {
  return operationFile === "create.php" || operationFile === "update.php" || operationFile === "delete.php";
}

/** apiUserCanAccessClient(): an unrestricted user reaches every client (even 0), a restricted one only its list. */
export function canWriteToClient(key: FakeApiKey, clientId: number): boolean {
  return key.clientIds === "all" || key.clientIds.includes(clientId);
}

/** clientScopeSql(): a restricted user reads its clients' rows plus rows of client 0. */
export function userReadScope(key: FakeApiKey): (rowClientId: Cell) => boolean {
  if (key.clientIds === "all") return () => true;
  const allowed = new Set([0, ...key.clientIds]);
  return (rowClientId) => rowClientId !== null && allowed.has(Number(rowClientId));
}

/** Before 26.08 a key had one api_key_client_id; 0 meant every client. */
export function legacyKeyClient(key: FakeApiKey): number {
  return key.clientIds === "all" ? 0 : (key.clientIds[0] ?? 0);
}

/** `column LIKE '$client_id'` where $client_id is a number or the wildcard "%". */
export function legacyReadScope(pattern: number | "%"): (rowClientId: Cell) => boolean {
  if (pattern === "%") return (rowClientId) => rowClientId !== null;
  const wanted = String(pattern);
  return (rowClientId) => rowClientId === wanted;
}
