import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { DatabaseBusyError } from '../../src/domain/errors.js'
import { startExecutionWorker } from '../../src/jobs/execution-worker.js'
import { jobQueue } from '../../src/jobs/job-queue.js'
import { Worker } from '../../src/jobs/worker.js'
import { createStore, type Store } from '../../src/store/create-store.js'
import { describeEachDialect } from '../helpers/test-env.js'
import { createSource, mappingFixture, submitMapping, type Json } from '../helpers/import-sources.js'
import { ensureSeedStatuses, FAST, SEED_CHUNK, startExecution, waitForEnd } from '../helpers/executions.js'

const now = () => new Date().toISOString()
const until = async (check: () => Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describeEachDialect('job queue and worker', (env) => {
  const db = () => env().booted.services.store.db
  const jobs = (queue: string) => db().selectFrom('job').selectAll().where('queue', '=', queue).execute()

  it('two workers racing for many jobs run each exactly once', async () => {
    const queue = `race-${randomUUID()}`
    for (let i = 0; i < 120; i++)
      await jobQueue.enqueue(db(), { queue, kind: 't', payload: { i }, runAt: now() }, now())
    const runs: string[] = []
    const stores: Store[] = [createStore(env().config.database), createStore(env().config.database)]
    const workers = stores.map(
      (store) =>
        new Worker({
          store,
          queue,
          concurrency: 3,
          pollMs: 5,
          handlers: {
            t: async (job, ctx) => {
              runs.push(job.id)
              await new Promise((r) => setTimeout(r, 1))
              await jobQueue.complete(store.db, job.id, ctx.workerId, 'done', now())
            },
          },
        }),
    )
    for (const w of workers) w.start()
    await until(async () => (await jobs(queue)).every((j) => j.state === 'done'))
    for (const w of workers) await w.stop()
    for (const s of stores) await s.close()
    expect(runs.length).toBe(120)
    expect(new Set(runs).size).toBe(120)
    expect((await jobs(queue)).every((j) => j.attempts === 1)).toBe(true)
  })

  it('retries a transient failure (DATABASE_BUSY) later with backoff, then succeeds', async () => {
    const queue = `retry-${randomUUID()}`
    await jobQueue.enqueue(db(), { queue, kind: 't', payload: null, runAt: now() }, now())
    let calls = 0
    const worker = new Worker({
      store: env().booted.services.store,
      queue,
      pollMs: 5,
      handlers: {
        t: async (job, ctx) => {
          if (++calls === 1) throw DatabaseBusyError({})
          await jobQueue.complete(db(), job.id, ctx.workerId, 'done', now())
        },
      },
    })
    worker.start()
    await until(async () => (await jobs(queue))[0]!.state === 'pending' && calls === 1)
    const [waiting] = await jobs(queue)
    expect(waiting).toMatchObject({ attempts: 1, last_error: expect.stringContaining('busy') })
    expect(waiting!.run_at > now()).toBe(true)
    await db().updateTable('job').set({ run_at: now() }).where('queue', '=', queue).execute()
    worker.wake()
    await until(async () => (await jobs(queue))[0]!.state === 'done')
    await worker.stop()
    expect(calls).toBe(2)
  })

  describe('executions', () => {
    let n = 0
    /** A source with its own copy of the seed mapping (externalIds are unique per workspace). */
    const freshSource = async (): Promise<Json> => {
      await ensureSeedStatuses(env())
      const source = await createSource(env())
      const tag = `q${++n}-${randomUUID().slice(0, 6)}`
      const doc = JSON.parse(
        JSON.stringify(mappingFixture('seed-put.json')).replace(
          /object-type(-attribute)?\//g,
          (m) => `${m}${tag}/`,
        ),
      ) as Json
      doc.schema.objectSchema.name = `Queue ${tag}`
      await submitMapping(env(), source.id, doc)
      return source
    }
    const completed = async (source: Json) => {
      const e = await startExecution(env(), source.id)
      expect((await env().call('POST', e.links.submitResults, { body: SEED_CHUNK })).status).toBe(200)
      return e
    }

    it('several workers process many executions, each exactly once', async () => {
      const started = []
      for (let i = 0; i < 8; i++) started.push(await completed(await freshSource()))
      const workers = [1, 2, 3].map(() => startExecutionWorker(env().booted.services, FAST))
      const statuses = await Promise.all(started.map((e) => waitForEnd(env(), e.links.getExecutionStatus)))
      for (const w of workers) await w.stop()
      for (const s of statuses) {
        expect(s.status).toBe('DONE')
        const created = Object.values(s.progressResult.objectTypeResultMap as Record<string, Json>).map(
          (t) => t.objectsCreated,
        )
        expect(created).toEqual([1, 1])
      }
      const rows = await db().selectFrom('job').selectAll().where('queue', '=', 'executions').execute()
      for (const s of statuses) {
        const mine = rows.filter((j) => j.subject === s.executionId)
        expect(mine.map((j) => [j.state, j.attempts])).toEqual([['done', 1]])
      }
    })

    it('the reaper returns the job of a worker that stopped heartbeating, and the execution ends DONE', async () => {
      const source = await freshSource()
      const e = await completed(source)
      const old = new Date(Date.now() - 3_600_000).toISOString()
      await db()
        .updateTable('job')
        .set({ state: 'running', locked_by: 'dead-worker', heartbeat_at: old, attempts: 1 })
        .where('subject', '=', e.executionId)
        .execute()
      // A starting worker reaps at once: the dead worker's job is stale.
      const running = startExecutionWorker(env().booted.services, FAST)
      const status = await waitForEnd(env(), e.links.getExecutionStatus)
      await running.stop()
      expect(status.status).toBe('DONE')
      const [job] = await jobQueue.bySubject(db(), e.executionId)
      expect(job).toMatchObject({ state: 'done', attempts: 2 })
    })

    it('fails the execution with a reason when its job has used up its attempts', async () => {
      const source = await freshSource()
      const e = await completed(source)
      const old = new Date(Date.now() - 3_600_000).toISOString()
      await db()
        .updateTable('job')
        .set({ state: 'running', locked_by: 'dead-worker', heartbeat_at: old, attempts: 3 })
        .where('subject', '=', e.executionId)
        .execute()
      const running = startExecutionWorker(env().booted.services, FAST)
      const status = await (async () => {
        for (;;) {
          const res = await env().call('GET', e.links.getExecutionStatus)
          if (res.body.status !== 'PROCESSING') return res
          await new Promise((r) => setTimeout(r, 20))
        }
      })()
      await running.stop()
      const [job] = await jobQueue.bySubject(db(), e.executionId)
      expect(job).toMatchObject({ state: 'failed', attempts: 3 })
      expect(status.body).toMatchObject({
        status: 'FAILED',
        progressResult: { errorMessages: expect.stringContaining('stopped') },
      })
    })

    it('purges the chunk payloads of executions finished longer ago than the retention; results stay', async () => {
      const source = await freshSource()
      const e = await completed(source)
      const running = startExecutionWorker(env().booted.services, FAST)
      await waitForEnd(env(), e.links.getExecutionStatus)
      await running.stop()
      await db()
        .updateTable('execution')
        .set({ finished_at: new Date(Date.now() - 8 * 86_400_000).toISOString() })
        .where('id', '=', e.executionId)
        .execute()
      expect(await env().booted.services.executions.purgeFinishedChunks()).toBeGreaterThanOrEqual(1)
      const chunks = await env().call('GET', `${e.links.cancel}/data`)
      expect(chunks.body.values).toMatchObject([{ seq: 1, clientGeneratedId: 'a-unique-id', data: null }])
      expect(
        (await env().call('GET', e.links.getExecutionStatus)).body.progressResult.objectTypeResultMap,
      ).toBeDefined()
    })
  })
})
