import { afterAll, expect, it } from 'vitest'
import { startExecutionWorker, type ExecutionWorker } from '../../src/jobs/execution-worker.js'
import { FAST, sourceUrl } from '../helpers/executions.js'
import {
  createFileSource,
  generateAndPutMapping,
  hostsCsv,
  putFile,
  waitForStatus,
} from '../helpers/file-imports.js'
import type { Json } from '../helpers/import-sources.js'
import { createSchedule, inSeconds, mappedExternalSource } from '../helpers/schedules.js'
import { ADMIN_TOKEN, describeEachDialect, type TestEnv } from '../helpers/test-env.js'

const COLUMNS = [
  'mode',
  'can_run_imports',
  'import_status_url',
  'import_create_url',
  'progress',
  'last_success_time',
  'last_status',
  'last_import_time',
  'last_import_type',
  'next_import_time',
  'next_import_time_in',
  'next_import_type',
]
const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/

/** GET /api/import_status.json with the seed's `Token:` header. */
async function importStatus(env: TestEnv, query = '', token: string | null = ADMIN_TOKEN) {
  const res = await fetch(`${env.baseUrl}/api/import_status.json${query}`, {
    headers: { accept: 'application/json', 'accept-language': 'en-US', ...(token && { token }) },
  })
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json }
}

async function csvSource(env: TestEnv, withMapping = true): Promise<Json> {
  const source = await createFileSource(env, 'csv')
  const put = await putFile(env, source.id, hostsCsv(4), { 'content-type': 'text/csv' }, '?name=h.csv')
  expect(put.status).toBe(200)
  if (withMapping) await generateAndPutMapping(env, source.id)
  return source
}

describeEachDialect('import_status.json (seed 003)', (env) => {
  let worker: ExecutionWorker | undefined
  afterAll(async () => worker?.stop())

  it('answers every column of the seed before any import, mode none, with the Token header or Bearer', async () => {
    const res = await importStatus(env())
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.headers.get('content-type')).toContain('application/json')
    expect(res.headers.get('content-language')).toBe('en-US')
    expect(Object.keys(res.body).sort()).toEqual([...COLUMNS].sort())
    expect(res.body).toEqual({
      mode: 'none',
      can_run_imports: true,
      import_status_url: `${env().baseUrl}/api/import_status.json`,
      import_create_url: `${env().api}/importsource`,
      progress: 0,
      last_success_time: null,
      last_status: null,
      last_import_time: null,
      last_import_type: null,
      next_import_time: null,
      next_import_time_in: null,
      next_import_type: null,
    })
    const bearer = await env().call('GET', '/api/import_status.json')
    expect(bearer.status).toBe(200)
    expect(bearer.body.mode).toBe('none')
  })

  it('answers errors in the standard JSON error shape: 401, 403, 400 and 409', async () => {
    const anonymous = await importStatus(env(), '', null)
    expect(anonymous.status).toBe(401)
    expect(anonymous.body).toMatchObject({ code: 401, error: { code: 'AUTH_REQUIRED' } })
    expect(anonymous.body.message).toEqual(expect.any(String))

    const { token } = await env().booted.services.tokens.createWorkspaceToken({
      workspaceId: env().workspaceId,
      name: 'reader',
      scopes: ['read:cmdb-object:jira'],
    })
    const reader = await importStatus(env(), '', token)
    expect(reader.status).toBe(200)
    expect(reader.body.can_run_imports).toBe(false)
    const refused = await importStatus(env(), '?run=true', token)
    expect(refused.status).toBe(403)
    expect(refused.body.error.code).toBe('FORBIDDEN')

    const bad = await importStatus(env(), '?run=maybe')
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body.error.details)).toContain('run')

    // An external source is no member of an import run.
    await mappedExternalSource(env())
    const nothing = await importStatus(env(), '?run=true')
    expect(nothing.status).toBe(409)
    expect(nothing.body.error.code).toBe('NOTHING_TO_IMPORT')

    const external = await mappedExternalSource(env())
    const container = await env().call('POST', `${sourceUrl(env(), external.id)}/token`)
    const byContainer = await importStatus(env(), '', container.body.token as string)
    expect(byContainer.status).toBe(403)
  })

  it('?run=true starts every enabled pull source, lists the ones it could not start, and answers running', async () => {
    const ready = await csvSource(env())
    const unmapped = await csvSource(env(), false)
    const disabled = await csvSource(env())
    await env().call('PATCH', sourceUrl(env(), disabled.id), { body: { enabled: false } })

    const res = await importStatus(env(), '?run=true')
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.mode).toBe('running')
    expect(res.body.progress).toBeGreaterThanOrEqual(0)
    expect(res.body.started).toEqual([{ importSourceId: ready.id, executionId: expect.any(String) }])
    expect(res.body.skipped).toEqual([
      { importSourceId: unmapped.id, name: unmapped.name, reason: expect.stringMatching(/mapping/i) },
    ])
    const status = await importStatus(env())
    expect(status.body).toMatchObject({ mode: 'running', last_status: null })

    worker = startExecutionWorker(env().booted.services, FAST)
    const progress = await waitForStatus(env(), res.body.started[0].executionId)
    expect(progress.status).toBe('COMPLETED')
    const after = await importStatus(env())
    expect(after.body).toMatchObject({
      mode: 'idle',
      progress: 100,
      last_status: 'successful',
      last_import_type: 'complete',
      next_import_time: null,
    })
    expect(after.body.last_success_time).toMatch(UTC_SECONDS)
    expect(after.body.last_import_time).toMatch(UTC_SECONDS)
    expect(Date.parse(after.body.last_import_time)).toBeLessThanOrEqual(
      Date.parse(after.body.last_success_time),
    )

    // A schedule of a pull source is the next import.
    const startTime = inSeconds(3600)
    await createSchedule(env(), ready.id, { runFrequency: 'DAILY', startTime, timezone: 'Europe/Paris' })
    const scheduled = await importStatus(env())
    expect(scheduled.body).toMatchObject({
      mode: 'scheduled',
      next_import_time: startTime,
      next_import_type: 'complete',
    })
    expect(scheduled.body.next_import_time_in).toBeGreaterThan(3590)
    expect(scheduled.body.next_import_time_in).toBeLessThanOrEqual(3600)
  })
})
