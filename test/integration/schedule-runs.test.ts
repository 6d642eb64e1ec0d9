import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { jobQueue } from '../../src/jobs/job-queue.js'
import { RUN_SCHEDULE, SCHEDULE_QUEUE, ScheduleRunner } from '../../src/services/schedule-runs.js'
import { callbackServer } from '../helpers/callback-server.js'
import { sourceUrl, startExecution } from '../helpers/executions.js'
import {
  createFileSource,
  generateAndPutMapping,
  hostsCsv,
  progressUrl,
  putFile,
  startImport,
  waitForStatus,
} from '../helpers/file-imports.js'
import type { Json } from '../helpers/import-sources.js'
import {
  createSchedule,
  inSeconds,
  mappedExternalSource,
  schedulesUrl,
  withBackground,
} from '../helpers/schedules.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'

/** Moves a schedule's next run into the past: it is due now, as if its time had come. */
async function makeDue(env: TestEnv, scheduleId: string, secondsAgo = 5): Promise<string> {
  const dueAt = new Date(Date.now() - secondsAgo * 1000).toISOString()
  await env.booted.services.store.db
    .updateTable('import_schedule')
    .set({ next_run_at: dueAt })
    .where('id', '=', scheduleId)
    .execute()
  return dueAt
}

async function waitForRun(env: TestEnv, sourceId: string, scheduleId: string): Promise<Json> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const res = await env.call('GET', `${schedulesUrl(env, sourceId)}/${scheduleId}/runs`)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    const run = res.body.values[0] as Json | undefined
    if (run && run.outcome !== 'pending') return run
    if (Date.now() > deadline) throw new Error(`run still ${JSON.stringify(run)}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** Holds file imports at their first batch while `hold` is set (the processor's test hook). */
function batchGate() {
  let held: { promise: Promise<void>; release: () => void } | null = null
  return {
    hold(): void {
      let release = () => undefined as void
      const promise = new Promise<void>((r) => (release = r))
      held = { promise, release }
    },
    release(): void {
      held?.release()
      held = null
    },
    hook: async (_id: string, _index: number, signal: AbortSignal): Promise<void> => {
      if (!held) return
      await Promise.race([held.promise, new Promise((r) => signal.addEventListener('abort', r))])
    },
  }
}

describeEachDialect('schedule runs: claimed once, started, called back, skipped', (env) => {
  const gate = batchGate()
  withBackground(env, { fileImports: { batchSize: 2, beforeBatch: gate.hook } })
  afterAll(() => gate.release())
  const hook = callbackServer()
  beforeAll(() => hook.start())
  afterAll(() => hook.stop())
  beforeEach(() => {
    hook.received.length = 0
    hook.answerWith([])
  })
  const services = () => env().booted.services

  const externalSchedule = async (body: Json = {}) => {
    const source = await mappedExternalSource(env())
    const schedule = await createSchedule(env(), source.id, {
      runFrequency: 'DAILY',
      startTime: inSeconds(3600),
      timezone: 'UTC',
      callbackUrl: hook.url(),
      ...body,
    })
    return { source, schedule }
  }

  it('claims a due time once when several schedulers tick at the same moment', async () => {
    const { source, schedule } = await externalSchedule()
    await makeDue(env(), schedule.id)
    const s = services()
    const runners = Array.from(
      { length: 4 },
      () =>
        new ScheduleRunner({
          store: s.store,
          sources: s.importSources,
          fileImports: s.fileImports,
          executions: s.executions,
        }),
    )
    const claimed = await Promise.all(runners.map((r) => r.claimDue()))
    expect(claimed.reduce((a, b) => a + b, 0)).toBe(1)
    const run = await waitForRun(env(), source.id, schedule.id)
    expect(run.outcome).toBe('delivered')
    const rows = await s.store.db
      .selectFrom('schedule_run')
      .select('id')
      .where('schedule_id', '=', schedule.id)
      .execute()
    expect(rows).toHaveLength(1)
    expect(hook.received).toHaveLength(1)
  })

  it('delivers a signed callback with the seed’s body and records the attempt', async () => {
    const { source, schedule } = await externalSchedule()
    const dueAt = await makeDue(env(), schedule.id, 1)
    expect(await services().scheduleRuns.claimDue()).toBe(1)
    const run = await waitForRun(env(), source.id, schedule.id)
    expect(run).toMatchObject({ outcome: 'delivered', catchUp: false, reason: null })
    expect(run.attempts).toHaveLength(1)
    expect(run.attempts[0]).toMatchObject({ attempt: 1, statusCode: 204, error: null })

    const [call] = hook.received
    const body = JSON.parse(call!.raw) as Json
    expect(body).toMatchObject({
      workspaceId: env().workspaceId,
      importsourceId: source.id,
      importScheduleId: schedule.id,
      scheduledTime: dueAt,
    })
    expect(call!.headers['x-intake-timestamp']).toBe(String(body.timestamp))
    const expected = `sha256=${createHmac('sha256', schedule.callbackSecret).update(call!.raw).digest('hex')}`
    expect(call!.headers['x-intake-signature']).toBe(expected)
    expect(createHmac('sha256', 'another secret').update(call!.raw).digest('hex')).not.toBe(expected.slice(7))

    // The importer answers as the seed says: a new execution with {"scheduled": true}.
    const started = await startExecution(env(), source.id, { scheduled: true })
    const list = await env().call('GET', `${sourceUrl(env(), source.id)}/executions`)
    expect(list.body.values.find((e: Json) => e.id === started.executionId)).toMatchObject({
      scheduled: true,
    })
    await env().call('DELETE', `${sourceUrl(env(), source.id)}/executions/${started.executionId}`)
  })

  it('retries a failing callback with backoff, recording each attempt, until it is delivered', async () => {
    hook.answerWith([500, 503])
    const { source, schedule } = await externalSchedule()
    await makeDue(env(), schedule.id)
    await services().scheduleRuns.claimDue()
    const run = await waitForRun(env(), source.id, schedule.id)
    expect(run.outcome).toBe('delivered')
    expect(run.attempts.map((a: Json) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 503],
      [3, 204],
    ])
    expect(run.attempts[0].error).toContain('HTTP 500')
    expect(hook.received).toHaveLength(3)
    // Retries are later, not at once.
    const times = run.attempts.map((a: Json) => Date.parse(a.attemptedAt))
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(900)
  }, 30_000)

  it('records a run that is due while the source is running as skipped, with the reason', async () => {
    const { source, schedule } = await externalSchedule()
    const running = await startExecution(env(), source.id)
    await makeDue(env(), schedule.id)
    await services().scheduleRuns.claimDue()
    const run = await waitForRun(env(), source.id, schedule.id)
    expect(run.outcome).toBe('skipped')
    expect(run.reason).toContain(running.executionId)
    expect(run.attempts).toEqual([])
    expect(hook.received).toHaveLength(0)
    await env().call('DELETE', `${sourceUrl(env(), source.id)}/executions/${running.executionId}`)
  })

  it('runs missed while no scheduler ran once, as the catch-up run, and moves on to the next future time', async () => {
    const { source, schedule } = await externalSchedule({ runFrequency: 'DAILY' })
    // The start was three days and an hour ago: four runs were missed.
    const start = new Date(Date.now() - (3 * 24 + 1) * 3600_000)
    await services()
      .store.db.updateTable('import_schedule')
      .set({ start_time: start.toISOString(), next_run_at: start.toISOString() })
      .where('id', '=', schedule.id)
      .execute()
    expect(await services().scheduleRuns.claimDue()).toBe(1)
    expect(await services().scheduleRuns.claimDue()).toBe(0)
    const run = await waitForRun(env(), source.id, schedule.id)
    expect(run).toMatchObject({ outcome: 'delivered', catchUp: true })
    const after = await env().call('GET', `${schedulesUrl(env(), source.id)}/${schedule.id}`)
    const next = new Date(start.getTime() + 4 * 24 * 3600_000).toISOString()
    expect(after.body.nextScheduledTime).toBe(next.replace(/\.000Z$/, 'Z'))
    expect(hook.received).toHaveLength(1)
  })

  it('with an injected clock days ahead: one catch-up claim for the missed runs, the next run after that clock', async () => {
    const { schedule } = await externalSchedule({ runFrequency: 'WEEKLY', timezone: 'Europe/Berlin' })
    const start = Date.parse(schedule.startTime as string)
    // 22 days and an hour after the start: runs at +0, +7, +14 and +21 days were missed.
    const later = new Date(start + (22 * 24 + 1) * 3600_000)
    const s = services()
    const runner = new ScheduleRunner({
      store: s.store,
      sources: s.importSources,
      fileImports: s.fileImports,
      executions: s.executions,
      clock: () => later,
    })
    // Other tests' schedules fall due under that clock too; this one is claimed once.
    expect(await runner.claimDue()).toBeGreaterThanOrEqual(1)
    expect(await runner.claimDue()).toBe(0)
    const runs = await s.store.db
      .selectFrom('schedule_run')
      .selectAll()
      .where('schedule_id', '=', schedule.id)
      .execute()
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({ catch_up: 1, due_at: new Date(start).toISOString(), outcome: 'pending' })
    const row = await s.store.db
      .selectFrom('import_schedule')
      .selectAll()
      .where('id', '=', schedule.id)
      .executeTakeFirstOrThrow()
    expect(row.next_run_at).toBe(new Date(start + 28 * 24 * 3600_000).toISOString())
    // The claimed jobs wait for their time (the injected clock's): remove them so the suite's worker never sees them.
    await s.store.db
      .deleteFrom('job')
      .where('kind', '=', 'run-schedule')
      .where('run_at', '>', new Date().toISOString())
      .execute()
  })

  it('ends a ONCE schedule after its run', async () => {
    const { source, schedule } = await externalSchedule({ runFrequency: 'ONCE' })
    await makeDue(env(), schedule.id)
    await services().scheduleRuns.claimDue()
    await waitForRun(env(), source.id, schedule.id)
    const after = await env().call('GET', `${schedulesUrl(env(), source.id)}/${schedule.id}`)
    expect(after.body).toMatchObject({ isActive: false, nextScheduledTime: null })
    expect(await services().scheduleRuns.claimDue()).toBe(0)
  })

  const csvSchedule = async () => {
    const source = await createFileSource(env(), 'csv')
    expect(
      (await putFile(env(), source.id, hostsCsv(5), { 'content-type': 'text/csv' }, '?name=h.csv')).status,
    ).toBe(200)
    await generateAndPutMapping(env(), source.id)
    const schedule = await createSchedule(env(), source.id, {
      runFrequency: 'DAILY',
      startTime: inSeconds(3600),
    })
    return { source, schedule }
  }

  it('records a pull run that is due while the source’s import is unfinished as skipped, and starts nothing', async () => {
    const { source, schedule } = await csvSchedule()
    gate.hold()
    const manual = await startImport(env(), source.id)
    await waitForStatus(env(), manual.resourceId, ['IN_PROGRESS'])
    // Paused, the import holds no lock (SQLite has one writer) and still counts as running.
    const paused = await env().call('POST', `${progressUrl(env(), manual.resourceId)}/pause`)
    expect(paused.status, JSON.stringify(paused.body)).toBe(200)
    gate.release()
    await makeDue(env(), schedule.id)
    await services().scheduleRuns.claimDue()
    const run = await waitForRun(env(), source.id, schedule.id)
    expect(run).toMatchObject({ outcome: 'skipped', executionId: null })
    expect(run.reason).toContain(manual.resourceId)
    const list = await env().call('GET', `${sourceUrl(env(), source.id)}/executions`)
    expect(list.body.values).toHaveLength(1)
    await env().call('POST', `${progressUrl(env(), manual.resourceId)}/cancel`)
  })

  it('never starts a second import when a run’s job is carried out again (its worker died)', async () => {
    const { source, schedule } = await csvSchedule()
    await makeDue(env(), schedule.id)
    await services().scheduleRuns.claimDue()
    const run = await waitForRun(env(), source.id, schedule.id)
    expect(run.outcome).toBe('started')
    expect(run.executionId).toBe(run.id)
    await waitForStatus(env(), run.executionId)
    // What the reaper does with the job of a dead worker: the run is pending again and its job queued anew.
    const db = services().store.db
    await db
      .updateTable('schedule_run')
      .set({ outcome: 'pending', execution_id: null })
      .where('id', '=', run.id)
      .execute()
    const now = new Date().toISOString()
    await jobQueue.enqueue(
      db,
      { queue: SCHEDULE_QUEUE, kind: RUN_SCHEDULE, subject: run.id, payload: { runId: run.id }, runAt: now },
      now,
    )
    services().scheduleRuns.onQueued?.()
    const again = await waitForRun(env(), source.id, schedule.id)
    expect(again).toMatchObject({ outcome: 'started', executionId: run.id })
    const list = await env().call('GET', `${sourceUrl(env(), source.id)}/executions`)
    expect(list.body.values).toHaveLength(1)
  })

  it('starts a pull source’s import as import/start does, marked as scheduled', async () => {
    const source = await createFileSource(env(), 'csv')
    expect(
      (await putFile(env(), source.id, hostsCsv(5), { 'content-type': 'text/csv' }, '?name=h.csv')).status,
    ).toBe(200)
    await generateAndPutMapping(env(), source.id)
    const schedule = await createSchedule(env(), source.id, {
      runFrequency: 'WEEKLY',
      startTime: inSeconds(3600),
      timezone: 'Europe/Berlin',
    })
    await makeDue(env(), schedule.id)
    await services().scheduleRuns.claimDue()
    const run = await waitForRun(env(), source.id, schedule.id)
    expect(run.outcome, JSON.stringify(run)).toBe('started')
    const progress = await waitForStatus(env(), run.executionId)
    expect(progress).toMatchObject({ status: 'COMPLETED', actor: `schedule:${schedule.id}` })
    const list = await env().call('GET', `${sourceUrl(env(), source.id)}/executions`)
    expect(list.body.values.find((e: Json) => e.id === run.executionId)).toMatchObject({ scheduled: true })

    // Disabled: the next due run is skipped, with the reason.
    await env().call('PATCH', sourceUrl(env(), source.id), { body: { enabled: false } })
    await makeDue(env(), schedule.id)
    await services().scheduleRuns.claimDue()
    const skipped = await waitForRun(env(), source.id, schedule.id)
    expect(skipped).toMatchObject({ outcome: 'skipped', reason: 'the import source is disabled' })
  })
})
