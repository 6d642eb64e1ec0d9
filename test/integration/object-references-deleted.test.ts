import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { runEngine } from '../helpers/engine-fixtures.js'
import { counters, engineSource, objectByIdentity, type TypeSpec } from '../helpers/engine-documents.js'
import { danglingReferences } from '../helpers/dangling-references.js'
import { describeEachDialect } from '../helpers/test-env.js'
import { importStore } from '../../src/store/import-store.js'

/**
 * Since migration 0023 PostgreSQL has no foreign keys on object_reference and none from object to its type: every
 * path that deletes objects, attributes, types or schemas deletes their references itself, and a type is not
 * deleted under an object being inserted into it. (SQLite keeps its keys; the same tests pin the same answers.)
 */
const person = (missingObjects: Record<string, unknown> = { policy: 'REMOVE' }): TypeSpec => ({
  key: 'person',
  name: 'Person',
  selector: 'people',
  attributes: [{ name: 'Name', type: 'text', label: true, identity: true, locators: ['name'] }],
  options: { missingObjects },
})

const host: TypeSpec = {
  key: 'host',
  name: 'Host',
  selector: 'hosts',
  attributes: [
    { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
    { name: 'Owner', type: 'referenced_object', ref: 'person', locators: ['owner'], iql: 'Name = ${owner}' },
  ],
  options: { missingObjects: { policy: 'REMOVE' } },
}

const data = (people: string[], hosts: [string, string][]) => [
  {
    people: people.map((name) => ({ name })),
    hosts: hosts.map(([serial, owner]) => ({ serial, owner })),
  },
]

/**
 * Runs `writer` — a transaction that calls `holdOpen()` once it has written — and, while that transaction is held
 * open, starts `competitor`: checks that it is still waiting 300 ms later, then lets the writer commit. Answers the
 * competitor's outcome, settled after the writer's commit (a failed check still releases the writer).
 */
async function afterWaitingForOpenWrite<T>(
  writer: (holdOpen: () => Promise<void>) => Promise<unknown>,
  competitor: () => Promise<T>,
): Promise<{ outcome: Promise<T> }> {
  let release!: () => void
  const held = new Promise<void>((resolve) => (release = resolve))
  let wrote!: () => void
  const written = new Promise<void>((resolve) => (wrote = resolve))
  const writing = writer(() => {
    wrote()
    return held
  })
  await Promise.race([written, writing])
  let settled = false
  const outcome = competitor().finally(() => (settled = true))
  outcome.catch(() => undefined) // the caller asserts the outcome; until then it is not an unhandled rejection
  try {
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(settled).toBe(false)
  } finally {
    release()
  }
  await writing
  return { outcome }
}

describeEachDialect('deleting objects deletes their references', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId
  const db = () => services().store.db

  async function loaded() {
    const s = await engineSource(services(), ws(), [person(), host])
    const run = (people: string[], hosts: [string, string][]) =>
      runEngine(services(), ws(), s.source.id, data(people, hosts))
    await run(
      ['Ann', 'Bob'],
      [
        ['A', 'Ann'],
        ['B', 'Bob'],
        ['C', 'Ann'],
      ],
    )
    const refs = async () =>
      Number(
        (
          await sql<{ n: number }>`select count(*) as n from object_reference
            where attribute_id = ${s.attributeId('Host.Owner')}`.execute(db())
        ).rows[0]!.n,
      )
    expect(await refs()).toBe(3)
    return { s, run, refs }
  }

  it('the engine removing a referenced object (REMOVE) deletes the references to it', async () => {
    const { s, run, refs } = await loaded()
    const second = await run(
      ['Ann'],
      [
        ['A', 'Ann'],
        ['B', 'Bob'],
        ['C', 'Ann'],
      ],
    )
    expect(counters(second, 'Person').objectsMissingDeleted).toBe(1)
    expect(await refs()).toBe(2)
    expect(await danglingReferences(db())).toBe(0)
    const b = await objectByIdentity(services(), s.typeId('Host'), 'B')
    expect((await services().objects.get(ws(), b.id)).values.get(s.attributeId('Host.Owner'))).toBeUndefined()
  })

  it('the engine removing a referring object (REMOVE) deletes its references', async () => {
    const { run, refs } = await loaded()
    const second = await run(
      ['Ann', 'Bob'],
      [
        ['A', 'Ann'],
        ['C', 'Ann'],
      ],
    )
    expect(counters(second, 'Host').objectsMissingDeleted).toBe(1)
    expect(await refs()).toBe(2)
    expect(await danglingReferences(db())).toBe(0)
  })

  it('the object API deleting a referenced and a referring object deletes their references', async () => {
    const { s, refs } = await loaded()
    const ann = await objectByIdentity(services(), s.typeId('Person'), 'Ann')
    const b = await objectByIdentity(services(), s.typeId('Host'), 'B')
    await services()
      .store.db.transaction()
      .execute((trx) => services().objects.in(trx).remove(ws(), ann.id))
    expect(await refs()).toBe(1)
    await services()
      .store.db.transaction()
      .execute((trx) => services().objects.in(trx).remove(ws(), b.id))
    expect(await refs()).toBe(0)
    expect(await danglingReferences(db())).toBe(0)
    const aql = await services().aql.search(
      ws(),
      `objectTypeId = ${s.typeId('Host')} and Owner is not EMPTY`,
      {
        startAt: 0,
        maxResults: 10,
      },
    )
    expect(aql.total).toBe(0)
  })

  it('deleting a type refuses while objects exist, and deleting it empty leaves no reference behind', async () => {
    const s = await engineSource(services(), ws(), [person({ policy: 'IGNORE' }), host])
    await runEngine(services(), ws(), s.source.id, data(['Ann'], [['A', 'Ann']]))
    const schemas = services().schemas
    // The type is mapped and holds objects: refused, as before.
    await expect(
      db()
        .transaction()
        .execute((trx) => schemas.in(trx).types.remove(ws(), s.typeId('Host'))),
    ).rejects.toMatchObject({ code: 'CONFLICT' })
    for (const id of [s.typeId('Host'), s.typeId('Person')]) {
      const rows = await db().selectFrom('object').select('id').where('object_type_id', '=', id).execute()
      for (const r of rows)
        await db()
          .transaction()
          .execute((trx) => services().objects.in(trx).remove(ws(), Number(r.id)))
    }
    // runEngine leaves its execution row PROCESSING (the worker would finish it): end it so the source can go.
    await db()
      .updateTable('execution')
      .set({ status: 'DONE' })
      .where('import_source_id', '=', s.source.id)
      .execute()
    await services().importSources.remove(ws(), s.source.id)
    await db()
      .transaction()
      .execute((trx) => schemas.in(trx).removeSchema(ws(), s.schemaId))
    expect(await danglingReferences(db())).toBe(0)
    const left = await db()
      .selectFrom('object_type')
      .select('id')
      .where('object_schema_id', '=', s.schemaId)
      .execute()
    expect(left).toEqual([])
  })

  it('deleting a type waits for an insert into it still open, then refuses (PostgreSQL: no foreign key)', async () => {
    // SQLite has one writer at a time: the two transactions cannot overlap there.
    if (env().dialect !== 'postgres') return
    const schema = await services().schemas.createSchema(ws(), { name: 'Locks', objectSchemaKey: 'LCK' })
    const type = await services().schemas.createType(ws(), { objectSchemaId: schema.id, name: 'Box' })
    const { outcome } = await afterWaitingForOpenWrite(
      (holdOpen) =>
        db()
          .transaction()
          .execute(async (trx) => {
            await services().objects.in(trx).create(ws(), { objectTypeId: type.id, attributes: [] })
            await holdOpen()
          }),
      () =>
        db()
          .transaction()
          .execute((trx) => services().schemas.in(trx).types.remove(ws(), type.id)),
    )
    await expect(outcome).rejects.toMatchObject({ code: 'CONFLICT' })
    expect((await services().schemas.viewTypes(ws(), [type.id]))[0]!.objectCount).toBe(1)
  })

  it('deleting an object waits for a reference to it still open, then deletes that reference too (PostgreSQL)', async () => {
    if (env().dialect !== 'postgres') return
    const schemas = services().schemas
    const schema = await schemas.createSchema(ws(), { name: 'Targets', objectSchemaKey: 'TGT' })
    const rack = await schemas.createType(ws(), { objectSchemaId: schema.id, name: 'Rack' })
    const box = await schemas.createType(ws(), { objectSchemaId: schema.id, name: 'Box' })
    const inRack = await schemas.createAttribute(ws(), box.id, {
      name: 'Rack',
      kind: 'referenced_object',
      referenceObjectTypeId: rack.id,
    })
    const target = await services().objects.create(ws(), { objectTypeId: rack.id, attributes: [] })
    const { outcome } = await afterWaitingForOpenWrite(
      (holdOpen) =>
        db()
          .transaction()
          .execute(async (trx) => {
            await services()
              .objects.in(trx)
              .create(ws(), {
                objectTypeId: box.id,
                attributes: [{ attribute: inRack.id, values: [target.id] }],
              })
            await holdOpen()
          }),
      () =>
        db()
          .transaction()
          .execute((trx) => services().objects.in(trx).remove(ws(), target.id)),
    )
    await outcome
    expect(await danglingReferences(db())).toBe(0)
  })

  it('the engine writing a reference to an existing object holds it against a concurrent delete (PostgreSQL)', async () => {
    if (env().dialect !== 'postgres') return
    const { s } = await loaded()
    const bob = await objectByIdentity(services(), s.typeId('Person'), 'Bob')
    const a = await objectByIdentity(services(), s.typeId('Host'), 'A')
    const { outcome } = await afterWaitingForOpenWrite(
      (holdOpen) =>
        importStore(services().store).transaction(
          async (tx) => {
            await tx.insertReferences([[a.id, s.attributeId('Host.Owner'), 1, bob.id]])
            await holdOpen()
          },
          { rollback: false },
        ),
      () =>
        db()
          .transaction()
          .execute((trx) => services().objects.in(trx).remove(ws(), bob.id)),
    )
    await outcome
    expect(await danglingReferences(db())).toBe(0)
  })

  it('the set statement resolving a staged reference to an existing object holds it against a concurrent delete (PostgreSQL)', async () => {
    if (env().dialect !== 'postgres') return
    const { s } = await loaded()
    const bob = await objectByIdentity(services(), s.typeId('Person'), 'Bob')
    const a = await objectByIdentity(services(), s.typeId('Host'), 'A')
    const c = await objectByIdentity(services(), s.typeId('Host'), 'C')
    const owner = s.attributeId('Host.Owner')
    const { outcome } = await afterWaitingForOpenWrite(
      (holdOpen) =>
        importStore(services().store).transaction(
          async (tx) => {
            await tx.deleteReferences([a.id], owner)
            await tx.createRefStage()
            // Rows as stagePending writes them: a created object's reference with one text, folded. Two rows for the
            // two people: PostgreSQL's statement runs only when the staged rows are as many as the targets.
            await tx.stageReferences([
              [1, owner, a.id, 'A', s.typeId('Host'), 1, '["Bob"]', null, 'x', 'bob'],
              [2, owner, c.id, 'C', s.typeId('Host'), 1, '["Nobody"]', null, 'y', 'nobody'],
            ])
            // Person's Name, a single-valued text label, is answered from the people's labels (index state `label`).
            const name = s.attributeId('Person.Name')
            const labels = { workspaceId: ws(), attributeIds: [name], typeIds: [s.typeId('Person')] }
            expect(await tx.resolveStagedSingle(owner, [name], 0, 2, false, labels)).toEqual([a.id])
            await holdOpen()
          },
          { rollback: false },
        ),
      () =>
        db()
          .transaction()
          .execute((trx) => services().objects.in(trx).remove(ws(), bob.id)),
    )
    await outcome
    expect(await danglingReferences(db())).toBe(0)
  })
})
