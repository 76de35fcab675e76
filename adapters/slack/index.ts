// The Slack adapter's public surface, for `npm start` (adapters/serve.ts).
export { type RunningSlack, type SlackOptions, startSlack } from "./app.js";
export { loadSlackConfig, type SlackConfig, slackConfigured } from "./config.js";
