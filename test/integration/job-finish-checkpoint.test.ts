import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { jobQueue } from '../../src/jobs/job-queue.js'
import { jobFinisher } from '../../src/services/execution-job.js'
import { createStore, type Store } from '../../src/store/create-store.js'
import { migrateToLatest } from '../../src/store/migrate.js'
import type { Checkpointer } from '../../src/store/sqlite-checkpointer.js'
import { createTestDatabase, dialects, type TestDatabase } from '../helpers/test-env.js'

const NOW = '2026-12-08T00:00:00.000Z'
const ctx = { workerId: 'worker-1', shutdown: new AbortController().signal }

/** A background checkpoint that never runs: whatever the WAL holds stays there unless a commit checkpoints it. */
const idleCheckpointer = (): Checkpointer => ({
  request: () => undefined,
  settled: async () => undefined,
  close: async () => undefined,
})

/** A background checkpoint that copies nothing and runs, once asked, until `finish()`. */
function heldCheckpointer() {
  let running: Promise<void> | null = null
  let end = (): void => undefined
  const checkpointer: Checkpointer = {
    request: () => {
      running ??= new Promise<void>((resolve) => (end = resolve))
    },
    settled: () => running ?? Promise.resolve(),
    close: async () => undefined,
  }
  return { checkpointer, finish: () => end() }
}

/** A job of the execution queue, claimed by `ctx`'s worker, as the processor holds it when it finishes. */
async function claimedJob(store: Store) {
  await jobQueue.enqueue(
    store.db,
    {
      queue: 'executions',
      kind: 'process-execution',
      subject: 'no-such-execution',
      payload: null,
      runAt: NOW,
    },
    NOW,
  )
  const job = await jobQueue.claim(store.db, store.caps, 'executions', ctx.workerId, NOW)
  expect(job).toBeDefined()
  return job!
}

for (const dialect of dialects()) {
  describe(`${dialect}: a job's finish after an import`, () => {
    let database: TestDatabase
    let api: Store
    let engine: Store
    let file = ''
    const background = heldCheckpointer()

    beforeAll(async () => {
      database = await createTestDatabase(dialect)
      const config = loadConfig(database.env).database
      // The API's connection and the engine's, as `serve` opens them (on SQLite two connections to one file).
      api = createStore(config, { role: 'api', checkpointer: idleCheckpointer })
      engine = createStore(config, { checkpointer: () => background.checkpointer })
      await migrateToLatest(api)
      if (dialect === 'sqlite') file = config.url
    })

    afterAll(async () => {
      await engine.close()
      await api.close()
      await database.drop()
    })

    it('ends the job in the API store', async () => {
      const job = await claimedJob(api)
      await jobFinisher(api.db, () => new Date(NOW))(job, ctx, 'done', { status: 'DONE' })
      const row = await api.db
        .selectFrom('job')
        .select(['state', 'locked_by'])
        .where('id', '=', job.id)
        .executeTakeFirst()
      expect(row).toEqual({ state: 'done', locked_by: null })
    })

    if (dialect === 'sqlite') {
      it('copies none of an import into the database file on the API connection while its checkpoint thread runs: not in the finish, not in the next write', async () => {
        expect(path.isAbsolute(file)).toBe(true)
        const job = await claimedJob(api)
        await sql`pragma wal_checkpoint(truncate)`.execute(api.db)
        // An import's commit: more pages in the WAL than the API connection's automatic checkpoint allows (10,000).
        await engine.bulkTransaction(async ({ db }) => {
          await sql`create table bulk_pages (x blob)`.execute(db)
          await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < 11000)
            insert into bulk_pages select randomblob(4000) from n`.execute(db)
        })
        const before = fs.statSync(file).size
        expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(11_000 * 4096)

        // The job's finish, then another write of the API (a token's last use, a chunk), before the thread is done.
        await jobFinisher(api.db, () => new Date(NOW))(job, ctx, 'done', { status: 'DONE' })
        await sql`update job set last_error = 'x' where id = ${job.id}`.execute(api.db)

        // Their commits would each have run SQLite's automatic checkpoint, on the event loop: the file grew by every
        // page of the import in the first.
        expect(fs.statSync(file).size).toBe(before)
        const row = await api.db.selectFrom('job').select('state').where('id', '=', job.id).executeTakeFirst()
        expect(row?.state).toBe('done')
        const autoCheckpoint = async (store: Store) =>
          (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db)).rows[0]!
            .wal_autocheckpoint
        expect(await autoCheckpoint(api)).toBe(0)
        expect(await autoCheckpoint(engine)).toBe(0)
        // Once the thread is done, each connection checkpoints its own writes as before.
        background.finish()
        await background.checkpointer.settled()
        await new Promise((resolve) => setImmediate(resolve))
        expect(await autoCheckpoint(api)).toBe(10_000)
        expect(await autoCheckpoint(engine)).toBe(1_000)
      }, 60_000)
    }
  })
}
