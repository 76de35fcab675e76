// The world every scenario runs in: one fake ITFlow with 50,011 contacts, the real ItflowClient
// and a ContactDirectory built from it exactly as the bot builds it (paging, default settings).
import type { ContactDirectory, ContactRow } from "../src/contacts/directory.js";
import { classifyQuery } from "../src/contacts/query.js";
import type { ItflowClient } from "../src/itflow/client.js";
import {
  buildContactRow,
  type ContactRow as FakeContactRow,
  type FakeItflow,
  startFakeItflow,
} from "../test/fakes/itflow/index.js";
import { BOT_TOKEN, SIGNING_SECRET } from "../test/fakes/slack/index.js";
import { BENCH } from "./config.js";
import { makeClient, makeDirectory, TimedItflow } from "./core.js";

export interface BenchEnv {
  fake: FakeItflow;
  /** The client for direct calls; the directory uses the same one through `timing`. */
  itflow: ItflowClient;
  /** Adds up the time the directory spends inside ITFlow calls. */
  timing: TimedItflow;
  directory: ContactDirectory;
  /** The contacts generated in the fake before the index was built (wire rows). */
  generated: readonly FakeContactRow[];
  /** What the bot does for "find <text>". */
  find(text: string): Promise<ContactRow[]>;
  /** A contact created in ITFlow behind the bot's back (as in the web UI), after the index was built. */
  addContact(tag: string): { id: number; email: string };
  close(): Promise<void>;
}

export async function startEnv(): Promise<BenchEnv> {
  const fake = await startFakeItflow();
  fake.generate({ contacts: BENCH.contacts, clients: BENCH.clients, seed: BENCH.seed });
  const generated = [...fake.state.contacts];
  const itflow = makeClient(fake.url);
  const timing = new TimedItflow(itflow);
  const directory = makeDirectory(timing);
  await directory.warm();
  fake.clearRequests();

  // New contacts go to generated clients that are not archived, round-robin.
  const targets = fake.state.clients
    .filter((c) => c.client_archived_at === null && Number(c.client_id) > 3)
    .map((c) => c.client_id ?? "0");
  let added = 0;

  return {
    fake,
    itflow,
    timing,
    directory,
    generated,
    find: (text) => directory.find(classifyQuery(text, BENCH.region)),
    addContact(tag) {
      const id = Math.max(fake.state.autoIncrement.contacts, 1);
      fake.state.autoIncrement.contacts = id + 1;
      const clientId = targets[added++ % targets.length] ?? "1";
      const email = `bench.${tag}.${id}@new-contact${clientId}.example`;
      const tail = String(1_000_000 + id).slice(-7);
      fake.state.contacts.push(
        buildContactRow({
          contact_id: String(id),
          contact_name: `New Contact ${id}`,
          contact_email: email,
          contact_phone: `555${tail}`,
          contact_phone_country_code: "1",
          contact_client_id: clientId,
          contact_created_at: "2026-06-01 09:00:00",
        }),
      );
      return { id, email };
    },
    async close() {
      await itflow.close();
      await fake.close();
    },
  };
}

/** Live contacts' addresses, each once, in id order. */
export function knownEmails(env: BenchEnv): string[] {
  const known: string[] = [];
  const seen = new Set<string>();
  for (const c of env.generated) {
    const email = (c.contact_email ?? "").toLowerCase();
    if (c.contact_archived_at !== null || email === "" || seen.has(email)) continue;
    seen.add(email);
    known.push(email);
  }
  return known;
}

/**
 * The environment a bot child process gets: ITFlow (the bench's fake) and Slack in HTTP mode on a
 * free loopback port, logging at the default level. Only these (and PATH) reach the child, nothing
 * else from the shell that runs the bench.
 */
export function slackBotEnv(itflowUrl: string, slackApiUrl: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    ITFLOW_URL: itflowUrl,
    ITFLOW_API_KEY: BENCH.apiKey,
    LOG_LEVEL: "info",
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_PORT: "0",
    SLACK_HOST: "127.0.0.1",
    SLACK_API_URL: slackApiUrl,
  };
}
