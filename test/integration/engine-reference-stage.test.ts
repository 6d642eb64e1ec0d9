import { sql } from 'kysely'
import { expect, it } from 'vitest'
import type { ImportStore } from '../../src/engine/ports.js'
import { importStore } from '../../src/store/import-store.js'
import { refStagePageQuery } from '../../src/store/repositories/import-write.repository.js'
import { counters, engineSource, type TypeSpec } from '../helpers/engine-documents.js'
import { overridingTx, runEngine } from '../helpers/engine-fixtures.js'
import { describeEachDialect } from '../helpers/test-env.js'

const node: TypeSpec = {
  key: 'node',
  name: 'Node',
  selector: 'nodes',
  attributes: [
    { name: 'Name', type: 'text', label: true, identity: true, locators: ['name'] },
    { name: 'Parent', type: 'referenced_object', ref: 'node', locators: ['parent'], iql: 'Name = ${parent}' },
  ],
}

/**
 * 3,000 nodes, each but the first naming the one before it as its parent (written after it, found all the same) —
 * but every tenth, which names a node that does not exist: the set statement resolves the others
 * (resolveStagedSingle), and those 299 are read from the stage in pages.
 */
const nodes = Array.from({ length: 3000 }, (_, i) => ({
  name: `N${i}`,
  ...(i === 0 ? {} : { parent: i % 10 === 0 ? `gone-${i}` : `n${i - 1}` }),
}))

/** The engine's ImportStore, explaining the reference stage's page statement each time the pass reads a page. */
function explainingStore(inner: ImportStore, plans: string[]): ImportStore {
  return overridingTx(inner, (tx) => ({
    refStagePage: async (attributeId, afterSeq, limit, lastSeq) => {
      // The statement as it ran, and the other form (within a range the set statement went through, or not).
      for (const last of [lastSeq, lastSeq === undefined ? afterSeq + limit : undefined]) {
        const query = refStagePageQuery(attributeId, afterSeq, limit, last)
        const explained =
          tx.dialect === 'sqlite'
            ? await sql<{ detail: string }>`explain query plan ${query}`.execute(tx.db)
            : await sql<{ 'QUERY PLAN': string }>`explain (costs off) ${query}`.execute(tx.db)
        plans.push(explained.rows.map((r) => ('detail' in r ? r.detail : r['QUERY PLAN'])).join('\n'))
      }
      return tx.refStagePage(attributeId, afterSeq, limit, lastSeq)
    },
  }))
}

describeEachDialect('import engine: the reference stage', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId

  it('each page of staged references is read along the (attribute, seq) index, never by sorting every row after it', async () => {
    const s = await engineSource(services(), ws(), [node])
    const plans: string[] = []
    const store = explainingStore(importStore(services().store), plans)
    const result = await runEngine(services(), ws(), s.source.id, [{ nodes }], { deps: { store } })
    expect(counters(result, 'Node')).toMatchObject({
      objectsCreated: 3000,
      objectsWithUpdatedReferences: 2700,
    })
    expect(result.problemCount).toBe(299)
    expect(plans.length).toBeGreaterThan(0)
    for (const plan of plans) {
      expect(plan).toMatch(/engine_ref_stage_seq/)
      // Without statistics PostgreSQL chose a bitmap scan of all remaining rows and a sort (quadratic over pages).
      expect(plan).not.toMatch(/Sort|Bitmap|TEMP B-TREE/i)
      // The test of a row the set statement resolved probes object_reference per row, not a hash of all its rows.
      expect(plan).not.toMatch(/hashed/i)
    }
    const links = await services()
      .store.db.selectFrom('object_reference')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('attribute_id', '=', s.attributeId('Node.Parent'))
      .executeTakeFirstOrThrow()
    expect(Number(links.n)).toBe(2700)
  }, 90_000)

  it("a created object's staged reference with one text, staged without its key and text, reads back with both", async () => {
    // A dry run reads every staged row back in pages (no set statement): each plan line names the created object
    // by its key and the targets it would get; the unresolved one keeps its text as it was (not folded).
    const s = await engineSource(services(), ws(), [node])
    const few = [{ name: 'Root' }, { name: 'Leaf', parent: 'ROOT' }, { name: 'Lost', parent: 'Nowhere' }]
    const dry = await runEngine(services(), ws(), s.source.id, [{ nodes: few }], {
      dryRun: true,
      planLimit: 100,
    })
    const plan = dry.plan![String(s.typeId('Node'))]!
    const keyOf = new Map(plan.filter((p) => p.operation === 'create').map((p) => [p.identity, p.objectKey]))
    const links = plan.filter((p) => p.operation === 'references')
    expect(links).toHaveLength(1)
    expect(links[0]!.objectKey).toBe(keyOf.get('leaf') ?? keyOf.get('Leaf'))
    expect(links[0]!.objectKey).toMatch(/^[A-Z0-9]+-\d+$/)
    const real = await runEngine(services(), ws(), s.source.id, [{ nodes: few }])
    expect(counters(real, 'Node')).toMatchObject({ objectsCreated: 3, objectsWithUpdatedReferences: 1 })
    const problems = await services()
      .store.db.selectFrom('execution_problem')
      .select(['code', 'value'])
      .where('execution_id', '=', real.id)
      .execute()
    expect(problems).toEqual([{ code: 'UNRESOLVED_REFERENCE', value: 'Nowhere' }])
  })
})
