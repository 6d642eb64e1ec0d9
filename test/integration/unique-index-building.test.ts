import { expect, it } from 'vitest'
import { runEngine } from '../helpers/engine-fixtures.js'
import {
  counters,
  engineSource,
  storedObjects,
  storedProblems,
  type TypeSpec,
} from '../helpers/engine-documents.js'
import { describeEachDialect } from '../helpers/test-env.js'

/** Note has no index rows until unique is switched on: its index is then `building` until the background build. */
const noted: TypeSpec = {
  key: 'noted',
  name: 'Noted',
  selector: 'items',
  attributes: [
    { name: 'Serial', type: 'text', identity: true, label: true, locators: ['serial'] },
    { name: 'Note', type: 'text', locators: ['note'] },
  ],
}

describeEachDialect('unique values: an attribute switched unique while its index builds', (env) => {
  it('an import does not write again a value an object held before unique was switched on, and completes the index', async () => {
    const services = env().booted.services
    const s = await engineSource(services, env().workspaceId, [noted])
    const note = s.attributeId('Noted.Note')
    await runEngine(services, env().workspaceId, s.source.id, [
      {
        items: [
          { serial: 'A', note: 'taken' },
          { serial: 'B', note: 'b' },
        ],
      },
    ])
    const url = `${env().api}/objecttypeattribute/${s.typeId('Noted')}/${note}`
    const switched = await env().call('PUT', url, { body: { uniqueAttribute: true } })
    expect(switched.status, JSON.stringify(switched.body)).toBe(200)
    const state = async () =>
      (
        await services.store.db
          .selectFrom('attribute')
          .select('index_state')
          .where('id', '=', note)
          .executeTakeFirstOrThrow()
      ).index_state
    expect(await state()).toBe('building')

    const run = await runEngine(services, env().workspaceId, s.source.id, [
      {
        items: [
          { serial: 'A', note: 'taken' },
          { serial: 'B', note: 'b' },
          { serial: 'C', note: 'TAKEN' },
        ],
      },
    ])
    expect(counters(run, 'Noted')).toMatchObject({
      objectsCreated: 1,
      objectsIdentical: 2,
      entriesWithProblems: 1,
    })
    const problems = await storedProblems(services, run.id)
    expect(problems.map((p) => [p.location, p.code, p.attribute, p.value])).toEqual([
      ['items[2]', 'UNIQUE_VALUE_TAKEN', 'Note', 'TAKEN'],
    ])
    const notes = (await storedObjects(services, s.typeId('Noted'))).map((o) => [
      o.identity,
      o.values[String(note)],
    ])
    expect(notes).toEqual([
      ['A', ['taken']],
      ['B', ['b']],
      ['C', undefined],
    ])
    expect(await state()).toBe('ready')
  })

  it('POST object/create refuses a value an object held before unique was switched on, while the index builds', async () => {
    const services = env().booted.services
    const s = await engineSource(services, env().workspaceId, [noted])
    const note = s.attributeId('Noted.Note')
    await runEngine(services, env().workspaceId, s.source.id, [{ items: [{ serial: 'A', note: 'taken' }] }])
    const url = `${env().api}/objecttypeattribute/${s.typeId('Noted')}/${note}`
    expect((await env().call('PUT', url, { body: { uniqueAttribute: true } })).status).toBe(200)
    const state = await services.store.db
      .selectFrom('attribute')
      .select('index_state')
      .where('id', '=', note)
      .executeTakeFirstOrThrow()
    expect(state.index_state).toBe('building')
    const create = (value: string) =>
      env().call('POST', `${env().api}/object/create`, {
        body: {
          objectTypeId: s.typeId('Noted'),
          attributes: [
            {
              objectTypeAttributeId: s.attributeId('Noted.Serial'),
              objectAttributeValues: [{ value: `S-${value}` }],
            },
            { objectTypeAttributeId: note, objectAttributeValues: [{ value }] },
          ],
        },
      })
    const refused = await create('TAKEN')
    expect(refused.status, JSON.stringify(refused.body)).toBe(409)
    expect(refused.body.error.code).toBe('ATTRIBUTE_VALUE_NOT_UNIQUE')
    expect(refused.body.error.message).toContain('"taken"')
    expect((await create('free')).status).toBe(201)
  })
})
