import { describe, expect, it } from 'vitest'
import type { Json } from '../helpers/import-sources.js'
import { sourceUrl } from '../helpers/executions.js'
import { createFileSource } from '../helpers/file-imports.js'
import { inSeconds, mappedExternalSource } from '../helpers/schedules.js'
import { describeEachDialect } from '../helpers/test-env.js'

describeEachDialect('import schedules: the seed’s importschedule resource', (env) => {
  const schedules = (sourceId: string) => `${sourceUrl(env(), sourceId)}/importschedule`

  it('creates, reads, changes and deletes a schedule with the seed’s body and answer', async () => {
    const source = await mappedExternalSource(env())
    const links = await env().call('GET', `${sourceUrl(env(), source.id)}/schedule`)
    expect(links.status).toBe(200)
    expect(links.body).toEqual({ links: { createSchedule: schedules(source.id) }, result: 'success' })

    const startTime = inSeconds(3600)
    const body = {
      runFrequency: 'DAILY',
      startTime,
      timezone: 'America/New_York',
      callbackUrl: 'https://your-app-callback-url.com',
    }
    const created = await env().call('POST', schedules(source.id), { body })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    expect(created.body).toMatchObject({
      importSourceId: source.id,
      runFrequency: 'DAILY',
      runInterval: 'DAILY',
      startTime,
      timezone: 'America/New_York',
      callbackUrl: 'https://your-app-callback-url.com',
      isActive: true,
      nextScheduledTime: startTime,
    })
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(created.body.createdAt).toMatch(/Z$/)
    expect(created.body.updatedAt).toBe(created.body.createdAt)
    expect(created.body.callbackSecret).toMatch(/^whsec_/)
    const id = created.body.id as string

    const read = await env().call('GET', `${schedules(source.id)}/${id}`)
    expect(read.status).toBe(200)
    expect(read.body).toMatchObject({ id, runFrequency: 'DAILY', startTime, timezone: 'America/New_York' })
    expect(read.body).not.toHaveProperty('callbackSecret')

    const withLink = await env().call('GET', `${sourceUrl(env(), source.id)}/schedule`)
    expect(withLink.body.links).toEqual({
      createSchedule: schedules(source.id),
      schedule: `${schedules(source.id)}/${id}`,
    })
    const sourceView = await env().call('GET', sourceUrl(env(), source.id))
    expect(sourceView.body.isImportSourceSchedulingEnabled).toBe(true)
    expect(sourceView.body.scheduledImportDetails).toEqual({
      importScheduleId: id,
      startTime,
      runFrequency: 'DAILY',
      nextScheduledTime: startTime,
      createdAt: created.body.createdAt,
    })

    const later = inSeconds(7200)
    const put = await env().call('PUT', `${schedules(source.id)}/${id}`, {
      body: { runInterval: 'WEEKLY', startTime: later, timezone: 'Europe/London' },
    })
    expect(put.status, JSON.stringify(put.body)).toBe(200)
    expect(put.body).toMatchObject({
      runFrequency: 'WEEKLY',
      runInterval: 'WEEKLY',
      startTime: later,
      timezone: 'Europe/London',
      callbackUrl: 'https://your-app-callback-url.com',
      nextScheduledTime: later,
    })

    const paused = await env().call('PUT', `${schedules(source.id)}/${id}`, { body: { isActive: false } })
    expect(paused.body).toMatchObject({ isActive: false, nextScheduledTime: null })
    const pausedSource = await env().call('GET', sourceUrl(env(), source.id))
    expect(pausedSource.body.isImportSourceSchedulingEnabled).toBe(false)

    const second = await env().call('POST', schedules(source.id), { body })
    expect(second.status).toBe(409)
    expect(second.body.error.code).toBe('SCHEDULE_EXISTS')

    expect((await env().call('DELETE', `${schedules(source.id)}/${id}`)).status).toBe(204)
    const gone = await env().call('GET', `${schedules(source.id)}/${id}`)
    expect(gone.status).toBe(404)
    const after = await env().call('GET', sourceUrl(env(), source.id))
    expect(after.body).not.toHaveProperty('scheduledImportDetails')
    expect(after.body.isImportSourceSchedulingEnabled).toBe(false)
  })

  it('accepts the published API’s shape (runInterval, no timezone: UTC) for a file source', async () => {
    const source = await createFileSource(env(), 'csv')
    // A schedule needs a mapping first.
    const refused = await env().call('POST', schedules(source.id), {
      body: { runInterval: 'MONTHLY', startTime: inSeconds(60) },
    })
    expect(refused.status).toBe(409)
    expect(refused.body.errorCode ?? refused.body.error.code).toMatch(/MISSING_MAPPING/)
  })

  describe('refuses a schedule it cannot run, naming the field', () => {
    const cases: [string, Json, string, 'external' | 'csv'][] = [
      ['an unknown time zone', { timezone: 'Mars/Olympus' }, 'body.timezone', 'external'],
      ['a start time in the past', { startTime: '2020-01-01T00:00:00Z' }, 'body.startTime', 'external'],
      ['a start time without a zone', { startTime: '2030-01-01T00:00:00' }, 'body.startTime', 'external'],
      ['an external source without a callback', { callbackUrl: null }, 'body.callbackUrl', 'external'],
      ['a callback that is not http(s)', { callbackUrl: 'ftp://x' }, 'body.callbackUrl', 'external'],
      [
        'runFrequency and runInterval that disagree',
        { runInterval: 'WEEKLY' },
        'body.runInterval',
        'external',
      ],
      ['no cadence at all', { runFrequency: undefined }, 'body.runFrequency', 'external'],
      ['an unknown cadence', { runFrequency: 'HOURLY' }, 'body.runFrequency', 'external'],
      ['an unknown member', { cron: '* * * * *' }, 'cron', 'external'],
    ]
    for (const [what, change, field] of cases) {
      it(what, async () => {
        const source = await mappedExternalSource(env())
        const body = {
          runFrequency: 'DAILY',
          startTime: inSeconds(60),
          timezone: 'UTC',
          callbackUrl: 'http://127.0.0.1:9/hook',
          ...change,
        }
        const res = await env().call('POST', schedules(source.id), { body })
        expect(res.status, JSON.stringify(res.body)).toBe(400)
        expect(JSON.stringify(res.body.error.details)).toContain(field)
      })
    }

    it('a callback on a pull source (Intake starts those itself)', async () => {
      const csv = await createFileSource(env(), 'csv')
      const res = await env().call('POST', schedules(csv.id), {
        body: { runFrequency: 'DAILY', startTime: inSeconds(60), callbackUrl: 'http://127.0.0.1:9/x' },
      })
      expect(res.status, JSON.stringify(res.body)).toBe(400)
      expect(JSON.stringify(res.body.error.details)).toContain('body.callbackUrl')
    })
  })

  it('answers 404 for a schedule of another source and for an unknown source', async () => {
    const a = await mappedExternalSource(env())
    const b = await mappedExternalSource(env())
    const created = await env().call('POST', schedules(a.id), {
      body: { runFrequency: 'ONCE', startTime: inSeconds(60), callbackUrl: 'http://127.0.0.1:9/x' },
    })
    expect(created.status).toBe(201)
    expect((await env().call('GET', `${schedules(b.id)}/${created.body.id}`)).status).toBe(404)
    const unknown = '00000000-0000-4000-8000-000000000000'
    expect((await env().call('GET', `${schedules(unknown)}/${created.body.id}`)).status).toBe(404)
  })
})
