// Repeats a read that failed in a way that may pass (unreachable, timeout, 5xx), with exponential
// backoff and full jitter so many bot replicas do not hammer a struggling ITFlow in step.
// Writes never come through here: a write that timed out may have been stored.
import type { Logger } from "../log.js";
import type { Deadline } from "./deadline.js";
import { ItflowError } from "./errors.js";

export interface RetryPolicy {
  retries: number;
  baseDelayMs: number;
  /** Stops retrying, e.g. once the client is closed. */
  shouldStop?: () => boolean;
  /** The action the read belongs to: no retry starts that could not get a fair attempt before it ends. */
  deadline?: Deadline | undefined;
}

/** The least time worth giving one more attempt. */
const MIN_ATTEMPT_MS = 500;

const MAX_DELAY_MS = 10_000;

/** The wait before retry number `attempt` (0-based): uniform in [0, base * 2^attempt], capped. */
export function backoffDelay(
  attempt: number,
  baseDelayMs: number,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * Math.min(MAX_DELAY_MS, baseDelayMs * 2 ** attempt));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withRetries<T>(
  what: string,
  policy: RetryPolicy,
  log: Logger,
  attempt: () => Promise<T>,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      const error =
        err instanceof ItflowError
          ? err
          : new ItflowError("malformed", "ITFlow's answer could not be handled.");
      if (!error.retryable || n >= policy.retries || policy.shouldStop?.()) throw error;
      const delayMs = backoffDelay(n, policy.baseDelayMs);
      if (policy.deadline && policy.deadline.remainingMs < delayMs + MIN_ATTEMPT_MS) throw error;
      log.warn(
        { what, kind: error.kind, status: error.status, retry: n + 1, delayMs },
        "retrying ITFlow read",
      );
      await sleep(delayMs);
    }
  }
}
