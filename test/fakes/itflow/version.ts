// What changed between the ITFlow releases the fake imitates, as switches the handlers consult.

import type { FakeItflowVersion } from "./types.js";

export interface VersionRules {
  version: FakeItflowVersion;
  /**
   * 26.08+: every key runs as a user (role level + client allow-list, 403s). Before: a key is for
   * all clients or bound to one (`api_key_client_id`), `?client_id=` filters reads with LIKE, and a
   * bound key's own client overrides the client_id a write names.
   */
  userRbac: boolean;
  /** 26.08+: update.php's UPDATE also requires contact_client_id = client_id; before, a wrong or
   * missing client_id blanked the contact and moved it to that client. */
  updateChecksClient: boolean;
  /** Up to 26.01: read rows repeat every value under "0", "1", ... (mysqli_fetch_array). */
  numericRowKeys: boolean;
  /** Before 26.04: values kept from the stored row are put back into the UPDATE unescaped, so
   * an apostrophe in one breaks the SQL (500). */
  unescapedKeptValues: boolean;
}

export function rulesFor(version: FakeItflowVersion): VersionRules {
  switch (version) {
    case "26.08":
      return {
        version,
        userRbac: true,
        updateChecksClient: true,
        numericRowKeys: false,
        unescapedKeptValues: false,
      };
    case "26.07":
      return {
        version,
        userRbac: false,
        updateChecksClient: false,
        numericRowKeys: false,
        unescapedKeptValues: false,
      };
    case "25.12":
      return {
        version,
        userRbac: false,
        updateChecksClient: false,
        numericRowKeys: true,
        unescapedKeptValues: true,
      };
  }
}
