// One request through ITFlow's pipeline, in upstream order: web server (404), validate_api_key.php
// (405 for odd methods, 401s), enforce_api_rbac.php in 26.08+ (403s), require_*_method.php (405
// JSON), then the endpoint. The order decides which error wins, so it is kept exactly.

import {
  canWriteToClient,
  findValidKey,
  isClientCheckedWrite,
  legacyKeyClient,
  legacyReadScope,
  requestedApiKey,
  requiredLevel,
  userReadScope,
} from "./auth.js";
import type { EndpointContext, EndpointHandler, PhpRequest } from "./context.js";
import { readClients } from "./handlers/clients-read.js";
import { archiveContact, deleteContact, unarchiveContact } from "./handlers/contacts-lifecycle.js";
import { readContacts } from "./handlers/contacts-read.js";
import { createContact, updateContact } from "./handlers/contacts-write.js";
import { readLocations } from "./handlers/locations-read.js";
import { coalesce, field, intval, isset } from "./php.js";
import {
  badKey,
  databaseError,
  type FakeResponse,
  forbidden,
  MESSAGES,
  methodNotAllowed,
  missingKey,
  notFoundPage,
  wrongMethodForEndpoint,
} from "./responses.js";
import { SqlError } from "./sql.js";
import type { FakeApiKey, FakeState } from "./types.js";
import type { VersionRules } from "./version.js";

interface Endpoint {
  method: "GET" | "POST";
  handle: EndpointHandler;
}

const API_PREFIX = "/api/v1/";

/** The endpoints the fake implements; any other path gets the web server's 404 page. */
const ENDPOINTS: Readonly<Record<string, Endpoint>> = {
  "contacts/read.php": { method: "GET", handle: readContacts },
  "contacts/create.php": { method: "POST", handle: createContact },
  "contacts/update.php": { method: "POST", handle: updateContact },
  "contacts/archive.php": { method: "POST", handle: archiveContact },
  "contacts/unarchive.php": { method: "POST", handle: unarchiveContact },
  "contacts/delete.php": { method: "POST", handle: deleteContact },
  "clients/read.php": { method: "GET", handle: readClients },
  "locations/read.php": { method: "GET", handle: readLocations },
};

/** `isset($_GET[x]) ? intval($_GET[x]) : (isset($_POST[x]) ? intval($_POST[x]) : default)`. */
function pagingValue(request: PhpRequest, name: string, fallback: number): number {
  const fromQuery = field(request.get, name);
  if (isset(fromQuery)) return intval(fromQuery);
  const fromBody = field(request.post, name);
  return isset(fromBody) ? intval(fromBody) : fallback;
}

/** Where a request acts (writes) and what it may see (reads). */
interface ClientScope {
  clientId: number;
  readScope: EndpointContext["readScope"];
}

/**
 * enforce_api_rbac.php (26.08+): the role's level for the operation, then, for create/update/
 * delete only, access to the client the request names (body first, then query; 0 when none).
 */
function enforceUserRbac(
  request: PhpRequest,
  key: FakeApiKey,
  operationFile: string,
): ClientScope | FakeResponse {
  if (key.level < requiredLevel(operationFile)) return forbidden(MESSAGES.noPermission);
  const clientId = intval(coalesce(field(request.post, "client_id"), field(request.get, "client_id")));
  if (isClientCheckedWrite(operationFile) && !canWriteToClient(key, clientId)) {
    return forbidden(MESSAGES.noClientAccess);
  }
  // Reads ignore client_id entirely and are scoped by the user's allow-list.
  return { clientId, readScope: userReadScope(key) };
}

/**
 * require_get_method.php / require_post_method.php before 26.08: a key bound to a client always
 * acts on that client; an all-clients key takes ?client_id= on reads (else "%", every client) and
 * the body's client_id on writes (never the query's).
 */
function legacyClientScope(request: PhpRequest, key: FakeApiKey, method: Endpoint["method"]): ClientScope {
  const keyClient = legacyKeyClient(key);
  if (method === "GET") {
    const queryClient = field(request.get, "client_id");
    const pattern = keyClient !== 0 ? keyClient : isset(queryClient) ? intval(queryClient) : "%";
    return { clientId: pattern === "%" ? 0 : pattern, readScope: legacyReadScope(pattern) };
  }
  const bodyClient = field(request.post, "client_id");
  const clientId = keyClient === 0 && isset(bodyClient) ? intval(bodyClient) : keyClient;
  return { clientId, readScope: legacyReadScope(clientId) };
}

export function routeRequest(
  request: PhpRequest,
  state: FakeState,
  rules: VersionRules,
  now: () => string,
): FakeResponse {
  const endpointName = request.path.startsWith(API_PREFIX) ? request.path.slice(API_PREFIX.length) : "";
  const endpoint = Object.hasOwn(ENDPOINTS, endpointName) ? ENDPOINTS[endpointName] : undefined;
  if (!endpoint) return notFoundPage(request.requestUri);
  const operationFile = endpointName.slice(endpointName.lastIndexOf("/") + 1);

  if (request.method !== "GET" && request.method !== "POST") return methodNotAllowed(request.method);

  const apiKey = requestedApiKey(request);
  if (apiKey === undefined) return missingKey();
  const key = findValidKey(state, apiKey);
  if (!key) return badKey();

  let scope: ClientScope | undefined;
  if (rules.userRbac) {
    const outcome = enforceUserRbac(request, key, operationFile);
    if ("status" in outcome) return outcome;
    scope = outcome;
  }
  // After the key and RBAC checks, as upstream: a bad key gets 401 and a read-only key 403 first.
  if (request.method !== endpoint.method) return wrongMethodForEndpoint(endpoint.method);
  scope ??= legacyClientScope(request, key, endpoint.method);

  const context: EndpointContext = {
    request,
    state,
    rules,
    key,
    clientId: scope.clientId,
    readScope: scope.readScope,
    limit: pagingValue(request, "limit", 50),
    offset: pagingValue(request, "offset", 0),
    now,
  };
  try {
    return endpoint.handle(context);
  } catch (error) {
    if (error instanceof SqlError) return databaseError();
    throw error;
  }
}
