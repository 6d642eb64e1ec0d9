import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { buildApp } from '../../src/http/app.js'
import { startExecutionWorker } from '../../src/jobs/execution-worker.js'
import { bootstrap } from '../../src/main.js'
import { engineDocument, tag } from '../helpers/engine-documents.js'
import { FAST } from '../helpers/executions.js'
import { ADMIN_TOKEN, createTestDatabase, dialects, type TestDatabase } from '../helpers/test-env.js'
import { numberOf } from '../../src/store/repositories/id-number.repository.js'

/** One app and worker on the database of `env`, as `intake serve` runs them; close() stops both. */
async function instance(env: Record<string, string>) {
  const config = loadConfig({ ...env, INTAKE_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'silent', PORT: '0' })
  const booted = await bootstrap(config)
  const app = await buildApp(booted.services)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const worker = startExecutionWorker(booted.services, FAST)
  const api = `http://127.0.0.1:${port}/jsm/assets/workspace/${booted.workspaceId}/v1`
  const call = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${api}${p}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    return { status: res.status, body: text === '' ? null : JSON.parse(text) }
  }
  const close = async () => {
    await worker.stop()
    await app.close()
    await booted.close()
  }
  return { call, close, services: booted.services }
}

const hosts = (n: number) => ({ hosts: Array.from({ length: n }, (_, i) => ({ serial: `H${i + 1}` })) })

describe('mass-delete guard: a hold survives a restart', () => {
  for (const dialect of dialects()) {
    describe(`[${dialect}]`, () => {
      let db: TestDatabase | undefined
      afterAll(async () => {
        await db?.drop()
      })

      it('held by one instance, approved on a new one on the same database, commits', async () => {
        db = await createTestDatabase(dialect)
        const first = await instance(db.env)
        const created = await first.call('POST', '/importsource', {
          name: 'restart',
          type: 'external',
          settings: { deleteGuard: { maxPercent: 50 } },
        })
        expect(created.status, JSON.stringify(created.body)).toBe(201)
        const sourceId = created.body.id as string
        const doc = engineDocument(tag(), [
          {
            key: 'host',
            name: 'Host',
            selector: 'hosts',
            attributes: [{ name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] }],
            options: { missingObjects: { policy: 'REMOVE', threshold: 1, thresholdType: 'RUNS' } },
          },
        ])
        expect((await first.call('PUT', `/importsource/${sourceId}/mapping`, doc)).status).toBe(204)

        const run = async (inst: typeof first, n: number) => {
          const start = await inst.call('POST', `/importsource/${sourceId}/executions`, {})
          expect(start.status, JSON.stringify(start.body)).toBe(200)
          const id = start.body.executionId as string
          await inst.call('POST', `/importsource/${sourceId}/executions/${id}/data`, {
            data: hosts(n),
            completed: true,
          })
          return id
        }
        const settle = async (inst: typeof first, id: string) => {
          for (let i = 0; i < 1000; i++) {
            const res = await inst.call('GET', `/importsource/${sourceId}/executions/${id}`)
            if (!['INGESTING', 'PROCESSING'].includes(res.body.status)) return res.body
            await new Promise((r) => setTimeout(r, 20))
          }
          throw new Error('execution did not settle')
        }
        expect((await settle(first, await run(first, 20))).status).toBe('DONE')
        const heldId = await run(first, 5)
        expect((await settle(first, heldId)).status).toBe('HELD')
        // Nothing is left open: no running job, no transaction.
        const jobs = await first.services.store.db
          .selectFrom('job')
          .select('state')
          .where('subject', '=', heldId)
          .execute()
        expect(jobs.map((j) => j.state)).toEqual(['done'])
        await first.close()

        const second = await instance(db.env)
        try {
          const held = await second.call('GET', `/importsource/${sourceId}/executions/${heldId}`)
          expect(held.body).toMatchObject({ status: 'HELD' })
          expect(held.body.hold.types[0]).toMatchObject({ owned: 20, toRemove: 15 })
          const approved = await second.call('POST', `/importsource/${sourceId}/executions/${heldId}/approve`)
          expect(approved.status, JSON.stringify(approved.body)).toBe(200)
          const done = await settle(second, heldId)
          expect(done.status).toBe('DONE')
          expect(done.counters.objectsMissingDeleted).toBe(15)
          const left = await second.services.store.db
            .selectFrom('object')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('import_source_no', '=', numberOf(sourceId))
            .executeTakeFirstOrThrow()
          expect(Number(left.n)).toBe(5)
        } finally {
          await second.close()
        }
      })
    })
  }
})
