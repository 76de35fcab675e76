// Socket Mode smoke test: the real Bolt app opens a connection with the app-level token (fake
// apps.connections.open), receives envelopes over a websocket from the fake Slack, acks them over
// the socket, and answers through the response_url like in HTTP mode.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type FakeItflow, startFakeItflow } from "../fakes/itflow/index.js";
import { APP_TOKEN, allText, type FakeSlack, startBot, startFakeSlack } from "../fakes/slack/index.js";

let itflow: FakeItflow;
let slack: FakeSlack;

beforeAll(async () => {
  itflow = await startFakeItflow();
  slack = await startFakeSlack({ appToken: APP_TOKEN });
});
afterAll(async () => {
  await slack.close();
  await itflow.close();
});

it("connects with the app token, acks a slash command over the socket and answers on the response_url", async () => {
  const bot = await startBot(itflow, slack, {
    env: { SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: "" },
  });
  try {
    expect(bot.slack.mode).toBe("socket");
    expect(bot.slack.port).toBeNull();
    await slack.socketConnected();
    expect(bot.slack.connected()).toBe(true);
    const open = slack.callsTo("apps.connections.open");
    expect(open).toHaveLength(1);
    expect(open[0]?.token).toBe(APP_TOKEN);

    const responseUrl = slack.newResponseUrl();
    const started = performance.now();
    const ack = await slack.sendEnvelope({
      type: "slash_commands",
      payload: {
        command: "/contact",
        text: "find alice@acme.example",
        team_id: "T0HOME",
        user_id: "U0TECH",
        channel_id: "C0HELP",
        response_url: responseUrl,
        trigger_id: slack.newTriggerId(),
      },
    });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(ack).toEqual({});
    const post = await slack.waitFor(() => slack.postsTo(responseUrl)[0]);
    expect(post.body.response_type).toBe("ephemeral");
    expect(allText(post.body.blocks)).toContain("Alice Anderson");

    // An interaction over the socket: the help text comes back in the ack payload itself.
    const help = await slack.sendEnvelope({
      type: "slash_commands",
      payload: {
        command: "/contact",
        text: "help",
        team_id: "T0HOME",
        user_id: "U0TECH",
        response_url: slack.newResponseUrl(),
        trigger_id: slack.newTriggerId(),
      },
    });
    expect(help.response_type).toBe("ephemeral");
  } finally {
    await bot.stop();
    await slack.socketClosed();
  }
  expect(bot.slack.connected()).toBe(false);
});
