import { randomUUID } from 'node:crypto'
import type { Selectable } from 'kysely'
import type { DialectCapabilities } from '../store/capabilities.js'
import type { Db } from '../store/create-store.js'
import type { JobTable } from '../store/tables.js'

export type JobRow = Selectable<JobTable>
export type JobEnd = 'done' | 'failed' | 'cancelled'

export interface JobSpec {
  queue: string
  kind: string
  subject?: string
  payload: unknown
  runAt: string
  maxAttempts?: number
}

export const DEFAULT_MAX_ATTEMPTS = 3

/**
 * The durable job queue, in the project's own database. Every state change is one statement guarded by the
 * worker's lock (`locked_by`), so a worker that lost its job to the reaper cannot finish it.
 */
export const jobQueue = {
  /** Adds a job; call it inside the transaction of the change that needs it. */
  enqueue: async (db: Db, spec: JobSpec, now: string): Promise<string> => {
    const id = randomUUID()
    await db
      .insertInto('job')
      .values({
        id,
        queue: spec.queue,
        kind: spec.kind,
        subject: spec.subject ?? null,
        payload: JSON.stringify(spec.payload ?? null),
        state: 'pending',
        run_at: spec.runAt,
        attempts: 0,
        max_attempts: spec.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        locked_by: null,
        locked_at: null,
        heartbeat_at: null,
        last_error: null,
        created_at: now,
        finished_at: null,
      })
      .execute()
    return id
  },

  /**
   * Claims the next due job in one statement: `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED)` on
   * PostgreSQL, so concurrent workers skip each other's row; on SQLite the single writer makes the same
   * `UPDATE … RETURNING` atomic.
   */
  claim: async (db: Db, caps: DialectCapabilities, queue: string, workerId: string, now: string) => {
    let next = db
      .selectFrom('job')
      .select('id')
      .where('queue', '=', queue)
      .where('state', '=', 'pending')
      .where('run_at', '<=', now)
      .orderBy('run_at')
      .orderBy('created_at')
      .limit(1)
    if (caps.supportsSkipLocked) next = next.forUpdate().skipLocked()
    const row = await db
      .updateTable('job')
      .set((eb) => ({
        state: 'running',
        locked_by: workerId,
        locked_at: now,
        heartbeat_at: now,
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', '=', next)
      .where('state', '=', 'pending')
      .returningAll()
      .executeTakeFirst()
    return row ?? null
  },

  /** Refreshes the heartbeat of the worker's jobs; answers the ids it still holds. */
  heartbeat: async (db: Db, ids: string[], workerId: string, now: string): Promise<string[]> => {
    if (ids.length === 0) return []
    const rows = await db
      .updateTable('job')
      .set({ heartbeat_at: now })
      .where('id', 'in', ids)
      .where('locked_by', '=', workerId)
      .where('state', '=', 'running')
      .returning('id')
      .execute()
    return rows.map((r) => r.id)
  },

  /** Ends a job the worker holds; false when it no longer holds it (the reaper took it). */
  complete: async (db: Db, id: string, workerId: string, state: JobEnd, now: string, error?: string) => {
    const result = await db
      .updateTable('job')
      .set({ state, finished_at: now, locked_by: null, heartbeat_at: now, last_error: error ?? null })
      .where('id', '=', id)
      .where('locked_by', '=', workerId)
      .where('state', '=', 'running')
      .executeTakeFirst()
    return Number(result.numUpdatedRows) > 0
  },

  /** Puts a held job back for a later attempt (`countAttempt` false on shutdown: the try did not count). */
  release: async (
    db: Db,
    id: string,
    workerId: string,
    runAt: string,
    error: string | null,
    countAttempt: boolean,
  ) => {
    const result = await db
      .updateTable('job')
      .set((eb) => ({
        state: 'pending',
        locked_by: null,
        locked_at: null,
        run_at: runAt,
        last_error: error,
        ...(countAttempt ? {} : { attempts: eb('attempts', '-', 1) }),
      }))
      .where('id', '=', id)
      .where('locked_by', '=', workerId)
      .where('state', '=', 'running')
      .executeTakeFirst()
    return Number(result.numUpdatedRows) > 0
  },

  /**
   * Recovers the jobs of `queue` whose workers stopped heartbeating before `cutoff` (never the caller's own): those
   * with attempts left go back to pending, the others fail. Answers both sets. A worker reaps its own queue only:
   * another queue's workers in the same process heartbeat on their own schedule, and must not lose a live job.
   */
  reap: async (db: Db, queue: string, workerId: string, cutoff: string, now: string) => {
    const stale = () =>
      db
        .updateTable('job')
        .where('queue', '=', queue)
        .where('state', '=', 'running')
        .where('heartbeat_at', '<', cutoff)
        .where('locked_by', '<>', workerId)
    const exhausted = await stale()
      .set({
        state: 'failed',
        locked_by: null,
        finished_at: now,
        last_error: 'the worker stopped heartbeating',
      })
      .whereRef('attempts', '>=', 'max_attempts')
      .returningAll()
      .execute()
    const requeued = await stale()
      .set({
        state: 'pending',
        locked_by: null,
        locked_at: null,
        run_at: now,
        last_error: 'the worker stopped heartbeating',
      })
      .returningAll()
      .execute()
    return { exhausted, requeued }
  },

  /** Cancels the pending jobs about `subject`; answers whether one was pending. */
  cancelPending: async (db: Db, subject: string, now: string): Promise<boolean> => {
    const result = await db
      .updateTable('job')
      .set({ state: 'cancelled', finished_at: now })
      .where('subject', '=', subject)
      .where('state', '=', 'pending')
      .executeTakeFirst()
    return Number(result.numUpdatedRows) > 0
  },

  bySubject: (db: Db, subject: string) =>
    db.selectFrom('job').selectAll().where('subject', '=', subject).orderBy('created_at').execute(),
}

/** Exponential backoff with jitter for transient failures: 1 s, 2 s, 4 s … at most 60 s. */
export function backoffMs(
  attempt: number,
  baseMs = 1000,
  maxMs = 60_000,
  random: () => number = Math.random,
): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(exp / 2 + (random() * exp) / 2)
}
