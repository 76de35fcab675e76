// How many times a PIN may be tried, kept in the store so every replica enforces the same limits:
// 3 failed attempts on one contact within 15 minutes lock that contact's verification for 15
// minutes, and one technician gets at most 10 attempts in 15 minutes over all contacts. Without
// these, a PIN is just a number to guess through the bot.
import { randomUUID } from "node:crypto";
import type { PinResult } from "../itflow/pin.js";
import type { Store } from "../store.js";

export const VERIFY_LIMITS = {
  failuresPerContact: 3,
  attemptsPerTechnician: 10,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
} as const;

export type VerifyLimits = { [K in keyof typeof VERIFY_LIMITS]: number };

/** An attempt allowed to go ahead; `finish` or `abandon` settles what it reserved. */
export interface Ticket {
  id: string;
  technician: string;
  contactId: number;
  /** Failures on this contact in the window, this attempt counted as one until it proves otherwise. */
  failures: number;
}

export type Gate =
  | { kind: "go"; ticket: Ticket }
  /** The contact's verification is locked (3 failures), until then. */
  | { kind: "locked"; until: number }
  /** The technician used their attempts; one frees up then. */
  | { kind: "capped"; until: number };

export interface Settled {
  /** Tries left on this contact before it locks (after a failure). */
  triesLeft: number;
  /** Set when this failure locked the contact. */
  lockedUntil: number | null;
}

interface Lock {
  until: number;
}

export class VerificationLimits {
  private readonly limits: VerifyLimits;

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
    limits: Partial<VerifyLimits> = {},
  ) {
    this.limits = { ...VERIFY_LIMITS, ...limits };
  }

  private get locks() {
    return this.store.namespace("verify-locks");
  }

  /**
   * Before the PIN is read: refuses a locked contact or a technician without attempts left.
   * Otherwise reserves one of the technician's attempts and, provisionally, one of the contact's
   * failures, so attempts racing on several replicas can never make more than the limit allows.
   */
  async begin(technician: string, contactId: number): Promise<Gate> {
    const now = this.now();
    const { windowMs } = this.limits;
    const lock = await this.lockOf(contactId, now);
    if (lock) return { kind: "locked", until: lock.until };
    const id = randomUUID();
    const attempt = await this.store.hit(
      techKey(technician),
      id,
      now,
      windowMs,
      this.limits.attemptsPerTechnician,
    );
    if (!attempt.taken) return { kind: "capped", until: (attempt.oldestAt ?? now) + windowMs };
    const failure = await this.store.hit(
      failKey(contactId),
      id,
      now,
      windowMs,
      this.limits.failuresPerContact,
    );
    if (!failure.taken) {
      // Every failure place is held (another replica locking it this very moment, or attempts
      // still running): refuse like a lock, until the earliest place frees.
      await this.store.unhit(techKey(technician), id);
      const until = (await this.lockOf(contactId, now))?.until ?? (failure.oldestAt ?? now) + windowMs;
      return { kind: "locked", until };
    }
    return { kind: "go", ticket: { id, technician, contactId, failures: failure.count } };
  }

  /**
   * After the PIN was read. A match clears the contact's failures; no PIN on file was no failure;
   * a wrong answer keeps its failure and, at the limit, locks the contact.
   */
  async finish(ticket: Ticket, result: PinResult): Promise<Settled> {
    const key = failKey(ticket.contactId);
    if (result === "match") await this.store.clearHits(key);
    if (result === "noPin") await this.store.unhit(key, ticket.id);
    if (result !== "noMatch") return { triesLeft: this.limits.failuresPerContact, lockedUntil: null };
    const triesLeft = Math.max(0, this.limits.failuresPerContact - ticket.failures);
    if (triesLeft > 0) return { triesLeft, lockedUntil: null };
    const until = this.now() + this.limits.lockMs;
    await this.locks.set(String(ticket.contactId), { until } satisfies Lock, this.limits.lockMs);
    return { triesLeft: 0, lockedUntil: until };
  }

  /** Until when the contact's verification is locked, or null when it is not. */
  async lockedUntil(contactId: number): Promise<number | null> {
    return (await this.lockOf(contactId, this.now()))?.until ?? null;
  }

  /** The PIN could not be read (ITFlow did not answer): nothing this attempt reserved counts. */
  async abandon(ticket: Ticket): Promise<void> {
    await Promise.all([
      this.store.unhit(techKey(ticket.technician), ticket.id),
      this.store.unhit(failKey(ticket.contactId), ticket.id),
    ]);
  }

  private async lockOf(contactId: number, now: number): Promise<Lock | null> {
    const lock = await this.locks.get<Lock>(String(contactId));
    return lock && lock.until > now ? lock : null;
  }
}

const techKey = (technician: string) => `verify:technician:${technician}`;
const failKey = (contactId: number) => `verify:failures:${contactId}`;
