import { expect, it } from 'vitest'
import { fixture, runEngine, sourceWithMapping } from '../helpers/engine-fixtures.js'
import {
  counters,
  engineSource,
  objectByIdentity,
  referenceTargets,
  storedProblems,
  tag,
  type TypeSpec,
} from '../helpers/engine-documents.js'
import { describeEachDialect } from '../helpers/test-env.js'
import type { Services } from '../../src/services/services.js'

/**
 * The reference example of the reference (§1.7): Operating System referenced by `Name Like ${os}` and the Backups
 * self-reference, with Hard Drive given a Name attribute so that `Name Like ${reference}` has something to match.
 */
function referenceExample(): Record<string, any> {
  const t = tag()
  const doc = JSON.parse(
    JSON.stringify(fixture('mapping/reference-attributes.json'))
      .replaceAll('"object-type/', `"${t}/object-type/`)
      .replaceAll('"object-type-attribute/', `"${t}/object-type-attribute/`),
  )
  doc.schema.objectSchema.name = `Disk Analysis ${t}`
  const drive = doc.schema.objectSchema.objectTypes[0]
  drive.attributes.push({
    externalId: `${t}/object-type-attribute/hd-name`,
    name: 'Name',
    description: 'Hard drive name',
    type: 'text',
  })
  doc.mapping.objectTypeMappings[1].attributesMapping.push({
    attributeExternalId: `${t}/object-type-attribute/hd-name`,
    attributeName: 'Name',
    attributeLocators: ['name'],
  })
  return doc
}

/** The stored problems but LOCATOR_READ_NOTHING: most entries here leave out mapped keys such as Person.Team. */
async function entryProblems(services: Services, executionId: string) {
  return (await storedProblems(services, executionId)).filter((p) => p.code !== 'LOCATOR_READ_NOTHING')
}

const person: TypeSpec = {
  key: 'person',
  name: 'Person',
  selector: 'people',
  attributes: [
    { name: 'Name', type: 'text', label: true, identity: true, locators: ['name'] },
    { name: 'Team', type: 'text', locators: ['team'] },
  ],
}

function laptop(ownerIql: string, extra: Partial<TypeSpec> = {}, max = 1): TypeSpec {
  return {
    key: 'laptop',
    name: 'Laptop',
    selector: 'laptops',
    attributes: [
      { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
      { name: 'Owner', type: 'referenced_object', ref: 'person', locators: ['owner'], iql: ownerIql, max },
    ],
    ...extra,
  }
}

describeEachDialect('import engine: references', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId

  async function exampleSource() {
    const source = await sourceWithMapping(services(), ws(), referenceExample())
    const types = await services().schemas.listTypes(ws(), source.objectSchemaId!)
    const typeId = (name: string) => types.find((t) => t.name === name)!.id
    const attrs = await services().schemas.attributesOfTypes(types.map((t) => t.id))
    const attributeId = (type: string, name: string) =>
      attrs.find((a) => a.objectTypeId === typeId(type) && a.name === name)!.id
    return { source, typeId, attributeId }
  }

  it('links hard drives to operating systems by Name Like ${os}, including objects created in the same execution', async () => {
    const { source, typeId, attributeId } = await exampleSource()
    const result = await runEngine(services(), ws(), source.id, [
      {
        hardDrives: [
          { id: 'HD-1', name: 'Main', os: 'macOS Big Sur' },
          { id: 'HD-2', name: 'Work', os: 'big sur' },
          { id: 'HD-3', name: 'Game', os: 'Windows 11' },
        ],
        operatingSystems: [{ name: 'macOS Big Sur' }, { name: 'Windows 11' }, { name: 'Windows 10' }],
      },
    ])
    expect(await entryProblems(services(), result.id)).toHaveLength(0)
    expect(counters(result, 'Hard Drive')).toMatchObject({
      objectsCreated: 3,
      objectsWithUpdatedReferences: 3,
    })
    expect(counters(result, 'Operating System')).toMatchObject({
      objectsCreated: 3,
      objectsWithUpdatedReferences: 0,
    })
    const os = attributeId('Hard Drive', 'Operating System')
    const bigSur = await objectByIdentity(services(), typeId('Operating System'), 'macOS Big Sur')
    const win11 = await objectByIdentity(services(), typeId('Operating System'), 'Windows 11')
    const drive = (id: string) => objectByIdentity(services(), typeId('Hard Drive'), id)
    expect(await referenceTargets(services(), (await drive('HD-1')).id, os)).toEqual([bigSur.id])
    // like: a case-insensitive substring match when no value equals the text
    expect(await referenceTargets(services(), (await drive('HD-2')).id, os)).toEqual([bigSur.id])
    // an exact match wins over substring matches (Windows 11 is not ambiguous with "Windows 10")
    expect(await referenceTargets(services(), (await drive('HD-3')).id, os)).toEqual([win11.id])
  })

  it('resolves the Backups self-reference to hard drives of the same execution, several per drive', async () => {
    const { source, typeId, attributeId } = await exampleSource()
    const result = await runEngine(services(), ws(), source.id, [
      {
        hardDrives: [
          { id: 'HD-1', name: 'Main', reference: ['Archive', 'Spare'] },
          { id: 'HD-2', name: 'Spare', reference: 'Main' },
          { id: 'HD-3', name: 'Archive' },
        ],
      },
    ])
    expect(await entryProblems(services(), result.id)).toHaveLength(0)
    expect(counters(result, 'Hard Drive')).toMatchObject({
      objectsCreated: 3,
      objectsWithUpdatedReferences: 2,
    })
    const backups = attributeId('Hard Drive', 'Backups')
    const [main, spare, archive] = await Promise.all(
      ['HD-1', 'HD-2', 'HD-3'].map((id) => objectByIdentity(services(), typeId('Hard Drive'), id)),
    )
    expect(await referenceTargets(services(), main!.id, backups)).toEqual([archive!.id, spare!.id])
    expect(await referenceTargets(services(), spare!.id, backups)).toEqual([main!.id])
    expect(await referenceTargets(services(), archive!.id, backups)).toEqual([])
  })

  it('several matches for a single-valued reference are an AMBIGUOUS_REFERENCE problem, and nothing is linked', async () => {
    const { source, typeId, attributeId } = await exampleSource()
    const result = await runEngine(services(), ws(), source.id, [
      {
        operatingSystems: [{ name: 'Windows 10' }, { name: 'Windows 11' }],
        hardDrives: [
          { id: 'HD-1', name: 'ok', os: 'Windows 10' },
          { id: 'HD-2', name: 'vague', os: 'Windows' },
        ],
      },
    ])
    const problems = await entryProblems(services(), result.id)
    expect(problems.map((p) => [p.code, p.location, p.attribute, p.value, Number(p.object_type_id)])).toEqual(
      [['AMBIGUOUS_REFERENCE', 'hardDrives[1]', 'Operating System', 'Windows', typeId('Hard Drive')]],
    )
    expect(problems[0]!.message).toBe('Operating System: 2 objects match Name Like ${os} for "Windows"')
    expect(await entryProblems(services(), result.id)).toHaveLength(1)
    const vague = await objectByIdentity(services(), typeId('Hard Drive'), 'HD-2')
    expect(
      await referenceTargets(services(), vague.id, attributeId('Hard Drive', 'Operating System')),
    ).toEqual([])
    expect(counters(result, 'Hard Drive')).toMatchObject({
      objectsCreated: 2,
      objectsWithUpdatedReferences: 1,
    })
  })

  it('no match is an UNRESOLVED_REFERENCE problem with the entry location, resolved on a later run once the target exists', async () => {
    const { source, typeId, attributeId } = await exampleSource()
    const drives = {
      hardDrives: [
        { id: 'HD-1', name: 'a', os: 'macOS' },
        { id: 'HD-2', name: 'b', os: 'Plan 9' },
      ],
    }
    const first = await runEngine(services(), ws(), source.id, [
      { ...drives, operatingSystems: [{ name: 'macOS' }] },
    ])
    const problems = await entryProblems(services(), first.id)
    expect(problems.map((p) => [p.code, p.location, p.attribute, p.value])).toEqual([
      ['UNRESOLVED_REFERENCE', 'hardDrives[1]', 'Operating System', 'Plan 9'],
    ])
    expect(problems[0]!.message).toBe('Operating System: no object matches Name Like ${os} for "Plan 9"')
    const os = attributeId('Hard Drive', 'Operating System')
    const hd2 = await objectByIdentity(services(), typeId('Hard Drive'), 'HD-2')
    expect(await referenceTargets(services(), hd2.id, os)).toEqual([])

    // The same entries again, now with the target: the unresolved reference is retried although the entry is unchanged.
    const second = await runEngine(services(), ws(), source.id, [
      { ...drives, operatingSystems: [{ name: 'macOS' }, { name: 'Plan 9' }] },
    ])
    expect(await entryProblems(services(), second.id)).toEqual([])
    const plan9 = await objectByIdentity(services(), typeId('Operating System'), 'Plan 9')
    expect(await referenceTargets(services(), hd2.id, os)).toEqual([plan9.id])
    expect(counters(second, 'Hard Drive')).toMatchObject({
      objectsCreated: 0,
      objectsUpdated: 0,
      objectsIdentical: 2,
      objectsWithUpdatedReferences: 1,
    })

    // And once resolved, an unchanged entry costs nothing more.
    const third = await runEngine(services(), ws(), source.id, [
      { ...drives, operatingSystems: [{ name: 'macOS' }, { name: 'Plan 9' }] },
    ])
    expect(counters(third, 'Hard Drive')).toMatchObject({
      objectsIdentical: 2,
      objectsWithUpdatedReferences: 0,
    })
  })

  it('moves a reference when the entry names another target', async () => {
    const s = await engineSource(services(), ws(), [person, laptop('Name = ${owner}')])
    const people = [{ name: 'Ann' }, { name: 'Bob' }]
    await runEngine(services(), ws(), s.source.id, [{ people, laptops: [{ serial: 'L1', owner: 'Ann' }] }])
    const second = await runEngine(services(), ws(), s.source.id, [
      { people, laptops: [{ serial: 'L1', owner: 'Bob' }] },
    ])
    expect(counters(second, 'Laptop')).toMatchObject({ objectsWithUpdatedReferences: 1 })
    const l1 = await objectByIdentity(services(), s.typeId('Laptop'), 'L1')
    const bob = await objectByIdentity(services(), s.typeId('Person'), 'Bob')
    expect(await referenceTargets(services(), l1.id, s.attributeId('Laptop.Owner'))).toEqual([bob.id])
  })

  it('an entry that now names an unknown target loses its old link and reports UNRESOLVED_REFERENCE', async () => {
    const s = await engineSource(services(), ws(), [person, laptop('Name = ${owner}')])
    const people = [{ name: 'Ann' }]
    await runEngine(services(), ws(), s.source.id, [{ people, laptops: [{ serial: 'L1', owner: 'Ann' }] }])
    const second = await runEngine(services(), ws(), s.source.id, [
      { people, laptops: [{ serial: 'L1', owner: 'Zed' }] },
    ])
    expect((await entryProblems(services(), second.id)).map((p) => [p.code, p.value])).toEqual([
      ['UNRESOLVED_REFERENCE', 'Zed'],
    ])
    const l1 = await objectByIdentity(services(), s.typeId('Laptop'), 'L1')
    expect(await referenceTargets(services(), l1.id, s.attributeId('Laptop.Owner'))).toEqual([])
    expect(counters(second, 'Laptop')).toMatchObject({ objectsUpdated: 0, objectsWithUpdatedReferences: 1 })
  })

  it('= matches the whole value case-insensitively, == also the case', async () => {
    const s = await engineSource(services(), ws(), [person, laptop('Name == ${owner}')])
    const result = await runEngine(services(), ws(), s.source.id, [
      {
        people: [{ name: 'Ann' }],
        laptops: [
          { serial: 'L1', owner: 'Ann' },
          { serial: 'L2', owner: 'ann' },
        ],
      },
    ])
    expect((await entryProblems(services(), result.id)).map((p) => [p.code, p.location])).toEqual([
      ['UNRESOLVED_REFERENCE', 'laptops[1]'],
    ])
    const loose = await engineSource(services(), ws(), [person, laptop('Name = ${owner}')])
    const ok = await runEngine(services(), ws(), loose.source.id, [
      { people: [{ name: 'Ann' }], laptops: [{ serial: 'L2', owner: 'ann' }] },
    ])
    expect(await entryProblems(services(), ok.id)).toHaveLength(0)
    expect(counters(ok, 'Laptop').objectsWithUpdatedReferences).toBe(1)
  })

  it('"Name" IN (${owners${0}}) links every listed target of a multi-valued reference, in source order', async () => {
    const s = await engineSource(services(), ws(), [person, laptop('"Name" IN (${owner${0}})', {}, -1)])
    const result = await runEngine(services(), ws(), s.source.id, [
      {
        people: [{ name: 'Ann' }, { name: 'Bob' }, { name: 'Cy' }],
        laptops: [{ serial: 'L1', owner: 'Cy||Ann' }],
      },
    ])
    expect(await entryProblems(services(), result.id)).toHaveLength(0)
    const l1 = await objectByIdentity(services(), s.typeId('Laptop'), 'L1')
    const ids = await Promise.all(
      ['Cy', 'Ann'].map((n) => objectByIdentity(services(), s.typeId('Person'), n)),
    )
    expect(ids[0]!.id).toBeGreaterThan(ids[1]!.id)
    expect(await referenceTargets(services(), l1.id, s.attributeId('Laptop.Owner'))).toEqual(
      ids.map((o) => o.id),
    )
  })

  it('Key = ${owner} links by object key', async () => {
    const s = await engineSource(services(), ws(), [person, laptop('Key = ${owner}')])
    await runEngine(services(), ws(), s.source.id, [{ people: [{ name: 'Ann' }] }])
    const ann = await objectByIdentity(services(), s.typeId('Person'), 'Ann')
    const result = await runEngine(services(), ws(), s.source.id, [
      { people: [{ name: 'Ann' }], laptops: [{ serial: 'L1', owner: ann.key.toLowerCase() }] },
    ])
    expect(await entryProblems(services(), result.id)).toHaveLength(0)
    const l1 = await objectByIdentity(services(), s.typeId('Laptop'), 'L1')
    expect(await referenceTargets(services(), l1.id, s.attributeId('Laptop.Owner'))).toEqual([ann.id])
  })

  it('Key = ${owner} links by text that folds to the object key as AQL folds it (the Kelvin sign folds to k)', async () => {
    const s = await engineSource(services(), ws(), [person, laptop('Key = ${owner}')])
    const schemaKey = `K${String(Date.now() % 1_000_000_000)}`
    await services().schemas.updateSchema(ws(), s.schemaId, { objectSchemaKey: schemaKey })
    await runEngine(services(), ws(), s.source.id, [{ people: [{ name: 'Ann' }] }])
    const ann = await objectByIdentity(services(), s.typeId('Person'), 'Ann')
    expect(ann.key.startsWith(`${schemaKey}-`)).toBe(true)
    const kelvin = `\u212a${ann.key.slice(1).toLowerCase()}`
    const result = await runEngine(services(), ws(), s.source.id, [
      {
        people: [{ name: 'Ann' }],
        laptops: [
          { serial: 'L1', owner: kelvin },
          { serial: 'L2', owner: `\u0130${ann.key.slice(1)}` },
        ],
      },
    ])
    const l1 = await objectByIdentity(services(), s.typeId('Laptop'), 'L1')
    expect(await referenceTargets(services(), l1.id, s.attributeId('Laptop.Owner'))).toEqual([ann.id])
    // İ folds to i + U+0307, which no key holds: reported, not linked.
    const problems = await entryProblems(services(), result.id)
    expect(problems.map((p) => p.code)).toEqual(['UNRESOLVED_REFERENCE'])
  })

  it('finds targets that another source or the API created', async () => {
    const s = await engineSource(services(), ws(), [person, laptop('Name = ${owner}', {}, 1)])
    const manual = await services().objects.create(ws(), {
      objectTypeId: s.typeId('Person'),
      attributes: [{ attribute: s.attributeId('Person.Name'), values: ['Manual'] }],
    })
    const result = await runEngine(services(), ws(), s.source.id, [
      { laptops: [{ serial: 'L1', owner: 'Manual' }] },
    ])
    expect(await entryProblems(services(), result.id)).toHaveLength(0)
    const l1 = await objectByIdentity(services(), s.typeId('Laptop'), 'L1')
    expect(await referenceTargets(services(), l1.id, s.attributeId('Laptop.Owner'))).toEqual([
      Number(manual.id),
    ])
  })

  it('a query the bulk path cannot answer goes to the AQL resolver, once per distinct query text', async () => {
    const s = await engineSource(services(), ws(), [person, laptop('Name = ${owner} AND Team = "ops"')])
    const first = await runEngine(services(), ws(), s.source.id, [
      {
        people: [
          { name: 'Ann', team: 'ops' },
          { name: 'Bob', team: 'dev' },
        ],
      },
    ])
    expect(await entryProblems(services(), first.id)).toHaveLength(0)
    const ann = await objectByIdentity(services(), s.typeId('Person'), 'Ann')
    const calls: [string, number[]][] = []
    const result = await runEngine(
      services(),
      ws(),
      s.source.id,
      [
        {
          laptops: [
            { serial: 'L1', owner: 'Ann' },
            { serial: 'L2', owner: 'Ann' },
            { serial: 'L3', owner: 'Bob' },
          ],
        },
      ],
      {
        deps: {
          resolveAql: async (_db, query, typeIds) => {
            calls.push([query, typeIds])
            return query.includes('"Ann"') ? [ann.id] : []
          },
        },
      },
    )
    expect(calls).toEqual([
      ['Name = "Ann" AND Team = "ops"', [s.typeId('Person')]],
      ['Name = "Bob" AND Team = "ops"', [s.typeId('Person')]],
    ])
    const problems = await entryProblems(services(), result.id)
    expect(problems.map((p) => [p.code, p.location])).toEqual([['UNRESOLVED_REFERENCE', 'laptops[2]']])
    for (const serial of ['L1', 'L2']) {
      const o = await objectByIdentity(services(), s.typeId('Laptop'), serial)
      expect(await referenceTargets(services(), o.id, s.attributeId('Laptop.Owner'))).toEqual([ann.id])
    }
  })

  it('the AQL compiler resolves a general query, finding objects created in the same execution', async () => {
    const s = await engineSource(services(), ws(), [person, laptop('Name = ${owner} AND Team = "ops"')])
    const result = await runEngine(services(), ws(), s.source.id, [
      {
        people: [
          { name: 'Ann', team: 'ops' },
          { name: 'Bob', team: 'dev' },
        ],
        laptops: [
          { serial: 'L1', owner: 'Ann' },
          { serial: 'L2', owner: 'Bob' },
        ],
      },
    ])
    const ann = await objectByIdentity(services(), s.typeId('Person'), 'Ann')
    const l1 = await objectByIdentity(services(), s.typeId('Laptop'), 'L1')
    expect(await referenceTargets(services(), l1.id, s.attributeId('Laptop.Owner'))).toEqual([ann.id])
    const problems = await entryProblems(services(), result.id)
    expect(problems.map((p) => [p.code, p.location])).toEqual([['UNRESOLVED_REFERENCE', 'laptops[1]']])
  })

  it('a general query naming an attribute the target lacks is an INVALID_REFERENCE_QUERY problem, not a crash', async () => {
    const s = await engineSource(services(), ws(), [person, laptop('Colour = ${owner}')])
    const result = await runEngine(services(), ws(), s.source.id, [
      { people: [{ name: 'Ann', team: 'ops' }], laptops: [{ serial: 'L1', owner: 'Ann' }] },
    ])
    const problems = await entryProblems(services(), result.id)
    expect(problems.map((p) => [p.code, p.location])).toEqual([['INVALID_REFERENCE_QUERY', 'laptops[0]']])
  })

  it('without an AQL resolver such a query is an UNSUPPORTED_REFERENCE_QUERY problem per entry', async () => {
    const s = await engineSource(services(), ws(), [person, laptop('Name = ${owner} AND Team = "ops"')])
    const result = await runEngine(
      services(),
      ws(),
      s.source.id,
      [{ people: [{ name: 'Ann', team: 'ops' }], laptops: [{ serial: 'L1', owner: 'Ann' }] }],
      { deps: { resolveAql: null } },
    )
    const problems = await entryProblems(services(), result.id)
    expect(problems.map((p) => [p.code, p.location, p.attribute])).toEqual([
      ['UNSUPPORTED_REFERENCE_QUERY', 'laptops[0]', 'Owner'],
    ])
    expect(counters(result, 'Laptop')).toMatchObject({ objectsCreated: 1, objectsWithUpdatedReferences: 0 })
  })

  it('an empty reference value keeps the link under emptyValues IGNORE and removes it under REMOVE', async () => {
    for (const emptyValues of ['IGNORE', 'REMOVE'] as const) {
      const s = await engineSource(services(), ws(), [
        person,
        laptop('Name = ${owner}', { options: { emptyValues } }),
      ])
      const people = [{ name: 'Ann' }]
      await runEngine(services(), ws(), s.source.id, [{ people, laptops: [{ serial: 'L1', owner: 'Ann' }] }])
      const second = await runEngine(services(), ws(), s.source.id, [{ people, laptops: [{ serial: 'L1' }] }])
      const l1 = await objectByIdentity(services(), s.typeId('Laptop'), 'L1')
      const ann = await objectByIdentity(services(), s.typeId('Person'), 'Ann')
      const targets = await referenceTargets(services(), l1.id, s.attributeId('Laptop.Owner'))
      if (emptyValues === 'IGNORE') {
        expect(targets, emptyValues).toEqual([ann.id])
        expect(counters(second, 'Laptop').objectsWithUpdatedReferences).toBe(0)
      } else {
        expect(targets, emptyValues).toEqual([])
        expect(counters(second, 'Laptop').objectsWithUpdatedReferences).toBe(1)
      }
    }
  })
})

describeEachDialect('import engine: reference placeholders', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId

  it('a placeholder may name another locator of the entry, dotted paths included', async () => {
    const type = laptop('Name = ${contact.name}')
    const s = await engineSource(services(), ws(), [person, type])
    const result = await runEngine(services(), ws(), s.source.id, [
      { people: [{ name: 'Ann' }], laptops: [{ serial: 'L1', owner: 'ignored', contact: { name: 'Ann' } }] },
    ])
    expect(await entryProblems(services(), result.id)).toHaveLength(0)
    const l1 = await objectByIdentity(services(), s.typeId('Laptop'), 'L1')
    const ann = await objectByIdentity(services(), s.typeId('Person'), 'Ann')
    expect(await referenceTargets(services(), l1.id, s.attributeId('Laptop.Owner'))).toEqual([ann.id])
  })

  it('a single-valued reference given two names links the first and reports TOO_MANY_VALUES', async () => {
    const s = await engineSource(services(), ws(), [person, laptop('Name = ${owner}')])
    const result = await runEngine(services(), ws(), s.source.id, [
      { people: [{ name: 'Ann' }, { name: 'Bob' }], laptops: [{ serial: 'L1', owner: 'Bob||Ann' }] },
    ])
    expect((await entryProblems(services(), result.id)).map((p) => [p.code, p.location])).toEqual([
      ['TOO_MANY_VALUES', 'laptops[0]'],
    ])
    const l1 = await objectByIdentity(services(), s.typeId('Laptop'), 'L1')
    const bob = await objectByIdentity(services(), s.typeId('Person'), 'Bob')
    expect(await referenceTargets(services(), l1.id, s.attributeId('Laptop.Owner'))).toEqual([bob.id])
  })

  it('several values for a ${x} placeholder of a general query are a problem of that entry, not a failed run', async () => {
    const s = await engineSource(services(), ws(), [
      person,
      laptop('Name = ${owner} AND Team = "ops"', {}, -1),
    ])
    const result = await runEngine(
      services(),
      ws(),
      s.source.id,
      [
        {
          people: [{ name: 'Ann', team: 'ops' }],
          laptops: [
            { serial: 'L1', owner: 'Ann||Bob' },
            { serial: 'L2', owner: 'Ann' },
          ],
        },
      ],
      { deps: { resolveAql: async () => [] } },
    )
    const problems = await entryProblems(services(), result.id)
    expect(problems.map((p) => [p.code, p.location])).toEqual([
      ['TOO_MANY_VALUES', 'laptops[0]'],
      ['UNRESOLVED_REFERENCE', 'laptops[1]'],
    ])
  })
})
