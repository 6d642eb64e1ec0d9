import { sql } from 'kysely'
import { expect, it } from 'vitest'
import type { ImportStore } from '../../src/engine/ports.js'
import { pushIndexTuples } from '../../src/domain/schema/stored-values.js'
import { importStore } from '../../src/store/import-store.js'
import { counters, engineSource, type TypeSpec } from '../helpers/engine-documents.js'
import { overridingTx, runEngine } from '../helpers/engine-fixtures.js'
import { describeEachDialect } from '../helpers/test-env.js'

const asset: TypeSpec = {
  key: 'asset',
  name: 'Asset',
  selector: 'assets',
  attributes: [
    { name: 'Name', type: 'text', label: true, identity: true, locators: ['name'] },
    { name: 'Code', type: 'text', unique: true, locators: ['code'] },
    // A text attribute flagged indexed: the single-valued text label keeps no rows (its object row's label answers).
    { name: 'Title', type: 'text', indexed: true, locators: ['name'] },
  ],
}

/** 12,000 entries (three batches of the engine's 5,000), their values in descending key order. */
const N = 12_000
const assets = Array.from({ length: N }, (_, i) => {
  const n = String(N - i).padStart(6, '0')
  return { name: `A${n}`, code: `C${n}` }
})

interface Seen {
  /** Per flushIndex call and attribute: the attribute's folded values in object_value, in the order of the heap. */
  flushes: Map<number, string[]>[]
}

/** The engine's ImportStore, reading object_value inside the transaction after each flush of the index rows. */
function watchingStore(inner: ImportStore, attributeIds: number[], seen: Seen): ImportStore {
  return overridingTx(inner, (tx) => ({
    flushIndex: async () => {
      await tx.flushIndex()
      const byAttribute = new Map<number, string[]>()
      for (const id of attributeIds) {
        // PostgreSQL: in the order the rows went into the heap (one COPY per batch, rows in the order sent).
        const order = tx.dialect === 'postgres' ? sql`order by ctid` : sql``
        const rows = (
          await sql<{
            v: string
          }>`select value_ci as v from object_value where attribute_id = ${id} ${order}`.execute(tx.db)
        ).rows
        byAttribute.set(
          id,
          rows.map((r) => r.v),
        )
      }
      seen.flushes.push(byAttribute)
    },
  }))
}

const odd: TypeSpec = {
  key: 'odd',
  name: 'Odd',
  selector: 'odds',
  attributes: [
    { name: 'Name', type: 'text', label: true, identity: true, locators: ['name'] },
    { name: 'Title', type: 'text', indexed: true, locators: ['name'] },
    { name: 'Ratio', type: 'double', indexed: true, locators: ['ratio'] },
  ],
}

/** Texts and numbers an encoding of the staged rows could change (SQLite stages them as JSON). */
const odds = (
  [
    ['Quote "q" and \\ backslash', 0.1 + 0.2],
    ['Tab\tnew\nline\r\u0001 control', 5e-324],
    ['Emoji 😀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 1.7976931348623157e308],
    ['ÜNÏCÖDÉ İstanbul ß', -123456789.12345679],
    ['Separators \u2028\u2029 end', 2 ** 53 + 2],
    ['Zero \u200b width \u200d joiners', 1e21],
    ['/slash/ and \u007f\u0085', 2.2250738585072014e-308],
  ] as [string, number][]
).map(([name, ratio]) => ({ name, ratio }))

describeEachDialect('import engine: value-index rows', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId

  it('PostgreSQL writes each batch of value-index rows into object_value at once, every attribute in key order (SQLite stages them until the end)', async () => {
    const s = await engineSource(services(), ws(), [asset])
    const label = s.attributeId('Asset.Name')
    const name = s.attributeId('Asset.Title')
    const code = s.attributeId('Asset.Code')
    const seen: Seen = { flushes: [] }
    const store = watchingStore(importStore(services().store), [name, code, label], seen)
    const result = await runEngine(services(), ws(), s.source.id, [{ assets }], { deps: { store } })
    expect(counters(result, 'Asset')).toMatchObject({ objectsCreated: N })
    const first = seen.flushes[0]!
    if (services().store.caps.dialect === 'postgres') {
      // The first batch's 5,000 rows of each attribute, the indexed title's as well as the unique code's, in key order.
      const expected = (prefix: string) =>
        assets
          .slice(0, 5000)
          .map((a) => (prefix === 'a' ? a.name : a.code).toLowerCase())
          .sort()
      expect(first.get(name)).toEqual(expected('a'))
      expect(first.get(code)).toEqual(expected('c'))
      expect(first.get(label)).toEqual([])
    } else {
      // SQLite keeps every attribute's rows in its stage tables until the passes after the last batch.
      expect(first.get(name)).toEqual([])
      expect(first.get(code)).toEqual([])
    }
    const rows = await services()
      .store.db.selectFrom('object_value')
      .select(['attribute_id', 'value_ci', 'value_text'])
      .where('attribute_id', 'in', [name, code, label])
      .execute()
    expect(rows).toHaveLength(2 * N)
    const names = rows.filter((r) => Number(r.attribute_id) === name)
    expect(new Set(names.map((r) => r.value_text))).toEqual(new Set(assets.map((a) => a.name)))
    expect(names.every((r) => r.value_ci === r.value_text.toLowerCase())).toBe(true)
  }, 120_000)

  it('value-index rows keep their texts and numbers exactly through the stage', async () => {
    const s = await engineSource(services(), ws(), [odd])
    const name = { id: s.attributeId('Odd.Title'), kind: 'text' as const }
    const ratio = { id: s.attributeId('Odd.Ratio'), kind: 'double' as const }
    const result = await runEngine(services(), ws(), s.source.id, [{ odds }])
    expect(counters(result, 'Odd')).toMatchObject({ objectsCreated: odds.length })
    const objects = await services()
      .store.db.selectFrom('object')
      .select(['id', 'label'])
      .where('object_type_id', '=', s.typeId('Odd'))
      .execute()
    expect(objects.map((o) => o.label).sort()).toEqual(odds.map((x) => x.name).sort())
    const expected: unknown[][] = []
    for (const o of objects) {
      const entry = odds.find((x) => x.name === o.label)!
      for (const [attribute, value] of [
        [name, entry.name],
        [ratio, entry.ratio],
      ] as const) {
        const tuples: unknown[][] = []
        pushIndexTuples(tuples, Number(o.id), attribute, [value])
        for (const [ci, id, position, text, num] of tuples)
          expected.push([attribute.id, ci, id, position, text ?? ci, num])
      }
    }
    const rows = await services()
      .store.db.selectFrom('object_value')
      .select(['attribute_id', 'value_ci', 'object_id', 'position', 'value_text', 'value_num'])
      .where('attribute_id', 'in', [name.id, ratio.id])
      .execute()
    const actual = rows.map((r) => [
      Number(r.attribute_id),
      r.value_ci,
      Number(r.object_id),
      Number(r.position),
      r.value_text,
      r.value_num === null ? null : Number(r.value_num),
    ])
    const order = (a: unknown[], b: unknown[]) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)
    expect(actual.sort(order)).toEqual(expected.sort(order))
  })
})
