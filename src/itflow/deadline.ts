// One deadline per action of a technician (a find, opening a form, a save), retries included. Every
// ITFlow request made for the action gets at most what is left of it, and when it runs out the
// technician is told how long they actually waited, not how long one attempt may take.
import { ItflowError } from "./errors.js";

/** The default for ACTION_TIMEOUT_MS. */
export const DEFAULT_ACTION_TIMEOUT_MS = 8000;
// A request needs to end a little before the deadline, so its own error (which knows whether a
// write was under way) reaches the technician rather than the deadline's generic one.
const REQUEST_MARGIN_MS = 100;

/** "5 s", "1.5 s", "300 ms": how long a technician reads a wait as. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms / 10) * 10} ms`;
  const tenths = Math.round(ms / 100) / 10;
  return `${Number.isInteger(tenths) ? tenths : tenths.toFixed(1)} s`;
}

/** What an ITFlow call may be part of: a technician's action, whose deadline bounds every request. */
export interface CallOptions {
  deadline?: Deadline | undefined;
}

export class Deadline {
  private readonly startedAt: number;
  private readonly endsAt: number;

  constructor(
    readonly ms: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.startedAt = clock();
    this.endsAt = this.startedAt + ms;
  }

  /** Milliseconds since the action started. */
  get elapsedMs(): number {
    return this.clock() - this.startedAt;
  }

  /** Milliseconds left (0 once passed). */
  get remainingMs(): number {
    return Math.max(0, this.endsAt - this.clock());
  }

  /** What one request made now may take: the per-request limit, or less when the action ends sooner. */
  requestBudget(perRequestMs: number): number {
    // Whole milliseconds: AbortSignal.timeout() refuses fractions.
    return Math.max(0, Math.floor(Math.min(perRequestMs, this.endsAt - this.clock() - REQUEST_MARGIN_MS)));
  }

  /** The error for an action that ran out of time, saying how long was waited. */
  expired(): ItflowError {
    return new ItflowError("timeout", `ITFlow did not answer within ${formatDuration(this.elapsedMs)}.`);
  }

  /**
   * `work`, or the deadline's timeout error if the deadline passes first (the work itself goes on:
   * it may be a read another action shares, or a background load others will use). Only for
   * reads: a shared read that timed out is reported with how long this action waited.
   */
  async race<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.expired()), Math.ceil(this.remainingMs));
    });
    try {
      return await Promise.race([work, late]);
    } catch (error) {
      if (error instanceof ItflowError && error.kind === "timeout") {
        throw new ItflowError(
          "timeout",
          this.expired().message,
          error.detail ? { detail: error.detail } : {},
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}
