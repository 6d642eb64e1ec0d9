import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { createStore } from '../../src/store/create-store.js'
import { mappingFixture } from '../helpers/import-sources.js'
import { ADMIN_TOKEN, createTestDatabase, dialects, type TestDatabase } from '../helpers/test-env.js'
import { numberOf } from '../../src/store/repositories/id-number.repository.js'

const BIN = path.resolve('dist/cli/bin.js')
const ENTRIES = 100_000
const CHUNK = 5_000

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

describe('a worker killed with SIGKILL mid-processing', () => {
  for (const dialect of dialects()) {
    describe(`[${dialect}]`, () => {
      let db: TestDatabase | undefined
      const children: ChildProcess[] = []
      afterAll(async () => {
        for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
        await db?.drop()
      })

      it('leaves nothing or everything, and the restarted worker ends the execution DONE or FAILED', async () => {
        db = await createTestDatabase(dialect)
        const api = await startProcess(['serve', '--no-worker'], db.env, /docs:/)
        children.push(api.child)
        const url = /listening on (\S+)/.exec(api.out())![1]!
        const workspaceId = /workspace id: (\S+)/.exec(api.out())![1]!
        const base = `${url}/jsm/assets/workspace/${workspaceId}/v1`
        const call = async (method: string, p: string, body?: unknown) => {
          const res = await fetch(p.startsWith('http') ? p : `${base}${p}`, {
            method,
            headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          })
          const text = await res.text()
          return { status: res.status, body: text === '' ? null : JSON.parse(text) }
        }
        for (const name of ['Schema Scope Status', 'Global Scope Status'])
          await call('POST', '/status/create', { name, category: 'active' })
        const source = (await call('POST', '/importsource', { name: 'crash', type: 'external' })).body
        expect(
          (await call('PUT', `/importsource/${source.id}/mapping`, mappingFixture('seed-put.json'))).status,
        ).toBe(204)
        const e = (await call('POST', `/importsource/${source.id}/executions`)).body
        for (let from = 0; from < ENTRIES; from += CHUNK) {
          const hardDrives = Array.from({ length: CHUNK }, (_, i) => ({
            id: `K-${from + i}`,
            label: `k${from + i}`,
            files: [],
          }))
          expect((await call('POST', e.links.submitResults, { data: { hardDrives } })).status).toBe(200)
        }
        expect((await call('POST', e.links.submitResults, { completed: true })).status).toBe(200)

        const store = createStore(loadConfig(db.env).database)
        try {
          const worker = await startProcess(['worker'], db.env, /is processing executions/)
          children.push(worker.child)
          // Kill it once it holds the job and the engine has been at work for a moment.
          for (;;) {
            const job = await store.db
              .selectFrom('job')
              .select('state')
              .where('subject', '=', e.executionId)
              .executeTakeFirst()
            if (job?.state === 'running') break
            await new Promise((r) => setTimeout(r, 10))
          }
          await new Promise((r) => setTimeout(r, 400))
          worker.child.kill('SIGKILL')
          await worker.exited
          // It died holding the job: the execution was mid-processing.
          const held = await store.db
            .selectFrom('job')
            .select('state')
            .where('subject', '=', e.executionId)
            .executeTakeFirst()
          expect(held?.state).toBe('running')

          const restarted = await startProcess(
            ['worker', '--stale-after-ms', '500'],
            db.env,
            /is processing executions/,
          )
          children.push(restarted.child)
          let status: any = null
          const deadline = Date.now() + 120_000
          while (Date.now() < deadline) {
            const res = await call('GET', e.links.getExecutionStatus)
            status = res.body
            if (res.status === 200 && status.status !== 'PROCESSING') break
            // SQLite: authentication records the token's use, which waits for the engine's write lock (503).
            expect([200, 503]).toContain(res.status)
            await new Promise((r) => setTimeout(r, 100))
          }
          expect(['DONE', 'FAILED']).toContain(status.status)
          console.log(`[${dialect}] after SIGKILL and restart: ${status.status}`)
          if (status.status === 'FAILED') expect(status.progressResult.errorMessages).toBeTruthy()
          const row = await store.db
            .selectFrom('object')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('import_source_no', '=', numberOf(source.id))
            .executeTakeFirstOrThrow()
          expect([0, ENTRIES]).toContain(Number(row.n))
          if (status.status === 'DONE') expect(Number(row.n)).toBe(ENTRIES)
          restarted.child.kill('SIGTERM')
          await restarted.exited
        } finally {
          await store.close()
          api.child.kill('SIGTERM')
          await api.exited
        }
      }, 240_000)
    })
  }
})
