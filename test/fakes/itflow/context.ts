// What an endpoint handler gets: the request as PHP sees it and the globals validate_api_key.php,
// enforce_api_rbac.php and require_*_method.php leave behind.

import type { FakeResponse } from "./responses.js";
import type { Cell } from "./rows.js";
import type { FakeApiKey, FakeState } from "./types.js";
import type { VersionRules } from "./version.js";

export interface PhpRequest {
  method: string;
  /** URL path without the query, e.g. "/api/v1/contacts/read.php". */
  path: string;
  /** Path and query exactly as sent (PHP's REQUEST_URI). */
  requestUri: string;
  /** $_GET. */
  get: Record<string, unknown>;
  /** $_POST, i.e. json_decode of the raw body: an object, a list, a scalar or null. */
  post: unknown;
}

export interface EndpointContext {
  request: PhpRequest;
  state: FakeState;
  rules: VersionRules;
  key: FakeApiKey;
  /** PHP's $client_id: the client a write acts on (0 when none was named). */
  clientId: number;
  /** Which rows a read may return, given the row's client id column. */
  readScope: (rowClientId: Cell) => boolean;
  limit: number;
  offset: number;
  /** NOW(), formatted like a DATETIME column. */
  now: () => string;
}

export type EndpointHandler = (context: EndpointContext) => FakeResponse;
