import { beforeAll, expect, it } from 'vitest'
import type { AqlScope } from '../../src/store/aql/compile-query.js'
import { aqlRepository } from '../../src/store/repositories/aql.repository.js'
import { describeEachDialect } from '../helpers/test-env.js'

/**
 * A test on an attribute without index rows is answered from the rows' JSON. On SQLite the scan reads the table
 * in rowid order when the types it is bounded to hold a large part of the table (scan-order.ts), else through
 * the type index; both ways answer the same objects. The JSON text prefilter (json-keys.ts) never drops a row
 * that holds a passing value.
 */
describeEachDialect('AQL: scans of unindexed attributes', (env) => {
  const BIG = ['INV-0011', 'inv-0011', 'Inv-00112', 'X-001-Y', 'x-001-y', 'INV-0012', 'Bİ', 'bi', 'plain']
  beforeAll(async () => {
    const { services } = env().booted
    const ws = env().workspaceId
    const schema = await services.schemas.createSchema(ws, { name: 'Rowid', objectSchemaKey: 'ROW' })
    for (const [type, codes] of [
      ['Large', [...BIG, ...BIG, ...BIG]],
      ['Small', ['INV-0011', 'x-001-y']],
    ] as const) {
      const typeId = (await services.schemas.createType(ws, { objectSchemaId: schema.id, name: type })).id
      await services.schemas.createAttribute(ws, typeId, { name: 'Name', kind: 'text', label: true })
      await services.schemas.createAttribute(ws, typeId, { name: 'Code', kind: 'text' })
      for (const [i, code] of codes.entries())
        await services.objects.create(ws, {
          objectTypeId: typeId,
          attributes: [
            { attribute: 'Name', values: [`${code}|${type} ${i}`] },
            { attribute: 'Code', values: [code] },
          ],
        })
    }
  })

  const codesOf = async (query: string): Promise<string[]> => {
    const { services } = env().booted
    const page = await services.aql.search(env().workspaceId, query, { startAt: 0, maxResults: 100 })
    expect(page.total, query).toBe(page.values.length)
    // The label is `<code>|<type> <n>`.
    return page.values.map((o) => o.label.split('|')[0]!).sort()
  }

  it('matches every case and letter-free run of the wanted text', async () => {
    const thrice = (codes: string[]) => [...codes, ...codes, ...codes].sort()
    expect(await codesOf('objectType = Large AND Code = "inv-0011"')).toEqual(
      thrice(['INV-0011', 'inv-0011']),
    )
    expect(await codesOf('objectType = Large AND Code == "INV-0011"')).toEqual(thrice(['INV-0011']))
    expect(await codesOf('objectType = Large AND Code like "V-001"')).toEqual(
      thrice(['INV-0011', 'INV-0012', 'Inv-00112', 'inv-0011']),
    )
    expect(await codesOf('objectType = Large AND Code startswith "X-001"')).toEqual(
      thrice(['X-001-Y', 'x-001-y']),
    )
    expect(await codesOf('objectType = Large AND Code endswith "0011"')).toEqual(
      thrice(['INV-0011', 'inv-0011']),
    )
    expect(await codesOf('objectType = Large AND Code in ("x-001-Y", "INV-0012")')).toEqual(
      thrice(['INV-0012', 'X-001-Y', 'x-001-y']),
    )
  })

  it('finds a text whose folding ends in an ASCII letter followed by a combining mark (İ → i̇)', async () => {
    // "Bİ" folds to "bi̇": it contains and starts with "bi", but does not equal it.
    expect(await codesOf('objectType = Large AND Code like "bi"')).toEqual([
      'Bİ',
      'Bİ',
      'Bİ',
      'bi',
      'bi',
      'bi',
    ])
    expect(await codesOf('objectType = Large AND Code startswith "bi"')).toEqual([
      'Bİ',
      'Bİ',
      'Bİ',
      'bi',
      'bi',
      'bi',
    ])
    expect(await codesOf('objectType = Large AND Code = "bi"')).toEqual(['bi', 'bi', 'bi'])
  })

  it('reads the table in rowid order only on SQLite and only when the scanned types hold most of it', async () => {
    const { services } = env().booted
    const ws = env().workspaceId
    const scope = await scopeOf(ws)
    const rowid = async (q: string) =>
      aqlRepository.rowidScan(services.store.db, scope, await prepared(ws, q))
    const sqlite = services.store.caps.dialect === 'sqlite'
    expect(await rowid('Code = "inv-0011"')).toBe(sqlite)
    expect(await rowid('objectType = Large AND Code = "inv-0011"')).toBe(sqlite)
    // Small's 2 objects are under a fifth of the table: its type index is cheaper.
    expect(await rowid('objectType = Small AND Code = "inv-0011"')).toBe(false)
    // Nothing bounds the types: the planner is left alone.
    expect(await rowid('label like "large"')).toBe(false)
  })

  it('answers the same ids in rowid order as through the type index', async () => {
    const { services } = env().booted
    const ws = env().workspaceId
    const scope = await scopeOf(ws)
    for (const q of [
      'Code = "inv-0011"',
      'Code like "001"',
      'objectType = Small AND Code = "INV-0011"',
      'Code != "bi"',
    ]) {
      const query = await prepared(ws, q)
      const db = services.store.db
      const plain = await aqlRepository.matchingIds(db, scope, query, { driver: null }, 1000)
      const rowid = await aqlRepository.matchingIds(db, scope, query, { driver: null, rowidScan: true }, 1000)
      expect(rowid, q).toEqual(plain)
      expect(plain.ids?.length, q).toBeGreaterThan(0)
      const after = plain.ids![0]!
      expect(await aqlRepository.count(db, scope, query, { driver: null, rowidScan: true }, after), q).toBe(
        await aqlRepository.count(db, scope, query, { driver: null }, after),
      )
    }
  })

  const prepared = async (ws: string, q: string) => (await env().booted.services.aql.prepare(ws, q)).query
  /** The scope the service builds (aql.service.ts scope()); these types have no reference attributes. */
  const scopeOf = async (ws: string): Promise<AqlScope> => {
    const { services } = env().booted
    const attributeTypes = new Map<number, number[]>()
    for (const type of (await services.aql.catalog(ws)).objectTypes)
      for (const a of type.attributes)
        attributeTypes.set(a.id, [...(attributeTypes.get(a.id) ?? []), type.id])
    const indexed = await aqlRepository.indexedAttributeIds(services.store.db, ws)
    return {
      caps: services.store.caps,
      workspaceId: ws,
      referenceAttributeIds: new Set(),
      indexedAttributeIds: new Set(indexed.map((a) => a.id)),
      labelAttributeIds: new Set(indexed.filter((a) => a.label).map((a) => a.id)),
      attributeTypes,
    }
  }
})
