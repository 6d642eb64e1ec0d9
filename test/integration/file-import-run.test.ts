import fs from 'node:fs'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { startExecutionWorker, type ExecutionWorker } from '../../src/jobs/execution-worker.js'
import { bootstrap, type Bootstrapped } from '../../src/main.js'
import { FAST, withWorker } from '../helpers/executions.js'
import {
  createFileSource,
  FIXTURES,
  generateAndPutMapping,
  hostsCsv,
  objectCount,
  progressUrl,
  putFile,
  startImport,
  waitForStatus,
} from '../helpers/file-imports.js'
import type { Json } from '../helpers/import-sources.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'
import { batchGate } from '../helpers/batch-gate.js'

describeEachDialect('file imports: import/start and the progress resource', (env) => {
  const gate = batchGate()
  withWorker(env, {
    fileImports: { batchSize: 10, beforeBatch: (id, i, signal) => gate.hook(id, i, signal) },
  })
  beforeEach(() => gate.release())

  const sourceWith = async (csv: string, name = 'hosts.csv'): Promise<{ source: Json; schemaId: string }> => {
    const source = await createFileSource(env(), 'csv')
    expect(
      (await putFile(env(), source.id, csv, { 'content-type': 'text/csv' }, `?name=${name}`)).status,
    ).toBe(200)
    await generateAndPutMapping(env(), source.id)
    const back = await env().call('GET', `${env().api}/importsource/${source.id}`)
    return { source, schemaId: back.body.objectSchemaId as string }
  }
  const execution = (e: TestEnv, sourceId: string, id: string, suffix = '') =>
    e.call('GET', `${e.api}/importsource/${sourceId}/executions/${id}${suffix}`)

  it('discovers csv, generates a document that PUT accepts unchanged, and imports to COMPLETED', async () => {
    const source = await createFileSource(env(), 'csv')
    const csv = fs.readFileSync(new URL('csv/basic.csv', FIXTURES))
    expect(
      (await putFile(env(), source.id, csv, { 'content-type': 'text/csv' }, '?name=basic.csv')).status,
    ).toBe(200)
    const found = await env().call('GET', `${env().api}/importsource/${source.id}/discover`)
    expect(found.status, JSON.stringify(found.body)).toBe(200)
    expect(found.body).toMatchObject({ importSourceId: source.id, type: 'csv', file: { name: 'basic.csv' } })
    expect(found.body).not.toHaveProperty('document')
    const fields = found.body.roots[0].fields as Json[]
    expect(fields.map((f) => f.name)).toContain('ip')
    expect(fields.find((f) => f.name === 'id')!.samples.length).toBeGreaterThan(0)

    await generateAndPutMapping(env(), source.id)
    const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body.objectSchemaId
    const started = await startImport(env(), source.id)
    expect(started).toMatchObject({
      category: 'imports',
      numberOfSteps: 6,
      resourceId: started.executionUUID,
      endDate: null,
      actor: expect.stringMatching(/^token:/),
    })
    expect(['PENDING', 'IN_PROGRESS']).toContain(started.status)
    const done = await waitForStatus(env(), started.resourceId)
    expect(done).toMatchObject({ status: 'COMPLETED', currentStep: 6, progressInPercent: 100 })
    expect(done.endDate).not.toBeNull()
    expect(done.totalWorkUnits).toBe(csv.length)
    expect(await objectCount(env(), schemaId)).toBe(3)

    // The run is an execution of the source with the push executions' progressResult.
    const list = await env().call('GET', `${env().api}/importsource/${source.id}/executions`)
    expect(list.body.values[0]).toMatchObject({
      id: started.resourceId,
      status: 'DONE',
      counters: { objectsCreated: 3 },
    })
    const status = await execution(env(), source.id, started.resourceId, '/status')
    expect(status.body.status).toBe('DONE')
    const [typeResult] = Object.values(status.body.progressResult.objectTypeResultMap) as Json[]
    expect(typeResult).toMatchObject({ objectsCreated: 3, entriesInSource: 3 })

    // Again: everything identical.
    const again = await startImport(env(), source.id)
    await waitForStatus(env(), again.resourceId)
    const second = await execution(env(), source.id, again.resourceId)
    expect(second.body.counters).toMatchObject({ objectsCreated: 0, objectsIdentical: 3 })
  })

  it('reports the connector’s row problems in executions/{id}/problems', async () => {
    const { source, schemaId } = await sourceWith(
      fs.readFileSync(new URL('csv/wrong-fields.csv', FIXTURES), 'utf8'),
    )
    const started = await startImport(env(), source.id)
    expect((await waitForStatus(env(), started.resourceId)).status).toBe('COMPLETED')
    const problems = await execution(env(), source.id, started.resourceId, '/problems')
    expect(problems.status).toBe(200)
    expect(problems.body.total).toBe(2)
    expect(problems.body.values.map((p: Json) => p.code)).toEqual(['CSV_ROW_FIELDS', 'CSV_ROW_FIELDS'])
    expect(await objectCount(env(), schemaId)).toBe(3)
  })

  it('pauses without writing anything, resumes from the beginning of the file, and completes', async () => {
    const { source, schemaId } = await sourceWith(hostsCsv(100))
    const reached = gate.holdAt(3)
    const started = await startImport(env(), source.id)
    await reached
    const running = await env().call('GET', progressUrl(env(), started.resourceId))
    expect(running.body).toMatchObject({ status: 'IN_PROGRESS', currentStep: 5 })
    expect(running.body.currentWorkUnits).toBeGreaterThan(0)

    // A second start while this one runs.
    const second = await env().call('POST', `${env().api}/import/start/${source.id}`)
    expect(second.status).toBe(409)
    expect(second.body).toMatchObject({ errorCode: 'IN_PROGRESS', error: { code: 'EXECUTION_IN_PROGRESS' } })

    const paused = await env().call('POST', `${progressUrl(env(), started.resourceId)}/pause`)
    expect(paused.status, JSON.stringify(paused.body)).toBe(200)
    expect(paused.body.status).toBe('PAUSED')
    gate.release()
    expect(await objectCount(env(), schemaId)).toBe(0)
    const config = await env().call('GET', `${env().api}/importsource/${source.id}/configstatus`)
    expect(config.body.status).toBe('RUNNING')
    expect((await env().call('POST', `${env().api}/import/start/${source.id}`)).status).toBe(409)
    const replace = await putFile(env(), source.id, hostsCsv(3), { 'content-type': 'text/csv' })
    expect(replace.status).toBe(409)
    expect(replace.body.error.code).toBe('IMPORT_SOURCE_RUNNING')
    const again = await env().call('POST', `${progressUrl(env(), started.resourceId)}/pause`)
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('IMPORT_TRANSITION_NOT_ALLOWED')

    const resumed = await env().call('POST', `${progressUrl(env(), started.resourceId)}/resume`)
    expect(resumed.status).toBe(200)
    expect(['PENDING', 'IN_PROGRESS', 'COMPLETED']).toContain(resumed.body.status)
    const done = await waitForStatus(env(), started.resourceId)
    expect(done.status).toBe('COMPLETED')
    expect(await objectCount(env(), schemaId)).toBe(100)
    const status = await execution(env(), source.id, started.resourceId, '/status')
    const [typeResult] = Object.values(status.body.progressResult.objectTypeResultMap) as Json[]
    expect(typeResult).toMatchObject({ objectsCreated: 100, entriesInSource: 100 })

    for (const action of ['pause', 'resume', 'cancel']) {
      const res = await env().call('POST', `${progressUrl(env(), started.resourceId)}/${action}`)
      expect(res.status, action).toBe(409)
      expect(res.body.error.code).toBe('IMPORT_TRANSITION_NOT_ALLOWED')
    }
  })

  it('cancels a running import (nothing written) and a paused one', async () => {
    const { source, schemaId } = await sourceWith(hostsCsv(60))
    const reached = gate.holdAt(2)
    const started = await startImport(env(), source.id)
    await reached
    const cancelled = await env().call('POST', `${progressUrl(env(), started.resourceId)}/cancel`)
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200)
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', currentStep: 6 })
    gate.release()
    expect(await objectCount(env(), schemaId)).toBe(0)
    const status = await execution(env(), source.id, started.resourceId, '/status')
    expect(status.body.status).toBe('CANCELLED')

    const reachedAgain = gate.holdAt(1)
    const next = await startImport(env(), source.id)
    await reachedAgain
    expect((await env().call('POST', `${progressUrl(env(), next.resourceId)}/pause`)).body.status).toBe(
      'PAUSED',
    )
    gate.release()
    const end = await env().call('POST', `${progressUrl(env(), next.resourceId)}/cancel`)
    expect(end.body.status).toBe('CANCELLED')
    expect(await objectCount(env(), schemaId)).toBe(0)
    expect((await env().call('GET', `${env().api}/importsource/${source.id}/configstatus`)).body.status).toBe(
      'IDLE',
    )
  })

  it('answers 409 for starts without a mapping or a file, and 404 for unknown progress', async () => {
    const source = await createFileSource(env(), 'csv')
    const noMapping = await env().call('POST', `${env().api}/import/start/${source.id}`)
    expect(noMapping.status).toBe(409)
    expect(noMapping.body.errorCode).toBe('MISSING_MAPPING')
    const unknown = await env().call('GET', progressUrl(env(), '00000000-0000-4000-8000-000000000000'))
    expect(unknown.status).toBe(404)
  })

  it('fails the import when the file became unreadable (step 2)', async () => {
    const { source } = await sourceWith(hostsCsv(5))
    const dir = `${env().config.dataDir}/uploads/${source.id}`
    for (const f of fs.readdirSync(dir)) fs.writeFileSync(`${dir}/${f}`, '')
    const started = await startImport(env(), source.id)
    const end = await waitForStatus(env(), started.resourceId)
    expect(end.status).toBe('FAILED')
    expect(end.currentWorkDescription.length).toBeGreaterThan(0)
  })
})

/**
 * The worker in "another process": its own services (own ExecutionRuns), so pause and cancel reach it only through
 * the database, seen at its next progress tick. PostgreSQL only — on SQLite the engine holds the single write lock
 * and one worker runs in the API's process (docs/executions.md).
 */
describeEachDialect('file imports: pause and cancel of a run in another worker process', (env) => {
  const gate = batchGate()
  let other: Bootstrapped | undefined
  let worker: ExecutionWorker | undefined
  beforeAll(async () => {
    if (env().dialect !== 'postgres') return
    other = await bootstrap(env().config)
    worker = startExecutionWorker(other.services, {
      ...FAST,
      fileImports: { batchSize: 10, beforeBatch: (id, i, signal) => gate.hook(id, i, signal) },
    })
  })
  afterAll(async () => {
    gate.release()
    await worker?.stop()
    await other?.close()
  })

  it('pause, resume and cancel travel through the database', async () => {
    if (env().dialect !== 'postgres') return
    const source = await createFileSource(env(), 'csv')
    await putFile(env(), source.id, hostsCsv(50), { 'content-type': 'text/csv' })
    await generateAndPutMapping(env(), source.id)
    const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body.objectSchemaId
    const url = (id: string, action: string) => `${progressUrl(env(), id)}/${action}`

    let reached = gate.holdAt(2)
    const started = await startImport(env(), source.id)
    await reached
    // The stored progress (the API's process has no run in memory).
    const running = await waitForStatus(env(), started.resourceId, ['IN_PROGRESS'])
    expect(running.currentStep).toBeGreaterThanOrEqual(2)
    const paused = await env().call('POST', url(started.resourceId, 'pause'))
    expect(paused.body.status).toBe('PAUSED')
    // The worker rolls back at its next tick and leaves the execution PAUSED; its job ends.
    await expect
      .poll(async () => (await jobStates(env(), started.resourceId)).at(-1), { timeout: 10_000 })
      .toBe('cancelled')
    expect(await objectCount(env(), schemaId)).toBe(0)
    expect((await env().call('GET', progressUrl(env(), started.resourceId))).body.status).toBe('PAUSED')

    reached = gate.holdAt(3)
    await env().call('POST', url(started.resourceId, 'resume'))
    await reached
    const cancelled = await env().call('POST', url(started.resourceId, 'cancel'))
    expect(cancelled.status).toBe(200)
    const end = await waitForStatus(env(), started.resourceId, ['CANCELLED'], 10_000)
    expect(end.currentStep).toBe(6)
    expect(await objectCount(env(), schemaId)).toBe(0)

    gate.release()
    const again = await startImport(env(), source.id)
    expect((await waitForStatus(env(), again.resourceId)).status).toBe('COMPLETED')
    expect(await objectCount(env(), schemaId)).toBe(50)
  })
})

async function jobStates(env: TestEnv, executionId: string): Promise<string[]> {
  const rows = await env.booted.services.store.db
    .selectFrom('job')
    .select('state')
    .where('subject', '=', executionId)
    .orderBy('created_at')
    .execute()
  return rows.map((r) => r.state)
}

describeEachDialect('file imports: a worker shut down mid-import', (env) => {
  it('rolls back, puts the import back to PENDING, and the next worker imports the whole file', async () => {
    const gate = batchGate()
    const first = startExecutionWorker(env().booted.services, {
      ...FAST,
      fileImports: { batchSize: 10, beforeBatch: (id, i, signal) => gate.hook(id, i, signal) },
    })
    let second: ExecutionWorker | undefined
    let stopped: Promise<void> | undefined
    const stopFirst = () => (stopped ??= first.stop())
    try {
      const source = await createFileSource(env(), 'csv')
      await putFile(env(), source.id, hostsCsv(30), { 'content-type': 'text/csv' })
      await generateAndPutMapping(env(), source.id)
      const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body.objectSchemaId
      const reached = gate.holdAt(2)
      const started = await startImport(env(), source.id)
      await reached
      await stopFirst()
      const queued = await env().call('GET', progressUrl(env(), started.resourceId))
      expect(queued.body).toMatchObject({ status: 'PENDING', currentStep: 1 })
      expect(await objectCount(env(), schemaId)).toBe(0)
      expect(await jobStates(env(), started.resourceId)).toEqual(['pending'])

      second = startExecutionWorker(env().booted.services, FAST)
      expect((await waitForStatus(env(), started.resourceId)).status).toBe('COMPLETED')
      expect(await objectCount(env(), schemaId)).toBe(30)
    } finally {
      gate.release()
      await stopFirst()
      await second?.stop()
    }
  })
})
