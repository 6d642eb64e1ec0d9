import { beforeAll, expect, it } from 'vitest'
import { seedRepository } from '../helpers/factories.js'
import { ADMIN_TOKEN, describeEachDialect } from '../helpers/test-env.js'

describeEachDialect('read API and auth', (env) => {
  let seed: Awaited<ReturnType<typeof seedRepository>>
  let readToken: string
  let importToken: string
  let containerToken: string
  let objectId: number
  let refId: number

  beforeAll(async () => {
    const { services } = env().booted
    const ws = env().workspaceId
    seed = await seedRepository(services, ws)
    readToken = (
      await services.tokens.createWorkspaceToken({
        workspaceId: ws,
        name: 'reader',
        scopes: ['read:cmdb-object:jira'],
      })
    ).token
    importToken = (
      await services.tokens.createWorkspaceToken({
        workspaceId: ws,
        name: 'importer',
        scopes: ['import:import-configuration:cmdb'],
      })
    ).token
    containerToken = (await services.tokens.createContainerToken(ws, '00000000-0000-4000-8000-000000000001'))
      .token
    const person = await services.objects.create(ws, {
      objectTypeId: seed.person.id,
      attributes: [{ attribute: 'Name', values: ['Grace'] }],
    })
    refId = person.id
    const o = await services.objects.create(ws, {
      objectTypeId: seed.hardware.id,
      attributes: [
        { attribute: 'Name', values: ['Server 1'] },
        { attribute: 'Owner', values: [person.id] },
        { attribute: 'State', values: ['Running'] },
        { attribute: 'Size', values: [42] },
      ],
    })
    objectId = o.id
  })

  const routes = () => [
    `/objectschema/list`,
    `/objectschema/${seed.schema.id}`,
    `/objectschema/${seed.schema.id}/objecttypes/flat`,
    `/objecttype/${seed.hardware.id}`,
    `/objecttype/${seed.hardware.id}/attributes`,
    `/object/${objectId}`,
  ]

  it('answers every read route: 401 without a token, 403 with the wrong scope, 404 for another workspace, 200 with the right one', async () => {
    const { call, api, baseUrl } = env()
    for (const path of routes()) {
      expect((await call('GET', api + path, { token: null })).status, `${path} no token`).toBe(401)
      expect(
        (await call('GET', api + path, { token: 'itk_not-a-real-token-at-all' })).status,
        `${path} bad token`,
      ).toBe(401)
      const forbidden = await call('GET', api + path, { token: importToken })
      expect(forbidden.status, `${path} wrong scope`).toBe(403)
      expect(forbidden.body.error.code).toBe('FORBIDDEN')
      expect(
        (await call('GET', api + path, { token: containerToken })).status,
        `${path} container token`,
      ).toBe(403)
      const other = await call('GET', `${baseUrl}/jsm/assets/workspace/another-workspace/v1${path}`, {
        token: readToken,
      })
      expect(other.status, `${path} other workspace`).toBe(404)
      expect((await call('GET', api + path, { token: readToken })).status, `${path} read token`).toBe(200)
      expect((await call('GET', api + path, { token: ADMIN_TOKEN })).status, `${path} admin token`).toBe(200)
    }
  })

  it('answers the same on the /jsm/insight and /ex/jira aliases', async () => {
    const { call, baseUrl, workspaceId } = env()
    for (const prefix of [
      `/jsm/insight/workspace/${workspaceId}/v1`,
      `/ex/jira/cloud-1/jsm/assets/workspace/${workspaceId}/v1`,
    ]) {
      const res = await call('GET', `${baseUrl}${prefix}/objectschema/${seed.schema.id}`)
      expect(res.status).toBe(200)
      expect(res.body.objectSchemaKey).toBe('HW')
    }
  })

  it('accepts Basic with the token as password and the Token header', async () => {
    const { call, api } = env()
    const basic = Buffer.from(`anyone:${readToken}`).toString('base64')
    expect(
      (
        await call('GET', `${api}/objectschema/list`, {
          token: null,
          headers: { authorization: `Basic ${basic}` },
        })
      ).status,
    ).toBe(200)
    expect(
      (await call('GET', `${api}/objectschema/list`, { token: null, headers: { token: readToken } })).status,
    ).toBe(200)
  })

  it('pages the schema list with startAt, maxResults, total and isLast', async () => {
    const { services } = env().booted
    const ws = env().workspaceId
    await services.schemas.createSchema(ws, { name: 'Second', objectSchemaKey: 'SEC' })
    await services.schemas.createSchema(ws, { name: 'Third', objectSchemaKey: 'THI' })
    const first = await env().call('GET', `${env().api}/objectschema/list?maxResults=2`)
    expect(first.body).toMatchObject({ startAt: 0, maxResults: 2, total: 3, isLast: false })
    expect(first.body.values).toHaveLength(2)
    const last = await env().call('GET', `${env().api}/objectschema/list?startAt=2&maxResults=2`)
    expect(last.body).toMatchObject({ startAt: 2, total: 3, isLast: true })
    expect(last.body.values.map((s: any) => s.objectSchemaKey)).toEqual(['THI'])
    const bad = await env().call('GET', `${env().api}/objectschema/list?maxResults=5000`)
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.problems[0].field).toBe('querystring.maxResults')
  })

  it('returns Assets-shaped resources: schema, flat types, type, attributes, object with values and references', async () => {
    const { call, api } = env()
    const schema = (await call('GET', `${api}/objectschema/${seed.schema.id}`)).body
    expect(schema).toMatchObject({
      id: String(seed.schema.id),
      name: 'Schema HW',
      objectSchemaKey: 'HW',
      objectTypeCount: 3,
    })
    const flat = await call('GET', `${api}/objectschema/${seed.schema.id}/objecttypes/flat`)
    expect(flat.body.map((t: any) => t.name)).toEqual(['Person', 'Hardware', 'Laptop'])
    expect(flat.body[2].parentObjectTypeId).toBe(String(seed.hardware.id))
    expect(flat.headers.get('x-total-count')).toBe('3')
    const type = (await call('GET', `${api}/objecttype/${seed.hardware.id}`)).body
    expect(type).toMatchObject({ name: 'Hardware', objectSchemaId: String(seed.schema.id), objectCount: 1 })
    const attrs = (await call('GET', `${api}/objecttype/${seed.hardware.id}/attributes`)).body
    const byName = Object.fromEntries(attrs.map((a: any) => [a.name, a]))
    expect(byName.Owner).toMatchObject({
      kind: 'referenced_object',
      type: 1,
      referenceObjectTypeId: String(seed.person.id),
    })
    expect(byName.State).toMatchObject({ kind: 'status', type: 7 })
    expect(byName.Vendor).toMatchObject({
      kind: 'select',
      options: 'Dell,Lenovo,HP',
      defaultType: { id: 10 },
    })
    expect(byName.IP).toMatchObject({ maximumCardinality: -1 })
    expect(byName.Name).toMatchObject({ label: true, minimumCardinality: 1 })
    const object = (await call('GET', `${api}/object/${objectId}`)).body
    expect(object).toMatchObject({
      id: String(objectId),
      label: 'Server 1',
      objectType: { name: 'Hardware' },
    })
    expect(object.objectKey).toMatch(/^HW-\d+$/)
    expect(object._links.self).toBe(`${api}/object/${objectId}`)
    const value = (name: string) =>
      object.attributes.find((x: any) => x.objectTypeAttributeId === byName[name].id).objectAttributeValues[0]
    expect(value('Owner')).toMatchObject({
      referencedType: true,
      referencedObject: { id: String(refId), label: 'Grace' },
    })
    expect(value('State')).toMatchObject({ value: 'Running', status: { name: 'Running', category: 1 } })
    expect(value('Size')).toMatchObject({ value: 42, displayValue: '42' })
  })

  it('answers 404 with a code for unknown ids and routes, 400 for a malformed id', async () => {
    const { call, api, baseUrl } = env()
    const missing = await call('GET', `${api}/object/987654321`)
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({
      code: 404,
      error: { code: 'NOT_FOUND', details: { entity: 'Object' } },
    })
    const route = await call('GET', `${baseUrl}/no/such/route`, { token: null })
    expect(route.status).toBe(404)
    expect(route.body.error.code).toBe('ROUTE_NOT_FOUND')
    const malformed = await call('GET', `${api}/objecttype/abc`)
    expect(malformed.status).toBe(400)
    expect(malformed.body.error.code).toBe('VALIDATION_FAILED')
    expect(JSON.stringify(malformed.body)).not.toMatch(/at .*\.js/)
  })

  it('serves health, readiness, metrics (admin only) and the OpenAPI document without a token where public', async () => {
    const { call } = env()
    expect((await call('GET', '/healthz', { token: null })).body).toEqual({ status: 'ok' })
    expect((await call('GET', '/readyz', { token: null })).body).toEqual({
      status: 'ready',
      database: env().dialect,
    })
    expect((await call('GET', '/metrics', { token: null })).status).toBe(401)
    expect((await call('GET', '/metrics', { token: readToken })).status).toBe(403)
    const metrics = await call('GET', '/metrics')
    expect(metrics.status).toBe(200)
    expect(metrics.body).toContain('intake_http_requests_total')
    const doc = await call('GET', '/openapi.json', { token: null })
    const paths = Object.keys(doc.body.paths)
    for (const p of [
      'objectschema/list',
      'objectschema/{id}',
      'objectschema/{id}/objecttypes/flat',
      'objecttype/{id}',
      'objecttype/{id}/attributes',
      'object/{id}',
    ]) {
      expect(paths).toContain(`/jsm/assets/workspace/{workspaceId}/v1/${p}`)
    }
    expect(paths.some((p) => p.startsWith('/jsm/insight'))).toBe(false)
    expect((await call('GET', '/docs/', { token: null })).status).toBe(200)
  })

  it('rate-limits repeated failed authentication from one address with 429 and Retry-After', async () => {
    const { call, api } = env()
    const limit = env().config.authFailureLimit
    let last = 0
    let retryAfter: string | null = null
    for (let i = 0; i <= limit; i++) {
      const res = await call('GET', `${api}/objectschema/list`, { token: `itk_wrong-${i}-xxxxxxxxxxxx` })
      last = res.status
      retryAfter = res.headers.get('retry-after')
    }
    expect(last).toBe(429)
    expect(Number(retryAfter)).toBeGreaterThan(0)
  })
})
