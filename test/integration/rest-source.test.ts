import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { withWorker } from '../helpers/executions.js'
import {
  generateAndPutMapping,
  objectCount,
  progressUrl,
  startImport,
  waitForStatus,
} from '../helpers/file-imports.js'
import type { Json } from '../helpers/import-sources.js'
import { devices, json, type RestServer, startRestServer } from '../helpers/rest-server.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'
import { batchGate } from '../helpers/batch-gate.js'

const ROWS = 23
const PAGE = 10
const BATCH = 5
const USER = 'reader'
const PASSWORD = 'rest-pw-5ecret'

/** The inventory API: GET /api/devices?page=N (pages of 10 under `data`), Basic auth; `inventory` is its data. */
let inventory: Record<string, unknown>[] = devices(ROWS)
const inventoryApi = (port = 0) =>
  startRestServer((req, res, url) => {
    const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`
    if (req.headers.authorization !== expected) return json(res, { message: 'bad credentials' }, 401)
    if (url.pathname !== '/api/devices') return json(res, { message: 'no such endpoint' }, 404)
    const page = Number(url.searchParams.get('page') ?? 1)
    json(res, { data: inventory.slice((page - 1) * PAGE, page * PAGE), page })
  }, port)

const run = async (env: TestEnv, sourceId: string): Promise<Json> =>
  waitForStatus(env, (await startImport(env, sourceId)).resourceId)

const typeResult = async (env: TestEnv, sourceId: string, executionId: string): Promise<Json> => {
  const res = await env.call('GET', `${env.api}/importsource/${sourceId}/executions/${executionId}/status`)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return Object.values(res.body.progressResult.objectTypeResultMap)[0] as Json
}

describeEachDialect(
  'rest sources',
  (env) => {
    const gate = batchGate()
    withWorker(env, { fileImports: { batchSize: BATCH, beforeBatch: (id, i, s) => gate.hook(id, i, s) } })
    beforeEach(() => gate.release())

    let api: RestServer
    beforeAll(async () => (api = await inventoryApi()))
    afterAll(async () => api?.close())
    beforeEach(() => (inventory = devices(ROWS)))

    const config = (extra: Json = {}): Json => ({
      baseUrl: `${api.origin}/api`,
      auth: { type: 'basic', username: USER, password: PASSWORD },
      endpoints: {
        devices: { path: 'devices', records: 'data', pagination: { type: 'page', param: 'page' } },
      },
      retryDelayMs: 10,
      maxAttempts: 2,
      ...extra,
    })
    const create = (cfg: Json) =>
      env().call('POST', `${env().api}/importsource`, {
        body: { name: `rest ${Math.random().toString(36).slice(2, 8)}`, type: 'rest', config: cfg },
      })
    const created = async (cfg: Json): Promise<Json> => {
      const res = await create(cfg)
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      return res.body as Json
    }

    it('validates the config naming the field, never echoing a secret', async () => {
      const noEndpoints = await create({ baseUrl: api.origin, endpoints: {} })
      expect(noEndpoints.status).toBe(400)
      expect(JSON.stringify(noEndpoints.body)).toContain('body.config.endpoints')
      const badAuth = await create(
        config({ auth: { type: 'basic', username: USER, password: PASSWORD, x: 1 } }),
      )
      expect(badAuth.status).toBe(400)
      expect(badAuth.body.error.details.problems).toEqual([
        { field: 'body.config.auth.x', message: 'Unexpected property', value: 1 },
      ])
      expect(JSON.stringify(badAuth.body)).not.toContain(PASSWORD)
      const shortAuth = await create(config({ auth: { type: 'basic', password: PASSWORD } }))
      expect(shortAuth.body.error.details.problems).toContainEqual({
        field: 'body.config.auth.username',
        message: 'Expected required property',
      })
      expect(JSON.stringify(shortAuth.body)).not.toContain(PASSWORD)
      const badPaging = await create(config({ endpoints: { devices: { pagination: { type: 'pages' } } } }))
      expect(badPaging.body.error.details.problems).toEqual([
        {
          field: 'body.config.endpoints.devices.pagination.type',
          message: 'Expected one of "none", "page", "offset", "cursor", "linkHeader", "nextUrl"',
          value: 'pages',
        },
      ])
    })

    it('tests the connection in words a user can act on', async () => {
      const test = async (cfg: Json) => {
        const source = await created(cfg)
        const res = await env().call('POST', `${env().api}/importsource/${source.id}/test`)
        expect(res.status, JSON.stringify(res.body)).toBe(200)
        return res.body as Json
      }
      expect(await test(config())).toEqual({ ok: true })
      const denied = await test(config({ auth: { type: 'basic', username: USER, password: 'wrong-pw' } }))
      expect(denied).toMatchObject({ ok: false, code: 'AUTH_FAILED' })
      expect(denied.message).toMatch(
        /401 Unauthorized: the credentials were refused or are missing; check auth/,
      )
      expect(JSON.stringify(denied)).not.toContain('wrong-pw')
      const missing = await test(config({ endpoints: { devices: { path: 'nope' } } }))
      expect(missing).toMatchObject({ ok: false, code: 'NOT_FOUND' })
      expect(missing.message).toContain(`${api.origin}/api/nope answered 404`)
      const gone = await startRestServer()
      const origin = gone.origin
      await gone.close()
      const unreachable = await test(config({ baseUrl: origin }))
      expect(unreachable).toMatchObject({ ok: false, code: 'HOST_UNREACHABLE' })
      expect(unreachable.message).toMatch(/connection refused \(ECONNREFUSED\)/)
    })

    it('keeps passwords and client secrets write-only: sealed at rest, masked by GET, kept when the mask is sent back', async () => {
      const oauth = await created(
        config({
          auth: {
            type: 'oauth2',
            tokenUrl: `${api.origin}/token`,
            clientId: 'intake',
            clientSecret: 'client-s3cret',
          },
        }),
      )
      expect(oauth.config.auth.clientSecret).toBe('********')
      const source = await created(config())
      const got = await env().call('GET', `${env().api}/importsource/${source.id}`)
      expect(got.body.config.auth).toEqual({ type: 'basic', username: USER, password: '********' })
      expect(JSON.stringify(got.body)).not.toContain(PASSWORD)
      const stored = await env()
        .booted.services.store.db.selectFrom('import_source')
        .select('config')
        .where('id', 'in', [source.id, oauth.id])
        .execute()
      expect(JSON.stringify(stored)).not.toContain(PASSWORD)
      expect(JSON.stringify(stored)).not.toContain('client-s3cret')
      const patched = await env().call('PATCH', `${env().api}/importsource/${source.id}`, {
        body: { config: { ...got.body.config, timeoutMs: 5000 } },
      })
      expect(patched.status, JSON.stringify(patched.body)).toBe(200)
      const test = await env().call('POST', `${env().api}/importsource/${source.id}/test`)
      expect(test.body).toEqual({ ok: true })
    })

    it('discovers, maps, imports every page to COMPLETED, and re-imports the changes', async () => {
      const source = await created(config())
      const found = await env().call('GET', `${env().api}/importsource/${source.id}/discover?sampleSize=15`)
      expect(found.status, JSON.stringify(found.body)).toBe(200)
      const root = found.body.roots[0] as Json
      expect(root).toMatchObject({ name: 'devices', sampledEntries: 15 })
      expect(root.fields.map((f: Json) => [f.name, f.type])).toEqual([
        ['id', 'text'],
        ['name', 'text'],
        ['ip', 'ipaddress'],
        ['ram', 'integer'],
      ])

      await generateAndPutMapping(env(), source.id)
      const first = await run(env(), source.id)
      expect(first.status, JSON.stringify(first)).toBe('COMPLETED')
      const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body.objectSchemaId
      expect(await objectCount(env(), schemaId)).toBe(ROWS)
      expect(await typeResult(env(), source.id, first.resourceId)).toMatchObject({
        entriesInSource: ROWS,
        objectsCreated: ROWS,
      })
      const aql = await env().call('POST', `${env().api}/object/aql`, {
        body: { qlQuery: `objectSchemaId = ${schemaId} AND name = "Device 3"` },
      })
      expect(aql.status, JSON.stringify(aql.body)).toBe(200)
      expect(aql.body.values).toHaveLength(1)
      expect(JSON.stringify(aql.body.values[0])).toContain('10.0.0.3')
      expect(JSON.stringify(aql.body.values[0])).toContain('3072')

      inventory[1] = { ...inventory[1], name: 'Renamed 2' }
      inventory.push(...devices(1, 100))
      const second = await run(env(), source.id)
      expect(second.status).toBe('COMPLETED')
      expect(await typeResult(env(), source.id, second.resourceId)).toMatchObject({
        entriesInSource: ROWS + 1,
        objectsCreated: 1,
        objectsUpdated: 1,
        objectsIdentical: ROWS - 1,
      })
      expect(await objectCount(env(), schemaId)).toBe(ROWS + 1)
    })

    it('pauses mid-read (nothing written), resumes from the first page and completes', async () => {
      const source = await created(config())
      await generateAndPutMapping(env(), source.id)
      const held = gate.holdAt(2) // page 2 fetched, its first batch waiting
      const started = await startImport(env(), source.id)
      await held
      const paused = await env().call('POST', `${progressUrl(env(), started.resourceId)}/pause`)
      expect(paused.body.status).toBe('PAUSED')
      const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body.objectSchemaId
      expect(await objectCount(env(), schemaId)).toBe(0)
      gate.release()
      const resumed = await env().call('POST', `${progressUrl(env(), started.resourceId)}/resume`)
      expect(resumed.status, JSON.stringify(resumed.body)).toBe(200)
      expect((await waitForStatus(env(), started.resourceId)).status).toBe('COMPLETED')
      expect(await objectCount(env(), schemaId)).toBe(ROWS)
    })

    it('fails the execution cleanly with the reason when the REST server stops mid-read (nothing written)', async () => {
      const source = await created(config())
      await generateAndPutMapping(env(), source.id)
      const held = gate.holdAt(1) // the second batch of page 1: page 2 is not fetched yet
      const started = await startImport(env(), source.id)
      await held
      const port = Number(new URL(api.origin).port)
      await api.close()
      gate.release()
      const done = await waitForStatus(env(), started.resourceId)
      expect(done.status).toBe('FAILED')
      expect(done.currentWorkDescription).toContain(`Cannot reach ${api.origin}: connection refused`)
      const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body.objectSchemaId
      expect(await objectCount(env(), schemaId)).toBe(0)
      // The server is back: the next run completes.
      api = await inventoryApi(port)
      expect((await run(env(), source.id)).status).toBe('COMPLETED')
      expect(await objectCount(env(), schemaId)).toBe(ROWS)
    })
  },
  { INTAKE_SECRET_KEY: randomBytes(32).toString('base64') },
)
