import { beforeAll, expect, it } from 'vitest'
import { AqlService } from '../../src/services/aql.service.js'
import { describeEachDialect } from '../helpers/test-env.js'

/**
 * A query that no index drives scans its types' rows; it collects the matching ids in that one pass and takes
 * the total and the page from them, instead of scanning twice (count, then page). When more objects match than
 * it collects, it counts and pages in two statements: both ways answer the same objects, order, total and pages.
 */
describeEachDialect('AQL: scanning queries count and page from one pass', (env) => {
  const CODES = ['b-1', 'A-1', 'a-1', 'c-2', 'B-1', 'a-1', 'd-3', 'A-1', 'e-1', 'b-2', 'a-1', 'C-2']
  let typeId = 0

  beforeAll(async () => {
    const { services } = env().booted
    const ws = env().workspaceId
    const schema = await services.schemas.createSchema(ws, { name: 'Scan', objectSchemaKey: 'SCN' })
    typeId = (await services.schemas.createType(ws, { objectSchemaId: schema.id, name: 'Box' })).id
    await services.schemas.createAttribute(ws, typeId, { name: 'Name', kind: 'text', label: true })
    await services.schemas.createAttribute(ws, typeId, { name: 'Code', kind: 'text' })
    await services.schemas.createAttribute(ws, typeId, { name: 'Size', kind: 'integer' })
    for (const [i, code] of CODES.entries()) {
      await services.objects.create(ws, {
        objectTypeId: typeId,
        attributes: [
          // Labels collide on purpose: the order's tie-break (id) must hold in both ways.
          { attribute: 'Name', values: [`box ${i % 5}`] },
          { attribute: 'Code', values: [code] },
          { attribute: 'Size', values: [(i * 7) % 5] },
        ],
      })
    }
  })

  const QUERIES = [
    'Code = "a-1"',
    'Code = "A-1" order by Size desc',
    'objectType = Box AND Code in ("b-1", "c-2") order by Code',
    'Code like "1" order by Name desc',
    'Code = "nothing"',
    'Code = "d-3"',
    'Code != "a-1" AND Size >= 1',
  ]

  it('answers the same objects, order, total and pages whether it collects the ids or counts and pages', async () => {
    const { services } = env().booted
    const ws = env().workspaceId
    const twoStatements = new AqlService(services.store.db, services.store.caps, services.clock, 2)
    for (const q of QUERIES) {
      for (const window of [
        { startAt: 0, maxResults: 25 },
        { startAt: 1, maxResults: 2 },
        { startAt: 3, maxResults: 3 },
        { startAt: 20, maxResults: 5 },
      ]) {
        const one = await services.aql.search(ws, q, window)
        const two = await twoStatements.search(ws, q, window)
        expect(
          one.values.map((o) => o.id),
          `${q} ${JSON.stringify(window)}`,
        ).toEqual(two.values.map((o) => o.id))
        expect(one.total, q).toBe(two.total)
      }
    }
  })

  it('pages a scanning query over HTTP with its total', async () => {
    const e = env()
    const page = async (startAt: number) =>
      (
        await e.call('POST', `${e.api}/object/aql?startAt=${startAt}&maxResults=2`, {
          body: { qlQuery: 'Code = "a-1"' },
        })
      ).body
    const first = await page(0)
    const second = await page(2)
    const third = await page(4)
    expect(first.total).toBe(5)
    expect(
      [...first.values, ...second.values, ...third.values].map((o: { label: string }) => o.label),
    ).toEqual(['box 0', 'box 0', 'box 1', 'box 2', 'box 2'])
    expect(third.values).toHaveLength(1)
    expect(third.isLast).toBe(true)
  })
})
