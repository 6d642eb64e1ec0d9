import { expect, it } from 'vitest'
import { seedRepository } from '../helpers/factories.js'
import { describeEachDialect } from '../helpers/test-env.js'

describeEachDialect('the object type embedded in objects counts what this server wrote', (env) => {
  it('counts an object created or deleted through the API at once, though it was counted just before', async () => {
    const e = env()
    const repo = await seedRepository(e.booted.services, e.workspaceId, 'CNT')
    const create = async (name: string) => {
      const res = await e.call('POST', `${e.api}/object/create`, {
        body: {
          objectTypeId: repo.person.id,
          attributes: [
            { objectTypeAttributeId: repo.personName.id, objectAttributeValues: [{ value: name }] },
          ],
        },
      })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      return res.body
    }
    const first = await create('Ada')
    expect(first.objectType.objectCount).toBe(1)
    expect((await e.call('GET', `${e.api}/object/${first.id}`)).body.objectType.objectCount).toBe(1)
    const second = await create('Grace')
    expect(second.objectType.objectCount).toBe(2)
    expect((await e.call('GET', `${e.api}/object/${first.id}`)).body.objectType.objectCount).toBe(2)
    expect((await e.call('DELETE', `${e.api}/object/${second.id}`)).status).toBe(204)
    expect((await e.call('GET', `${e.api}/object/${first.id}`)).body.objectType.objectCount).toBe(1)
  })
})
