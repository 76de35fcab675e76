// Wires the core together from configuration: ITFlow client, store, directory and the context every
// command handler receives. Each entry point (terminal, chat server) calls this once.
import { accessPolicy } from "../commands/caller.js";
import type { CommandContext } from "../commands/context.js";
import type { CoreConfig } from "../src/config.js";
import { ContactDirectory } from "../src/contacts/directory.js";
import { InFlight } from "../src/inflight.js";
import { ItflowClient } from "../src/itflow/client.js";
import { type Logger, registerSecret } from "../src/log.js";
import { openStore } from "../src/store.js";

export interface Core {
  ctx: CommandContext;
  itflow: ItflowClient;
  /** Waits (up to `graceMs`) for writes under way, then closes ITFlow and the store. */
  close(graceMs?: number): Promise<void>;
}

export interface CoreOptions {
  /**
   * Learn whether the key may write (without writing) with every load of the list, to hide Create
   * and Edit for a read-only key. Default true; a one-shot terminal lookup has no use for it.
   */
  learnWriteAccess?: boolean;
  /** Load the contact list only when asked (warm()), not for exact lookups. Default false. */
  listOnDemand?: boolean;
}

export async function startCore(
  config: CoreConfig,
  logger: Logger,
  options: CoreOptions = {},
): Promise<Core> {
  registerSecret(config.itflow.apiKey);
  const itflow = new ItflowClient({
    baseUrl: config.itflow.url,
    apiKey: config.itflow.apiKey,
    timeoutMs: config.itflow.timeoutMs,
    logger,
  });
  const store = await openStore(config.storeUrl);
  const directory = new ContactDirectory({
    itflow,
    store,
    region: config.phoneRegion,
    refreshMs: config.refreshMs,
    cacheTtlMs: config.cacheTtlMs,
    pageSize: config.itflow.pageSize,
    logger,
    // Learned without writing, like `itflow-contact check`, with every load of the list.
    checkWriteAccess: options.learnWriteAccess ?? true,
    listOnDemand: options.listOnDemand ?? false,
  });
  const writes = new InFlight();
  const ctx: CommandContext = {
    writes,
    verifyAudit: [],
    directory,
    policy: accessPolicy(config.editAllow, config.verifyAllow),
    store,
    region: config.phoneRegion,
    itflowUrl: config.itflow.url,
    logger,
    actionTimeoutMs: config.actionTimeoutMs,
  };
  return {
    ctx,
    itflow,
    async close(graceMs = 10_000) {
      if (!(await writes.drain(graceMs))) {
        logger.warn({ pending: writes.size }, "shutting down with writes still under way");
      }
      await Promise.allSettled([itflow.close(), store.close()]);
    },
  };
}
