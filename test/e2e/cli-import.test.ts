import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hostsCsv } from '../helpers/file-imports.js'
import { ADMIN_TOKEN, createTestDatabase, dialects, type TestDatabase } from '../helpers/test-env.js'
import { BIN, cli, startServer } from '../helpers/cli-process.js'

describe('intake import / sources / executions', () => {
  for (const dialect of dialects()) {
    describe(`[${dialect}]`, () => {
      let db: TestDatabase
      const work = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-cli-'))
      afterAll(async () => {
        await db?.drop()
        fs.rmSync(work, { recursive: true, force: true })
      })

      it('imports a CSV against a server, lists sources and executions, then again with --local', async () => {
        expect(fs.existsSync(BIN), 'run npm run build first (npm test does)').toBe(true)
        db = await createTestDatabase(dialect)
        const env = { ...db.env, INTAKE_ADMIN_TOKEN: ADMIN_TOKEN }
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
        let exited = false
        try {
          const source = (await json('POST', '/importsource', { name: 'Hosts CSV', type: 'csv' })).body
          const first = path.join(work, 'hosts.csv')
          fs.writeFileSync(first, hostsCsv(5))
          const up = await fetch(`${api}/importsource/${source.id}/file?name=hosts.csv`, {
            method: 'PUT',
            headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/csv' },
            body: fs.readFileSync(first),
          })
          expect(up.status).toBe(200)
          const found = await json('GET', `/importsource/${source.id}/discover?generate=true`)
          expect(found.status).toBe(200)
          expect((await json('PUT', `/importsource/${source.id}/mapping`, found.body.document)).status).toBe(
            204,
          )

          const bigger = path.join(work, 'more-hosts.csv')
          fs.writeFileSync(bigger, hostsCsv(250))
          const remote = ['--url', server.url, '--token', ADMIN_TOKEN, '--workspace', server.workspaceId]
          const run = await cli(['import', '--source', source.id, bigger, ...remote], {})
          expect(run.code, run.out + run.err).toBe(0)
          expect(run.out).toContain('uploaded more-hosts.csv')
          expect(run.out).toContain('COMPLETED')
          expect(run.out).toMatch(/object type\s+created\s+updated\s+identical\s+missing\s+problems/)
          expect(run.out).toMatch(/Hosts CSV\s+250\s+0\s+0\s+0\s+0/)
          expect(run.out).not.toContain('did not become objects')

          // A file the mapping cannot read (another delimiter): nothing imported is a failure, exit 1, and the
          // counters that dropped the entries are shown.
          const semicolons = path.join(work, 'semicolons.csv')
          fs.writeFileSync(semicolons, hostsCsv(4).replaceAll(',', ';'))
          const unread = await cli(['import', '--source', source.id, semicolons, ...remote], {})
          expect(unread.code, unread.out + unread.err).toBe(1)
          expect(unread.out).toContain('FAILED')
          expect(unread.out).toContain('Every one of the 4 entries was dropped')
          expect(unread.out).toContain('Hosts CSV: 4 without an identity (emptyExternalIdEntries)')
          expect(unread.out).toMatch(/LOCATOR_READ_NOTHING/)

          const sources = await cli(['sources', ...remote], {})
          expect(sources.code, sources.err).toBe(0)
          expect(sources.out).toMatch(new RegExp(`${source.id}\\s+Hosts CSV\\s+csv\\s+IDLE`))

          const list = await cli(['executions', '--source', source.id, ...remote], {})
          expect(list.code, list.err).toBe(0)
          const executionId = /^([0-9a-f-]{36})\s+DONE/m.exec(list.out)?.[1]
          expect(executionId, list.out).toBeDefined()

          const noFile = (await json('POST', '/importsource', { name: 'Empty', type: 'csv' })).body
          const failed = await cli(['import', '--source', noFile.id, first, ...remote], {})
          expect(failed.code).toBe(1)
          expect(failed.err).toContain('MISSING_MAPPING')

          server.child.kill('SIGTERM')
          await new Promise((r) => server.child.on('exit', r))
          exited = true

          // --local: the same services on the database the environment configures, the worker in-process.
          const changed = path.join(work, 'changed.csv')
          fs.writeFileSync(changed, hostsCsv(250).replace('Host 7,', 'Host seven,'))
          const local = await cli(['import', '--local', '--source', source.id, changed], env)
          expect(local.code, local.out + local.err).toBe(0)
          expect(local.out).toMatch(/Hosts CSV\s+0\s+1\s+249\s+0\s+0/)
          const localList = await cli(['executions', '--local', '--source', source.id], env)
          const latest = /^([0-9a-f-]{36})\s+DONE/m.exec(localList.out)?.[1]
          const one = await cli(['executions', '--local', '--source', source.id, latest!], env)
          expect(one.code, one.err).toBe(0)
          expect(one.out).toContain(`execution ${latest}: DONE`)
          expect(one.out).toMatch(/Hosts CSV\s+0\s+1\s+249/)
          const localSources = await cli(['sources', '--local'], env)
          expect(localSources.out).toContain(source.id)
        } finally {
          if (!exited) server.child.kill('SIGTERM')
        }
      }, 120_000) // a dozen CLI processes and two servers: more than the default 30 s on a loaded machine
    })
  }
})
