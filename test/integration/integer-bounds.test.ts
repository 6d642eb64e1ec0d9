import { randomUUID } from 'node:crypto'
import { beforeAll, expect, it } from 'vitest'
import { ensureSeedStatuses } from '../helpers/executions.js'
import { createSource, mappingFixture, type Json } from '../helpers/import-sources.js'
import { describeEachDialect } from '../helpers/test-env.js'

const HUGE = ['1e21', '1e300', '9999999999999999999']

describeEachDialect('integer parameters are bounded in the schemas', (env) => {
  let source: Json
  let schemaId: string

  beforeAll(async () => {
    source = await createSource(env())
    const schema = await env().call('POST', `${env().api}/objectschema/create`, {
      body: { name: 'Bounds', objectSchemaKey: 'BND' },
    })
    expect(schema.status).toBe(201)
    schemaId = schema.body.id
  })

  it('every integer query parameter of every GET answers 400 naming it for 1e21, 1e300 and 9999999999999999999', async () => {
    const doc = env().app.swagger() as unknown as { paths: Record<string, Record<string, Json>> }
    const params: Record<string, string> = {
      workspaceId: env().workspaceId,
      importSourceId: source.id,
      id: schemaId,
    }
    const checked: string[] = []
    for (const [path, ops] of Object.entries(doc.paths)) {
      const op = ops.get
      if (!op) continue
      const url = env().baseUrl + path.replace(/\{(\w+)\}/g, (_m, n: string) => params[n] ?? randomUUID())
      const query = (op.parameters ?? []).filter((p: Json) => p.in === 'query')
      const baseline = Object.fromEntries(
        query
          .filter((p: Json) => p.required)
          .map((p: Json) => [p.name, p.schema.type === 'string' ? 'x' : '1']),
      )
      for (const p of query.filter((q: Json) => q.schema?.type === 'integer')) {
        for (const value of HUGE) {
          const qs = new URLSearchParams({ ...baseline, [p.name]: value })
          const res = await env().call('GET', `${url}?${qs}`)
          const what = `GET ${path}?${p.name}=${value}: ${JSON.stringify(res.body)}`
          expect(res.status, what).toBe(400)
          // Seed 004's routes answer their own envelope: `error: true` and one entry per field in `errors`.
          const seed004 = res.body.error === true
          const code = seed004 ? res.body.errors[0].code : res.body.error.code
          const fields = seed004 ? res.body.errors : res.body.error.details.problems
          expect(code, what).toBe('VALIDATION_FAILED')
          expect(
            fields.map((x: Json) => x.field),
            what,
          ).toContain(`querystring.${p.name}`)
        }
        checked.push(`${path}?${p.name}`)
      }
    }
    const names = new Set(checked.map((c) => c.split('?')[1]))
    for (const name of ['startAt', 'maxResults', 'page', 'resultPerPage', 'sampleSize'])
      expect(names).toContain(name)
  })

  it('the largest allowed offset answers an empty page, not a database error', async () => {
    const res = await env().call('GET', `${env().api}/importsource?startAt=2147483647`)
    expect(res.status).toBe(200)
    expect(res.body.values).toEqual([])
    const aql = await env().call(
      'GET',
      `${env().api}/aql/objects?qlQuery=${encodeURIComponent('objectType = "X"')}&page=2147483647`,
    )
    expect(aql.status).toBeLessThan(500)
  })

  it('integer ids and cardinalities in JSON bodies answer 400 naming the member when out of range', async () => {
    const cases: [string, string, Json, string][] = [
      ['POST', `${env().api}/objecttype/create`, { name: 'T', objectSchemaId: 1e21 }, 'body.objectSchemaId'],
      [
        'POST',
        `${env().api}/objecttype/create`,
        { name: 'T', objectSchemaId: '9999999999999999999' },
        'body.objectSchemaId',
      ],
      ['POST', `${env().api}/object/create`, { objectTypeId: 1e300, attributes: [] }, 'body.objectTypeId'],
      [
        'POST',
        `${env().api}/objecttypeattribute/1`,
        { name: 'A', kind: 'text', maximumCardinality: 1e21 },
        'body.maximumCardinality',
      ],
      [
        'POST',
        `${env().api}/objecttypeattribute/1`,
        { name: 'A', kind: 'text', minimumCardinality: 1e300 },
        'body.minimumCardinality',
      ],
    ]
    for (const [method, url, body, field] of cases) {
      const res = await env().call(method, url, { body: JSON.stringify(body).replace('1e+21', '1e21') })
      const what = `${method} ${url} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`
      expect(res.status, what).toBe(400)
      expect(
        res.body.error.details.problems.map((p: Json) => p.field),
        what,
      ).toContain(field)
    }
  })

  it('cardinalities and missing-object thresholds of a mapping document answer 400 with their pointer when out of range', async () => {
    await ensureSeedStatuses(env())
    const cases: [(doc: Json) => void, string][] = [
      (d: Json) => (d.schema.objectSchema.objectTypes[0].attributes[1].maximumCardinality = 1e21),
      (d: Json) => (d.schema.objectSchema.objectTypes[0].attributes[1].minimumCardinality = 1e19),
      (d: Json) =>
        (d.mapping.objectTypeMappings[0].missingObjects = {
          policy: 'REMOVE',
          threshold: 1e300,
          thresholdType: 'RUNS',
        }),
    ].map((mutate, i) => [mutate, ['maximumCardinality', 'minimumCardinality', 'threshold'][i]!])
    for (const [mutate, member] of cases) {
      const target = await createSource(env())
      const doc = mappingFixture('seed-put.json')
      doc.schema.objectSchema.name = `Bounds ${member}`
      mutate(doc)
      const res = await env().call('PUT', `${env().api}/importsource/${target.id}/mapping`, { body: doc })
      expect(res.status, `${member}: ${JSON.stringify(res.body)}`).toBe(400)
      const pointers = res.body.error.details.problems.map((p: Json) => p.pointer)
      expect(
        pointers.some((p: string) => p.endsWith(`/${member}`)),
        JSON.stringify(pointers),
      ).toBe(true)
    }
  })
})
