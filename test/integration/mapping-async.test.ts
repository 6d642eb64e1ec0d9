import { randomUUID } from 'node:crypto'
import { beforeAll, expect, it } from 'vitest'
import { describeEachDialect } from '../helpers/test-env.js'
import {
  callManual,
  createSource,
  mappingFixture,
  readSchema,
  waitForProgress,
  type Json,
} from '../helpers/import-sources.js'

const PROGRESS =
  /\/jsm\/assets\/workspace\/[^/]+\/v1\/importsource\/([0-9a-f-]{36})\/mapping\/progress\/([0-9a-f-]{36})$/

describeEachDialect('asynchronous schema + mapping', (env) => {
  let source: Json
  const url = () => `${env().api}/importsource/${source.id}`
  beforeAll(async () => {
    for (const name of ['Schema Scope Status', 'Global Scope Status']) {
      await env().call('POST', `${env().api}/status/create`, { body: { name, category: 'active' } })
    }
    source = await createSource(env())
  })

  it('PUT ?async=true answers 303 to a progress resource that finishes OK', async () => {
    const res = await callManual('PUT', `${url()}/mapping?async=true`, mappingFixture('seed-put.json'))
    expect(res.status).toBe(303)
    expect(res.location).toMatch(PROGRESS)
    expect(res.location!.startsWith(env().baseUrl)).toBe(true)
    expect(PROGRESS.exec(res.location!)?.[1]).toBe(source.id)
    const progress = await waitForProgress(env(), res.location!)
    expect(progress).toEqual({
      progressStatus: 'FINISHED',
      result: 'OK',
      resultMessage: 'Schema and mapping successfully created',
      resourceId: PROGRESS.exec(res.location!)?.[2],
      dataValidationErrors: [],
    })
    expect((await env().call('GET', `${url()}/configstatus`)).body.status).toBe('IDLE')
    const schemaId = (await env().call('GET', url())).body.objectSchemaId
    expect((await readSchema(env(), schemaId)).types.map((t) => t.name)).toEqual(['Hard Drive', 'File'])
  })

  it('a second async PUT is refused at once with 409', async () => {
    const res = await callManual('PUT', `${url()}/mapping?async=true`, mappingFixture('seed-put.json'))
    expect(res.status).toBe(409)
    expect(res.body.message).toMatch(/^A mapping already exists for this import/)
  })

  it('an invalid async PATCH finishes FAILED with its problems, and applies nothing', async () => {
    const before = await env().call('GET', `${url()}/schema-and-mapping`)
    const patch = mappingFixture('seed-patch.json')
    patch.schema.objectSchema.objectTypes[0].attributes[0].type = 'colour'
    patch.mapping.objectTypeMappings[1].selector = 'hardDrives..folders'
    const res = await callManual('PATCH', `${url()}/mapping?async=true`, patch)
    expect(res.status).toBe(303)
    const progress = await waitForProgress(env(), res.location!)
    expect(progress.progressStatus).toBe('FINISHED')
    expect(progress.result).toBe('FAILED')
    expect(progress.resultMessage).toContain('2 problems')
    expect(progress.dataValidationErrors.map((p: Json) => [p.code, p.pointer])).toEqual([
      ['INVALID_ATTRIBUTE_TYPE', '/schema/objectSchema/objectTypes/0/attributes/0/type'],
      ['INVALID_SELECTOR', '/mapping/objectTypeMappings/1/selector'],
    ])
    expect((await env().call('GET', `${url()}/schema-and-mapping`)).body).toEqual(before.body)
  })

  it('a valid async PATCH finishes OK and is applied', async () => {
    const res = await callManual('PATCH', `${url()}/mapping?async=true`, mappingFixture('seed-patch.json'))
    expect(res.status).toBe(303)
    const progress = await waitForProgress(env(), res.location!)
    expect(progress).toMatchObject({ result: 'OK', resultMessage: 'Schema and mapping successfully updated' })
    const schemaId = (await env().call('GET', url())).body.objectSchemaId
    expect((await readSchema(env(), schemaId)).types.map((t) => t.name)).toEqual([
      'Hard Drive',
      'File',
      'Folder',
    ])
  })

  it('answers an operation interrupted by a stop as FAILED once it is stale', async () => {
    const id = randomUUID()
    const long = '2020-01-01T00:00:00.000Z'
    await env()
      .booted.services.store.db.insertInto('mapping_progress')
      .values({
        id,
        workspace_id: env().workspaceId,
        import_source_id: source.id,
        operation: 'PATCH',
        status: 'IN_PROGRESS',
        result: null,
        message: null,
        problems: null,
        request: '{}',
        created_at: long,
        updated_at: long,
        finished_at: null,
      })
      .execute()
    const res = await env().call('GET', `${url()}/mapping/progress/${id}`)
    expect(res.body).toMatchObject({ progressStatus: 'FINISHED', result: 'FAILED' })
    expect(res.body.resultMessage).toContain('interrupted')
  })

  it('answers 404 for an unknown progress resource or one of another source, 400 for a bad id or flag', async () => {
    const missing = await env().call('GET', `${url()}/mapping/progress/${randomUUID()}`)
    expect(missing.status).toBe(404)
    const done = await callManual('PATCH', `${url()}/mapping?async=true`, {})
    await waitForProgress(env(), done.location!)
    const other = await createSource(env())
    const resourceId = PROGRESS.exec(done.location!)![2]
    const foreign = await env().call(
      'GET',
      `${env().api}/importsource/${other.id}/mapping/progress/${resourceId}`,
    )
    expect(foreign.status).toBe(404)
    expect((await env().call('GET', `${url()}/mapping/progress/not-a-uuid`)).status).toBe(400)
    const flag = await env().call('PATCH', `${url()}/mapping?async=perhaps`, { body: {} })
    expect(flag.status).toBe(400)
    expect(flag.body.error.code).toBe('VALIDATION_FAILED')
  })
})
