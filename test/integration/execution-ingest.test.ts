import { beforeAll, describe, expect, it } from 'vitest'
import { ExecutionService } from '../../src/services/execution.service.js'
import { describeEachDialect } from '../helpers/test-env.js'
import { createSource, type Json } from '../helpers/import-sources.js'
import {
  SEED_CHUNK,
  seedSource,
  sourceUrl,
  startExecution,
  waitForEnd,
  withWorker,
} from '../helpers/executions.js'

const drives = (...ids: string[]) => ({
  hardDrives: ids.map((id) => ({ id, label: `label ${id}`, files: [] })),
})
const created = (status: Json) =>
  Object.values(status.progressResult.objectTypeResultMap as Record<string, Json>).reduce(
    (n, t) => n + (t.objectsCreated as number),
    0,
  )

describeEachDialect('execution: ingesting chunks', (env) => {
  withWorker(env)
  let source: Json
  const start = () => startExecution(env(), source.id)

  beforeAll(async () => {
    source = await seedSource(env())
  })

  describe('completion styles of the reference §1.9', () => {
    it('last data chunk carries completed: true', async () => {
      const e = await start()
      await env().call('POST', e.links.submitResults, {
        body: { data: drives('c1a'), clientGeneratedId: '1' },
      })
      await env().call('POST', e.links.submitResults, {
        body: { data: drives('c1b'), clientGeneratedId: '2', completed: true },
      })
      const status = await waitForEnd(env(), e.links.getExecutionStatus)
      expect([status.status, status.progressResult.totalNumberEntriesInImport]).toEqual(['DONE', 2])
    })

    it('a separate {"completed": true} after data chunks without completed', async () => {
      const e = await start()
      await env().call('POST', e.links.submitResults, { body: { data: drives('c2a') } })
      await env().call('POST', e.links.submitResults, { body: { data: drives('c2b') } })
      expect((await env().call('GET', e.links.getExecutionStatus)).body.status).toBe('INGESTING')
      expect((await env().call('POST', e.links.submitResults, { body: { completed: true } })).status).toBe(
        200,
      )
      const status = await waitForEnd(env(), e.links.getExecutionStatus)
      expect([status.status, created(status)]).toEqual(['DONE', 2])
    })

    it('POST history/completed without a body', async () => {
      const e = await start()
      await env().call('POST', e.links.submitResults, { body: { data: drives('c3a') } })
      const done = await env().call('POST', `${e.links.cancel}/history/completed`)
      expect(done.status).toBe(204)
      const status = await waitForEnd(env(), e.links.getExecutionStatus)
      expect([status.status, created(status)]).toEqual(['DONE', 1])
    })
  })

  describe('clientGeneratedId', () => {
    it('accepts a re-sent chunk (same id and body) once', async () => {
      const e = await start()
      const chunk = { data: drives('r1', 'r2'), clientGeneratedId: 'batch-0-2' }
      expect((await env().call('POST', e.links.submitResults, { body: chunk })).status).toBe(200)
      expect((await env().call('POST', e.links.submitResults, { body: chunk })).status).toBe(200)
      const chunks = await env().call('GET', `${e.links.cancel}/data`)
      expect(chunks.body.total).toBe(1)
      await env().call('POST', e.links.submitResults, { body: { completed: true } })
      const status = await waitForEnd(env(), e.links.getExecutionStatus)
      expect(status.progressResult.totalNumberEntriesInImport).toBe(2)
    })

    it('refuses the same id with a different body: 409 CHUNK_ID_CONFLICT, the first chunk stays', async () => {
      const e = await start()
      await env().call('POST', e.links.submitResults, {
        body: { data: drives('k1'), clientGeneratedId: 'x' },
      })
      const res = await env().call('POST', e.links.submitResults, {
        body: { data: drives('k2'), clientGeneratedId: 'x' },
      })
      expect([res.status, res.body.error.code]).toEqual([409, 'CHUNK_ID_CONFLICT'])
      const chunks = await env().call('GET', `${e.links.cancel}/data`)
      expect(chunks.body.values.map((c: Json) => c.data.hardDrives[0].id)).toEqual(['k1'])
      await env().call('DELETE', e.links.cancel)
    })

    it('stores the data as sent, and takes a re-sent chunk with other spacing or escapes as the same chunk', async () => {
      const e = await start()
      const spaced = `{ "clientGeneratedId": "s", "data" : {\n  "hardDrives": [ { "id": "s1", "label": "Ger\\u00e4t {\\"1\\"}", "files": [ ] } ]\n} }`
      expect((await env().call('POST', e.links.submitResults, { body: spaced })).status).toBe(200)
      const compact = { clientGeneratedId: 's', data: JSON.parse(spaced).data }
      expect((await env().call('POST', e.links.submitResults, { body: compact })).status).toBe(200)
      const other = { clientGeneratedId: 's', data: drives('s2') }
      const res = await env().call('POST', e.links.submitResults, { body: other })
      expect([res.status, res.body.error.code]).toEqual([409, 'CHUNK_ID_CONFLICT'])
      const completing = { ...compact, completed: true }
      const again = await env().call('POST', e.links.submitResults, { body: completing })
      expect([again.status, again.body.error.code]).toEqual([409, 'CHUNK_ID_CONFLICT'])
      const chunks = await env().call('GET', `${e.links.cancel}/data`)
      expect(chunks.body.values.map((c: Json) => c.data)).toEqual([JSON.parse(spaced).data])
      await env().call('POST', e.links.submitResults, { body: { completed: true } })
      const status = await waitForEnd(env(), e.links.getExecutionStatus)
      expect([status.status, created(status)]).toEqual(['DONE', 1])
    })
  })

  describe('a compact chunk, whose data is checked without being parsed', () => {
    it('refuses malformed data with 400 MALFORMED_BODY and stores nothing', async () => {
      const e = await start()
      for (const body of [
        '{"data":{"hardDrives":[{"id":"m1","files":[],}]}}',
        '{"data":{"hardDrives":[{"id":"m1","size":01}]}}',
        '{"data":{"hardDrives":[{"id":"m1" "files":[]}]}}',
        '{"data":{"hardDrives":[{"id":"m1"}]}',
        '{"data":{"hardDrives":[{"__proto__":{"polluted":true}}]}}',
      ]) {
        const res = await env().call('POST', e.links.submitResults, { body })
        expect([res.status, res.body.error.code], body).toEqual([400, 'MALFORMED_BODY'])
      }
      const chunks = await env().call('GET', `${e.links.cancel}/data`)
      expect(chunks.body.values).toEqual([])
      await env().call('DELETE', e.links.cancel)
    })

    it('refuses a root Intake reserves with 400 CHUNK_DATA_INVALID naming it', async () => {
      const e = await start()
      const res = await env().call('POST', e.links.submitResults, {
        body: '{"data":{"hardDrives":[],"intake.objects:x":[]}}',
      })
      expect([res.status, res.body.error.code]).toEqual([400, 'CHUNK_DATA_INVALID'])
      expect(res.body.message).toContain('body.data.intake.objects:x')
      await env().call('DELETE', e.links.cancel)
    })

    it('stores the data as sent and imports it', async () => {
      const e = await start()
      const body = `{"clientGeneratedId":"c","data":${JSON.stringify(drives('c1', 'c2'))},"completed":true}`
      expect((await env().call('POST', e.links.submitResults, { body })).status).toBe(200)
      expect((await env().call('POST', e.links.submitResults, { body })).status).toBe(200)
      const chunks = await env().call('GET', `${e.links.cancel}/data`)
      expect(chunks.body.values.map((c: Json) => c.data)).toEqual([drives('c1', 'c2')])
      const status = await waitForEnd(env(), e.links.getExecutionStatus)
      expect([status.status, created(status)]).toEqual(['DONE', 2])
    })
  })

  it('answers 400 CHUNK_DATA_INVALID naming body.data when data is not an object', async () => {
    const e = await start()
    for (const data of [[1, 2], 'text', null, 42]) {
      const res = await env().call('POST', e.links.submitResults, { body: { data } })
      expect([res.status, res.body.error.code], JSON.stringify(data)).toEqual([400, 'CHUNK_DATA_INVALID'])
      expect(res.body.message).toContain('body.data')
    }
    await env().call('DELETE', e.links.cancel)
  })

  describe('409 when an execution cannot start', () => {
    it('IN_PROGRESS while another execution ingests, with result and errorCode at the top level', async () => {
      const e = await start()
      const res = await env().call('POST', `${sourceUrl(env(), source.id)}/executions`, {
        body: { scheduled: true },
      })
      expect(res.status).toBe(409)
      expect(res.body).toMatchObject({
        result: 'error',
        errorCode: 'IN_PROGRESS',
        error: { code: 'EXECUTION_IN_PROGRESS' },
      })
      await env().call('DELETE', e.links.cancel)
    })

    it('MISSING_MAPPING for a source without a mapping', async () => {
      const bare = await createSource(env())
      const res = await env().call('POST', `${sourceUrl(env(), bare.id)}/executions`)
      expect(res.status).toBe(409)
      expect(res.body).toMatchObject({ result: 'error', errorCode: 'MISSING_MAPPING' })
    })

    it('DISABLED for a disabled source', async () => {
      await env().call('PATCH', sourceUrl(env(), source.id), { body: { enabled: false } })
      const res = await env().call('POST', `${sourceUrl(env(), source.id)}/executions`, { body: {} })
      await env().call('PATCH', sourceUrl(env(), source.id), { body: { enabled: true } })
      expect(res.status).toBe(409)
      expect(res.body).toMatchObject({ result: 'error', errorCode: 'DISABLED' })
    })
  })

  it('accepts an empty body with a JSON content type and records the scheduled flag', async () => {
    const res = await env().call('POST', `${sourceUrl(env(), source.id)}/executions`, {
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(200)
    await env().call('DELETE', res.body.links.cancel)
    const scheduled = await startExecution(env(), source.id, { scheduled: true })
    const one = await env().call('GET', scheduled.links.cancel)
    expect(one.body.scheduled).toBe(true)
    await env().call('DELETE', scheduled.links.cancel)
  })

  describe('while an execution ingests', () => {
    it('configstatus is RUNNING with the status and cancel links; DELETE of the source is 409', async () => {
      const e = await start()
      const config = await env().call('GET', `${sourceUrl(env(), source.id)}/configstatus`)
      expect(config.body).toEqual({
        status: 'RUNNING',
        links: { getExecutionStatus: e.links.getExecutionStatus, cancel: e.links.cancel },
      })
      const del = await env().call('DELETE', sourceUrl(env(), source.id))
      expect([del.status, del.body.error.code]).toEqual([409, 'IMPORT_SOURCE_RUNNING'])
      await env().call('DELETE', e.links.cancel)
      expect((await env().call('GET', `${sourceUrl(env(), source.id)}/configstatus`)).body).toEqual({
        status: 'IDLE',
      })
    })

    it('stores the client progress and shows it in the status and the progress resource', async () => {
      const e = await start()
      const progress = {
        steps: { total: 3, current: 2, description: 'Gathering data' },
        objects: { total: 500, processed: 125 },
      }
      expect((await env().call('PUT', e.links.submitProgress, { body: progress })).status).toBe(200)
      const status = await env().call('GET', e.links.getExecutionStatus)
      expect(status.body).toMatchObject({ status: 'INGESTING', progressResult: { clientProgress: progress } })
      const resource = await env().call('GET', e.links.submitProgress)
      expect(resource.body).toMatchObject({
        status: 'IN_PROGRESS',
        stepDescription: 'Gathering data',
        currentWorkUnits: 125,
        totalWorkUnits: 500,
      })
      await env().call('DELETE', e.links.cancel)
    })
  })

  it('cancel while ingesting ends CANCELLED, writes nothing and refuses more data; a second cancel is 409', async () => {
    const e = await start()
    await env().call('POST', e.links.submitResults, { body: { data: drives('never') } })
    expect((await env().call('DELETE', `${e.links.cancel}/cancel`)).status).toBe(200)
    expect((await env().call('GET', e.links.getExecutionStatus)).body.status).toBe('CANCELLED')
    const more = await env().call('POST', e.links.submitResults, { body: { data: drives('late') } })
    expect([more.status, more.body.error.code]).toEqual([409, 'EXECUTION_NOT_INGESTING'])
    const again = await env().call('DELETE', e.links.cancel)
    expect([again.status, again.body.error.code]).toEqual([409, 'EXECUTION_NOT_ACTIVE'])
    const found = await env()
      .booted.services.store.db.selectFrom('object')
      .select('id')
      .where('label', '=', 'never')
      .execute()
    expect(found).toEqual([])
  })

  describe('history/failed', () => {
    it('ends an ingesting execution FAILED with the reason', async () => {
      const e = await start()
      const res = await env().call('POST', `${e.links.cancel}/history/failed`, {
        body: { failureReason: 'Failed to fetch data from third-party API: Connection timeout' },
      })
      expect(res.status).toBe(204)
      const status = await env().call('GET', e.links.getExecutionStatus)
      expect(status.body).toMatchObject({
        status: 'FAILED',
        progressResult: {
          result: 'FAILED',
          errorMessages: 'Failed to fetch data from third-party API: Connection timeout',
        },
      })
    })

    it('refuses a reason over 1024 characters with 400, and any report once completion was signalled', async () => {
      const e = await start()
      const long = await env().call('POST', `${e.links.cancel}/history/failed`, {
        body: { failureReason: 'x'.repeat(1025) },
      })
      expect([long.status, long.body.error.code]).toEqual([400, 'FAILURE_REASON_INVALID'])
      await env().call('POST', e.links.submitResults, { body: { ...SEED_CHUNK, clientGeneratedId: 'f' } })
      const late = await env().call('POST', `${e.links.cancel}/history/failed`, {
        body: { failureReason: 'too late' },
      })
      expect([late.status, late.body.error.code]).toEqual([400, 'FAILURE_HISTORY_NOT_ALLOWED'])
      expect((await waitForEnd(env(), e.links.getExecutionStatus)).status).toBe('DONE')
    })
  })

  it('refuses a chunk that would take the execution over its total limit (413 EXECUTION_TOO_LARGE)', async () => {
    const { services } = env().booted
    const small = new ExecutionService(services.store, services.importSources, services.runs, {
      maxExecutionBytes: 60,
      chunkRetentionDays: 7,
    })
    const e = await small.start(env().workspaceId, source.id)
    await small.submit(env().workspaceId, source.id, e.id, { data: drives('a') })
    await expect(
      small.submit(env().workspaceId, source.id, e.id, { data: drives('b') }),
    ).rejects.toMatchObject({
      code: 'EXECUTION_TOO_LARGE',
      status: 413,
    })
    expect((await small.get(env().workspaceId, source.id, e.id)).chunkCount).toBe(1)
    await small.cancel(env().workspaceId, source.id, e.id)
  })

  it('answers the entry problems of an execution, paged', async () => {
    const e = await start()
    await env().call('POST', e.links.submitResults, {
      body: {
        data: { hardDrives: [{ id: 'p1', label: 'p1', files: [{ path: '/p', size: 'not a number' }] }] },
        completed: true,
      },
    })
    await waitForEnd(env(), e.links.getExecutionStatus)
    const problems = await env().call('GET', `${e.links.cancel}/problems?maxResults=10`)
    expect(problems.status).toBe(200)
    expect(problems.body.total).toBeGreaterThan(0)
    expect(problems.body.values[0]).toMatchObject({
      location: expect.stringContaining('hardDrives[0].files[0]'),
    })
  })
})
