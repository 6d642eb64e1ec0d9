import { expect, it } from 'vitest'
import { runEngine } from '../helpers/engine-fixtures.js'
import {
  counters,
  engineDocument,
  engineSource,
  storedObjects,
  type TypeSpec,
} from '../helpers/engine-documents.js'
import { describeEachDialect } from '../helpers/test-env.js'
import type { EngineCatalogPort } from '../../src/engine/ports.js'
import { enginePorts } from '../../src/services/engine-ports.js'
import { uniqueLockRepository } from '../../src/store/repositories/unique-lock.repository.js'

const tagged: TypeSpec = {
  key: 'tagged',
  name: 'Tagged',
  selector: 'items',
  attributes: [
    { name: 'Serial', type: 'text', identity: true, label: true, locators: ['serial'] },
    { name: 'Tag', type: 'text', locators: ['tag'] },
  ],
}
const uniqueTagged: TypeSpec = {
  ...tagged,
  attributes: [tagged.attributes[0]!, { ...tagged.attributes[1]!, unique: true }],
}

/**
 * Decision 0011: switching `unique` on is refused while two objects hold one value. A writer that was running, or
 * had read the catalog, while the switch was made could still store a second holder: the switch looked only at
 * committed values, and the writer checked only the attributes it had seen unique.
 */
describeEachDialect('unique values: switching unique on while writers run', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId

  const tagsOf = async (typeId: number, tagAttribute: number) =>
    (await storedObjects(services(), typeId))
      .map((o) => (o.values[String(tagAttribute)] as string[] | undefined)?.[0] ?? '')
      .sort()

  it.each(['the attribute API', 'a mapping PATCH'])(
    'switching unique on through %s waits for an open import writing the attribute, then refuses the duplicate it committed',
    async (through) => {
      const s = await engineSource(services(), ws(), [tagged])
      const tag = s.attributeId('Tagged.Tag')
      await runEngine(services(), ws(), s.source.id, [{ items: [{ serial: 'A', tag: 'DUP' }] }])
      // A mapping of the running source cannot change (409): the switch comes from another source of the schema.
      const other = await services().importSources.create(ws(), {
        name: `other ${s.tag}`,
        type: 'external',
        objectSchemaId: s.schemaId,
      })
      await services().mappings.submit(ws(), other.id, 'PUT', engineDocument(s.tag, [tagged]))
      let release!: () => void
      const released = new Promise<void>((resolve) => (release = resolve))
      let reachedBatch!: () => void
      const batchWritten = new Promise<void>((resolve) => (reachedBatch = resolve))
      const importRun = runEngine(
        services(),
        ws(),
        s.source.id,
        [
          {
            items: [
              { serial: 'A', tag: 'DUP' },
              { serial: 'B', tag: 'dup' },
            ],
          },
        ],
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
      const switching =
        through === 'the attribute API'
          ? env().call('PUT', `${env().api}/objecttypeattribute/${s.typeId('Tagged')}/${tag}`, {
              body: { uniqueAttribute: true },
            })
          : env().call('PATCH', `${env().api}/importsource/${other.id}/mapping`, {
              body: engineDocument(s.tag, [uniqueTagged]),
            })
      await new Promise((resolve) => setTimeout(resolve, 200))
      release()
      expect(counters(await importRun, 'Tagged')).toMatchObject({ objectsCreated: 1, entriesWithProblems: 0 })
      const switched = await switching
      expect(switched.status, JSON.stringify(switched.body)).toBe(409)
      expect(switched.body.error.message, JSON.stringify(switched.body)).toContain('"DUP"')
      const attributes = await env().call('GET', `${env().api}/objecttype/${s.typeId('Tagged')}/attributes`)
      expect(attributes.body.find((a: { name: string }) => a.name === 'Tag').uniqueAttribute).toBe(false)
    },
  )

  it('an import that read the catalog before unique was switched on starts again and checks the attribute', async () => {
    const s = await engineSource(services(), ws(), [tagged])
    const tag = s.attributeId('Tagged.Tag')
    await runEngine(services(), ws(), s.source.id, [{ items: [{ serial: 'A', tag: 'DUP' }] }])
    const ports = enginePorts(services().store, ws())
    let loads = 0
    const catalog: EngineCatalogPort = {
      load: async (workspaceId, schemaId) => {
        const loaded = await ports.catalog.load(workspaceId, schemaId)
        // The switch commits after this run read the catalog and before its transaction begins.
        if (++loads === 1) {
          const url = `${env().api}/objecttypeattribute/${s.typeId('Tagged')}/${tag}`
          const switched = await env().call('PUT', url, { body: { uniqueAttribute: true } })
          expect(switched.status, JSON.stringify(switched.body)).toBe(200)
        }
        return loaded
      },
      writer: (tx) => ports.catalog.writer(tx),
    }
    const run = await runEngine(
      services(),
      ws(),
      s.source.id,
      [
        {
          items: [
            { serial: 'A', tag: 'DUP' },
            { serial: 'B', tag: 'dup' },
          ],
        },
      ],
      { deps: { catalog } },
    )
    expect(loads).toBe(2)
    expect(counters(run, 'Tagged')).toMatchObject({ objectsCreated: 1, entriesWithProblems: 1 })
    const tags = await tagsOf(s.typeId('Tagged'), tag)
    expect(tags.filter((t) => t.toUpperCase() === 'DUP')).toHaveLength(1)
  })

  it('object/create that read the attribute before a switch committed answers 409 instead of writing a duplicate', async () => {
    if (env().dialect !== 'postgres') return // SQLite: one writer at a time, the request reads the flag inside it
    const s = await engineSource(services(), ws(), [tagged])
    const tag = s.attributeId('Tagged.Tag')
    await runEngine(services(), ws(), s.source.id, [{ items: [{ serial: 'A', tag: 'DUP' }] }])
    const db = services().store.db
    let request: ReturnType<ReturnType<typeof env>['call']> | undefined
    await db.transaction().execute(async (trx) => {
      // A switch in progress: its lock taken, its flag not yet committed.
      await uniqueLockRepository.lockForUniqueSwitch(trx, [tag])
      request = env().call('POST', `${env().api}/object/create`, {
        body: {
          objectTypeId: s.typeId('Tagged'),
          attributes: [
            {
              objectTypeAttributeId: s.attributeId('Tagged.Serial'),
              objectAttributeValues: [{ value: 'B' }],
            },
            { objectTypeAttributeId: tag, objectAttributeValues: [{ value: 'dup' }] },
          ],
        },
      })
      await new Promise((resolve) => setTimeout(resolve, 200))
      await trx.updateTable('attribute').set({ is_unique: 1 }).where('id', '=', tag).execute()
    })
    const created = await request!
    expect(created.status, JSON.stringify(created.body)).toBe(409)
    expect(created.body.error.code).toBe('CONFLICT')
    expect(await tagsOf(s.typeId('Tagged'), tag)).toEqual(['DUP'])
  })
})
