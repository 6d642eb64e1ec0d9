import { Value } from '@sinclair/typebox/value'
import { afterEach, describe, expect, it } from 'vitest'
import type { RecordBatch } from '../../../src/connectors/connector.js'
import { type RestConfig, RestConfigSchema } from '../../../src/connectors/rest/rest.config.js'
import { restConnector } from '../../../src/connectors/rest/rest.connector.js'
import { RestSourceError } from '../../../src/connectors/rest/rest-errors.js'
import { devices, json, restConfig, type RestServer, startRestServer } from '../../helpers/rest-server.js'
import { signal } from './helpers.js'

let server: RestServer
afterEach(async () => server?.close())

async function readAll(config: RestConfig, batchSize = 100, cursor?: string) {
  const batches: RecordBatch[] = []
  for await (const batch of restConnector.read(config, {
    batchSize,
    signal: signal(),
    ...(cursor === undefined ? {} : { cursor }),
  }))
    batches.push(batch)
  const entries = batches.flatMap((b) => Object.values(b.data).flat() as Record<string, unknown>[])
  return { batches, entries, ids: entries.map((e) => e.id) }
}

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => `d${from + k}`)
const ALL = devices(23)

describe('REST connector: pagination', () => {
  it('page numbers: reads page after page until an empty page, sending the page size', async () => {
    server = await startRestServer((_req, res, url) => {
      const page = Number(url.searchParams.get('page'))
      const size = Number(url.searchParams.get('per_page'))
      json(res, { items: ALL.slice((page - 1) * size, page * size) })
    })
    const config = restConfig({
      baseUrl: `${server.origin}/api/v1/`,
      endpoints: {
        devices: {
          path: '/devices',
          records: 'items',
          pagination: { type: 'page', param: 'page', sizeParam: 'per_page', size: 10 },
        },
      },
    })
    const { ids: read, batches } = await readAll(config, 7)
    expect(read).toEqual(ids(1, 23))
    expect(batches.every((b) => (b.data.devices as unknown[]).length <= 7)).toBe(true)
    expect(server.requests.map((r) => r.url)).toEqual([
      '/api/v1/devices?page=1&per_page=10',
      '/api/v1/devices?page=2&per_page=10',
      '/api/v1/devices?page=3&per_page=10',
      '/api/v1/devices?page=4&per_page=10',
    ])
  })

  it('offset/limit: advances by the records received, so a server capping the limit loses nothing', async () => {
    server = await startRestServer((_req, res, url) => {
      const offset = Number(url.searchParams.get('offset'))
      const limit = Math.min(5, Number(url.searchParams.get('limit'))) // the server caps at 5
      json(res, ALL.slice(offset, offset + limit))
    })
    const config = restConfig({
      baseUrl: server.origin,
      query: { active: 'true' },
      endpoints: {
        devices: {
          path: 'devices',
          pagination: { type: 'offset', offsetParam: 'offset', limitParam: 'limit', limit: 10 },
        },
      },
    })
    const { ids: read } = await readAll(config)
    expect(read).toEqual(ids(1, 23))
    expect(server.requests[1]!.url).toBe('/devices?active=true&offset=5&limit=10')
    expect(server.requests).toHaveLength(6)
  })

  it('cursor in the body: sends it back until the body has none', async () => {
    server = await startRestServer((_req, res, url) => {
      const after = Number(url.searchParams.get('after') ?? 0)
      const items = ALL.slice(after, after + 10)
      const next = after + 10 < ALL.length ? String(after + 10) : null
      json(res, { data: { items }, meta: { next_cursor: next } })
    })
    const config = restConfig({
      baseUrl: server.origin,
      endpoints: {
        devices: {
          records: 'data.items',
          pagination: { type: 'cursor', cursorPath: 'meta.next_cursor', param: 'after' },
        },
      },
    })
    expect((await readAll(config)).ids).toEqual(ids(1, 23))
    expect(server.requests.map((r) => r.url)).toEqual(['/', '/?after=10', '/?after=20'])
  })

  it('Link header (RFC 8288): follows rel="next", relative or absolute, among other links', async () => {
    server = await startRestServer((_req, res, url) => {
      const page = Number(url.searchParams.get('p') ?? 1)
      const links = [`</devices?p=1>; rel="first"`]
      if (page === 1) links.push(`<${server.origin}/devices?p=2>; rel="next"`)
      if (page === 2) links.push(`</devices?p=3>; rel="prev next"`)
      json(res, ALL.slice((page - 1) * 10, page * 10), 200, { link: links.join(', ') })
    })
    const config = restConfig({
      baseUrl: server.origin,
      endpoints: { devices: { path: 'devices', pagination: { type: 'linkHeader' } } },
    })
    expect((await readAll(config)).ids).toEqual(ids(1, 23))
    expect(server.requests.map((r) => r.url)).toEqual(['/devices', '/devices?p=2', '/devices?p=3'])
  })

  it('next URL in the body: follows it until it is null', async () => {
    server = await startRestServer((_req, res, url) => {
      const page = Number(url.searchParams.get('page') ?? 1)
      json(res, {
        results: ALL.slice((page - 1) * 10, page * 10),
        links: { next: page < 3 ? `devices?page=${page + 1}` : null },
      })
    })
    const config = restConfig({
      baseUrl: `${server.origin}/v2`,
      endpoints: {
        devices: {
          path: 'devices',
          records: 'results',
          pagination: { type: 'nextUrl', nextUrlPath: 'links.next' },
        },
      },
    })
    expect((await readAll(config)).ids).toEqual(ids(1, 23))
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v2/devices',
      '/v2/devices?page=2',
      '/v2/devices?page=3',
    ])
  })

  it('resumes from any batch cursor with exactly the entries after it, fetching only the pages it needs', async () => {
    server = await startRestServer((_req, res, url) => {
      const page = Number(url.searchParams.get('page'))
      json(res, ALL.slice((page - 1) * 10, page * 10))
    })
    const config = restConfig({
      baseUrl: server.origin,
      endpoints: {
        devices: { pagination: { type: 'page', param: 'page' } },
        more: { path: 'more', pagination: { type: 'page', param: 'page' } },
      },
    })
    const full = await readAll(config, 4)
    expect(full.ids).toEqual([...ids(1, 23), ...ids(1, 23)])
    for (let k = 0; k < full.batches.length; k++) {
      const done = full.batches
        .slice(0, k + 1)
        .reduce((n, b) => n + (Object.values(b.data)[0] as []).length, 0)
      const resumed = await readAll(config, 4, full.batches[k]!.cursor)
      expect(resumed.ids, `after batch ${k}`).toEqual(full.ids.slice(done))
    }
    server.requests.length = 0
    // Batch 3 ends inside page 2 (entries 13..16): the resumed read starts at page 2, not page 1.
    await readAll(config, 100, full.batches[3]!.cursor)
    expect(server.requests[0]!.url).toBe('/?page=2')
  })

  it('refuses a cursor it did not write, or one pointing to another host', async () => {
    server = await startRestServer()
    const config = restConfig({ baseUrl: server.origin, endpoints: { devices: {} } })
    for (const cursor of [
      '12',
      '{"root":"nope","url":null,"skip":0}',
      `{"root":"devices","url":"http://evil.example/","skip":0}`,
    ])
      await expect(readAll(config, 10, cursor)).rejects.toMatchObject({ code: 'SOURCE_CURSOR_INVALID' })
  })

  it('refuses a next page on another host (the credentials would go there) and a page naming itself', async () => {
    server = await startRestServer((_req, res, url) =>
      json(res, {
        items: [{ id: 1 }],
        next: url.searchParams.has('self') ? '/?self=1' : 'http://other.example/x',
      }),
    )
    const config = (path: string) =>
      restConfig({
        baseUrl: server.origin,
        endpoints: {
          devices: { path, records: 'items', pagination: { type: 'nextUrl', nextUrlPath: 'next' } },
        },
      })
    await expect(readAll(config(''))).rejects.toThrow(/another host \(http:\/\/other\.example\/x\)/)
    await expect(readAll(config('?self=1'))).rejects.toThrow(/names itself as the next page/)
  })
})

describe('REST connector: malformed pages', () => {
  it('a page that is not JSON mid-stream fails the read naming that page, after the pages before it', async () => {
    server = await startRestServer((_req, res, url) => {
      const page = Number(url.searchParams.get('page'))
      if (page === 3) {
        res.writeHead(200, { 'content-type': 'text/html' })
        res.end('<html>maintenance</html>')
        return
      }
      json(res, ALL.slice((page - 1) * 10, page * 10))
    })
    const config = restConfig({
      baseUrl: server.origin,
      endpoints: { devices: { pagination: { type: 'page', param: 'page' } } },
    })
    const seen: unknown[] = []
    const error = await (async () => {
      for await (const batch of restConnector.read(config, { batchSize: 10, signal: signal() }))
        seen.push(...(batch.data.devices as unknown[]))
    })().catch((e: unknown) => e)
    expect(seen).toHaveLength(20)
    expect(RestSourceError.is(error)).toBe(true)
    expect(error).toMatchObject({ details: { code: 'NOT_JSON', url: `${server.origin}/?page=3` } })
    expect((error as Error).message).toContain(
      `${server.origin}/?page=3 is not JSON (text/html, begins "<html>`,
    )
  })

  it('a page whose records path holds no array fails the read naming the page and what it found', async () => {
    server = await startRestServer((_req, res, url) => {
      const page = Number(url.searchParams.get('page'))
      json(res, page === 2 ? { error: 'busy', items: null } : { items: ALL.slice(0, 10) })
    })
    const config = restConfig({
      baseUrl: server.origin,
      endpoints: { devices: { records: 'items', pagination: { type: 'page', param: 'page' } } },
    })
    await expect(readAll(config)).rejects.toThrow(
      `The response of ${server.origin}/?page=2 has no array of records at "items" (found null)`,
    )
  })
})

describe('REST connector: discovery and connection checks', () => {
  it('discovers fields with inferred types and samples from the first pages', async () => {
    server = await startRestServer((_req, res, url) => {
      const page = Number(url.searchParams.get('page'))
      json(res, ALL.slice((page - 1) * 3, page * 3))
    })
    const config = restConfig({
      baseUrl: server.origin,
      endpoints: { devices: { pagination: { type: 'page', param: 'page' } } },
    })
    const schema = await restConnector.discoverSchema(config, { sampleSize: 7, signal: signal() })
    expect(schema.roots).toHaveLength(1)
    const root = schema.roots[0]!
    expect(root).toMatchObject({ name: 'devices', sampledEntries: 7 })
    expect(root.fields.map((f) => [f.name, f.type])).toEqual([
      ['id', 'text'],
      ['name', 'text'],
      ['ip', 'ipaddress'],
      ['ram', 'integer'],
    ])
    expect(root.fields[0]!.samples).toEqual(['d1', 'd2', 'd3', 'd4', 'd5'])
    expect(server.requests).toHaveLength(3) // 7 entries from pages of 3
  })

  it('answers an unreachable host, 401, 403, 404 and a body that is not JSON in words a user can act on', async () => {
    server = await startRestServer((_req, res, url) => {
      const status = Number(url.pathname.slice(1))
      if (status === 200) {
        res.writeHead(200, { 'content-type': 'text/plain' })
        res.end('hello')
      } else json(res, { message: 'no' }, status)
    })
    const check = (path: string, baseUrl = server.origin) =>
      restConnector.testConnection(restConfig({ baseUrl, endpoints: { devices: { path } } }), signal())
    expect(await check('401')).toMatchObject({
      ok: false,
      code: 'AUTH_FAILED',
      message: expect.stringMatching(/401 Unauthorized: the credentials were refused/),
    })
    expect(await check('403')).toMatchObject({
      ok: false,
      code: 'AUTH_FAILED',
      message: expect.stringMatching(/403 Forbidden/),
    })
    expect(await check('404')).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
      message: expect.stringMatching(/check baseUrl and the endpoint's path/),
    })
    expect(await check('200')).toMatchObject({ ok: false, code: 'NOT_JSON' })
    expect(await check('422')).toMatchObject({
      ok: false,
      code: 'HTTP_ERROR',
      message: expect.stringMatching(/answered 422: \{"message":"no"\}/),
    })
    const closed = await startRestServer()
    const origin = closed.origin
    await closed.close()
    const unreachable = await restConnector.testConnection(
      restConfig({ baseUrl: origin, maxAttempts: 2, retryDelayMs: 5, endpoints: { d: {} } }),
      signal(),
    )
    expect(unreachable).toMatchObject({
      ok: false,
      code: 'HOST_UNREACHABLE',
      message: expect.stringContaining(
        `Cannot reach ${origin}: connection refused (ECONNREFUSED) (2 attempt(s))`,
      ),
    })
  })
})

describe('REST connector: redirects and config checks', () => {
  it('follows a redirect on the same origin, and refuses one to another host without sending it the key', async () => {
    const elsewhere = await startRestServer((_req, res) => json(res, [{ id: 'stolen' }]))
    try {
      server = await startRestServer((req, res, url) => {
        if (req.headers['x-api-key'] !== 'k-1') return json(res, {}, 401)
        if (url.pathname === '/old') {
          res.writeHead(301, { location: '/new' }).end()
          return
        }
        if (url.pathname === '/away') {
          res.writeHead(302, { location: `${elsewhere.origin}/steal` }).end()
          return
        }
        json(res, [{ id: 'd1' }])
      })
      const config = (path: string) =>
        restConfig({
          baseUrl: server.origin,
          auth: { type: 'apiKey', header: 'X-API-Key', value: 'k-1' },
          endpoints: { devices: { path } },
        })
      expect((await readAll(config('old'))).ids).toEqual(['d1'])
      expect(server.requests.map((r) => r.url)).toEqual(['/old', '/new'])
      await expect(readAll(config('away'))).rejects.toMatchObject({
        details: { code: 'REDIRECT_REFUSED', status: 302 },
        message: expect.stringContaining(
          `redirects to ${elsewhere.origin}/steal; Intake follows redirects on`,
        ),
      })
      expect(elsewhere.requests).toHaveLength(0)
    } finally {
      await elsewhere.close()
    }
  })

  it('refuses headers fetch cannot send (line breaks, bad names) in the config, naming them', () => {
    const errors = (extra: Record<string, unknown>) =>
      [
        ...Value.Errors(
          RestConfigSchema,
          Value.Default(RestConfigSchema, { baseUrl: 'http://x', endpoints: { d: {} }, ...extra }),
        ),
      ].map((e) => e.path)
    expect(errors({ headers: { 'x-ok': 'a\r\nInjected: 1' } })).toContain('/headers/x-ok')
    expect(errors({ headers: { 'bad name': 'x' } })).toContain('/headers/bad name')
    expect(errors({ headers: { 'x-ok': 'Latin-1 é is fine' } })).toEqual([])
    expect(errors({ auth: { type: 'bearer', token: 'a\nb' } })).toContain('/auth')
    expect(errors({ endpoints: { 'not a root': {} } })).toContain('/endpoints/not a root')
  })
})
