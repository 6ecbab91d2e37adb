// What this process knows of access-token revocations (ended sessions, changed or removed
// memberships), kept in memory from the auth service's feed and applied to every user caller as
// its token becomes a caller. Polled while tokens are being checked; when the last good poll is
// older than `staleAfterMs`, the next check waits for a fresh one and, failing that, refuses
// (UNAVAILABLE) rather than trust a token that may have been revoked meanwhile.
import { AppError } from '@family/errors';
import type { FamilyRole, Membership, UserCaller } from './caller.js';

export interface RevocationEntry {
  userId: string;
  /** Set: every token of this session has lost its power. */
  sessionId?: string | undefined;
  /** Set: tokens issued before `notBefore` carry a stale membership of this family. */
  familyId?: string | undefined;
  /** With familyId: the member's role now; undefined: removed from the family. */
  role?: FamilyRole | undefined;
  notBefore: Date;
}

/** Revocations recorded at or after `since` (all that still matter when undefined), and the source's clock. */
export type RevocationSource = (since: Date | undefined) => Promise<{ entries: RevocationEntry[]; asOf: Date }>;

export interface RevocationFeedOptions {
  source: RevocationSource;
  /** Between polls while tokens are being checked. */
  pollMs?: number;
  /** A check waits for a fresh poll once the last good one is this old. */
  staleAfterMs?: number;
  /** Each poll asks again from this long before the previous answer (rows committed late). */
  overlapMs?: number;
  /** An entry is forgotten this long after its notBefore (longer than any access token lives). */
  keepMs?: number;
  /** Polling pauses when no token was checked for this long; the next check polls first. */
  idleMs?: number;
  onError?: (err: unknown) => void;
}

export class RevocationFeed {
  private readonly sessions = new Map<string, number>();
  /** `${userId} ${familyId}` → the newest change of that membership. */
  private readonly memberships = new Map<string, { notBefore: number; role: FamilyRole | undefined }>();
  private asOf: Date | undefined;
  private syncedAt = 0;
  private lastCheckAt = 0;
  private inflight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: RevocationFeedOptions) {}

  /** The caller as their token may still act: refused when the session ended, memberships brought up to date. */
  async check(caller: UserCaller): Promise<UserCaller> {
    this.lastCheckAt = Date.now();
    if (Date.now() - this.syncedAt > (this.options.staleAfterMs ?? 1000)) {
      try {
        await this.sync();
      } catch {
        // One more try after a moment (a busy auth service, a connection being re-established),
        // then refuse rather than trust a token that may have been revoked meanwhile.
        await new Promise((r) => setTimeout(r, 250));
        try {
          await this.sync();
        } catch {
          throw new AppError('UNAVAILABLE', 'REVOCATIONS_UNAVAILABLE', 'Sessions cannot be checked right now', {});
        }
      }
    }
    this.schedule();
    if (this.sessions.has(caller.sessionId)) {
      throw AppError.unauthenticated('This session has ended', 'SESSION_REVOKED');
    }
    const issuedAt = caller.issuedAtMs ?? 0;
    let memberships: Map<string, Membership> | undefined;
    for (const [familyId, membership] of caller.memberships) {
      const change = this.memberships.get(`${caller.userId} ${familyId}`);
      if (!change || issuedAt >= change.notBefore) continue;
      memberships ??= new Map(caller.memberships);
      if (change.role) memberships.set(familyId, { ...membership, role: change.role });
      else memberships.delete(familyId);
    }
    return memberships ? { ...caller, memberships } : caller;
  }

  /** Fetches what changed since the last answer; concurrent callers share one fetch. */
  sync(): Promise<void> {
    this.inflight ??= (async () => {
      try {
        const overlap = this.options.overlapMs ?? 10_000;
        const since = this.asOf ? new Date(this.asOf.getTime() - overlap) : undefined;
        const { entries, asOf } = await this.options.source(since);
        for (const entry of entries) this.apply(entry);
        this.prune(asOf);
        this.asOf = asOf;
        this.syncedAt = Date.now();
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }

  /** Stops polling for good (the service is shutting down). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private apply(entry: RevocationEntry): void {
    const at = entry.notBefore.getTime();
    if (entry.sessionId) this.sessions.set(entry.sessionId, Math.max(at, this.sessions.get(entry.sessionId) ?? 0));
    if (entry.familyId) {
      const key = `${entry.userId} ${entry.familyId}`;
      const known = this.memberships.get(key);
      if (!known || known.notBefore <= at) this.memberships.set(key, { notBefore: at, role: entry.role });
    }
  }

  private prune(now: Date): void {
    const horizon = now.getTime() - (this.options.keepMs ?? 30 * 60_000);
    for (const [id, at] of this.sessions) if (at < horizon) this.sessions.delete(id);
    for (const [key, change] of this.memberships) if (change.notBefore < horizon) this.memberships.delete(key);
  }

  private schedule(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (Date.now() - this.lastCheckAt > (this.options.idleMs ?? 60_000)) return;
      this.sync().then(
        () => this.schedule(),
        (err: unknown) => {
          this.options.onError?.(err);
          this.schedule();
        },
      );
    }, this.options.pollMs ?? 250);
    this.timer.unref();
  }
}
