import { beforeAll, expect, it } from 'vitest'
import { describeEachDialect } from '../helpers/test-env.js'
import {
  createSource,
  mappingFixture,
  otherWorkspace,
  submitMapping,
  type Json,
} from '../helpers/import-sources.js'

const INFO_PATHS = ['/jsm/assets/v1/imports/info', '/jsm/insight/v1/imports/info']

describeEachDialect('container tokens and imports/info', (env) => {
  let a: Json
  let b: Json
  let tokenA: string
  let tokenB: string
  const src = (s: Json, path = '') => `${env().api}/importsource/${s.id}${path}`

  beforeAll(async () => {
    a = await createSource(env(), { name: 'A' })
    b = await createSource(env(), { name: 'B' })
    const ta = await env().call('POST', src(a, '/token'))
    expect(ta.status).toBe(200)
    expect(Object.keys(ta.body)).toEqual(['token'])
    tokenA = ta.body.token
    tokenB = (await env().call('POST', src(b, '/token'))).body.token
  })

  it('GET token answers metadata only, and tokenGenerated turns true', async () => {
    const res = await env().call('GET', src(a, '/token'))
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      exists: true,
      created: expect.any(String),
      lastUsed: null,
      prefix: expect.any(String),
    })
    expect(tokenA.startsWith(res.body.prefix)).toBe(true)
    expect(res.body.prefix.length).toBeLessThan(tokenA.length / 2)
    expect(JSON.stringify(res.body)).not.toContain(tokenA)
    expect((await env().call('GET', src(a))).body.tokenGenerated).toBe(true)
    const none = await createSource(env())
    expect((await env().call('GET', src(none, '/token'))).body).toEqual({
      exists: false,
      created: null,
      lastUsed: null,
      prefix: null,
    })
  })

  it('imports/info answers the absolute links of the token’s own source, on both paths', async () => {
    for (const path of INFO_PATHS) {
      const res = await env().call('GET', `${env().baseUrl}${path}`, { token: tokenA })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        links: {
          getStatus: src(a, '/configstatus'),
          start: src(a, '/executions'),
          mapping: src(a, '/mapping'),
        },
      })
    }
    expect((await env().call('GET', src(a, '/token'))).body.lastUsed).toEqual(expect.any(String))
  })

  it('imports/info: 403 for a workspace token, 401 without a token', async () => {
    const res = await env().call('GET', `${env().baseUrl}${INFO_PATHS[0]}`)
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('CONTAINER_TOKEN_REQUIRED')
    expect((await env().call('GET', `${env().baseUrl}${INFO_PATHS[1]}`, { token: null })).status).toBe(401)
  })

  it('a container token works the links of its own source', async () => {
    expect((await env().call('GET', src(a), { token: tokenA })).status).toBe(200)
    expect((await env().call('GET', src(a, '/configstatus'), { token: tokenA })).body.status).toBe(
      'MISSING_MAPPING',
    )
    await submitMapping(env(), a.id, mappingFixture('legacy-2021.json'), 'PUT', { token: tokenA })
    const doc = await env().call('GET', src(a, '/schema-and-mapping'), { token: tokenA })
    expect(doc.status).toBe(200)
    await submitMapping(env(), a.id, doc.body, 'PATCH', { token: tokenA })
    expect((await env().call('GET', src(a, '/configstatus'), { token: tokenA })).body.status).toBe('IDLE')
  })

  it("a container token cannot reach another source's routes (403)", async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', src(b)],
      ['PATCH', src(b), { name: 'taken over' }],
      ['DELETE', src(b)],
      ['GET', src(b, '/configstatus')],
      ['GET', src(b, '/token')],
      ['POST', src(b, '/token')],
      ['PUT', src(b, '/mapping'), mappingFixture('seed-put.json')],
      ['PATCH', src(b, '/mapping'), {}],
      ['GET', src(b, '/schema-and-mapping')],
      ['GET', src(b, '/mapping')],
    ]
    for (const [method, url, body] of routes) {
      const res = await env().call(
        method,
        url,
        body === undefined ? { token: tokenA } : { token: tokenA, body },
      )
      expect(res.status, `${method} ${url}`).toBe(403)
    }
    expect((await env().call('GET', src(b))).body.name).toBe('B')
    expect((await env().call('GET', src(b, '/configstatus'))).body.status).toBe('MISSING_MAPPING')
  })

  it('a container token cannot reach workspace routes or the object repository (403)', async () => {
    const schemaId = (await env().call('GET', src(a))).body.objectSchemaId
    const routes: [string, string, unknown?][] = [
      ['GET', `${env().api}/importsource`],
      ['POST', `${env().api}/importsource`, { name: 'x', type: 'external' }],
      ['GET', `${env().api}/objectschema/list`],
      ['GET', `${env().api}/objectschema/${schemaId}`],
      ['GET', `${env().api}/objectschema/${schemaId}/objecttypes/flat`],
      ['GET', `${env().api}/object/1`],
      ['POST', `${env().api}/objectschema/create`, { name: 'x', objectSchemaKey: 'XX' }],
    ]
    for (const [method, url, body] of routes) {
      const res = await env().call(
        method,
        url,
        body === undefined ? { token: tokenA } : { token: tokenA, body },
      )
      expect(res.status, `${method} ${url}`).toBe(403)
    }
  })

  it('a container token answers 404 for another workspace', async () => {
    const ws = await otherWorkspace(env(), 'ws-tokens')
    const res = await env().call('GET', `${ws.api}/importsource/${a.id}`, { token: tokenA })
    expect(res.status).toBe(404)
  })

  it('a new token revokes the previous one: 401 {"code":401,…} on imports/info', async () => {
    const fresh = (await env().call('POST', src(b, '/token'))).body.token
    expect(fresh).not.toBe(tokenB)
    const revoked = await env().call('GET', `${env().baseUrl}${INFO_PATHS[0]}`, { token: tokenB })
    expect(revoked.status).toBe(401)
    expect(revoked.body).toMatchObject({ code: 401, message: expect.stringMatching(/^Unauthorized/) })
    const ok = await env().call('GET', `${env().baseUrl}${INFO_PATHS[0]}`, { token: fresh })
    expect(ok.body.links.mapping).toBe(src(b, '/mapping'))
    expect((await env().call('GET', src(b), { token: tokenB })).status).toBe(401)
  })
})
