import { monitorEventLoopDelay } from 'node:perf_hooks'
import { expect, it } from 'vitest'
import { withWorker } from '../helpers/executions.js'
import {
  createFileSource,
  generateAndPutMapping,
  putFile,
  startImport,
  waitForStatus,
} from '../helpers/file-imports.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'

const MAX_COLUMNS = 500

/** A CSV of `columns` columns (c0…) and `rows` rows of short numbers. */
function wideCsv(columns: number, rows: number): string {
  const header = Array.from({ length: columns }, (_, c) => `c${c}`).join(',')
  const row = (r: number) => Array.from({ length: columns }, (_, c) => String((r * 31 + c) % 1000)).join(',')
  return [header, ...Array.from({ length: rows }, (_, r) => row(r))].join('\n') + '\n'
}

/** Runs `fn` while measuring this process's event loop (the server listens in it): the longest stall in ms. */
async function longestStall<T>(fn: () => Promise<T>): Promise<{ value: T; stallMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 5 })
  histogram.enable()
  try {
    const value = await fn()
    return { value, stallMs: histogram.max / 1e6 }
  } finally {
    histogram.disable()
  }
}

async function discover(env: TestEnv, sourceId: string, query = '') {
  return env.call('GET', `${env.api}/importsource/${sourceId}/discover${query}`)
}

describeEachDialect(
  'discovery bounds',
  (env) => {
    withWorker(env)

    it('a header of more than INTAKE_SOURCE_MAX_COLUMNS columns is a 400 that names the limit', async () => {
      const source = await createFileSource(env(), 'csv')
      expect((await putFile(env(), source.id, wideCsv(MAX_COLUMNS + 1, 3))).status).toBe(200)
      const res = await discover(env(), source.id)
      expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(400)
      expect(res.body.error.code).toBe('CONNECTION_FAILED')
      expect(res.body.error.message).toContain(`INTAKE_SOURCE_MAX_COLUMNS=${MAX_COLUMNS}`)
    })

    it('a header of a million columns is refused at once, without stalling the server', async () => {
      const source = await createFileSource(env(), 'csv')
      const header = Array.from({ length: 1_000_000 }, (_, c) => `column${c}`).join(',')
      expect((await putFile(env(), source.id, `${header}\n${'1,'.repeat(10)}\n`)).status).toBe(200)
      const { value: res, stallMs } = await longestStall(() => discover(env(), source.id, '?generate=true'))
      expect(res.status).toBe(400)
      expect(res.body.error.message).toContain('INTAKE_SOURCE_MAX_COLUMNS')
      expect(stallMs).toBeLessThan(100)
    })

    it('a JSON file whose entries hold more distinct fields than the limit is a 400 that names it', async () => {
      const source = await createFileSource(env(), 'json')
      const entries = Array.from({ length: 3 }, (_, e) =>
        Object.fromEntries(Array.from({ length: 200 }, (_, k) => [`f${e}_${k}`, k])),
      )
      expect(
        (
          await putFile(env(), source.id, JSON.stringify({ items: entries }), {
            'content-type': 'text/plain',
          })
        ).status,
      ).toBe(200)
      const res = await discover(env(), source.id)
      expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(400)
      expect(JSON.stringify(res.body)).toContain('INTAKE_SOURCE_MAX_COLUMNS')
    })

    it('sampleSize above INTAKE_DISCOVER_MAX_SAMPLE_SIZE is a 400 naming the field and the limit', async () => {
      const source = await createFileSource(env(), 'csv')
      expect((await putFile(env(), source.id, wideCsv(3, 3))).status).toBe(200)
      const res = await discover(env(), source.id, '?sampleSize=5000')
      expect(res.status).toBe(400)
      expect(res.body.error.details.problems[0].field).toBe('querystring.sampleSize')
      expect(res.body.error.details.problems[0].message).toContain('INTAKE_DISCOVER_MAX_SAMPLE_SIZE')
      expect((await discover(env(), source.id, '?sampleSize=1000')).status).toBe(200)
    })

    it('a huge field comes back as a short sample, and its import streams it: the value is a problem, every entry imports', async () => {
      const source = await createFileSource(env(), 'csv')
      const huge = 'x'.repeat(8 * 1024 * 1024)
      const csv = `id,notes\nh1,short\nh2,${huge}\nh3,after\n`
      expect((await putFile(env(), source.id, csv)).status).toBe(200)
      const res = await discover(env(), source.id)
      expect(res.status).toBe(200)
      expect(JSON.stringify(res.body).length).toBeLessThan(4_000)
      const notes = res.body.roots[0].fields.find((f: { name: string }) => f.name === 'notes')
      expect(notes.type).toBe('textarea')
      expect(Math.max(...notes.samples.map((s: string) => s.length))).toBeLessThanOrEqual(200)
      expect(notes.samples.some((s: string) => s.endsWith('…'))).toBe(true)

      await generateAndPutMapping(env(), source.id)
      const { value: done, stallMs } = await longestStall(async () => {
        const started = await startImport(env(), source.id)
        return waitForStatus(env(), started.resourceId)
      })
      expect(done.status).toBe('COMPLETED')
      const e = await env().call(
        'GET',
        `${env().api}/importsource/${source.id}/executions/${done.resourceId}`,
      )
      // The huge value is refused (longer than a textarea takes) as a problem of its entry; the object is kept without it.
      expect(e.body.counters).toMatchObject({ objectsCreated: 3 })
      const problems = await env().call(
        'GET',
        `${env().api}/importsource/${source.id}/executions/${done.resourceId}/problems`,
      )
      expect(problems.body.total).toBe(1)
      expect(problems.body.values[0].code).toBe('INVALID_VALUE')
      expect(problems.body.values[0].message).toContain('longer than')
      expect(String(problems.body.values[0].value).length).toBeLessThanOrEqual(200)
      // Up to two more imports (the entry with the problem is mapped again) while every one stalled: a CI machine
      // shared with other test workers adds scheduling delays that no code change removes (302 ms seen at load 11),
      // a real stall repeats in all three.
      const stalls = [stallMs]
      while (Math.min(...stalls) >= 250 && stalls.length < 3) {
        const again = await longestStall(async () => {
          const started = await startImport(env(), source.id)
          return waitForStatus(env(), started.resourceId)
        })
        expect(again.value.status).toBe('COMPLETED')
        stalls.push(again.stallMs)
      }
      expect(Math.min(...stalls)).toBeLessThan(250)
    })

    it('a wide file is discovered with generate=true without stalling the server past ~50 ms', async () => {
      const source = await createFileSource(env(), 'csv')
      expect((await putFile(env(), source.id, wideCsv(MAX_COLUMNS, 300))).status).toBe(200)
      await discover(env(), source.id, '?generate=true') // warm up the code paths
      // The best of three: a shared CI machine adds scheduling delays and GC pauses that no code change removes.
      const stalls: number[] = []
      for (let i = 0; i < 3; i++) {
        const { value: res, stallMs } = await longestStall(() => discover(env(), source.id, '?generate=true'))
        expect(res.status).toBe(200)
        expect(res.body.roots[0].fields).toHaveLength(MAX_COLUMNS)
        stalls.push(stallMs)
      }
      expect(Math.min(...stalls)).toBeLessThan(60)
    })
  },
  { INTAKE_SOURCE_MAX_COLUMNS: String(MAX_COLUMNS) },
)
