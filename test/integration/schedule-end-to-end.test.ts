import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startBackground, type Background } from '../../src/main.js'
import { callbackServer, eventually } from '../helpers/callback-server.js'
import { FAST, sourceUrl } from '../helpers/executions.js'
import {
  createFileSource,
  generateAndPutMapping,
  hostsCsv,
  putFile,
  waitForStatus,
} from '../helpers/file-imports.js'
import type { Json } from '../helpers/import-sources.js'
import { createSchedule, inSeconds, mappedExternalSource, schedulesUrl } from '../helpers/schedules.js'
import { ADMIN_TOKEN, describeEachDialect } from '../helpers/test-env.js'

describeEachDialect('schedules end to end: the real scheduler fires a file import and a callback', (env) => {
  const hook = callbackServer()
  let background: Background | undefined
  beforeAll(async () => {
    await hook.start()
    background = startBackground(env().booted.services, { ...FAST, schedulerTickMs: 100 })
  })
  afterAll(async () => {
    await background?.stop()
    await hook.stop()
  })

  it('runs both schedules a few seconds ahead, once each, and import_status.json shows the import', async () => {
    const csv = await createFileSource(env(), 'csv')
    const put = await putFile(env(), csv.id, hostsCsv(12), { 'content-type': 'text/csv' }, '?name=hosts.csv')
    expect(put.status).toBe(200)
    await generateAndPutMapping(env(), csv.id)
    const external = await mappedExternalSource(env())

    const startTime = inSeconds(3)
    const pull = await createSchedule(env(), csv.id, {
      runFrequency: 'ONCE',
      startTime,
      timezone: 'Europe/Berlin',
    })
    const push = await createSchedule(env(), external.id, {
      runFrequency: 'DAILY',
      startTime,
      timezone: 'America/New_York',
      callbackUrl: hook.url(),
    })
    const before = await env().call('GET', '/api/import_status.json')
    expect(before.body).toMatchObject({ mode: 'none', next_import_time: startTime })

    // The callback arrives at the scheduled time, signed with the secret shown at creation.
    const call = await eventually(async () => hook.received[0], 'the callback')
    expect(call.at).toBeGreaterThanOrEqual(Date.parse(startTime))
    const body = JSON.parse(call.raw) as Json
    expect(body).toMatchObject({ workspaceId: env().workspaceId, importsourceId: external.id })
    const signature = createHmac('sha256', push.callbackSecret).update(call.raw).digest('hex')
    expect(call.headers['x-intake-signature']).toBe(`sha256=${signature}`)

    // The file import was started by the scheduler and completes.
    const runs = async (sourceId: string, scheduleId: string) =>
      (await env().call('GET', `${schedulesUrl(env(), sourceId)}/${scheduleId}/runs`)).body.values as Json[]
    const started = await eventually(async () => {
      const [run] = await runs(csv.id, pull.id)
      return run && run.outcome !== 'pending' ? run : undefined
    }, 'the pull run')
    expect(started).toMatchObject({ outcome: 'started', catchUp: false })
    const progress = await waitForStatus(env(), started.executionId as string)
    expect(progress.status).toBe('COMPLETED')
    const executions = await env().call('GET', `${sourceUrl(env(), csv.id)}/executions`)
    expect(executions.body.values).toHaveLength(1)
    expect(executions.body.values[0]).toMatchObject({ id: started.executionId, scheduled: true })

    // import_status.json, with the seed's Token header, shows it.
    const res = await fetch(`${env().baseUrl}/api/import_status.json`, { headers: { token: ADMIN_TOKEN } })
    const status = (await res.json()) as Json
    expect(status).toMatchObject({
      mode: 'idle',
      progress: 100,
      last_status: 'successful',
      last_import_type: 'complete',
      next_import_time: null,
    })
    expect(Date.parse(status.last_import_time)).toBeGreaterThanOrEqual(Date.parse(startTime))

    // Still once each a moment later; the DAILY one waits for tomorrow, the ONCE one is done.
    await new Promise((r) => setTimeout(r, 500))
    expect(hook.received).toHaveLength(1)
    expect(await runs(csv.id, pull.id)).toHaveLength(1)
    expect((await runs(external.id, push.id)).map((r) => r.outcome)).toEqual(['delivered'])
    const daily = await env().call('GET', `${schedulesUrl(env(), external.id)}/${push.id}`)
    expect(Date.parse(daily.body.nextScheduledTime)).toBe(Date.parse(startTime) + 24 * 3600_000)
  }, 30_000)
})
