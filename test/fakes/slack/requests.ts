// What Slack sends to an app's HTTP endpoint, built and signed the way Slack does: slash commands as
// form fields, interactions as one `payload` form field holding JSON, each signed with the signing
// secret (v0 HMAC-SHA256 over "v0:timestamp:body"). The response_urls and trigger_ids in them come
// from the fake Slack, so whatever the bot sends back lands there.
import { createHmac } from "node:crypto";
import { request } from "undici";
import type { FakeSlack } from "./server.js";

export interface Person {
  userId: string;
  teamId: string;
  /** The user's home workspace when it differs (an external user in a Slack Connect channel). */
  userTeamId?: string;
  enterpriseId?: string;
}

export const TECH: Person = { userId: "U0TECH", teamId: "T0HOME" };

export interface SendOptions {
  /** X-Slack-Retry-Num: Slack retrying a request it thinks failed. */
  retryNum?: number;
  /** Sign with another secret (a forged request). */
  secret?: string;
  /** Seconds since the epoch to sign with (an old, replayed request). */
  timestamp?: number;
}

export interface SlackReply {
  status: number;
  text: string;
  /** The body as JSON when it is JSON (an ack with a payload), else null. */
  json: Record<string, unknown> | null;
  ms: number;
}

export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

/** Posts a signed, form-encoded body to the app's /slack/events, like Slack does. */
export async function sendSigned(
  endpoint: string,
  secret: string,
  form: Record<string, string>,
  options: SendOptions = {},
): Promise<SlackReply> {
  const body = new URLSearchParams(form).toString();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": sign(options.secret ?? secret, timestamp, body),
  };
  if (options.retryNum !== undefined) {
    headers["x-slack-retry-num"] = String(options.retryNum);
    headers["x-slack-retry-reason"] = "http_timeout";
  }
  // undici's request(), not fetch(): fetch spends milliseconds of this process's CPU setting up
  // each request before it leaves, which a burst of 50 (bench row d) would count as the bot's time.
  const started = performance.now();
  const res = await request(endpoint, { method: "POST", headers, body });
  const text = await res.body.text();
  const ms = performance.now() - started;
  let json: Record<string, unknown> | null = null;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : null;
  } catch {
    json = null;
  }
  return { status: res.statusCode, text, json, ms };
}

/** Builds the bodies Slack sends, with response_urls and trigger_ids served by the fake. */
export class SlackPayloads {
  constructor(private readonly slack: FakeSlack) {}

  slashCommand(text: string, who: Person = TECH, channelId = "C0HELP") {
    const responseUrl = this.slack.newResponseUrl();
    const triggerId = this.slack.newTriggerId();
    const form: Record<string, string> = {
      token: "deprecated-verification-token",
      team_id: who.teamId,
      team_domain: "home",
      channel_id: channelId,
      channel_name: "helpdesk",
      user_id: who.userId,
      user_name: "tech",
      command: "/contact",
      text,
      api_app_id: "A0FAKE",
      is_enterprise_install: "false",
      response_url: responseUrl,
      trigger_id: triggerId,
      ...(who.enterpriseId ? { enterprise_id: who.enterpriseId } : {}),
    };
    return { form, responseUrl, triggerId };
  }

  private base(who: Person) {
    return {
      api_app_id: "A0FAKE",
      token: "deprecated-verification-token",
      user: { id: who.userId, username: "tech", name: "tech", team_id: who.userTeamId ?? who.teamId },
      team: {
        id: who.teamId,
        domain: "home",
        ...(who.enterpriseId ? { enterprise_id: who.enterpriseId } : {}),
      },
      enterprise: who.enterpriseId ? { id: who.enterpriseId, name: "Org" } : null,
      is_enterprise_install: false,
    };
  }

  /** A button click on a message (response_url set) or inside a modal (`view` set). */
  buttonClick(
    actionId: string,
    value: string,
    options: { who?: Person; view?: { id: string; hash?: string; private_metadata?: string } } = {},
  ) {
    const who = options.who ?? TECH;
    const responseUrl = options.view ? undefined : this.slack.newResponseUrl();
    const triggerId = this.slack.newTriggerId();
    const payload = {
      type: "block_actions",
      ...this.base(who),
      trigger_id: triggerId,
      ...(responseUrl ? { response_url: responseUrl } : {}),
      container: options.view
        ? { type: "view", view_id: options.view.id }
        : { type: "message", message_ts: "1700000000.000100", channel_id: "C0HELP", is_ephemeral: true },
      channel: options.view ? undefined : { id: "C0HELP", name: "helpdesk" },
      ...(options.view ? { view: { type: "modal", state: { values: {} }, ...options.view } } : {}),
      actions: [
        {
          type: "button",
          action_id: actionId,
          block_id: "b1",
          value,
          text: { type: "plain_text", text: "x" },
          action_ts: "1700000000.1",
        },
      ],
    };
    return { form: { payload: JSON.stringify(payload) }, responseUrl, triggerId };
  }

  /** The client picker changing on the create form (an input block with dispatch_action). */
  clientPicked(
    view: { id: string; hash: string; private_metadata: string; state: unknown },
    clientId: number,
    who: Person = TECH,
  ) {
    const payload = {
      type: "block_actions",
      ...this.base(who),
      trigger_id: this.slack.newTriggerId(),
      container: { type: "view", view_id: view.id },
      view: { type: "modal", callback_id: "contact_form", ...view },
      actions: [
        {
          type: "external_select",
          action_id: "client",
          block_id: "client",
          selected_option: { text: { type: "plain_text", text: "c" }, value: String(clientId) },
          action_ts: "1700000000.2",
        },
      ],
    };
    return { form: { payload: JSON.stringify(payload) } };
  }

  viewSubmission(
    view: { id: string; hash?: string; callback_id: string; private_metadata: string; state: unknown },
    who: Person = TECH,
  ) {
    const payload = {
      type: "view_submission",
      ...this.base(who),
      trigger_id: this.slack.newTriggerId(),
      view: { type: "modal", team_id: who.teamId, app_id: "A0FAKE", ...view },
      response_urls: [],
    };
    return { form: { payload: JSON.stringify(payload) } };
  }

  messageShortcut(text: string, who: Person = TECH) {
    const responseUrl = this.slack.newResponseUrl();
    const payload = {
      type: "message_action",
      ...this.base(who),
      callback_id: "lookup_contact",
      trigger_id: this.slack.newTriggerId(),
      response_url: responseUrl,
      channel: { id: "C0HELP", name: "helpdesk" },
      message_ts: "1700000000.000200",
      message: { type: "message", user: "U0OTHER", ts: "1700000000.000200", text },
    };
    return { form: { payload: JSON.stringify(payload) }, responseUrl };
  }

  globalShortcut(callbackId = "new_contact", who: Person = TECH) {
    const triggerId = this.slack.newTriggerId();
    const payload = {
      type: "shortcut",
      ...this.base(who),
      callback_id: callbackId,
      trigger_id: triggerId,
      action_ts: "1700000000.3",
    };
    return { form: { payload: JSON.stringify(payload) }, triggerId };
  }

  clientSearch(value: string, who: Person = TECH) {
    const payload = {
      type: "block_suggestion",
      ...this.base(who),
      action_id: "client",
      block_id: "client",
      value,
      container: { type: "view", view_id: "V0" },
      view: {
        id: "V0",
        type: "modal",
        callback_id: "contact_form",
        private_metadata: "",
        state: { values: {} },
      },
    };
    return { form: { payload: JSON.stringify(payload) } };
  }
}
