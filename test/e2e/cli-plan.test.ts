import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hostsCsv } from '../helpers/file-imports.js'
import { ADMIN_TOKEN, createTestDatabase, dialects, type TestDatabase } from '../helpers/test-env.js'
import { BIN, cli, startServer } from '../helpers/cli-process.js'

describe('intake plan / apply', () => {
  for (const dialect of dialects()) {
    describe(`[${dialect}]`, () => {
      let db: TestDatabase
      const work = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-plan-'))
      afterAll(async () => {
        await db?.drop()
        fs.rmSync(work, { recursive: true, force: true })
      })

      it('plans a CSV import, refuses the apply with exit 3 and the drift list, applies with --replan', async () => {
        expect(fs.existsSync(BIN), 'run npm run build first (npm test does)').toBe(true)
        db = await createTestDatabase(dialect)
        const env = { ...db.env, INTAKE_ADMIN_TOKEN: ADMIN_TOKEN, INTAKE_DATA_DIR: work }
        const server = await startServer(env)
        const api = `${server.url}/jsm/assets/workspace/${server.workspaceId}/v1`
        const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }
        const json = async (method: string, p: string, body?: unknown) => {
          const res = await fetch(api + p, {
            method,
            headers,
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          })
          const text = await res.text()
          return { status: res.status, body: text ? JSON.parse(text) : null }
        }
        let source: { id: string } = { id: '' }
        try {
          source = (await json('POST', '/importsource', { name: 'Hosts CSV', type: 'csv' })).body
          const first = path.join(work, 'hosts.csv')
          fs.writeFileSync(first, hostsCsv(5))
          const remote = ['--url', server.url, '--token', ADMIN_TOKEN, '--workspace', server.workspaceId]
          const up = await fetch(`${api}/importsource/${source.id}/file?name=hosts.csv`, {
            method: 'PUT',
            headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/csv' },
            body: fs.readFileSync(first),
          })
          expect(up.status).toBe(200)
          const found = await json('GET', `/importsource/${source.id}/discover?generate=true`)
          expect((await json('PUT', `/importsource/${source.id}/mapping`, found.body.document)).status).toBe(
            204,
          )
          expect((await cli(['import', '--source', source.id, ...remote], {})).code).toBe(0)

          // The plan of a changed file: 2 renamed hosts, 3 new ones.
          const changed = path.join(work, 'changed.csv')
          fs.writeFileSync(
            changed,
            hostsCsv(8).replace('Host 2,', 'Host two,').replace('Host 3,', 'Host three,'),
          )
          const planned = await cli(['plan', source.id, '--file', changed, ...remote], {})
          expect(planned.code, planned.out + planned.err).toBe(0)
          expect(planned.out).toMatch(/plan of dry run [0-9a-f-]{36}: 5 change\(s\), ready/)
          expect(planned.out).toMatch(/type\s+create\s+update\s+delete/)
          expect(planned.out).toMatch(/update\s+type \d+\s+\S+\s+name: \["Host 2"\] → \["Host two"\]/)
          const planId = /intake apply \S+ ([0-9a-f-]{36})/.exec(planned.out)![1]!

          const asJson = await cli(['plan', source.id, ...remote, '--json'], {})
          expect(asJson.code, asJson.err).toBe(0)
          const other = JSON.parse(asJson.out)
          expect(other.total).toBe(5)

          // h2 changed by hand since the plan: exit 3 with the drifted object; nothing applied.
          const h2 = other.changes.find((c: any) => c.identity === 'h2')
          const object = await json('GET', `/object/${h2.objectId}`)
          const ip = object.body.attributes.find((a: any) => a.objectAttributeValues[0]?.value === '10.0.0.2')
          const put = await json('PUT', `/object/${h2.objectId}`, {
            attributes: [
              {
                objectTypeAttributeId: ip.objectTypeAttributeId,
                objectAttributeValues: [{ value: '10.9.9.9' }],
              },
            ],
          })
          expect(put.status, JSON.stringify(put.body)).toBe(200)
          const refused = await cli(['apply', source.id, planId, ...remote], {})
          expect(refused.code, refused.out + refused.err).toBe(3)
          expect(refused.err).toContain('PLAN_DRIFT')
          expect(refused.err).toMatch(/h2\s+changed: values/)

          const replanned = await cli(['apply', source.id, planId, '--replan', ...remote], {})
          expect(replanned.code, replanned.out + replanned.err).toBe(0)
          expect(replanned.out).toContain(`of plan ${planId}: DONE`)
          expect(replanned.out).toMatch(/Hosts CSV\s+3\s+2\s+/)

          const twice = await cli(['apply', source.id, planId, ...remote], {})
          expect(twice.code).toBe(1)
          expect(twice.err).toContain('PLAN_ALREADY_APPLIED')
        } finally {
          server.child.kill('SIGTERM')
          await new Promise((r) => server.child.on('exit', r))
        }
        // --local: the same services on the database, with an in-process worker. Everything is applied: an empty plan.
        const local = await cli(['plan', source.id, '--local'], env)
        expect(local.code, local.out + local.err).toBe(0)
        expect(local.out).toMatch(/: 0 change\(s\), ready/)
        const localId = /intake apply \S+ ([0-9a-f-]{36})/.exec(local.out)![1]!
        const localApply = await cli(['apply', source.id, localId, '--local'], env)
        expect(localApply.code, localApply.out + localApply.err).toBe(0)
        expect(localApply.out).toContain(`of plan ${localId}: DONE`)
      }, 120_000)
    })
  }
})
