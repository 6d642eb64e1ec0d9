import { sql } from 'kysely'
import { expect, it } from 'vitest'
import {
  counters,
  engineSource,
  markedIds,
  objectByIdentity,
  referenceTargets,
  storedObjects,
  storedProblems,
  type TypeSpec,
} from '../helpers/engine-documents.js'
import { runEngine } from '../helpers/engine-fixtures.js'
import { describeEachDialect } from '../helpers/test-env.js'

const person: TypeSpec = {
  key: 'person',
  name: 'Person',
  selector: 'people',
  attributes: [{ name: 'Name', type: 'text', label: true, identity: true, locators: ['name'] }],
  options: { missingObjects: { policy: 'REMOVE' } },
}
const laptop: TypeSpec = {
  key: 'laptop',
  name: 'Laptop',
  selector: 'laptops',
  attributes: [
    { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
    { name: 'Owner', type: 'referenced_object', ref: 'person', locators: ['owner'], iql: 'Name = ${owner}' },
  ],
  options: { missingObjects: { policy: 'REMOVE' } },
}

/**
 * The engine's dirty marks (an unresolved reference, a removed target) are rows of object_mark (migration 0031),
 * not a `!` appended to the object's content hash: a mark no longer rewrites the object row.
 */
describeEachDialect('import engine: dirty marks in object_mark', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId

  it('an unresolved reference marks its object without writing its row; the run that resolves it clears the mark', async () => {
    const s = await engineSource(services(), ws(), [person, laptop])
    const owner = s.attributeId('Laptop.Owner')
    const laptops = [
      { serial: 'L1', owner: 'Ann' },
      { serial: 'L2', owner: 'Bob' },
    ]
    const first = await runEngine(services(), ws(), s.source.id, [{ people: [{ name: 'Ann' }], laptops }])
    expect((await storedProblems(services(), first.id)).map((p) => p.code)).toEqual(['UNRESOLVED_REFERENCE'])
    const l2 = await objectByIdentity(services(), s.typeId('Laptop'), 'L2')
    expect(await markedIds(services())).toEqual([l2.id])
    // The mark carries its object's type: a run reads its own type's marks (object_mark_type_idx), not all of them.
    const marks = await services()
      .store.db.selectFrom('object_mark')
      .select(['object_id', 'object_type_id'])
      .execute()
    expect(marks.map((m) => [Number(m.object_id), Number(m.object_type_id)])).toEqual([
      [l2.id, s.typeId('Laptop')],
    ])
    // The row as its creation wrote it: the hash carries no mark.
    expect(l2.contentHash.endsWith('!')).toBe(false)
    // The same input again: L2 is compared and resolved again (reported again), L1 is identical.
    const again = await runEngine(services(), ws(), s.source.id, [{ people: [{ name: 'Ann' }], laptops }])
    expect((await storedProblems(services(), again.id)).map((p) => p.code)).toEqual(['UNRESOLVED_REFERENCE'])
    expect(await markedIds(services())).toEqual([l2.id])
    // Bob arrives: L2 links to him and is no longer marked.
    await runEngine(services(), ws(), s.source.id, [{ people: [{ name: 'Ann' }, { name: 'Bob' }], laptops }])
    const bob = await objectByIdentity(services(), s.typeId('Person'), 'Bob')
    expect(await referenceTargets(services(), l2.id, owner)).toEqual([bob.id])
    expect(await markedIds(services())).toEqual([])
  })

  it('the referrers of a removed object are marked, and the marks of removed objects go with them', async () => {
    const s = await engineSource(services(), ws(), [person, laptop])
    const laptops = [
      { serial: 'L1', owner: 'Ann' },
      { serial: 'L2', owner: 'Bob' },
    ]
    await runEngine(services(), ws(), s.source.id, [{ people: [{ name: 'Ann' }, { name: 'Bob' }], laptops }])
    // Ann goes: L1 is marked, its row untouched.
    const before = await objectByIdentity(services(), s.typeId('Laptop'), 'L1')
    const gone = await runEngine(services(), ws(), s.source.id, [{ people: [{ name: 'Bob' }], laptops }])
    expect(counters(gone, 'Person').objectsMissingDeleted).toBe(1)
    const l1 = await objectByIdentity(services(), s.typeId('Laptop'), 'L1')
    expect(await markedIds(services())).toEqual([l1.id])
    expect(l1.contentHash).toBe(before.contentHash)
    // L1 goes too: its mark with it.
    await runEngine(services(), ws(), s.source.id, [{ people: [{ name: 'Bob' }], laptops: [laptops[1]!] }])
    expect((await storedObjects(services(), s.typeId('Laptop'))).map((o) => o.identity)).toEqual(['L2'])
    expect(await markedIds(services())).toEqual([])
  })

  it('an object deleted through the object API takes its mark with it (no orphan marks for later runs to probe)', async () => {
    const s = await engineSource(services(), ws(), [person, laptop])
    await runEngine(services(), ws(), s.source.id, [
      { people: [], laptops: [{ serial: 'L1', owner: 'Ann' }] },
    ])
    const l1 = await objectByIdentity(services(), s.typeId('Laptop'), 'L1')
    expect(await markedIds(services())).toEqual([l1.id])
    await services().objects.remove(ws(), l1.id)
    expect(await markedIds(services())).toEqual([])
  })

  it('a hash marked the old way (a `!` appended to content_hash) still makes the next import resolve the entry', async () => {
    const s = await engineSource(services(), ws(), [person, laptop])
    const owner = s.attributeId('Laptop.Owner')
    const laptops = [{ serial: 'L1', owner: 'Ann' }]
    await runEngine(services(), ws(), s.source.id, [{ people: [{ name: 'Ann' }], laptops }])
    const l1 = await objectByIdentity(services(), s.typeId('Laptop'), 'L1')
    // Its reference gone and the object marked as before migration 0031.
    await services().store.db.deleteFrom('object_reference').where('object_id', '=', l1.id).execute()
    await sql`update object set content_hash = content_hash || '!' where id = ${l1.id}`.execute(
      services().store.db,
    )
    const next = await runEngine(services(), ws(), s.source.id, [{ people: [{ name: 'Ann' }], laptops }])
    const ann = await objectByIdentity(services(), s.typeId('Person'), 'Ann')
    expect(await referenceTargets(services(), l1.id, owner)).toEqual([ann.id])
    expect(counters(next, 'Laptop').objectsWithUpdatedReferences).toBe(1)
    expect((await objectByIdentity(services(), s.typeId('Laptop'), 'L1')).contentHash.endsWith('!')).toBe(
      false,
    )
  })
})
