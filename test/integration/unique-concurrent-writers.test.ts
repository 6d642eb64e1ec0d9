import { expect, it } from 'vitest'
import { runEngine } from '../helpers/engine-fixtures.js'
import { counters, engineSource, storedObjects, type TypeSpec } from '../helpers/engine-documents.js'
import { describeEachDialect } from '../helpers/test-env.js'

const tagged: TypeSpec = {
  key: 'tagged',
  name: 'Tagged',
  selector: 'items',
  attributes: [
    { name: 'Serial', type: 'text', identity: true, label: true, locators: ['serial'] },
    { name: 'Asset Tag', type: 'text', unique: true, locators: ['tag'] },
  ],
}

/**
 * Decision 0011's third origin of stored duplicates: on PostgreSQL each writer checked a unique value against
 * committed rows only, so a value written by a transaction still open was free to every other writer. The import is
 * held open after its first batch (its values written, not committed) while requests write the same values.
 */
describeEachDialect('unique values: concurrent writers', (env) => {
  it('object/create waits for an open import holding the value, then refuses it; of two creates of one value, one wins', async () => {
    const services = env().booted.services
    const s = await engineSource(services, env().workspaceId, [tagged])
    const tagAttribute = s.attributeId('Tagged.Asset Tag')
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    let reachedBatch!: () => void
    const batchWritten = new Promise<void>((resolve) => (reachedBatch = resolve))
    const importRun = runEngine(
      services,
      env().workspaceId,
      s.source.id,
      [{ items: [{ serial: 'A', tag: 'TAG-1' }] }],
      {
        deps: {
          afterBatch: async () => {
            reachedBatch()
            await released
          },
        },
      },
    )
    await batchWritten
    const create = (serial: string, value: string) =>
      env().call('POST', `${env().api}/object/create`, {
        body: {
          objectTypeId: s.typeId('Tagged'),
          attributes: [
            {
              objectTypeAttributeId: s.attributeId('Tagged.Serial'),
              objectAttributeValues: [{ value: serial }],
            },
            { objectTypeAttributeId: tagAttribute, objectAttributeValues: [{ value }] },
          ],
        },
      })
    // Sent while the import's transaction is open: the import's own value (in another case), and a value two
    // requests race for.
    const requests = [create('B', 'tag-1'), create('C', 'TAG-2'), create('D', 'TAG-2')]
    await new Promise((resolve) => setTimeout(resolve, 200))
    release()
    const run = await importRun
    expect(counters(run, 'Tagged')).toMatchObject({ objectsCreated: 1, entriesWithProblems: 0 })
    const [taken, first, second] = await Promise.all(requests)
    expect(taken!.status, JSON.stringify(taken!.body)).toBe(409)
    expect(taken!.body.error.code).toBe('ATTRIBUTE_VALUE_NOT_UNIQUE')
    expect([first!.status, second!.status].sort()).toEqual([201, 409])
    const values = (await storedObjects(services, s.typeId('Tagged'))).map(
      (o) => (o.values[String(tagAttribute)] as string[] | undefined)?.[0],
    )
    expect(values.sort()).toEqual(['TAG-1', 'TAG-2'])
  })
})
