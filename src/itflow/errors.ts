// Every way a call to ITFlow can fail, as one typed error whose message a technician can act on.
// Messages are written by us and never include an address, a request body or the API key: they are
// shown in chat. `detail` holds what only the log (and the terminal's operator) should see.

export type ItflowErrorKind =
  | "unreachable" // DNS, refused, reset, TLS: nothing usable came back
  | "timeout" // connected (or tried to) but no answer in time
  | "auth" // 401: the API key is missing, wrong or expired
  | "forbidden" // 403: the key's user lacks the right or the client
  | "rejected" // ITFlow refused the request (405, 404, 500, "False" on a write)
  | "malformed"; // an answer we could not decode (HTML, PHP warnings, wrong shape)

export class ItflowError extends Error {
  override readonly name = "ItflowError";
  readonly kind: ItflowErrorKind;
  /** HTTP status when one arrived. */
  readonly status: number | undefined;
  /** ITFlow's own message, when it sent one in JSON (never the raw body). */
  readonly itflowMessage: string | undefined;
  /** For the log only: where ITFlow was asked (ITFLOW_URL's scheme, host and port) and the low-level code. */
  readonly detail: string | undefined;

  constructor(
    kind: ItflowErrorKind,
    message: string,
    details: { status?: number; itflowMessage?: string; detail?: string } = {},
  ) {
    super(message);
    this.kind = kind;
    this.status = details.status;
    this.itflowMessage = details.itflowMessage;
    this.detail = details.detail;
  }

  /** Whether repeating the same read may succeed. Writes are never repeated blindly. */
  get retryable(): boolean {
    return (
      this.kind === "unreachable" ||
      this.kind === "timeout" ||
      (this.kind === "rejected" && this.status !== undefined && this.status >= 500)
    );
  }
}
