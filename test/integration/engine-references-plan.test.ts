import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { referencesStatements } from '../../src/store/repositories/import-write.repository.js'
import { engineSource, storedObjects, type TypeSpec } from '../helpers/engine-documents.js'
import { runEngine } from '../helpers/engine-fixtures.js'
import { describeEachDialect } from '../helpers/test-env.js'

const host: TypeSpec = {
  key: 'host',
  name: 'Host',
  selector: 'hosts',
  attributes: [
    { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
    {
      name: 'Parent',
      type: 'referenced_object',
      ref: 'host',
      locators: ['parent'],
      iql: 'Serial = ${parent}',
    },
  ],
}

/**
 * The reference pass compares the stored references of the objects a re-import changed (references). PostgreSQL's
 * planner answered `object_id = any(array) and attribute_id in (…)` from the (target, attribute) index on the
 * attribute alone, reading every reference of the attribute: at a million references ~250 ms per statement.
 */
describeEachDialect(
  'import engine: the stored references of changed objects are read by object id',
  (env) => {
    it('each statement of references probes the primary key for each id, never the attribute range', async () => {
      const services = env().booted.services
      const s = await engineSource(services, env().workspaceId, [host])
      await runEngine(services, env().workspaceId, s.source.id, [
        { hosts: Array.from({ length: 200 }, (_, i) => ({ serial: `H${i}`, parent: `H${i >> 1}` })) },
      ])
      const objects = await storedObjects(services, s.typeId('Host'))
      const ids = objects.map((o) => o.id).slice(0, 50)
      const parent = s.attributeId('Host.Parent')
      const db = services.store.db
      const { plans, rows } = await db.transaction().execute(async (trx) => {
        const plans: string[] = []
        const rows: unknown[] = []
        // A small table: PostgreSQL would scan it whole whatever the indexes; the choice between indexes is the test.
        if (services.store.caps.dialect === 'postgres') await sql`set local enable_seqscan = off`.execute(trx)
        for (const statement of referencesStatements(trx, ids, [parent])) {
          const explained =
            services.store.caps.dialect === 'sqlite'
              ? await sql<{ detail: string }>`explain query plan ${statement}`.execute(trx)
              : await sql<{ 'QUERY PLAN': string }>`explain (costs off) ${statement}`.execute(trx)
          plans.push(explained.rows.map((r) => ('detail' in r ? r.detail : r['QUERY PLAN'])).join('\n'))
          rows.push(...(await statement.execute(trx)).rows)
        }
        return { plans, rows }
      })
      expect(plans).toHaveLength(1)
      if (services.store.caps.dialect === 'sqlite')
        expect(plans[0]).toMatch(
          /USING (PRIMARY KEY|INDEX sqlite_autoindex_object_reference_1) \(object_id=\? AND attribute_id=\?\)/,
        )
      else expect(plans[0]).toMatch(/object_reference_pk[\s\S]*object_id = k\.id/)
      expect(plans[0]).not.toMatch(/target_idx/)
      // The rows themselves: each asked object's one reference, in id order.
      const byId = new Map(objects.map((o) => [o.id, o]))
      expect(rows.map((r) => Number((r as { object_id: number }).object_id))).toEqual(
        [...ids].sort((a, b) => a - b),
      )
      for (const r of rows as { object_id: number; target_object_id: number; position: number }[]) {
        const serial = byId.get(Number(r.object_id))!.label
        const target = byId.get(Number(r.target_object_id))!.label
        expect(target).toBe(`H${Number(serial.slice(1)) >> 1}`)
        expect(r.position).toBe(0)
      }
    })
  },
)
