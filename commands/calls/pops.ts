// One message per call, in every helpdesk channel the call goes to, kept up to date as the call
// rings, is answered and ends. Phone systems repeat events and deliver them out of order, and with
// STORE_URL=redis:// the events of one call can land on different replicas: the call's record lives
// in the store, and a per-call lock in the store lets exactly one replica at a time post or edit
// its messages. Whatever order the events come in, the message shows the furthest state reached.
import type { Keyv } from "keyv";
import type { CallerNumber } from "../../src/contacts/caller-number.js";
import type { Logger } from "../../src/log.js";
import type { CommandContext } from "../context.js";
import { type CallerLookup, lookupCaller } from "./lookup.js";
import { type CallPopView, type CallState, callerPart, type PopCallerPart, STATE_ORDER } from "./pop-view.js";

export type PopPlatform = "slack" | "discord";

export interface PopTarget {
  platform: PopPlatform;
  /** A Slack channel id (C…) or a Discord channel id. */
  channel: string;
}

/** A chat platform's side of a pop: post a message, and edit it later. */
export interface PopPublisher {
  /** Posts the pop; resolves with the platform's id of the message. */
  post(channel: string, view: CallPopView): Promise<string>;
  update(channel: string, messageId: string, view: CallPopView): Promise<void>;
}

/** The platform refused a post or edit; `reason` says what the helpdesk has to fix. */
export class PopRefused extends Error {
  override readonly name = "PopRefused";
}

export interface CallEvent {
  callId: string;
  event: CallState;
  from: CallerNumber;
  agent: string | null;
  /** Known only from a phone system's call journal (3CX); otherwise measured from the events. */
  durationSec?: number | null;
  /** Who is calling, when the request already looked it up (a 3CX lookup): not asked twice. */
  lookup?: CallerLookup;
}

export interface TargetHealth {
  ok: boolean;
  /** Why the last post or edit failed. */
  error?: string;
  at: string;
}

interface CallRecord {
  state: CallState;
  caller: PopCallerPart;
  agent: string | null;
  firstSeenAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  durationSec: number | null;
  targets: PopTarget[];
  /** Per target ("slack:C0123"): the message id and the view last sent to it. */
  messages: Record<string, { id: string; shown: string }>;
}

/** Calls are forgotten after this long; nobody edits the pop of yesterday's call. */
const RECORD_TTL_MS = 12 * 3600_000;
/** Longest a replica may hold a call's lock (a post plus an edit, with Slack or Discord slow). */
const LOCK_TTL_MS = 15_000;
const LOCK_POLL_MS = 20;

export interface CallPopsOptions {
  ctx: CommandContext;
  publishers: Partial<Record<PopPlatform, PopPublisher>>;
  logger: Logger;
  /** How long a caller lookup may wait for ITFlow (default: lookup.ts's LOOKUP_BUDGET_MS). */
  lookupBudgetMs?: number;
  now?: () => number;
}

export function targetKey(target: PopTarget): string {
  return `${target.platform}:${target.channel}`;
}

export class CallPops {
  private readonly records: Keyv;
  private readonly now: () => number;
  /** Events of one call handled on this replica, one after another (no lock polling among them). */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly health = new Map<string, TargetHealth>();

  constructor(private readonly options: CallPopsOptions) {
    this.records = options.ctx.store.namespace("calls");
    this.now = options.now ?? Date.now;
  }

  /** Where each pop channel stands: ok, or why the last post or edit failed. */
  targets(): Record<string, TargetHealth> {
    return Object.fromEntries(this.health);
  }

  /** Shows `event` in the call's message in every target, posting the message the first time. */
  handle(event: CallEvent, targets: readonly PopTarget[]): Promise<void> {
    const previous = this.chains.get(event.callId) ?? Promise.resolve();
    const next = previous.then(() => this.handleNow(event, targets));
    const settled = next.catch(() => {});
    this.chains.set(event.callId, settled);
    void settled.then(() => {
      if (this.chains.get(event.callId) === settled) this.chains.delete(event.callId);
    });
    return next;
  }

  private async handleNow(event: CallEvent, targets: readonly PopTarget[]): Promise<void> {
    const { logger } = this.options;
    // Who is calling is looked up before taking the lock, so the lock is held only for the posts.
    const known = await this.records.get<CallRecord>(event.callId);
    const caller = known ? null : await this.lookUp(event);
    await this.withLock(event.callId, async () => {
      const stored = await this.records.get<CallRecord>(event.callId);
      const record = stored ?? this.newRecord(caller ?? (await this.lookUp(event)), targets);
      const changed = this.apply(record, event) || !stored;
      if (!changed) return;
      const view = this.viewOf(record);
      await this.publish(record, view);
      await this.records.set(event.callId, record, RECORD_TTL_MS);
      logger.info(
        { callId: event.callId, event: event.event, state: record.state, callers: record.caller.total },
        "call pop updated",
      );
    });
  }

  private async lookUp(event: CallEvent): Promise<PopCallerPart> {
    const { ctx, lookupBudgetMs } = this.options;
    const lookup = event.lookup ?? (await lookupCaller(ctx, event.from, lookupBudgetMs));
    return callerPart(lookup, ctx.region, ctx.itflowUrl, ctx.directory.writeAccess !== "forbidden");
  }

  private newRecord(caller: PopCallerPart, targets: readonly PopTarget[]): CallRecord {
    return {
      state: "ringing",
      caller,
      agent: null,
      firstSeenAt: this.now(),
      answeredAt: null,
      endedAt: null,
      durationSec: null,
      targets: [...targets],
      messages: {},
    };
  }

  /** Folds an event into the record; false when it changes nothing (a repeat, or too late). */
  private apply(record: CallRecord, event: CallEvent): boolean {
    const before = JSON.stringify(record);
    const now = this.now();
    if (event.agent && !record.agent) record.agent = event.agent;
    // An "answered" that arrives after the end says who took the call, but not when.
    if (event.event === "answered" && record.answeredAt === null && record.endedAt === null) {
      record.answeredAt = now;
    }
    if ((event.event === "ended" || event.event === "missed") && record.endedAt === null)
      record.endedAt = now;
    if (event.durationSec != null) record.durationSec = event.durationSec;
    // Forward only; between "ended" and "missed" the first word is kept.
    if (STATE_ORDER[event.event] > STATE_ORDER[record.state]) record.state = event.event;
    if (record.state === "ended" && record.durationSec === null && record.answeredAt !== null) {
      record.durationSec = Math.round(((record.endedAt ?? now) - record.answeredAt) / 1000);
    }
    return JSON.stringify(record) !== before;
  }

  private viewOf(record: CallRecord): CallPopView {
    return {
      kind: "callPop",
      state: record.state,
      ...record.caller,
      agent: record.agent,
      durationSec: record.state === "ended" ? record.durationSec : null,
    };
  }

  private async publish(record: CallRecord, view: CallPopView): Promise<void> {
    const shown = JSON.stringify(view);
    await Promise.all(
      record.targets.map(async (target) => {
        const key = targetKey(target);
        const message = record.messages[key];
        if (message?.shown === shown) return;
        const publisher = this.options.publishers[target.platform];
        if (!publisher) {
          this.report(key, `${target.platform} is not running, so nothing can be posted there`);
          return;
        }
        try {
          if (message) {
            await publisher.update(target.channel, message.id, view);
            record.messages[key] = { id: message.id, shown };
          } else {
            record.messages[key] = { id: await publisher.post(target.channel, view), shown };
          }
          this.report(key, null);
        } catch (error) {
          this.report(key, error instanceof PopRefused ? error.message : "could not reach the platform");
          if (!(error instanceof PopRefused)) {
            this.options.logger.warn({ err: error, target: key }, "could not post the call pop");
          }
        }
      }),
    );
  }

  private report(key: string, error: string | null): void {
    const at = new Date(this.now()).toISOString();
    const was = this.health.get(key);
    this.health.set(key, error === null ? { ok: true, at } : { ok: false, error, at });
    if (error !== null && was?.error !== error) {
      this.options.logger.warn(
        { target: key, reason: error },
        `call pops cannot be posted to ${key}: ${error}`,
      );
    }
  }

  private async withLock(callId: string, work: () => Promise<void>): Promise<void> {
    const { store } = this.options.ctx;
    const key = `call:${callId}`;
    // A replica that died holding the lock loses it when its claim expires, so this ends.
    const giveUpAt = Date.now() + 2 * LOCK_TTL_MS;
    while (!(await store.claim(key, LOCK_TTL_MS))) {
      if (Date.now() > giveUpAt)
        throw new Error(`call ${callId}: its lock was not free for ${2 * LOCK_TTL_MS} ms`);
      await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
    }
    try {
      await work();
    } finally {
      await store.release(key);
    }
  }
}
