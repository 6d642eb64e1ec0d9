import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { createStore } from '../../src/store/create-store.js'
import { callbackServer, eventually } from '../helpers/callback-server.js'
import { hostsCsv } from '../helpers/file-imports.js'
import { mappingFixture } from '../helpers/import-sources.js'
import { ADMIN_TOKEN, createTestDatabase, dialects, type TestDatabase } from '../helpers/test-env.js'

const BIN = path.resolve('dist/cli/bin.js')
const WORKERS = 3
const PULL_SOURCES = 3

/** Starts `intake <args>` and waits until its output matches `ready`. */
async function startProcess(args: string[], env: Record<string, string>, ready: RegExp) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      LOG_LEVEL: 'warn',
      INTAKE_ADMIN_TOKEN: ADMIN_TOKEN,
      ...env,
    },
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  const deadline = Date.now() + 20_000
  while (!ready.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`process did not start:\n${out}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return { child, out: () => out, exited }
}

describe.runIf(dialects().includes('postgres'))('several `intake worker` processes on one PostgreSQL', () => {
  let db: TestDatabase | undefined
  const children: ChildProcess[] = []
  const hook = callbackServer()
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
    await hook.stop()
    await db?.drop()
  })

  it('start each due run once: one execution per pull source, one callback', async () => {
    await hook.start()
    db = await createTestDatabase('postgres')
    const api = await startProcess(['serve', '--no-worker'], db.env, /docs:/)
    children.push(api.child)
    const url = /listening on (\S+)/.exec(api.out())![1]!
    const workspaceId = /workspace id: (\S+)/.exec(api.out())![1]!
    const base = `${url}/jsm/assets/workspace/${workspaceId}/v1`
    const call = async (method: string, p: string, body?: unknown, type = 'application/json') => {
      const res = await fetch(`${base}${p}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': type },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      })
      const text = await res.text()
      return { status: res.status, body: text === '' ? null : JSON.parse(text) }
    }

    const startTime = new Date(Date.now() + 6000).toISOString()
    const pulls: { source: string; schedule: string }[] = []
    for (let i = 0; i < PULL_SOURCES; i++) {
      const source = (await call('POST', '/importsource', { name: `csv ${i}`, type: 'csv' })).body
      expect(
        (await call('PUT', `/importsource/${source.id}/file?name=h.csv`, hostsCsv(20), 'text/csv')).status,
      ).toBe(200)
      const found = await call(
        'GET',
        `/importsource/${source.id}/discover?generate=true&objectSchemaName=S${i}`,
      )
      expect((await call('PUT', `/importsource/${source.id}/mapping`, found.body.document)).status).toBe(204)
      const schedule = await call('POST', `/importsource/${source.id}/importschedule`, {
        runFrequency: 'DAILY',
        startTime,
        timezone: 'Europe/Berlin',
      })
      expect(schedule.status, JSON.stringify(schedule.body)).toBe(201)
      pulls.push({ source: source.id, schedule: schedule.body.id })
    }
    for (const name of ['Schema Scope Status', 'Global Scope Status'])
      await call('POST', '/status/create', { name, category: 'active' })
    const external = (await call('POST', '/importsource', { name: 'external', type: 'external' })).body
    expect(
      (await call('PUT', `/importsource/${external.id}/mapping`, mappingFixture('seed-put.json'))).status,
    ).toBe(204)
    const push = await call('POST', `/importsource/${external.id}/importschedule`, {
      runFrequency: 'ONCE',
      startTime,
      callbackUrl: hook.url(),
    })
    expect(push.status).toBe(201)

    for (let i = 0; i < WORKERS; i++) {
      const worker = await startProcess(['worker'], db.env, /is processing executions and schedules/)
      children.push(worker.child)
    }

    const store = createStore(loadConfig(db.env).database)
    try {
      await eventually(async () => {
        const runs = await store.db
          .selectFrom('schedule_run')
          .select('outcome')
          .where('outcome', '<>', 'pending')
          .execute()
        return runs.length >= PULL_SOURCES + 1 ? runs : undefined
      }, 'every schedule to run')
      // A moment more: a second claim of the same due time would show up now.
      await new Promise((r) => setTimeout(r, 1500))
      const runs = await store.db.selectFrom('schedule_run').selectAll().execute()
      expect(runs).toHaveLength(PULL_SOURCES + 1)
      expect(runs.map((r) => r.outcome).sort()).toEqual(['delivered', 'started', 'started', 'started'])
      for (const { source } of pulls) {
        const executions = await store.db
          .selectFrom('execution')
          .select(['id', 'scheduled'])
          .where('import_source_id', '=', source)
          .execute()
        expect(executions).toHaveLength(1)
        expect(executions[0]!.scheduled).toBe(1)
      }
      expect(hook.received).toHaveLength(1)
      const jobs = await store.db
        .selectFrom('job')
        .select(['kind', 'locked_by', 'state'])
        .where('kind', '=', 'run-schedule')
        .execute()
      expect(jobs).toHaveLength(PULL_SOURCES + 1)
      expect(jobs.every((j) => j.state === 'done')).toBe(true)
    } finally {
      await store.close()
    }
  }, 120_000)
})
