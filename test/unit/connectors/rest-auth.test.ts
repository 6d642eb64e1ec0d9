import { afterEach, describe, expect, it } from 'vitest'
import { restConnector } from '../../../src/connectors/rest/rest.connector.js'
import { devices, json, restConfig, type RestServer, startRestServer } from '../../helpers/rest-server.js'
import { signal } from './helpers.js'

let server: RestServer
afterEach(async () => server?.close())

const ALL = devices(12)

/** Pages of 5 devices, when `authorized(authorization header, request)` says so; else 401. */
function pagedApi(authorized: (headers: Record<string, string | string[] | undefined>) => boolean) {
  return startRestServer((req, res, url) => {
    if (url.pathname === '/token') return
    if (!authorized(req.headers)) return json(res, { error: 'unauthorized' }, 401)
    const page = Number(url.searchParams.get('page'))
    json(res, ALL.slice((page - 1) * 5, page * 5))
  })
}

async function readIds(config: ReturnType<typeof restConfig>): Promise<unknown[]> {
  const out: unknown[] = []
  for await (const batch of restConnector.read(config, { batchSize: 100, signal: signal() }))
    out.push(...(batch.data.devices as { id: string }[]).map((d) => d.id))
  return out
}

const config = (auth: Record<string, unknown>) =>
  restConfig({
    baseUrl: server.origin,
    auth,
    endpoints: { devices: { pagination: { type: 'page', param: 'page' } } },
  })

describe('REST connector: authentication', () => {
  it('basic: sends the user and password on every page; a wrong password is AUTH_FAILED without the password', async () => {
    const expected = `Basic ${Buffer.from('reader:s3cret:x').toString('base64')}`
    server = await pagedApi((h) => h.authorization === expected)
    expect(await readIds(config({ type: 'basic', username: 'reader', password: 's3cret:x' }))).toHaveLength(
      12,
    )
    const check = await restConnector.testConnection(
      config({ type: 'basic', username: 'reader', password: 'wrong-pw' }),
      signal(),
    )
    expect(check).toMatchObject({ ok: false, code: 'AUTH_FAILED' })
    expect(JSON.stringify(check)).not.toContain('wrong-pw')
  })

  it('bearer token and API key header', async () => {
    server = await pagedApi((h) => h.authorization === 'Bearer tok-1' || h['x-api-key'] === 'key-9')
    expect(await readIds(config({ type: 'bearer', token: 'tok-1' }))).toHaveLength(12)
    expect(await readIds(config({ type: 'apiKey', header: 'X-API-Key', value: 'key-9' }))).toHaveLength(12)
    expect(
      await restConnector.testConnection(config({ type: 'bearer', token: 'tok-2' }), signal()),
    ).toMatchObject({
      ok: false,
      code: 'AUTH_FAILED',
    })
  })

  it('OAuth2 client credentials: one token for all pages, cached until it expires, renewed after a 401', async () => {
    let issued = 0
    const valid = new Set<string>()
    server = await pagedApi((h) => valid.has(String(h.authorization)))
    server.handle((req, res, url) => {
      if (url.pathname === '/token') {
        const form = new URLSearchParams(req.body)
        const basic = String(req.headers.authorization ?? '').replace(/=+$/, '')
        const byBody = form.get('client_id') === 'intake' && form.get('client_secret') === 'client secret'
        // RFC 6749 §2.3.1: the Basic credentials are form-encoded first (a space becomes +).
        const byBasic =
          basic === `Basic ${Buffer.from('intake:client+secret').toString('base64').replace(/=+$/, '')}`
        if (form.get('grant_type') !== 'client_credentials' || !(byBody || byBasic))
          return json(res, { error: 'invalid_client', error_description: 'unknown client' }, 401)
        const token = `at-${++issued}`
        valid.add(`Bearer ${token}`)
        return json(res, {
          access_token: token,
          token_type: 'Bearer',
          expires_in: Number(url.searchParams.get('ttl') ?? 3600),
        })
      }
      if (!valid.has(String(req.headers.authorization))) return json(res, { error: 'unauthorized' }, 401)
      const page = Number(url.searchParams.get('page'))
      json(res, ALL.slice((page - 1) * 5, page * 5))
    })
    const oauth = (extra: Record<string, unknown> = {}) =>
      config({
        type: 'oauth2',
        tokenUrl: `${server.origin}/token`,
        clientId: 'intake',
        clientSecret: 'client secret',
        ...extra,
      })

    expect(await readIds(oauth())).toHaveLength(12)
    expect(await readIds(oauth())).toHaveLength(12)
    expect(issued).toBe(1) // 8 pages, 2 reads, one token
    expect(server.requests.filter((r) => r.url === '/token')).toHaveLength(1)

    // The API revokes the token: the next request answers 401, Intake fetches a new token once and goes on.
    valid.clear()
    expect(await readIds(oauth())).toHaveLength(12)
    expect(issued).toBe(2)

    // Client credentials in the body; a token living 1 s is fetched again once it expires.
    const short = oauth({ clientAuthentication: 'body', tokenUrl: `${server.origin}/token?ttl=1` })
    expect(await readIds(short)).toHaveLength(12)
    expect(issued).toBe(3)
    await new Promise((r) => setTimeout(r, 1000))
    expect(await readIds(short)).toHaveLength(12)
    expect(issued).toBe(4)

    const refused = await restConnector.testConnection(oauth({ clientSecret: 'wrong secret' }), signal())
    expect(refused).toEqual({
      ok: false,
      code: 'AUTH_FAILED',
      message: `The OAuth2 token endpoint ${server.origin}/token refused the client credentials (401 invalid_client: unknown client): check clientId, clientSecret and scope`,
    })
  })
})
