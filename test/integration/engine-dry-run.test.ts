import { expect, it } from 'vitest'
import { runEngine } from '../helpers/engine-fixtures.js'
import { counters, engineSource, objectByIdentity, type TypeSpec } from '../helpers/engine-documents.js'
import { repositorySnapshot, rowCounts } from '../helpers/engine-snapshot.js'
import { describeEachDialect } from '../helpers/test-env.js'

const person: TypeSpec = {
  key: 'person',
  name: 'Person',
  selector: 'people',
  attributes: [{ name: 'Name', type: 'text', label: true, identity: true, locators: ['name'] }],
}

function host(missingObjects: Record<string, unknown>): TypeSpec {
  return {
    key: 'host',
    name: 'Host',
    selector: 'hosts',
    attributes: [
      { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
      { name: 'Size', type: 'integer', locators: ['size'] },
      { name: 'Notes', type: 'text', locators: ['notes'] },
      { name: 'State', type: 'status', locators: ['state'] },
      {
        name: 'Owner',
        type: 'referenced_object',
        ref: 'person',
        locators: ['owner'],
        iql: 'Name = ${owner}',
      },
    ],
    options: { missingObjects, unknownValues: 'ADD' },
  }
}

const firstRun = [
  {
    people: [{ name: 'Ann' }, { name: 'Bob' }],
    hosts: [
      { serial: 'A', size: 1, notes: 'same', state: 'Running', owner: 'Ann' },
      { serial: 'B', size: 2, notes: 'old', state: 'Running', owner: 'Ann' },
      { serial: 'C', size: 3, state: 'Running' },
    ],
  },
]

const secondRun = [
  {
    people: [{ name: 'Ann' }, { name: 'Bob' }],
    hosts: [
      { serial: 'A', size: 1, notes: 'same', state: 'Running', owner: 'Ann' },
      { serial: 'B', size: 20, notes: 'old', state: 'Invented state', owner: 'Bob' },
      { serial: 'D', size: 'four', owner: 'Nobody' },
    ],
  },
]

describeEachDialect('import engine: dry run', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId

  async function prepared(missingObjects: Record<string, unknown> = { policy: 'REMOVE' }) {
    const s = await engineSource(services(), ws(), [person, host(missingObjects)], {
      statuses: [{ name: 'Running' }],
    })
    await runEngine(services(), ws(), s.source.id, firstRun)
    return s
  }

  it('leaves no trace: every table has the same rows, except the execution row of the run', async () => {
    const s = await prepared()
    const counts = await rowCounts(services())
    const before = await repositorySnapshot(services())
    const dry = await runEngine(services(), ws(), s.source.id, secondRun, { dryRun: true })
    expect(dry.dryRun).toBe(true)
    expect(counters(dry, 'Host')).toMatchObject({
      objectsCreated: 1,
      objectsUpdated: 1,
      objectsMissingDeleted: 1,
    })
    expect(await rowCounts(services())).toEqual({ ...counts, execution: counts.execution! + 1 })
    expect(await repositorySnapshot(services())).toEqual(before)
    const statuses = (await services().schemas.listStatuses(ws(), s.schemaId)).map((x) => x.name)
    expect(statuses).not.toContain('Invented state')
  })

  it('answers exactly the counters and problems that the real run then produces', async () => {
    const s = await prepared()
    const dry = await runEngine(services(), ws(), s.source.id, secondRun, { dryRun: true })
    const real = await runEngine(services(), ws(), s.source.id, secondRun)
    for (const name of ['Host', 'Person']) expect(counters(dry, name), name).toEqual(counters(real, name))
    expect(dry.problemCount).toBe(2)
    expect(real.problemCount).toBe(dry.problemCount)
    expect(dry.totalNumberEntriesInImport).toBe(real.totalNumberEntriesInImport)
    expect(real.dryRun).toBe(false)
    expect(real.plan).toBeUndefined()
  })

  it('answers a plan with attribute-level differences per object type', async () => {
    const s = await prepared()
    const dry = await runEngine(services(), ws(), s.source.id, secondRun, { dryRun: true })
    const b = await objectByIdentity(services(), s.typeId('Host'), 'B')
    const c = await objectByIdentity(services(), s.typeId('Host'), 'C')
    const ann = await objectByIdentity(services(), s.typeId('Person'), 'Ann')
    const bob = await objectByIdentity(services(), s.typeId('Person'), 'Bob')
    const plan = dry.plan![String(s.typeId('Host'))]!
    const byOp = (op: string) => plan.filter((p) => p.operation === op)

    const [create] = byOp('create')
    expect(create).toMatchObject({
      operation: 'create',
      identity: 'D',
      differences: { Serial: { before: null, after: ['D'] } },
    })
    expect(create!.objectKey).toMatch(/^[A-Z0-9]+-\d+$/)
    expect(Object.keys(create!.differences)).toEqual(['Serial'])

    expect(byOp('update')).toEqual([
      {
        operation: 'update',
        objectKey: b.key,
        identity: 'B',
        differences: {
          Size: { before: [2], after: [20] },
          State: { before: ['Running'], after: ['Invented state'] },
        },
      },
    ])
    expect(byOp('delete')).toEqual([
      { operation: 'delete', objectKey: c.key, identity: null, differences: {} },
    ])
    const references = byOp('references')
    expect(references).toContainEqual({
      operation: 'references',
      objectKey: b.key,
      identity: null,
      differences: { Owner: { before: [ann.id], after: [bob.id] } },
    })
    expect(dry.plan![String(s.typeId('Person'))] ?? []).toEqual([])
  })

  it('lists missing-object updates in the plan', async () => {
    const s = await prepared({ policy: 'UPDATE', attributeName: 'Notes', value: 'gone' })
    const dry = await runEngine(services(), ws(), s.source.id, secondRun, { dryRun: true })
    const c = await objectByIdentity(services(), s.typeId('Host'), 'C')
    expect(dry.plan![String(s.typeId('Host'))]!.filter((p) => p.operation === 'missing-update')).toEqual([
      {
        operation: 'missing-update',
        objectKey: c.key,
        identity: null,
        differences: { Notes: { before: [], after: ['gone'] } },
      },
    ])
    expect(counters(dry, 'Host').objectsMissingUpdated).toBe(1)
    expect(
      (await objectByIdentity(services(), s.typeId('Host'), 'C')).values[s.attributeId('Host.Notes')],
    ).toBeUndefined()
  })

  it('lists at most planLimit changes per type, while the counters cover everything', async () => {
    const s = await engineSource(services(), ws(), [person, host({ policy: 'IGNORE' })])
    const hosts = Array.from({ length: 30 }, (_, i) => ({ serial: `H${i}`, size: i }))
    const limited = await runEngine(services(), ws(), s.source.id, [{ hosts }], {
      dryRun: true,
      planLimit: 5,
    })
    expect(limited.plan![String(s.typeId('Host'))]).toHaveLength(5)
    expect(counters(limited, 'Host').objectsCreated).toBe(30)
    const byDefault = await runEngine(services(), ws(), s.source.id, [{ hosts }], { dryRun: true })
    expect(byDefault.plan![String(s.typeId('Host'))]).toHaveLength(20)
    expect(
      await services()
        .store.db.selectFrom('object')
        .select('id')
        .where('object_type_id', '=', s.typeId('Host'))
        .execute(),
    ).toEqual([])
  })
})
