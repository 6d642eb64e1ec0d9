import { afterAll, describe, expect, it } from 'vitest'
import { engineDocument, tag } from '../helpers/engine-documents.js'
import { ADMIN_TOKEN, createTestDatabase, dialects, type TestDatabase } from '../helpers/test-env.js'
import { cli, startServer } from '../helpers/cli-process.js'

const HOSTS = {
  key: 'host',
  name: 'Host',
  selector: 'hosts',
  attributes: [
    { name: 'Serial', type: 'text' as const, label: true, identity: true, locators: ['serial'] },
    { name: 'Size', type: 'integer' as const, locators: ['size'] },
  ],
}

describe('intake revert', () => {
  for (const dialect of dialects()) {
    describe(`[${dialect}]`, () => {
      let db: TestDatabase
      afterAll(async () => {
        await db?.drop()
      })

      it('lists the conflicts and exits 1; --force --json reverts the rest; a second revert is refused', async () => {
        db = await createTestDatabase(dialect)
        const server = await startServer({ ...db.env, INTAKE_ADMIN_TOKEN: ADMIN_TOKEN })
        const api = `${server.url}/jsm/assets/workspace/${server.workspaceId}/v1`
        const json = async (method: string, p: string, body?: unknown) => {
          const res = await fetch(api + p, {
            method,
            headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          })
          const text = await res.text()
          return { status: res.status, body: text ? JSON.parse(text) : null }
        }
        const run = async (sourceId: string, hosts: unknown[]) => {
          const started = await json('POST', `/importsource/${sourceId}/executions`, {})
          const id = started.body.executionId as string
          await json('POST', `/importsource/${sourceId}/executions/${id}/data`, {
            data: { hosts },
            completed: true,
          })
          for (;;) {
            const s = await json('GET', `/importsource/${sourceId}/executions/${id}/status`)
            if (s.body.status === 'DONE') return id
            expect(['INGESTING', 'PROCESSING']).toContain(s.body.status)
            await new Promise((r) => setTimeout(r, 50))
          }
        }
        const client = ['--url', server.url, '--workspace', server.workspaceId]
        const env = { INTAKE_TOKEN: ADMIN_TOKEN }
        try {
          const source = (await json('POST', '/importsource', { name: 'Hosts', type: 'external' })).body
          expect(
            (await json('PUT', `/importsource/${source.id}/mapping`, engineDocument(tag(), [HOSTS]))).status,
          ).toBe(204)
          await run(source.id, [{ serial: 'A', size: 1 }])
          const second = await run(source.id, [
            { serial: 'A', size: 2 },
            { serial: 'B', size: 3 },
          ])
          // B is changed by hand after the execution.
          const b = (await json('POST', '/object/aql', { qlQuery: 'label = "B"' })).body.values[0]
          const attributes = (await json('GET', `/objecttype/${b.objectType.id}/attributes`)).body
          const sizeId = String(attributes.find((x: { name: string }) => x.name === 'Size').id)
          const put = await json('PUT', `/object/${b.id}`, {
            attributes: [{ objectTypeAttributeId: sizeId, objectAttributeValues: [{ value: '30' }] }],
          })
          expect(put.status, JSON.stringify(put.body)).toBe(200)

          const refused = await cli(['revert', source.id, second, ...client], env)
          expect(refused.code, refused.err).toBe(1)
          expect(refused.err).toContain('1 object(s) changed after execution')
          expect(refused.err).toContain(b.objectKey)
          expect(refused.err).toContain('object API')

          const forced = await cli(['revert', source.id, second, '--force', '--json', ...client], env)
          expect(forced.code, forced.err).toBe(0)
          const status = JSON.parse(forced.out)
          expect(status.status).toBe('DONE')
          expect(status.progressResult.revert).toMatchObject({ objectsRestored: 1, conflictsSkipped: 1 })
          const a = (await json('POST', '/object/aql', { qlQuery: 'label = "A"' })).body.values[0]
          const size = (await json('GET', `/object/${a.id}`)).body.attributes.find(
            (x: { objectTypeAttributeId: unknown }) => String(x.objectTypeAttributeId) === sizeId,
          )
          expect(size.objectAttributeValues[0].value).toBe(1)

          const again = await cli(['revert', source.id, second, ...client], env)
          expect(again.code).toBe(1)
          expect(again.err).toContain('REVERT_NOT_ALLOWED')
        } finally {
          server.child.kill('SIGTERM')
          await new Promise((r) => server.child.on('exit', r))
        }
      }, 60_000)
    })
  }
})
