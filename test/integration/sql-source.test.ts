import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { withWorker } from '../helpers/executions.js'
import {
  generateAndPutMapping,
  objectCount,
  progressUrl,
  startImport,
  waitForStatus,
} from '../helpers/file-imports.js'
import type { Json } from '../helpers/import-sources.js'
import {
  createdSqlSource,
  createSourceDatabase,
  createSqlSource,
  hostUpdated,
  loadHosts,
  mysqlAvailable,
  type SourceDatabase,
  type SourceDriver,
} from '../helpers/sql-sources.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'
import { batchGate } from '../helpers/batch-gate.js'

const DRIVERS: SourceDriver[] = ['postgres', ...((await mysqlAvailable()) ? (['mysql'] as const) : [])]
const ROWS = 23
const BATCH = 5

const run = async (env: TestEnv, sourceId: string, body?: Json): Promise<Json> => {
  const res = body
    ? await env.call('POST', `${env.api}/import/start/${sourceId}`, { body })
    : { status: 200, body: await startImport(env, sourceId) }
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return waitForStatus(env, res.body.resourceId)
}

const typeResult = async (env: TestEnv, sourceId: string, executionId: string): Promise<Json> => {
  const res = await env.call('GET', `${env.api}/importsource/${sourceId}/executions/${executionId}/status`)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body.progressResult as Json
}

describeEachDialect(
  'sql sources',
  (env) => {
    const gate = batchGate()
    withWorker(env, { fileImports: { batchSize: BATCH, beforeBatch: (id, i, s) => gate.hook(id, i, s) } })
    beforeEach(() => gate.release())

    for (const driver of DRIVERS) {
      describe(driver, () => {
        let db: SourceDatabase
        beforeAll(async () => {
          db = await createSourceDatabase(driver)
          await loadHosts(db, ROWS)
        })
        afterAll(async () => db?.drop())

        const hostsConfig = (extra: Json = {}) => ({
          ...db.connection,
          roots: { hosts: { table: 'hosts', ...extra } },
        })

        it('validates the config naming the field, and tests the connection in words a user can act on', async () => {
          const bad = await createSqlSource(env(), { ...db.connection, roots: { hosts: {} } })
          expect(bad.status).toBe(400)
          expect(JSON.stringify(bad.body)).toContain('body.config.roots.hosts')
          const noRoots = await createSqlSource(env(), { ...db.connection, roots: {} })
          expect(noRoots.status).toBe(400)

          const test = async (config: Json) => {
            const source = await createdSqlSource(env(), config)
            const res = await env().call('POST', `${env().api}/importsource/${source.id}/test`)
            expect(res.status, JSON.stringify(res.body)).toBe(200)
            return res.body as Json
          }
          expect(await test(hostsConfig())).toEqual({ ok: true })
          const unreachable = await test({ ...hostsConfig(), port: 1 })
          expect(unreachable).toMatchObject({ ok: false, code: 'HOST_UNREACHABLE' })
          expect(unreachable.message).toMatch(/check host and port/)
          const noTable = await test({ ...db.connection, roots: { hosts: { table: 'no_such_table' } } })
          expect(noTable).toMatchObject({ ok: false, code: 'TABLE_NOT_FOUND' })
          expect(noTable.message).toMatch(/root "hosts"/)
          const noDb = await test({ ...hostsConfig(), database: 'intake_no_such_db' })
          expect(noDb).toMatchObject({ ok: false, code: 'DATABASE_NOT_FOUND' })
          const noUser = await test({ ...hostsConfig(), user: 'intake_nobody', password: 'wrong' })
          expect(noUser).toMatchObject({ ok: false, code: 'AUTH_FAILED' })
          expect(noUser.message).toMatch(/check user and password/)
          expect(noUser.message).not.toContain('wrong')
          const badQuery = await test({
            ...db.connection,
            roots: { hosts: { query: 'select nope from hosts' } },
          })
          expect(badQuery).toMatchObject({ ok: false, code: 'COLUMN_NOT_FOUND' })
        })

        it('keeps the password write-only: sealed at rest, masked by GET, kept when the mask is sent back', async () => {
          const source = await createdSqlSource(env(), { ...hostsConfig(), password: 's3cret-pw' })
          expect(source.config.password).toBe('********')
          const got = await env().call('GET', `${env().api}/importsource/${source.id}`)
          expect(got.body.config.password).toBe('********')
          expect(got.body.importSpecificConfiguration).not.toContain('s3cret-pw')
          const stored = await env()
            .booted.services.store.db.selectFrom('import_source')
            .select('config')
            .where('id', '=', source.id)
            .executeTakeFirstOrThrow()
          expect(stored.config).not.toContain('s3cret-pw')
          const patched = await env().call('PATCH', `${env().api}/importsource/${source.id}`, {
            body: { config: { ...got.body.config, connectTimeoutMs: 5000 } },
          })
          expect(patched.status, JSON.stringify(patched.body)).toBe(200)
          const opened = env().booted.services.importSources.connectorConfig(
            await env().booted.services.importSources.get(env().workspaceId, source.id),
          )
          expect(opened).toMatchObject({ password: 's3cret-pw', connectTimeoutMs: 5000 })

          // A url holds the password too: masked, and sent back masked it is kept (and still checked).
          const { host, port, database, user } = db.connection as Record<string, string>
          const url = `${driver}://${user}:url-pw@${host}:${port}/${database}`
          const withUrl = await createdSqlSource(env(), { driver, url, roots: { hosts: { table: 'hosts' } } })
          expect(withUrl.config.url).toBe('********')
          const back = await env().call('PATCH', `${env().api}/importsource/${withUrl.id}`, {
            body: { config: withUrl.config },
          })
          expect(back.status, JSON.stringify(back.body)).toBe(200)
          expect(JSON.stringify(back.body)).not.toContain('url-pw')
          const viaUrl = await env().call('POST', `${env().api}/importsource/${withUrl.id}/test`)
          // The kept url reaches the server: PostgreSQL trusts any password here, MariaDB's root has none.
          if (driver === 'postgres') expect(viaUrl.body).toEqual({ ok: true })
          else expect(viaUrl.body).toMatchObject({ ok: false, code: 'AUTH_FAILED' })
          expect(JSON.stringify(viaUrl.body)).not.toContain('url-pw')
        })

        it('discovers columns with types and samples, imports the table, and re-imports changes', async () => {
          const source = await createdSqlSource(env(), hostsConfig())
          const found = await env().call(
            'GET',
            `${env().api}/importsource/${source.id}/discover?sampleSize=10`,
          )
          expect(found.status, JSON.stringify(found.body)).toBe(200)
          expect(found.body.file).toBeUndefined()
          const root = (found.body.roots as Json[])[0]!
          expect(root.name).toBe('hosts')
          expect(root.sampledEntries).toBe(10)
          expect(root.fields.map((f: Json) => f.name)).toEqual([
            'id',
            'name',
            'ip',
            'cpu',
            'price',
            'updated_at',
          ])
          const byName = Object.fromEntries(root.fields.map((f: Json) => [f.name, f]))
          expect(byName.id.type).toBe('integer')
          expect(byName.name.samples).toContain('Host 1')
          expect(byName.updated_at.type).toBe('date_time')
          expect(byName.ip.empty).toBe(1)

          await generateAndPutMapping(env(), source.id)
          const first = await run(env(), source.id)
          expect(first.status, JSON.stringify(first)).toBe('COMPLETED')
          const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body
            .objectSchemaId
          expect(await objectCount(env(), schemaId)).toBe(ROWS)
          const [created] = Object.values(
            (await typeResult(env(), source.id, first.resourceId)).objectTypeResultMap,
          ) as Json[]
          expect(created).toMatchObject({ entriesInSource: ROWS, objectsCreated: ROWS })

          const aql = await env().call('POST', `${env().api}/object/aql`, {
            body: { qlQuery: `objectSchemaId = ${schemaId} AND name = "Host 3"` },
          })
          expect(aql.status, JSON.stringify(aql.body)).toBe(200)
          expect(aql.body.values).toHaveLength(1)
          const values = JSON.stringify(aql.body.values[0])
          expect(values).toContain('10.0.0.3')
          expect(values).toContain('3.5')

          await db.exec(`update hosts set name = 'Renamed 2' where id = 2`)
          await db.exec(
            `insert into hosts (id, name, ip, cpu, price, updated_at) values (100, 'Host 100', '10.0.1.0', 4, 1.00, '2024-01-02 00:00:00')`,
          )
          const second = await run(env(), source.id)
          expect(second.status).toBe('COMPLETED')
          const [changed] = Object.values(
            (await typeResult(env(), source.id, second.resourceId)).objectTypeResultMap,
          ) as Json[]
          expect(changed).toMatchObject({
            entriesInSource: ROWS + 1,
            objectsCreated: 1,
            objectsUpdated: 1,
            objectsIdentical: ROWS - 1,
          })
          await db.exec(`delete from hosts where id = 100`)
          await db.exec(`update hosts set name = 'Host 2' where id = 2`)
        })

        it('reads incrementally by the high-water mark, and everything on a full read', async () => {
          const source = await createdSqlSource(env(), hostsConfig({ incremental: { column: 'updated_at' } }))
          await generateAndPutMapping(env(), source.id)
          const first = await run(env(), source.id)
          expect(first.status).toBe('COMPLETED')
          const r1 = await typeResult(env(), source.id, first.resourceId)
          expect((Object.values(r1.objectTypeResultMap)[0] as Json).objectsCreated).toBe(ROWS)

          await db.exec(`update hosts set cpu = 99, updated_at = '2024-03-01 12:00:00' where id in (4, 5)`)
          const second = await run(env(), source.id)
          expect(second.status).toBe('COMPLETED')
          const r2 = await typeResult(env(), source.id, second.resourceId)
          // The rows at or after the mark (the last host's time, read again as it may have had company) and the two.
          expect(Object.values(r2.objectTypeResultMap)[0]).toMatchObject({
            entriesInSource: 3,
            objectsUpdated: 2,
            objectsIdentical: 1,
          })
          expect(r2.infoMessage).toMatch(/incremental read/)

          const third = await run(env(), source.id)
          const r3 = await typeResult(env(), source.id, third.resourceId)
          // At the mark again (>=): the two rows are read once more, identical.
          expect(Object.values(r3.objectTypeResultMap)[0]).toMatchObject({
            entriesInSource: 2,
            objectsIdentical: 2,
          })

          const full = await run(env(), source.id, { fullRead: true })
          const r4 = await typeResult(env(), source.id, full.resourceId)
          expect(Object.values(r4.objectTypeResultMap)[0]).toMatchObject({
            entriesInSource: ROWS,
            objectsIdentical: ROWS,
          })
          for (const id of [4, 5])
            await db.exec(
              `update hosts set cpu = ${id % 16}, updated_at = '${hostUpdated(id)}' where id = ${id}`,
            )
        })

        it('pauses mid-read (nothing written, the server cursor released), resumes to COMPLETED, and cancels', async () => {
          const source = await createdSqlSource(env(), hostsConfig())
          await generateAndPutMapping(env(), source.id)
          const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body
            .objectSchemaId
          const held = gate.holdAt(2)
          const started = await startImport(env(), source.id)
          await held
          const url = progressUrl(env(), started.resourceId)
          const paused = await env().call('POST', `${url}/pause`)
          expect(paused.body.status).toBe('PAUSED')
          expect(await objectCount(env(), schemaId)).toBe(0)
          // The paused run holds no connection to the source database.
          await expect.poll(() => db.readers(), { timeout: 5000 }).toBe(0)
          gate.release()
          const resumed = await env().call('POST', `${url}/resume`)
          expect(resumed.status).toBe(200)
          expect((await waitForStatus(env(), started.resourceId)).status).toBe('COMPLETED')
          expect(await objectCount(env(), schemaId)).toBe(ROWS)

          await db.exec(`update hosts set name = 'Cancelled 1' where id = 1`)
          const heldAgain = gate.holdAt(1)
          const next = await startImport(env(), source.id)
          await heldAgain
          const cancelled = await env().call('POST', `${progressUrl(env(), next.resourceId)}/cancel`)
          expect(cancelled.body.status).toBe('CANCELLED')
          const aql = await env().call('POST', `${env().api}/object/aql`, {
            body: { qlQuery: `objectSchemaId = ${schemaId} AND name = "Cancelled 1"` },
          })
          expect(aql.body.values).toHaveLength(0)
          await db.exec(`update hosts set name = 'Host 1' where id = 1`)
        })

        it('fails the execution cleanly with the reason when the connection is lost mid-read (nothing written)', async () => {
          const source = await createdSqlSource(env(), hostsConfig())
          await generateAndPutMapping(env(), source.id)
          const held = gate.holdAt(1)
          const started = await startImport(env(), source.id)
          await held
          expect(await db.killReaders()).toBeGreaterThan(0)
          gate.release()
          const done = await waitForStatus(env(), started.resourceId)
          expect(done.status).toBe('FAILED')
          expect(done.currentWorkDescription).toMatch(/connection to the database was lost/i)
          const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body
            .objectSchemaId
          expect(await objectCount(env(), schemaId)).toBe(0)
          // The source itself is fine: the next run completes.
          expect((await run(env(), source.id)).status).toBe('COMPLETED')
          expect(await objectCount(env(), schemaId)).toBe(ROWS)
        })
      })
    }
  },
  { INTAKE_SECRET_KEY: randomBytes(32).toString('base64') },
)
