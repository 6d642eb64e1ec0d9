import { beforeAll, expect, it } from 'vitest'
import { describeEachDialect } from '../helpers/test-env.js'

describeEachDialect('repository write API', (env) => {
  let writeToken: string
  let readToken: string
  beforeAll(async () => {
    const { services } = env().booted
    const ws = env().workspaceId
    writeToken = (
      await services.tokens.createWorkspaceToken({
        workspaceId: ws,
        name: 'w',
        scopes: ['write:cmdb-object:jira'],
      })
    ).token
    readToken = (
      await services.tokens.createWorkspaceToken({
        workspaceId: ws,
        name: 'r',
        scopes: ['read:cmdb-object:jira'],
      })
    ).token
  })

  it('builds a schema, a type, attributes and a status, then creates, updates and deletes an object', async () => {
    const { call, api } = env()
    const schema = await call('POST', `${api}/objectschema/create`, {
      body: { name: 'Assets', objectSchemaKey: 'AST' },
    })
    expect(schema.status).toBe(201)
    const type = await call('POST', `${api}/objecttype/create`, {
      body: { name: 'Server', objectSchemaId: schema.body.id },
    })
    expect(type.status).toBe(201)
    const name = await call('POST', `${api}/objecttypeattribute/${type.body.id}`, {
      body: { name: 'Name', kind: 'text', label: true },
    })
    const ram = await call('POST', `${api}/objecttypeattribute/${type.body.id}`, {
      body: { name: 'RAM', kind: 'integer' },
    })
    expect([name.status, ram.status]).toEqual([201, 201])
    const status = await call('POST', `${api}/status/create`, {
      body: { name: 'In use', category: 'active', objectSchemaId: schema.body.id },
    })
    expect(status.status).toBe(201)

    const created = await call('POST', `${api}/object/create`, {
      token: writeToken,
      body: {
        objectTypeId: type.body.id,
        attributes: [
          { objectTypeAttributeId: name.body.id, objectAttributeValues: [{ value: 'web-1' }] },
          { objectTypeAttributeId: ram.body.id, objectAttributeValues: [{ value: 16 }] },
        ],
      },
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ label: 'web-1', objectKey: 'AST-1' })

    const updated = await call('PUT', `${api}/object/${created.body.id}`, {
      token: writeToken,
      body: {
        attributes: [{ objectTypeAttributeId: ram.body.id, objectAttributeValues: [{ value: '32' }] }],
      },
    })
    expect(updated.status).toBe(200)
    const ramValue = updated.body.attributes.find((a: any) => a.objectTypeAttributeId === ram.body.id)
    expect(ramValue.objectAttributeValues[0].value).toBe(32)
    expect(updated.body.label).toBe('web-1')

    expect((await call('DELETE', `${api}/object/${created.body.id}`, { token: writeToken })).status).toBe(204)
    expect((await call('GET', `${api}/object/${created.body.id}`)).status).toBe(404)
  })

  it('answers 400 naming the field for bad bodies and bad values, 409 for conflicts, 403 without the scope', async () => {
    const { call, api } = env()
    const noKey = await call('POST', `${api}/objectschema/create`, { body: { name: 'X' } })
    expect(noKey.status).toBe(400)
    expect(noKey.body.error.details.problems[0].field).toBe('body.objectSchemaKey')
    const extra = await call('POST', `${api}/objectschema/create`, {
      body: { name: 'X', objectSchemaKey: 'XX', colour: 'red' },
    })
    expect(extra.status).toBe(400)
    expect(extra.body.error.details.problems[0].field).toBe('body.colour')
    const dup = await call('POST', `${api}/objectschema/create`, {
      body: { name: 'Again', objectSchemaKey: 'AST' },
    })
    expect(dup.status).toBe(409)
    const schemaId = (
      await call('POST', `${api}/objectschema/create`, { body: { name: 'Other', objectSchemaKey: 'OTH' } })
    ).body.id
    const typeId = (
      await call('POST', `${api}/objecttype/create`, { body: { name: 'Thing', objectSchemaId: schemaId } })
    ).body.id
    const kind = await call('POST', `${api}/objecttypeattribute/${typeId}`, {
      body: { name: 'A', kind: 'colour' },
    })
    expect(kind.status).toBe(400)
    const attr = (
      await call('POST', `${api}/objecttypeattribute/${typeId}`, { body: { name: 'When', kind: 'date' } })
    ).body
    const badValue = await call('POST', `${api}/object/create`, {
      token: writeToken,
      body: {
        objectTypeId: typeId,
        attributes: [{ objectTypeAttributeId: attr.id, objectAttributeValues: [{ value: '31/12/2024' }] }],
      },
    })
    expect(badValue.status).toBe(400)
    expect(badValue.body.error).toMatchObject({
      code: 'INVALID_ATTRIBUTE_VALUE',
      details: { attribute: 'When', value: '31/12/2024' },
    })
    const malformed = await call('POST', `${api}/object/create`, {
      token: writeToken,
      body: '{"objectTypeId": ',
    })
    expect(malformed.status).toBe(400)
    expect(malformed.body.error.code).toBe('MALFORMED_BODY')
    expect(
      (
        await call('POST', `${api}/object/create`, {
          token: readToken,
          body: { objectTypeId: typeId, attributes: [] },
        })
      ).status,
    ).toBe(403)
    expect(
      (
        await call('POST', `${api}/objectschema/create`, {
          token: writeToken,
          body: { name: 'Y', objectSchemaKey: 'YY' },
        })
      ).status,
    ).toBe(403)
  })

  it('answers 413 with a code for a body over the limit', async () => {
    const { call, api } = env()
    const big = 'x'.repeat(env().config.maxBodyBytes + 10)
    const res = await call('POST', `${api}/objectschema/create`, {
      body: { name: big, objectSchemaKey: 'BIG' },
    })
    expect(res.status).toBe(413)
    expect(res.body.error.code).toBe('BODY_TOO_LARGE')
  })
})
