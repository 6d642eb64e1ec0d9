import { randomUUID } from 'node:crypto'
import { beforeAll, expect, it } from 'vitest'
import { MAX_JSON_DEPTH } from '../../src/http/plugins/body-parsers.js'
import { createSource, mappingFixture, submitMapping, type Json } from '../helpers/import-sources.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'

interface Operation {
  method: string
  path: string
  takesJson: boolean
  /** The route takes no body, or one that may be null. */
  bodyOptional: boolean
}

/** Every operation of the app's own OpenAPI document (generated from the registered routes). */
function operations(env: TestEnv): Operation[] {
  const doc = env.app.swagger() as unknown as { paths: Record<string, Record<string, Json>> }
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      takesJson: op.requestBody?.content?.['application/json'] !== undefined,
      bodyOptional:
        op.requestBody === undefined ||
        op.requestBody.content?.['application/json']?.schema?.nullable === true,
    })),
  )
}

/** Nested arrays `depth` levels deep. */
const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth)

describeEachDialect('request bodies: one rule for empty bodies, Fastify’s guarded JSON parser', (env) => {
  let source: Json
  let url: (path: string) => string

  beforeAll(async () => {
    source = await createSource(env())
    // The sweep below deletes its source; it gets one of its own.
    const swept = await createSource(env())
    const params: Record<string, string> = {
      workspaceId: env().workspaceId,
      importSourceId: swept.id,
      executionId: randomUUID(),
      resourceId: randomUUID(),
      id: '1',
    }
    url = (path) =>
      env().baseUrl + path.replace(/\{(\w+)\}/g, (_m, name: string) => params[name] ?? randomUUID())
  })

  it('every POST, PUT, PATCH and DELETE that takes no body accepts an empty one, whatever its content type', async () => {
    const bodyless = operations(env()).filter(
      (op) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(op.method) && op.bodyOptional,
    )
    expect(bodyless.length).toBeGreaterThan(10)
    for (const op of bodyless) {
      for (const contentType of ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) {
        const res = await env().call(op.method, url(op.path), { headers: { 'content-type': contentType } })
        const what = `${op.method} ${op.path} (${contentType}): ${JSON.stringify(res.body)}`
        expect(res.status, what).toBeLessThan(500)
        expect(res.status, what).not.toBe(415)
        expect(res.body?.error?.code, what).not.toBe('MALFORMED_BODY')
        const fields = (res.body?.error?.details?.problems ?? []).map((p: Json) => p.field)
        expect(fields, what).not.toContain('body')
      }
    }
  })

  it('POST importsource/{id}/token with Content-Type: application/json and no body answers a token', async () => {
    const res = await env().call('POST', `${env().api}/importsource/${source.id}/token`, {
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(200)
    expect(res.body.token).toEqual(expect.any(String))
  })

  it('refuses a __proto__ or constructor.prototype key on every route that takes JSON (400 MALFORMED_BODY)', async () => {
    const withJson = operations(env()).filter((op) => op.takesJson)
    expect(withJson.length).toBeGreaterThan(10)
    for (const op of withJson) {
      for (const body of [
        '{"__proto__": {"polluted": true}}',
        '{"constructor": {"prototype": {"polluted": true}}}',
      ]) {
        const res = await env().call(op.method, url(op.path), { body })
        const what = `${op.method} ${op.path} ${body}: ${JSON.stringify(res.body)}`
        expect(res.status, what).toBe(400)
        expect(res.body.error.code, what).toBe('MALFORMED_BODY')
      }
    }
    expect(({} as Json).polluted).toBeUndefined()
  })

  it('a body that is not JSON is still 400 MALFORMED_BODY on the executions routes', async () => {
    const res = await env().call('POST', `${env().api}/importsource/${source.id}/executions`, {
      body: '{"a": ',
    })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('MALFORMED_BODY')
  })

  it('a non-empty body that is not JSON is 415 saying to send JSON', async () => {
    const res = await env().call('POST', `${env().api}/importsource`, {
      body: 'name=x&type=external',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(res.status).toBe(415)
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE')
    expect(res.body.message).toMatch(/application\/json/)
  })

  it('JSON nested 10,000 deep in a chunk’s data or a progress body is 400 naming the limit', async () => {
    await submitMapping(env(), source.id, mappingFixture('legacy-2021.json'))
    const start = await env().call('POST', `${env().api}/importsource/${source.id}/executions`)
    expect(start.status, JSON.stringify(start.body)).toBe(200)
    const ex = `${env().api}/importsource/${source.id}/executions/${start.body.executionId}`
    const chunk = await env().call('POST', `${ex}/data`, { body: `{"data": {"things": ${nested(10_000)}}}` })
    expect(chunk.status).toBe(400)
    expect(chunk.body.error).toMatchObject({ code: 'JSON_TOO_DEEP', details: { limit: MAX_JSON_DEPTH } })
    expect(chunk.body.message).toContain(String(MAX_JSON_DEPTH))
    const progress = await env().call('PUT', `${ex}/progress`, {
      body: `{"steps": {"total": 1}, "x": ${nested(10_000)}}`,
    })
    expect(progress.status).toBe(400)
    expect(progress.body.error.code).toBe('JSON_TOO_DEEP')
    // Brackets inside strings are data, not nesting; a body at the limit is read.
    const inString = await env().call('POST', `${ex}/data`, {
      body: JSON.stringify({ data: { things: [{ name: '['.repeat(10_000) }] } }),
    })
    expect(inString.status, JSON.stringify(inString.body)).toBe(200)
    const atLimit = await env().call('POST', `${ex}/data`, {
      body: `{"data": {"things": [{"name": "x", "deep": ${nested(MAX_JSON_DEPTH - 4)}}]}}`,
    })
    expect(atLimit.status, JSON.stringify(atLimit.body)).toBe(200)
    expect((await env().call('DELETE', ex)).status).toBe(200)
  })
})
