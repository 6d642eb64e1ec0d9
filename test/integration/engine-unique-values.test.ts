import { beforeAll, expect, it } from 'vitest'
import { runEngine } from '../helpers/engine-fixtures.js'
import {
  counters,
  engineDocument,
  engineSource,
  storedObjects,
  indexRowsOf,
  storedProblems,
  ZERO_COUNTERS,
  type TypeSpec,
} from '../helpers/engine-documents.js'
import { describeEachDialect } from '../helpers/test-env.js'

const tagged: TypeSpec = {
  key: 'tagged',
  name: 'Tagged',
  selector: 'items',
  attributes: [
    { name: 'Serial', type: 'text', identity: true, label: true, locators: ['serial'] },
    { name: 'Tag', type: 'text', unique: true, locators: ['tag'] },
  ],
}

const multi: TypeSpec = {
  key: 'multi',
  name: 'Multi',
  selector: 'items',
  attributes: [
    { name: 'Serial', type: 'text', identity: true, label: true, locators: ['serial'] },
    { name: 'Tags', type: 'text', unique: true, max: -1, locators: ['tags'] },
  ],
}

/** More entries than one write batch (5,000): the second batch is checked against the rows of the first. */
const N = 5003
const serial = (i: number) => `S${i}`

describeEachDialect(
  'import engine: unique values checked per batch against stored and earlier rows',
  (env) => {
    const services = () => env().booted.services
    const ws = () => env().workspaceId
    let s: Awaited<ReturnType<typeof engineSource>>

    beforeAll(async () => {
      s = await engineSource(services(), ws(), [tagged])
    })

    const problemsOf = async (executionId: string) =>
      (await storedProblems(services(), executionId)).map((p) => [p.location, p.code, p.attribute, p.value])

    it('refuses a value an earlier batch of the run wrote, another entry of the batch holds, or another stored object has', async () => {
      const items = Array.from({ length: N }, (_, i) => ({ serial: serial(i), tag: `T${i}` }))
      // Second batch: a value of the first batch (folded the same), then one of its own batch.
      items[5001] = { serial: serial(5001), tag: 't7' }
      items[5002] = { serial: serial(5002), tag: 'T5000' }
      const first = await runEngine(services(), ws(), s.source.id, [{ items }])
      expect(counters(first, 'Tagged')).toEqual({
        ...ZERO_COUNTERS,
        entriesInSource: N,
        objectsCreated: N,
        entriesWithProblems: 2,
      })
      expect(await problemsOf(first.id)).toEqual([
        ['items[5001]', 'UNIQUE_VALUE_TAKEN', 'Tag', 't7'],
        ['items[5002]', 'UNIQUE_VALUE_TAKEN', 'Tag', 'T5000'],
      ])
      const tagId = String(s.attributeId('Tagged.Tag'))
      const stored = new Map(
        (await storedObjects(services(), s.typeId('Tagged'))).map((o) => [o.identity, o]),
      )
      expect(stored.get(serial(7))!.values[tagId]).toEqual(['T7'])
      expect(stored.get(serial(5000))!.values[tagId]).toEqual(['T5000'])
      expect(stored.get(serial(5001))!.values[tagId]).toBeUndefined()
      expect(stored.get(serial(5002))!.values[tagId]).toBeUndefined()

      // Against stored objects: an object keeps its own value; another object's value is refused.
      const again = await runEngine(services(), ws(), s.source.id, [
        {
          items: [
            { serial: serial(0), tag: 'T0' },
            { serial: serial(1), tag: 'T2' },
          ],
        },
      ])
      expect(await problemsOf(again.id)).toEqual([['items[1]', 'UNIQUE_VALUE_TAKEN', 'Tag', 'T2']])
      expect(counters(again, 'Tagged')).toMatchObject({ objectsIdentical: 2, entriesWithProblems: 1 })
    })

    it('drops only the taken values of a multi-valued unique attribute, keeping the entry’s others in order', async () => {
      const m = await engineSource(services(), ws(), [multi])
      const run = await runEngine(services(), ws(), m.source.id, [
        {
          items: [
            { serial: 'A', tags: ['X1', 'X2', 'X3'] },
            { serial: 'B', tags: ['Y1', 'x2', 'Y3', 'X3'] },
            { serial: 'C', tags: ['Z1'] },
          ],
        },
      ])
      expect(counters(run, 'Multi')).toMatchObject({ objectsCreated: 3, entriesWithProblems: 1 })
      expect(await problemsOf(run.id)).toEqual([
        ['items[1]', 'UNIQUE_VALUE_TAKEN', 'Tags', 'x2'],
        ['items[1]', 'UNIQUE_VALUE_TAKEN', 'Tags', 'X3'],
      ])
      const tagsId = String(m.attributeId('Multi.Tags'))
      const stored = new Map((await storedObjects(services(), m.typeId('Multi'))).map((o) => [o.identity, o]))
      expect(stored.get('A')!.values[tagsId]).toEqual(['X1', 'X2', 'X3'])
      expect(stored.get('B')!.values[tagsId]).toEqual(['Y1', 'Y3'])
      expect(stored.get('C')!.values[tagsId]).toEqual(['Z1'])
    })

    it('leaves every unique value of a run without repeats in the index, where AQL and the next run find it', async () => {
      // On SQLite these values wait in the stage for the whole run (no batch repeats one): they must all arrive.
      const fresh = await engineSource(services(), ws(), [{ ...tagged, key: 'fresh', name: 'Fresh' }])
      const items = Array.from({ length: N }, (_, i) => ({ serial: serial(i), tag: `F${i}` }))
      const first = await runEngine(services(), ws(), fresh.source.id, [{ items }])
      expect(counters(first, 'Fresh')).toMatchObject({ objectsCreated: N, entriesWithProblems: 0 })
      const rows = await indexRowsOf(services(), fresh.attributeId('Fresh.Tag'))
      expect(rows).toHaveLength(N)
      expect(new Set(rows.map(([, text]) => text)).size).toBe(N)
      for (const qlQuery of [`objectType = Fresh AND Tag = "f12"`, `objectType = Fresh AND Tag = "F5002"`]) {
        const res = await env().call('POST', `${env().api}/object/aql`, { body: { qlQuery } })
        expect(res.status, qlQuery).toBe(200)
        expect(
          res.body.values.map((v: { label: string }) => v.label),
          qlQuery,
        ).toEqual([qlQuery.includes('f12') ? serial(12) : serial(5002)])
      }
      const again = await runEngine(services(), ws(), fresh.source.id, [
        { items: [{ serial: 'new', tag: 'f4999' }] },
      ])
      expect(await problemsOf(again.id)).toEqual([['items[0]', 'UNIQUE_VALUE_TAKEN', 'Tag', 'f4999']])
    })

    it('an object of another source with the same identity, or one made through the API, holds its value; the entry’s own object does not', async () => {
      const own = await engineSource(services(), ws(), [tagged])
      const first = await runEngine(services(), ws(), own.source.id, [
        { items: [{ serial: 'A', tag: 'own-a' }] },
      ])
      expect(counters(first, 'Tagged')).toMatchObject({ objectsCreated: 1, entriesWithProblems: 0 })
      // A second source writing the same type: its object has the identity "A" too, but is not the entry's own.
      const other = await services().importSources.create(ws(), {
        name: `other ${own.tag}`,
        type: 'external',
        objectSchemaId: own.schemaId,
      })
      await services().mappings.submit(ws(), other.id, 'PUT', engineDocument(own.tag, [tagged]))
      const theirs = await runEngine(services(), ws(), other.id, [
        { items: [{ serial: 'A', tag: 'their-a' }] },
      ])
      expect(counters(theirs, 'Tagged')).toMatchObject({ objectsCreated: 1, entriesWithProblems: 0 })
      await services().objects.create(ws(), {
        objectTypeId: own.typeId('Tagged'),
        attributes: [
          { attribute: own.attributeId('Tagged.Serial'), values: ['M'] },
          { attribute: own.attributeId('Tagged.Tag'), values: ['manual'] },
        ],
      })
      const again = await runEngine(services(), ws(), own.source.id, [
        {
          items: [
            { serial: 'A', tag: 'OWN-A' },
            { serial: 'B', tag: 'Their-A' },
            { serial: 'C', tag: 'MANUAL' },
          ],
        },
      ])
      expect(await problemsOf(again.id)).toEqual([
        ['items[1]', 'UNIQUE_VALUE_TAKEN', 'Tag', 'Their-A'],
        ['items[2]', 'UNIQUE_VALUE_TAKEN', 'Tag', 'MANUAL'],
      ])
      // The own object's value changed case only: an update, not a conflict.
      expect(counters(again, 'Tagged')).toMatchObject({
        objectsCreated: 2,
        objectsUpdated: 1,
        entriesWithProblems: 2,
      })
      // And the other source's entry with identity "A" is refused the value of this source's object "A".
      const mine = await runEngine(services(), ws(), other.id, [{ items: [{ serial: 'A', tag: 'own-a' }] }])
      expect(await problemsOf(mine.id)).toEqual([['items[0]', 'UNIQUE_VALUE_TAKEN', 'Tag', 'own-a']])
    })
  },
)
