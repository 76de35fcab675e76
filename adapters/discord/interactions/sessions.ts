// Server-side state of an open contact form. Discord gives back only a modal's custom_id, so the
// form (both steps' values, errors, the client and its locations) lives in the store under a short
// random id carried in that custom_id; with STORE_URL=redis:// any replica can take the submit.
import { randomBytes } from "node:crypto";
import type { FormView } from "../../../commands/views.js";
import type { Store } from "../../../src/store.js";

export interface FormSession {
  id: string;
  /** Only the person who opened a form may submit or reopen it. */
  userId: string;
  guildId: string;
  form: FormView;
}

/** Long enough to fill in a form after lunch; Discord's own interaction tokens last 15 minutes. */
export const SESSION_TTL_MS = 60 * 60_000;

export class FormSessions {
  constructor(
    private readonly store: Store,
    private readonly ttlMs = SESSION_TTL_MS,
  ) {}

  private get space() {
    return this.store.namespace("discord-forms");
  }

  async open(owner: { userId: string; guildId: string }, form: FormView): Promise<FormSession> {
    // 72 random bits: unguessable, and short enough to leave most of custom_id's 100 characters free.
    const session: FormSession = { id: randomBytes(9).toString("base64url"), ...owner, form };
    await this.space.set(session.id, session, this.ttlMs);
    return session;
  }

  async get(id: string, userId: string): Promise<FormSession | null> {
    const session = await this.space.get<FormSession>(id);
    return session && session.userId === userId ? session : null;
  }

  async save(session: FormSession): Promise<void> {
    await this.space.set(session.id, session, this.ttlMs);
  }
}
