// A fake Slack (Web API, response_urls, Socket Mode) and the signed requests Slack sends, for
// end-to-end tests of the real Bolt app. See server.ts, requests.ts and harness.ts.
export { APP_TOKEN, BOT_TOKEN, type BotUnderTest, SIGNING_SECRET, startBot } from "./harness.js";
export { allText, elementsOfType, type TextObject, textObjects } from "./inspect.js";
export { stateOf, type Typed } from "./modal-state.js";
export {
  type Person,
  type SendOptions,
  SlackPayloads,
  type SlackReply,
  sendSigned,
  sign,
  TECH,
} from "./requests.js";
export {
  type ApiCall,
  type ChannelMessage,
  type FakeSlack,
  type FakeView,
  type ResponsePost,
  type SocketEnvelope,
  startFakeSlack,
} from "./server.js";
