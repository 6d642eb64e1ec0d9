import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { expect, it } from 'vitest'
import { withWorker } from '../helpers/executions.js'
import { generateAndPutMapping, objectCount, startImport, waitForStatus } from '../helpers/file-imports.js'
import { createdSqlSource, createSqlSource } from '../helpers/sql-sources.js'
import { describeEachDialect } from '../helpers/test-env.js'

const importDir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-sqlite-src-'))
const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-sqlite-out-'))
for (const file of [path.join(importDir, 'inventory.db'), path.join(outside, 'other.db')]) {
  const db = new Database(file)
  db.exec(`create table hosts (id integer primary key, name text not null, seen text);
    create table owners (login text primary key, host_id integer)`)
  const insert = db.prepare('insert into hosts values (?, ?, ?)')
  for (let i = 1; i <= 12; i++) insert.run(i, `Host ${i}`, `2024-02-${String(i).padStart(2, '0')} 08:00:00`)
  db.prepare(`insert into owners values ('ann', 1), ('bob', 2)`).run()
  db.close()
}
fs.writeFileSync(path.join(importDir, 'not-a-db.db'), 'plain text, not a database')

describeEachDialect(
  'sql sources: SQLite database files inside INTAKE_IMPORT_DIR',
  (env) => {
    withWorker(env, { fileImports: { batchSize: 5 } })
    const config = (database: string) => ({
      driver: 'sqlite',
      database,
      roots: { hosts: { table: 'hosts' }, owners: { query: 'select login, host_id from owners;' } },
    })

    it('imports a table and a query root of a SQLite file, read only', async () => {
      const source = await createdSqlSource(env(), config('inventory.db'))
      const test = await env().call('POST', `${env().api}/importsource/${source.id}/test`)
      expect(test.body).toEqual({ ok: true })
      const found = await env().call('GET', `${env().api}/importsource/${source.id}/discover`)
      expect(found.body.roots.map((r: { name: string }) => r.name)).toEqual(['hosts', 'owners'])
      await generateAndPutMapping(env(), source.id)
      const started = await startImport(env(), source.id)
      const done = await waitForStatus(env(), started.resourceId)
      expect(done.status, JSON.stringify(done)).toBe('COMPLETED')
      const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body.objectSchemaId
      expect(await objectCount(env(), schemaId)).toBe(14)
    })

    it('refuses database files outside INTAKE_IMPORT_DIR and names files that are not databases', async () => {
      const escape = await createdSqlSource(env(), config(path.join(outside, 'other.db')))
      const refused = await env().call('POST', `${env().api}/importsource/${escape.id}/test`)
      expect(refused.status).toBe(403)
      expect(refused.body.error.code).toBe('SERVER_PATH_OUTSIDE_IMPORT_DIR')
      const relative = await createdSqlSource(env(), config('../' + path.basename(outside) + '/other.db'))
      expect((await env().call('POST', `${env().api}/importsource/${relative.id}/test`)).status).toBe(403)

      const text = await createdSqlSource(env(), config('not-a-db.db'))
      const res = await env().call('POST', `${env().api}/importsource/${text.id}/test`)
      expect(res.body).toMatchObject({ ok: false, code: 'DATABASE_NOT_FOUND' })
      expect(res.body.message).toMatch(/not a SQLite database/)

      const bad = await createSqlSource(env(), { ...config('inventory.db'), host: 'db.example' })
      expect(bad.status).toBe(400)
      expect(JSON.stringify(bad.body)).toContain('body.config.host')
    })
  },
  { INTAKE_IMPORT_DIR: importDir },
)
