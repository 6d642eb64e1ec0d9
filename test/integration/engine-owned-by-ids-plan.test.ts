import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { ownedByIdsStatements } from '../../src/store/repositories/import-write.repository.js'
import { engineSource, storedObjects, type TypeSpec } from '../helpers/engine-documents.js'
import { runEngine } from '../helpers/engine-fixtures.js'
import { describeEachDialect } from '../helpers/test-env.js'

const host: TypeSpec = {
  key: 'host',
  name: 'Host',
  selector: 'hosts',
  attributes: [{ name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] }],
}

/**
 * The missing-objects pass reads the rows of the owned objects a run did not see (ownedByIds). Read through the
 * identity index (type, source, identity), as SQLite's planner chose for `id in (…)` with the type and source, each
 * statement went through every object the source owns: at a million owned objects ~5 s for a 10 % re-import.
 */
describeEachDialect('import engine: the unseen owned objects are read by id', (env) => {
  it('each statement of ownedByIds probes the primary key, never the range of the owned objects', async () => {
    const services = env().booted.services
    const s = await engineSource(services, env().workspaceId, [host])
    await runEngine(services, env().workspaceId, s.source.id, [
      { hosts: Array.from({ length: 200 }, (_, i) => ({ serial: `H${i}` })) },
    ])
    const ids = (await storedObjects(services, s.typeId('Host'))).map((o) => o.id).slice(0, 50)
    const db = services.store.db
    const plans = await db.transaction().execute(async (trx) => {
      const out: string[] = []
      // A small table: PostgreSQL would scan it whole whatever the indexes; the choice between indexes is the test.
      if (services.store.caps.dialect === 'postgres') await sql`set local enable_seqscan = off`.execute(trx)
      for (const statement of ownedByIdsStatements(trx, s.typeId('Host'), s.source.id, ids)) {
        const explained =
          services.store.caps.dialect === 'sqlite'
            ? await sql<{ detail: string }>`explain query plan ${statement}`.execute(trx)
            : await sql<{ 'QUERY PLAN': string }>`explain (costs off) ${statement}`.execute(trx)
        out.push(explained.rows.map((r) => ('detail' in r ? r.detail : r['QUERY PLAN'])).join('\n'))
        expect((await statement.execute(trx)).rows).toHaveLength(ids.length)
      }
      return out
    })
    expect(plans).toHaveLength(1)
    if (services.store.caps.dialect === 'sqlite') expect(plans[0]).toMatch(/USING INTEGER PRIMARY KEY/)
    else expect(plans[0]).toMatch(/object_pkey/)
    expect(plans[0]).not.toMatch(/identity|autoindex_object_2/)
  })
})
