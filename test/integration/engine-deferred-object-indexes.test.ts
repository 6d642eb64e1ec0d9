import { sql } from 'kysely'
import pg from 'pg'
import { expect, it } from 'vitest'
import { importStore } from '../../src/store/import-store.js'
import { counters, engineSource, type TypeSpec } from '../helpers/engine-documents.js'
import { overridingTx, runEngine } from '../helpers/engine-fixtures.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'

const host: TypeSpec = {
  key: 'host',
  name: 'Host',
  selector: 'hosts',
  attributes: [
    { name: 'Serial', type: 'text', identity: true, unique: true, locators: ['serial'] },
    { name: 'Name', type: 'text', label: true, locators: ['name'] },
  ],
}

/** 12,000 entries: three batches of the engine's 5,000. */
const hosts = Array.from({ length: 12_000 }, (_, i) => ({ serial: `S${i}`, name: `Host ${i}` }))

/** The definitions of object's indexes, sorted. */
async function objectIndexes(env: TestEnv, db = env.booted.services.store.db): Promise<string[]> {
  const rows =
    env.dialect === 'postgres'
      ? (
          await sql<{
            d: string
          }>`select indexdef as d from pg_indexes where tablename = 'object' and schemaname = current_schema()`.execute(
            db,
          )
        ).rows
      : (
          await sql<{
            d: string
          }>`select coalesce(sql, name) as d from sqlite_master where type = 'index' and tbl_name = 'object'`.execute(
            db,
          )
        ).rows
  return rows.map((r) => r.d).sort()
}

const aql = async (env: TestEnv, qlQuery: string): Promise<number> => {
  const res = await env.call('POST', `${env.api}/object/aql`, { body: { qlQuery } })
  expect(res.status).toBe(200)
  return res.body.total as number
}

/**
 * PostgreSQL: an import into an empty object table writes the rows without the table's secondary B-trees and builds
 * them before anything reads through them and before the commit (store/deferred-indexes.ts). The tests of this file
 * share one database and run in order: the first starts with no object at all.
 */
describeEachDialect('import engine: a load into an empty object table', (env) => {
  it('writes its rows without the B-trees and leaves every index of object as it was', async () => {
    const e = env()
    const services = e.booted.services
    const before = await objectIndexes(e)
    const s = await engineSource(services, e.workspaceId, [host])
    const during: string[][] = []
    const store = overridingTx(importStore(services.store), (tx) => ({
      flushIndex: async () => {
        await tx.flushIndex()
        during.push(await objectIndexes(e, tx.db))
      },
    }))
    const result = await runEngine(services, e.workspaceId, s.source.id, [{ hosts }], {
      deps: { store },
    })
    expect(counters(result, 'Host').objectsCreated).toBe(12_000)
    expect(during.length).toBeGreaterThanOrEqual(3)
    if (e.dialect === 'postgres') {
      // Only the primary key and the trigram index (when pg_trgm is there) while the rows went in.
      for (const d of during)
        expect(d.filter((x) => /USING btree/.test(x))).toEqual([expect.stringMatching(/object_pkey/)])
    } else for (const d of during) expect(d).toEqual(before)
    expect(await objectIndexes(e)).toEqual(before)
  })

  it('finds its objects right after it by key, identity, label and label like', async () => {
    const e = env()
    const services = e.booted.services
    expect(await aql(e, 'label = "Host 11999"')).toBe(1)
    expect(await aql(e, 'label like "Host 1199"')).toBe(11)
    expect(await aql(e, 'Serial = "S5000"')).toBe(1)
    const key = (
      await sql<{ k: string }>`select object_key as k from object order by id limit 1`.execute(
        services.store.db,
      )
    ).rows[0]!.k
    expect(await aql(e, `Key = "${key}"`)).toBe(1)
    // A re-import finds every object by its identity: nothing created, nothing changed.
    const s = await engineSource(services, e.workspaceId, [host])
    const first = await runEngine(services, e.workspaceId, s.source.id, [{ hosts: hosts.slice(0, 10) }])
    expect(counters(first, 'Host').objectsCreated).toBe(10)
    const again = await runEngine(services, e.workspaceId, s.source.id, [{ hosts: hosts.slice(0, 10) }])
    expect(counters(again, 'Host')).toMatchObject({ objectsCreated: 0, objectsIdentical: 10 })
  })

  it('keeps its indexes when the table has rows', async () => {
    const e = env()
    const services = e.booted.services
    const before = await objectIndexes(e)
    const s = await engineSource(services, e.workspaceId, [host])
    const during: string[][] = []
    const store = overridingTx(importStore(services.store), (tx) => ({
      flushIndex: async () => {
        await tx.flushIndex()
        during.push(await objectIndexes(e, tx.db))
      },
    }))
    await runEngine(services, e.workspaceId, s.source.id, [{ hosts: hosts.slice(0, 100) }], {
      deps: { store },
    })
    expect(during.length).toBeGreaterThan(0)
    for (const d of during) expect(d).toEqual(before)
  })
})

describeEachDialect('import engine: a load into an empty object table another transaction reads', (env) => {
  it('does not wait for the reader, keeps its indexes and loads', async () => {
    const e = env()
    const services = e.booted.services
    const before = await objectIndexes(e)
    const s = await engineSource(services, e.workspaceId, [host])
    const during: string[][] = []
    const store = overridingTx(importStore(services.store), (tx) => ({
      flushIndex: async () => {
        await tx.flushIndex()
        during.push(await objectIndexes(e, tx.db))
      },
    }))
    // PostgreSQL: a transaction holding ACCESS SHARE on object for the whole run.
    const reader =
      e.dialect === 'postgres' ? new pg.Client({ connectionString: e.config.database.url }) : null
    await reader?.connect()
    try {
      await reader?.query('begin')
      await reader?.query('select 1 from object limit 1')
      const result = await runEngine(services, e.workspaceId, s.source.id, [{ hosts: hosts.slice(0, 50) }], {
        deps: { store },
      })
      expect(counters(result, 'Host').objectsCreated).toBe(50)
    } finally {
      await reader?.query('rollback')
      await reader?.end()
    }
    expect(during.length).toBeGreaterThan(0)
    for (const d of during) expect(d).toEqual(before)
    expect(await objectIndexes(e)).toEqual(before)
  })
})
