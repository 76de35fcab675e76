// GET /health for load balancers and orchestrators: is ITFlow reachable, is the store reachable,
// is each chat platform connected? 200 when all are, 503 otherwise, with the details as JSON.
import http from "node:http";
import type { ContactDirectory } from "../src/contacts/directory.js";
import type { ItflowClient } from "../src/itflow/client.js";
import type { Logger } from "../src/log.js";
import type { Store } from "../src/store.js";
import type { CallsHealth } from "./calls/server.js";

export interface HealthSources {
  itflow: ItflowClient;
  store: Store;
  directory: ContactDirectory;
  /** Each running chat platform and whether it is connected right now. */
  adapters: Record<string, () => boolean>;
  /** The caller-ID service, when it runs: its port and whether pops reach their channels. */
  calls?: () => CallsHealth;
  logger: Logger;
}

export interface HealthReport {
  ok: boolean;
  itflow: { ok: boolean; error?: string; checkedAt: string };
  store: { ok: boolean; kind: string };
  adapters: Record<string, { connected: boolean }>;
  directory: { contacts: number; clients: number; builtAt: string | null };
  /**
   * Pop channels that refuse the bot (not invited, missing permission) are reported here with the
   * reason, but do not make the bot unhealthy: lookups and commands still work, and a load
   * balancer taking replicas out of rotation would not invite the bot anywhere.
   */
  calls?: CallsHealth;
}

// Health checks come often; ITFlow is asked at most this often.
const ITFLOW_CHECK_EVERY_MS = 15_000;

export function healthReporter(sources: HealthSources): () => Promise<HealthReport> {
  let last: { at: number; ok: boolean; error?: string } | null = null;
  const checkItflow = async () => {
    if (last && Date.now() - last.at < ITFLOW_CHECK_EVERY_MS) return last;
    try {
      await sources.itflow.listClients({ limit: 1, offset: 0 });
      last = { at: Date.now(), ok: true };
    } catch (error) {
      last = { at: Date.now(), ok: false, error: error instanceof Error ? error.message : "unknown error" };
    }
    return last;
  };
  return async () => {
    const [itflow, storeOk] = await Promise.all([checkItflow(), sources.store.ping()]);
    const adapters = Object.fromEntries(
      Object.entries(sources.adapters).map(([name, connected]) => [name, { connected: connected() }]),
    );
    const status = sources.directory.status();
    return {
      ok: itflow.ok && storeOk && Object.values(adapters).every((a) => a.connected),
      itflow: {
        ok: itflow.ok,
        ...(itflow.error ? { error: itflow.error } : {}),
        checkedAt: new Date(itflow.at).toISOString(),
      },
      store: { ok: storeOk, kind: sources.store.kind },
      adapters,
      directory: {
        contacts: status.contacts,
        clients: status.clients,
        builtAt: status.builtAt === null ? null : new Date(status.builtAt).toISOString(),
      },
      ...(sources.calls ? { calls: sources.calls() } : {}),
    };
  };
}

export async function startHealthServer(
  port: number,
  host: string,
  report: () => Promise<HealthReport>,
): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" || (req.url !== "/health" && req.url !== "/healthz")) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    report().then(
      (body) =>
        res.writeHead(body.ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(body)),
      () => res.writeHead(503, { "content-type": "application/json" }).end('{"ok":false}'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
