// Who may ask the caller-ID service anything: whoever presents CALLS_TOKEN, as a bearer token or,
// for phone systems that cannot set headers (Asterisk's CURL(), FreePBX Superfecta), as ?token=.
import { createHash, timingSafeEqual } from "node:crypto";

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/**
 * Checks a request's token in constant time: both sides are hashed to 32 bytes first, so neither
 * the comparison's duration nor an early length mismatch says how much of a guess was right.
 */
export function tokenAccepted(
  expected: string,
  authorization: string | undefined,
  queryToken: string | null,
): boolean {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  const offered = bearer ?? queryToken;
  if (!offered) return false;
  return timingSafeEqual(digest(offered), digest(expected));
}
