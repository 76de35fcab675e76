// (d) Slack HTTP path: a correctly signed request → the 200 ack, at 50 concurrent, p99 ≤ 50 ms.
// NOT MEASURED YET: the Slack adapter does not exist yet. When it does, replace this with a
// scenario that starts the real Bolt app (HTTP receiver) against a fake Slack Web API on
// 127.0.0.1, posts 50 concurrent signed slash-command requests and times request → response,
// then returns the same row shape as the other scenarios.
import type { ScenarioResult } from "../types.js";

export const SLACK_ACK_TARGET_MS = 50;

export async function runSlackAck(): Promise<ScenarioResult> {
  return {
    rows: [
      {
        id: "(d)",
        what: "Slack HTTP: signed request → ack, 50 concurrent",
        result: "not measured yet (adapters pending)",
        target: `p99 ≤ ${SLACK_ACK_TARGET_MS} ms`,
      },
    ],
    verdicts: [
      {
        target: `(d) Slack ack ≤ ${SLACK_ACK_TARGET_MS} ms p99`,
        status: "NOT MEASURED YET",
        detail: "adapters pending",
      },
    ],
  };
}
