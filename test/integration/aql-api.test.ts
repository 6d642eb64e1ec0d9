import { beforeAll, expect, it } from 'vitest'
import { interpolate } from '../../src/domain/aql/placeholders.js'
import { seedRepository } from '../helpers/factories.js'
import { ADMIN_TOKEN, describeEachDialect } from '../helpers/test-env.js'

/** POST object/aql and the legacy GET aql/objects: paging, presentation, auth, errors and hostile values. */

const HOSTILE = [
  'say "hi"',
  'back\\slash',
  'trailing\\',
  '100%',
  'x_y',
  "O'Brien",
  "'; drop table object; --",
  "a' OR '1'='1",
  '") OR (Name like "',
  '${name}',
] as const

describeEachDialect('AQL API', (env) => {
  let seed: Awaited<ReturnType<typeof seedRepository>>
  let readToken: string
  let importToken: string
  let containerToken: string
  const servers: number[] = []
  const hostile = new Map<string, number>()

  const search = (qlQuery: string, query = '', token?: string | null) =>
    env().call('POST', `${env().api}/object/aql${query}`, {
      body: { qlQuery },
      ...(token === undefined ? {} : { token }),
    })
  const labels = (body: any): string[] => body.values.map((o: any) => o.label)

  beforeAll(async () => {
    const { services } = env().booted
    const ws = env().workspaceId
    seed = await seedRepository(services, ws)
    const token = async (scopes: string[]) =>
      (
        await services.tokens.createWorkspaceToken({
          workspaceId: ws,
          name: scopes.join(),
          scopes: scopes as any,
        })
      ).token
    readToken = await token(['read:cmdb-object:jira'])
    importToken = await token(['import:import-configuration:cmdb'])
    containerToken = (await services.tokens.createContainerToken(ws, '00000000-0000-4000-8000-0000000000a1'))
      .token
    const owner = await services.objects.create(ws, {
      objectTypeId: seed.person.id,
      attributes: [{ attribute: 'Name', values: ['Grace'] }],
    })
    for (let i = 1; i <= 30; i++) {
      const o = await services.objects.create(ws, {
        objectTypeId: seed.hardware.id,
        attributes: [
          { attribute: 'Name', values: [`Server ${String(i).padStart(2, '0')}`] },
          { attribute: 'Size', values: [i] },
          { attribute: 'Owner', values: i % 3 === 0 ? [owner.id] : [] },
          { attribute: 'State', values: ['Running'] },
        ],
      })
      servers.push(o.id)
    }
    for (const name of HOSTILE) {
      const o = await services.objects.create(ws, {
        objectTypeId: seed.person.id,
        attributes: [{ attribute: 'Name', values: [name] }],
      })
      hostile.set(name, o.id)
    }
  })

  it('pages with startAt and maxResults, in label order, with total and isLast', async () => {
    const q = 'objectType = Hardware'
    const first = await search(q, '?maxResults=12')
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ startAt: 0, maxResults: 12, total: 30, isLast: false, last: false })
    const second = await search(q, '?startAt=12&maxResults=12')
    const third = await search(q, '?startAt=24&maxResults=12')
    expect(third.body).toMatchObject({ startAt: 24, total: 30, isLast: true, last: true })
    expect(third.body.values).toHaveLength(6)
    const all = [...labels(first.body), ...labels(second.body), ...labels(third.body)]
    expect(all).toEqual(Array.from({ length: 30 }, (_, i) => `Server ${String(i + 1).padStart(2, '0')}`))
    const beyond = await search(q, '?startAt=100')
    expect(beyond.body).toMatchObject({ total: 30, isLast: true, values: [] })
    const byDefault = await search(q)
    expect(byDefault.body).toMatchObject({ maxResults: 25 })
    expect(byDefault.body.values).toHaveLength(25)
    const ordered = await search('objectType = Hardware AND Size > 27 order by Size desc')
    expect(labels(ordered.body)).toEqual(['Server 30', 'Server 29', 'Server 28'])
  })

  it('refuses maxResults above 1000 and a negative startAt', async () => {
    for (const query of ['?maxResults=1001', '?maxResults=0', '?startAt=-1']) {
      const res = await search('objectType = Hardware', query)
      expect(res.status, query).toBe(400)
      expect(res.body.error.code).toBe('VALIDATION_FAILED')
    }
    expect((await search('objectType = Hardware', '?maxResults=1000')).status).toBe(200)
  })

  it('presents each object exactly as GET object/{id} does, or without attributes on request', async () => {
    const res = await search('Owner = Grace AND Size = 3')
    expect(res.body.total).toBe(1)
    const single = await env().call('GET', `${env().api}/object/${servers[2]}`)
    expect(res.body.values[0]).toEqual(single.body)
    expect(res.body.objectTypeAttributes.map((a: any) => a.name)).toContain('Owner')
    const bare = await search('Owner = Grace AND Size = 3', '?includeAttributes=false')
    expect(bare.body.values[0]).toEqual({ ...single.body, attributes: [] })
    expect(bare.body.objectTypeAttributes).toEqual([])
  })

  it('serves the legacy GET aql/objects with 1-based pages and the Assets list fields', async () => {
    const q = encodeURIComponent('objectType = Hardware')
    const res = await env().call('GET', `${env().api}/aql/objects?qlQuery=${q}&page=2&resultPerPage=12`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      startAt: 12,
      maxResults: 12,
      total: 30,
      isLast: false,
      totalFilterCount: 30,
      pageNumber: 2,
      pageSize: 3,
      pageObjectSize: 12,
      startIndex: 12,
      toIndex: 24,
      qlQuery: 'objectType = Hardware',
      objectTypeAttributes: [],
    })
    expect(labels(res.body)[0]).toBe('Server 13')
    expect(res.body.objectEntries).toEqual(res.body.values)
    const typed = await env().call('GET', `${env().api}/aql/objects?qlQuery=${q}&includeTypeAttributes=true`)
    expect(typed.body).toMatchObject({ pageNumber: 1, maxResults: 25 })
    expect(typed.body.objectTypeAttributes.length).toBeGreaterThan(0)
    const zero = await env().call('GET', `${env().api}/aql/objects?qlQuery=${q}&page=0`)
    expect(zero.status).toBe(400)
  })

  it('answers 401 without a token, 403 with the wrong scope, 404 for another workspace, 200 with read scope', async () => {
    const { call, api, baseUrl } = env()
    const q = encodeURIComponent('objectType = Hardware')
    const routes: [string, string, unknown][] = [
      ['POST', '/object/aql', { qlQuery: 'objectType = Hardware' }],
      ['GET', `/aql/objects?qlQuery=${q}`, undefined],
    ]
    for (const [method, path, body] of routes) {
      const as = (token: string | null, base = api) => call(method, base + path, { token, body })
      expect((await as(null)).status, `${path} no token`).toBe(401)
      expect((await as('itk_not-a-real-token-at-all')).status, `${path} bad token`).toBe(401)
      const forbidden = await as(importToken)
      expect(forbidden.status, `${path} wrong scope`).toBe(403)
      expect(forbidden.body.error.code).toBe('FORBIDDEN')
      expect((await as(containerToken)).status, `${path} container token`).toBe(403)
      const elsewhere = `${baseUrl}/jsm/assets/workspace/another-workspace/v1`
      expect((await as(readToken, elsewhere)).status, `${path} other workspace`).toBe(404)
      expect((await as(readToken)).status, `${path} read token`).toBe(200)
      expect((await as(ADMIN_TOKEN)).status, `${path} admin token`).toBe(200)
      const alias = `${baseUrl}/jsm/insight/workspace/${env().workspaceId}/v1`
      expect((await as(readToken, alias)).status, `${path} alias`).toBe(200)
    }
  })

  it('answers syntax errors with 400, the position, what was found and what was expected', async () => {
    const res = await search('Name = "Server 01" AND AND Size > 1')
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({
      code: 'AQL_SYNTAX_ERROR',
      details: { position: 23, found: 'AND', expected: expect.arrayContaining(['an attribute name', 'NOT']) },
    })
    expect(res.body.message).toMatch(/position 23/)
    const unclosed = await search('Name = "Server')
    expect(unclosed.status).toBe(400)
    expect(unclosed.body.error.code).toMatch(/^AQL_/)
    const empty = await search('')
    expect(empty.body.error).toMatchObject({ code: 'AQL_SYNTAX_ERROR', details: { position: 0 } })
  })

  it('names an unknown attribute or object type with the closest existing name', async () => {
    const attribute = await search('Nmae = "Server 01"')
    expect(attribute.status).toBe(400)
    expect(attribute.body.error).toMatchObject({
      code: 'AQL_UNKNOWN_ATTRIBUTE',
      details: { position: 0, attribute: 'Nmae', suggestion: 'Name' },
    })
    expect(attribute.body.message).toMatch(/Did you mean "Name"/)
    const type = await search('objectType = Hardwar')
    expect(type.body.error).toMatchObject({
      code: 'AQL_UNKNOWN_OBJECT_TYPE',
      details: { objectType: 'Hardwar', suggestion: 'Hardware' },
    })
  })

  it('matches hostile values literally: quotes, backslashes, %, _ and SQL fragments', async () => {
    const quote = (v: string) => `"${v.replace(/[\\"]/g, '\\$&')}"`
    for (const name of HOSTILE) {
      const exact = await search(`objectType = Person AND Name == ${quote(name)}`)
      expect(exact.status, name).toBe(200)
      expect(
        exact.body.values.map((o: any) => Number(o.id)),
        name,
      ).toEqual([hostile.get(name)])
      const viaPlaceholder = interpolate('objectType = Person AND Name = ${name}', () => name)
      expect((await search(viaPlaceholder)).body.total, viaPlaceholder).toBe(1)
    }
    const like = async (part: string) => labels((await search(`Name like ${quote(part)}`)).body).sort()
    expect(await like('%')).toEqual(['100%'])
    expect(await like('_')).toEqual(['x_y'])
    expect(await like('\\')).toEqual(['back\\slash', 'trailing\\'])
    expect(await like("'")).toEqual(["'; drop table object; --", "a' OR '1'='1", "O'Brien"].sort())
    expect((await search('Name startswith "%"')).body.total).toBe(0)
    expect((await search('Name endswith "\\\\"')).body.total).toBe(1)
    const list = interpolate('Name in (${names${0}})', () => [...HOSTILE])
    expect((await search(list)).body.total).toBe(HOSTILE.length)
    // Nothing was executed: the repository is intact.
    expect((await search('objectType = Hardware')).body.total).toBe(30)
  })

  it('shows both routes in the OpenAPI document', async () => {
    const doc = (await env().call('GET', '/openapi.json', { token: null })).body
    const base = '/jsm/assets/workspace/{workspaceId}/v1'
    expect(doc.paths[`${base}/object/aql`].post.summary).toBe('Find objects with AQL')
    expect(doc.paths[`${base}/aql/objects`].get.deprecated).toBe(true)
  })
})
