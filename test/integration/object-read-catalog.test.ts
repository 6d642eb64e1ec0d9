import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { seedRepository } from '../helpers/factories.js'
import { describeEachDialect } from '../helpers/test-env.js'

/**
 * GET object/{id} keeps the catalog rows it reads (type, attributes, statuses) while the workspace's catalog
 * version holds; every schema write bumps it, so the next GET after a change shows the change.
 */
describeEachDialect('GET object/{id} shows a schema change on the next read', (env) => {
  // One schema for the file (its global status can be created once per workspace); an object per test.
  let seeding: ReturnType<typeof seedRepository> | undefined
  async function seeded(name: string) {
    const e = env()
    const repo = await (seeding ??= seedRepository(e.booted.services, e.workspaceId, 'RDX'))
    const created = await e.call('POST', `${e.api}/object/create`, {
      body: {
        objectTypeId: repo.hardware.id,
        attributes: [
          { objectTypeAttributeId: repo.attrs.name.id, objectAttributeValues: [{ value: name }] },
          { objectTypeAttributeId: repo.attrs.state.id, objectAttributeValues: [{ value: 'Retired' }] },
        ],
      },
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const get = async () => {
      const res = await e.call('GET', `${e.api}/object/${created.body.id}`)
      expect(res.status).toBe(200)
      return res.body
    }
    // Read once, so that the catalog rows are kept before the change.
    await get()
    return { e, repo, id: created.body.id as string, get }
  }

  it('a renamed object type', async () => {
    const { e, repo, get } = await seeded('srv-a')
    expect((await get()).objectType.name).not.toBe('Machine')
    const put = await e.call('PUT', `${e.api}/objecttype/${repo.hardware.id}`, {
      body: { name: 'Machine', description: 'renamed' },
    })
    expect(put.status, JSON.stringify(put.body)).toBe(200)
    const after = await get()
    expect(after.objectType).toMatchObject({ name: 'Machine', description: 'renamed' })
  })

  it('an attribute added, then given a value; renamed and made the label', async () => {
    const { e, repo, id, get } = await seeded('srv-b')
    const added = await e.call('POST', `${e.api}/objecttypeattribute/${repo.hardware.id}`, {
      body: { name: 'Rack', kind: 'text' },
    })
    expect(added.status, JSON.stringify(added.body)).toBe(201)
    const put = await e.call('PUT', `${e.api}/object/${id}`, {
      body: {
        attributes: [{ objectTypeAttributeId: added.body.id, objectAttributeValues: [{ value: 'R7' }] }],
      },
    })
    expect(put.status, JSON.stringify(put.body)).toBe(200)
    const rack = (o: { attributes: { objectTypeAttributeId: string; objectAttributeValues: unknown[] }[] }) =>
      o.attributes.find((a) => a.objectTypeAttributeId === added.body.id)
    expect(rack(put.body)?.objectAttributeValues).toMatchObject([{ value: 'R7' }])
    expect(rack(await get())?.objectAttributeValues).toMatchObject([{ value: 'R7' }])

    const change = await e.call('PUT', `${e.api}/objecttypeattribute/${repo.hardware.id}/${added.body.id}`, {
      body: { name: 'Rack position', label: true },
    })
    expect(change.status, JSON.stringify(change.body)).toBe(200)
    const attributes = await e.call('GET', `${e.api}/object/${id}/attributes`)
    expect(attributes.status).toBe(200)
    const byId = new Map(
      (attributes.body as { objectTypeAttribute: { id: string; name: string; label: boolean } }[]).map(
        (a) => [a.objectTypeAttribute.id, a.objectTypeAttribute],
      ),
    )
    expect(byId.get(added.body.id)).toMatchObject({ name: 'Rack position', label: true })
    expect(byId.get(String(repo.attrs.name.id))).toMatchObject({ name: 'Name', label: false })
  })

  it('a status whose category changed', async () => {
    const { e, repo, get } = await seeded('srv-c')
    const state = (o: any) =>
      o.attributes.find((a: any) => a.objectTypeAttributeId === String(repo.attrs.state.id))
        .objectAttributeValues[0].status
    const before = state(await get())
    expect(before).toMatchObject({ name: 'Retired', category: 0 })
    const put = await e.call('PUT', `${e.api}/config/statustype/${before.id}`, {
      body: { name: 'Retired', category: 2, objectSchemaId: String(repo.schema.id) },
    })
    expect(put.status, JSON.stringify(put.body)).toBe(200)
    expect(state(await get())).toMatchObject({ name: 'Retired', category: 2 })
  })

  it('a catalog row written straight to the database, as another process writes it', async () => {
    const { e, repo, get } = await seeded('srv-d')
    await sql`update object_type set name = 'Written elsewhere' where id = ${repo.hardware.id}`.execute(
      e.booted.services.store.db,
    )
    expect((await get()).objectType.name).toBe('Written elsewhere')
  })

  it('answers 404 for an object of another workspace and for no object, as before', async () => {
    const { e, id } = await seeded('srv-e')
    expect((await e.call('GET', `${e.api}/object/${Number(id) + 1000}`)).status).toBe(404)
    const other = e.api.replace(`/workspace/${e.workspaceId}/`, '/workspace/other-workspace/')
    expect((await e.call('GET', `${other}/object/${id}`)).status).toBe(404)
  })
})
