// Under a burst of commands the acks come first: Slack gives each request 3 seconds to be
// acknowledged, while an answer (lookup, rendering, the response_url post) reaches a person who is
// waiting anyway. Every request the HTTP server has read counts as "not yet acked" until its
// response is sent; queued answers run one per turn of the event loop, and only while no ack is
// waiting — or once the oldest answer has waited MAX_DEFER_MS, so a steady stream of requests
// can delay answers a little but never starve them. In Socket Mode nothing is tracked and answers
// simply take turns.
import type { Server } from "node:http";

/** The longest an answer waits for other requests' acks. */
const MAX_DEFER_MS = 50;

const queue: Array<{ go: () => void; since: number }> = [];
let unacked = 0;
let turnScheduled = false;
let deferTimer: NodeJS.Timeout | undefined;

/** Counts the server's requests from their headers being read to their response being sent. */
export function trackAcks(server: Server): void {
  server.on("request", (_request, response) => {
    unacked++;
    // "close" follows "finish", and also comes when the client goes away without an answer.
    response.once("close", () => {
      unacked--;
      if (unacked === 0) takeTurn();
    });
  });
}

/** Resolves when it is this answer's turn (see the top of this module). */
export function answerTurn(): Promise<void> {
  return new Promise((go) => {
    queue.push({ go, since: performance.now() });
    takeTurn();
  });
}

function takeTurn(): void {
  if (turnScheduled || queue.length === 0) return;
  turnScheduled = true;
  setImmediate(runOne);
}

function runOne(): void {
  turnScheduled = false;
  const first = queue[0];
  if (!first) return;
  const waited = performance.now() - first.since;
  if (unacked > 0 && waited < MAX_DEFER_MS) {
    // Woken when the last waiting ack is sent, or when the oldest answer has waited long enough.
    if (!deferTimer) {
      deferTimer = setTimeout(() => {
        deferTimer = undefined;
        takeTurn();
      }, MAX_DEFER_MS - waited);
      deferTimer.unref();
    }
    return;
  }
  queue.shift();
  first.go();
  takeTurn();
}
