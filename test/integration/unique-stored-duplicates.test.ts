import { beforeEach, expect, it } from 'vitest'
import { engineSettingsFrom } from '../../src/engine/engine-settings.js'
import type { EntryProblemPolicy } from '../../src/engine/engine-types.js'
import { EntryProblemFailure } from '../../src/engine/map-entry.js'
import { runEngine } from '../helpers/engine-fixtures.js'
import {
  counters,
  engineDocument,
  engineSource,
  storedObjects,
  storedProblems,
  typeResult,
  type TypeSpec,
} from '../helpers/engine-documents.js'
import { describeEachDialect } from '../helpers/test-env.js'

/** Tag is indexed (its value rows are kept) but not unique: two objects may hold one value. */
const tagged: TypeSpec = {
  key: 'tagged',
  name: 'Tagged',
  selector: 'items',
  attributes: [
    { name: 'Serial', type: 'text', identity: true, label: true, locators: ['serial'] },
    { name: 'Tag', type: 'text', indexed: true, locators: ['tag'] },
    { name: 'Note', type: 'text', locators: ['note'] },
  ],
}

const items = (noteOfB = 'b') => [
  {
    items: [
      { serial: 'A', tag: 'dup', note: 'a' },
      { serial: 'B', tag: 'DUP', note: noteOfB },
      { serial: 'C', tag: 'other', note: 'c' },
    ],
  },
]

describeEachDialect('unique values: duplicates stored before unique was switched on', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId
  let s: Awaited<ReturnType<typeof engineSource>>

  beforeEach(async () => {
    s = await engineSource(services(), ws(), [tagged])
    const first = await runEngine(services(), ws(), s.source.id, items())
    expect(counters(first, 'Tagged')).toMatchObject({ objectsCreated: 3, entriesWithProblems: 0 })
  })

  const problemsOf = async (executionId: string) =>
    (await storedProblems(services(), executionId)).map((p) => [p.location, p.code, p.attribute, p.value])
  const tagsById = async () =>
    Object.fromEntries(
      (await storedObjects(services(), s.typeId('Tagged'))).map((o) => [
        o.identity,
        [o.values[String(s.attributeId('Tagged.Tag'))], o.values[String(s.attributeId('Tagged.Note'))]],
      ]),
    )

  it('switching unique on over a value two objects hold is refused with a 409 that names the value, and allowed once they differ', async () => {
    const url = `${env().api}/objecttypeattribute/${s.typeId('Tagged')}/${s.attributeId('Tagged.Tag')}`
    const refused = await env().call('PUT', url, { body: { uniqueAttribute: true } })
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('CONFLICT')
    expect(refused.body.error.message).toMatch(
      /"Tag" cannot become unique: 1 value\(s\).*"dup" \(objects \d+, \d+\)/,
    )
    const unchanged = await env().call('GET', `${env().api}/objecttype/${s.typeId('Tagged')}/attributes`)
    expect(unchanged.body.find((a: { name: string }) => a.name === 'Tag').uniqueAttribute).toBe(false)

    await runEngine(services(), ws(), s.source.id, [{ items: [{ serial: 'B', tag: 'bee', note: 'b' }] }])
    const switched = await env().call('PUT', url, { body: { uniqueAttribute: true } })
    expect(switched.status, JSON.stringify(switched.body)).toBe(200)
    expect(switched.body.uniqueAttribute).toBe(true)
  })

  it('a mapping PATCH that makes the attribute unique over the duplicate is refused the same way, and changes nothing', async () => {
    const unique: TypeSpec = {
      ...tagged,
      attributes: tagged.attributes.map((a) => (a.name === 'Tag' ? { ...a, unique: true } : a)),
    }
    // The test's executions (runEngine) stay PROCESSING, which holds the source's mapping: they are done.
    await services()
      .store.db.updateTable('execution')
      .set({ status: 'DONE' })
      .where('import_source_id', '=', s.source.id)
      .execute()
    await expect(
      services().mappings.submit(ws(), s.source.id, 'PATCH', engineDocument(s.tag, [unique])),
    ).rejects.toThrow('"Tag" cannot become unique: 1 value(s) are held by more than one object of "Tagged"')
    const tag = await services()
      .store.db.selectFrom('attribute')
      .select('is_unique')
      .where('id', '=', s.attributeId('Tagged.Tag'))
      .executeTakeFirstOrThrow()
    expect(Number(tag.is_unique)).toBe(0)
  })

  /** As a database made before switching unique on was refused holds it: the flag set over the duplicate. */
  const makeUnique = async () => {
    await services()
      .store.db.updateTable('attribute')
      .set({ is_unique: 1 })
      .where('id', '=', s.attributeId('Tagged.Tag'))
      .execute()
  }
  const policy = (entryProblems: EntryProblemPolicy) => ({
    settings: { ...engineSettingsFrom(s.source.settings), entryProblems },
  })

  for (const entryProblems of ['FAIL', 'SKIP_VALUE', 'SKIP_ENTRY'] as const) {
    it(`a re-import of unchanged entries leaves the stored duplicate as it is and reports nothing (${entryProblems})`, async () => {
      await makeUnique()
      const again = await runEngine(services(), ws(), s.source.id, items(), policy(entryProblems))
      expect(counters(again, 'Tagged')).toMatchObject({
        objectsIdentical: 3,
        objectsUpdated: 0,
        entriesWithProblems: 0,
      })
      expect(typeResult(again, 'Tagged').entriesSkipped).toBe(0)
      expect(await problemsOf(again.id)).toEqual([])
      expect(await tagsById()).toEqual({ A: [['dup'], ['a']], B: [['DUP'], ['b']], C: [['other'], ['c']] })
    })
  }

  for (const entryProblems of ['FAIL', 'SKIP_VALUE', 'SKIP_ENTRY'] as const) {
    it(`a changed entry that keeps a stored duplicate writes nothing new for it and is not reported (${entryProblems})`, async () => {
      await makeUnique()
      const changed = await runEngine(services(), ws(), s.source.id, items('b2'), policy(entryProblems))
      expect(counters(changed, 'Tagged')).toMatchObject({
        objectsIdentical: 2,
        objectsUpdated: 1,
        entriesWithProblems: 0,
      })
      expect(await problemsOf(changed.id)).toEqual([])
      expect(await tagsById()).toMatchObject({ A: [['dup'], ['a']], B: [['DUP'], ['b2']] })
    })
  }

  it('an entry giving a stored duplicate to an object that does not hold it is checked: FAIL fails, SKIP_VALUE keeps the stored value, SKIP_ENTRY skips it', async () => {
    await makeUnique()
    const giving = (note = 'c') => [
      {
        items: [
          { serial: 'A', tag: 'dup', note: 'a' },
          { serial: 'B', tag: 'DUP', note: 'b' },
          { serial: 'C', tag: 'Dup', note },
        ],
      },
    ]
    const failing = runEngine(services(), ws(), s.source.id, giving(), policy('FAIL'))
    await expect(failing).rejects.toBeInstanceOf(EntryProblemFailure)
    await expect(failing).rejects.toThrow('Tag: "Dup" is unique')
    expect(await tagsById()).toMatchObject({ C: [['other'], ['c']] })

    const skipped = await runEngine(services(), ws(), s.source.id, giving(), policy('SKIP_ENTRY'))
    expect(counters(skipped, 'Tagged')).toMatchObject({ objectsIdentical: 2, objectsUpdated: 0 })
    expect(typeResult(skipped, 'Tagged').entriesSkipped).toBe(1)
    expect(await problemsOf(skipped.id)).toEqual([['items[2]', 'UNIQUE_VALUE_TAKEN', 'Tag', 'Dup']])
    expect(await tagsById()).toMatchObject({ C: [['other'], ['c']] })

    const dropped = await runEngine(services(), ws(), s.source.id, giving('c2'), policy('SKIP_VALUE'))
    expect(counters(dropped, 'Tagged')).toMatchObject({ objectsIdentical: 2, objectsUpdated: 1 })
    expect(await problemsOf(dropped.id)).toEqual([['items[2]', 'UNIQUE_VALUE_TAKEN', 'Tag', 'Dup']])
    // A dropped value is not an empty value: C keeps the one it holds, and takes the new note.
    expect(await tagsById()).toMatchObject({
      A: [['dup'], ['a']],
      B: [['DUP'], ['b']],
      C: [['other'], ['c2']],
    })

    // The same entry again: the drop gives the hash the last run stored, so C is identical (and still reported).
    const again = await runEngine(services(), ws(), s.source.id, giving('c2'), policy('SKIP_VALUE'))
    expect(counters(again, 'Tagged')).toMatchObject({ objectsIdentical: 3, objectsUpdated: 0 })
    expect(await problemsOf(again.id)).toEqual([['items[2]', 'UNIQUE_VALUE_TAKEN', 'Tag', 'Dup']])
  })
})
