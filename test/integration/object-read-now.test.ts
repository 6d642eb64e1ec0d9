import { expect, it } from 'vitest'
import { objectReadRepository } from '../../src/store/repositories/object-read.repository.js'
import { seedRepository } from '../helpers/factories.js'
import { describeEachDialect } from '../helpers/test-env.js'

/**
 * GET object/{id} reads its object at once on SQLite (Store.readNow: no wait for the connection) — but only while
 * no transaction is open on the connection, whose uncommitted rows a read must not see.
 */
describeEachDialect('GET object/{id} read at once', (env) => {
  // One schema for the file (its global status can be created once per workspace); objects per test.
  let seeding: ReturnType<typeof seedRepository> | undefined
  /** A person, and a hardware object that references it. */
  async function objectWithReference() {
    const e = env()
    const repo = await (seeding ??= seedRepository(e.booted.services, e.workspaceId, 'RNW'))
    const create = async (objectTypeId: number, attributes: [number, unknown][]) => {
      const res = await e.call('POST', `${e.api}/object/create`, {
        body: {
          objectTypeId,
          attributes: attributes.map(([id, value]) => ({
            objectTypeAttributeId: id,
            objectAttributeValues: [{ value }],
          })),
        },
      })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      return Number(res.body.id)
    }
    const owner = await create(repo.person.id, [[repo.personName.id, 'owner']])
    const id = await create(repo.hardware.id, [
      [repo.attrs.name.id, 'child'],
      [repo.attrs.owner.id, String(owner)],
    ])
    return { e, id, owner }
  }

  it('reads the same rows as the driver on SQLite, and nothing at once on PostgreSQL', async () => {
    const { e, id } = await objectWithReference()
    const store = e.booted.services.store
    const now = objectReadRepository.objectWithReferencesNow(store, e.workspaceId, id)
    const driver = await objectReadRepository.objectWithReferences(store.db, store.caps, e.workspaceId, id)
    expect(driver.length).toBeGreaterThan(0)
    expect(driver.some((r) => r.ref_target_id !== null)).toBe(true)
    if (e.dialect === 'sqlite') expect(now).toEqual(driver)
    else expect(now).toBeUndefined()
    expect(objectReadRepository.objectWithReferencesNow(store, e.workspaceId, id + 1_000_000)).toEqual(
      e.dialect === 'sqlite' ? [] : undefined,
    )
  })

  it("does not see a transaction's uncommitted rows: the read waits for it", async () => {
    const { e, owner } = await objectWithReference()
    const store = e.booted.services.store
    let during: unknown = 'not read'
    let answer: Promise<{ status: number; body: any }> | undefined
    await expect(
      store.db.transaction().execute(async (trx) => {
        await trx.updateTable('object').set({ label: 'uncommitted' }).where('id', '=', owner).execute()
        during = objectReadRepository.objectWithReferencesNow(store, e.workspaceId, owner)
        answer = e.call('GET', `${e.api}/object/${owner}`)
        // Long enough for the request to arrive and wait (on SQLite the connection is this transaction's).
        await new Promise((resolve) => setTimeout(resolve, 200))
        throw new Error('roll back')
      }),
    ).rejects.toThrow('roll back')
    expect(during).toBeUndefined()
    const res = await answer!
    expect(res.status).toBe(200)
    expect(res.body.label).toBe('owner')
  })
})
