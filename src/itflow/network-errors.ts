// Translates a failed undici request into an ItflowError written from scratch. undici's own errors
// can carry the request URL (and so `?api_key=`) or its options, so they are read for their code
// only and never kept as `cause`, logged or rethrown. Messages name no address: they reach chat
// channels, and where ITFlow lives is the log's business (the error's `detail`).
import { formatDuration } from "./deadline.js";
import { ItflowError } from "./errors.js";

export { formatDuration } from "./deadline.js";

/** The error's system or undici code, looking through wrappers (AggregateError from happy eyeballs, cause). */
export function errorCode(err: unknown, depth = 0): string | undefined {
  if (typeof err !== "object" || err === null || depth > 3) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && /^[A-Z0-9_]{2,60}$/.test(code)) return code;
  const inner = (err as { errors?: unknown }).errors;
  if (Array.isArray(inner)) {
    for (const e of inner) {
      const found = errorCode(e, depth + 1);
      if (found) return found;
    }
  }
  return errorCode((err as { cause?: unknown }).cause, depth + 1);
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "the host name could not be looked up",
  ECONNRESET: "the connection was closed before ITFlow answered",
  EPIPE: "the connection was closed before ITFlow answered",
  UND_ERR_SOCKET: "the connection was closed before ITFlow answered",
  EHOSTUNREACH: "no route to the host",
  ENETUNREACH: "no route to the host",
  EPROTO: "the TLS handshake failed; is it http:// rather than https://?",
  CERT_HAS_EXPIRED: "its TLS certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "its TLS certificate is self-signed; trust it with NODE_EXTRA_CA_CERTS",
  SELF_SIGNED_CERT_IN_CHAIN: "its TLS certificate chain is self-signed; trust it with NODE_EXTRA_CA_CERTS",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    "its TLS certificate is not trusted; trust its CA with NODE_EXTRA_CA_CERTS",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    "its TLS certificate is not trusted; trust its CA with NODE_EXTRA_CA_CERTS",
  ERR_TLS_CERT_ALTNAME_INVALID: "its TLS certificate is for a different host name",
  UND_ERR_CLOSED: "the bot's ITFlow client was already closed",
  UND_ERR_DESTROYED: "the bot's ITFlow client was already closed",
};

const WRITE_UNKNOWN = " The change may have been saved anyway: check in ITFlow before trying again.";

export interface FailureContext {
  /** Scheme, host and port only: never a path or query. Kept in the error's detail, for logs. */
  origin: string;
  /** How long the technician has waited when this attempt failed (all attempts of the action). */
  waitedMs: number;
  connectTimeoutMs: number;
  /** Our own per-attempt deadline fired. */
  deadlineHit: boolean;
  isWrite: boolean;
}

export function networkError(err: unknown, ctx: FailureContext): ItflowError {
  const code = errorCode(err);
  const afterSend = ctx.isWrite ? WRITE_UNKNOWN : "";
  const detail = { detail: `ITFLOW_URL ${ctx.origin}${code ? `, ${code}` : ""}` };
  if (ctx.deadlineHit || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
    return new ItflowError(
      "timeout",
      `ITFlow did not answer within ${formatDuration(ctx.waitedMs)}.${afterSend}`,
      detail,
    );
  }
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT") {
    return new ItflowError(
      "timeout",
      `Could not connect to ITFlow within ${formatDuration(Math.min(ctx.connectTimeoutMs, ctx.waitedMs))}.`,
      detail,
    );
  }
  const reason = (code && REASONS[code]) ?? (code ? `network error ${code}` : "network error");
  // A reset can come after the request was written, so a write may have landed.
  const maybeSent = code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET" ? afterSend : "";
  return new ItflowError("unreachable", `Could not reach ITFlow (${reason}).${maybeSent}`, detail);
}
