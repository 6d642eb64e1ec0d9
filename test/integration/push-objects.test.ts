import { expect, it } from 'vitest'
import { FAST, sourceUrl, startExecution, waitForEnd, withWorker } from '../helpers/executions.js'
import { createSource, submitMapping, type Json } from '../helpers/import-sources.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'

const text = (externalId: string, name: string, extra: Json = {}) => ({
  externalId,
  name,
  description: '',
  type: 'text',
  minimumCardinality: 0,
  maximumCardinality: 1,
  unique: false,
  ...extra,
})

/** Assets (identity `id`, label `name`, a nested locator, a multi-value) and their Parts under a nested selector. */
function assetsDocument(tag: string): Json {
  const x = (id: string) => `${tag}/${id}`
  return {
    schema: {
      objectSchema: {
        name: `Assets ${tag}`,
        description: '',
        objectTypes: [
          {
            externalId: x('asset'),
            name: 'Asset',
            description: '',
            attributes: [
              text(x('asset/id'), 'Asset Id'),
              text(x('asset/name'), 'Name', { label: true }),
              text(x('asset/owner'), 'Owner'),
              text(x('asset/tags'), 'Tags', { maximumCardinality: -1 }),
            ],
            children: [
              {
                externalId: x('part'),
                name: 'Part',
                description: '',
                attributes: [text(x('part/serial'), 'Serial', { label: true })],
              },
            ],
          },
        ],
      },
    },
    mapping: {
      objectTypeMappings: [
        {
          objectTypeExternalId: x('asset'),
          objectTypeName: 'Asset',
          selector: 'assets',
          description: '',
          attributesMapping: [
            {
              attributeExternalId: x('asset/id'),
              attributeName: 'Asset Id',
              attributeLocators: ['id'],
              externalIdPart: true,
            },
            { attributeExternalId: x('asset/name'), attributeName: 'Name', attributeLocators: ['name'] },
            {
              attributeExternalId: x('asset/owner'),
              attributeName: 'Owner',
              attributeLocators: ['owner.name'],
            },
            { attributeExternalId: x('asset/tags'), attributeName: 'Tags', attributeLocators: ['tags'] },
          ],
        },
        {
          objectTypeExternalId: x('part'),
          objectTypeName: 'Part',
          selector: 'assets.parts',
          description: '',
          attributesMapping: [
            {
              attributeExternalId: x('part/serial'),
              attributeName: 'Serial',
              attributeLocators: ['serial'],
              externalIdPart: true,
            },
          ],
        },
      ],
    },
  }
}

interface Fixture {
  sourceId: string
  tag: string
  schemaId: number
  typeIds: Map<string, number>
}

async function assetsSource(env: TestEnv): Promise<Fixture> {
  const source = await createSource(env)
  const tag = Math.random().toString(36).slice(2, 8)
  await submitMapping(env, source.id, assetsDocument(tag))
  const view = await env.call('GET', sourceUrl(env, source.id))
  const schemaId = Number(view.body.objectSchemaId)
  const types = await env.booted.services.store.db
    .selectFrom('object_type')
    .select(['id', 'external_id'])
    .where('object_schema_id', '=', schemaId)
    .execute()
  return {
    sourceId: source.id,
    tag,
    schemaId,
    typeIds: new Map(types.map((t) => [t.external_id!, Number(t.id)])),
  }
}

/** Each object of the schema: identity, label and values by attribute externalId. */
async function objects(env: TestEnv, schemaId: number): Promise<Json[]> {
  const db = env.booted.services.store.db
  const attrs = await db.selectFrom('attribute').select(['id', 'external_id']).execute()
  const names = new Map(attrs.map((a) => [String(a.id), a.external_id]))
  const rows = await db
    .selectFrom('object')
    .select(['identity', 'label', 'attribute_values'])
    .where('object_schema_id', '=', schemaId)
    .orderBy('id')
    .execute()
  return rows.map((r) => ({
    identity: r.identity,
    label: r.label,
    values: Object.fromEntries(
      Object.entries(JSON.parse(r.attribute_values) as Record<string, unknown>).map(([id, v]) => [
        names.get(id),
        v,
      ]),
    ),
  }))
}

describeEachDialect('the scheduled push format (seed 002) on executions/{id}/data', (env) => {
  withWorker(env, FAST)
  const data = (f: Fixture, id: string) => `${sourceUrl(env(), f.sourceId)}/executions/${id}/data`
  const run = async (f: Fixture, chunks: Json[]): Promise<Json> => {
    const started = await startExecution(env(), f.sourceId, { scheduled: true })
    for (const chunk of chunks) {
      const res = await env().call('POST', data(f, started.executionId), { body: chunk })
      expect(res.status, JSON.stringify(res.body)).toBe(200)
    }
    const done = await env().call(
      'POST',
      `${sourceUrl(env(), f.sourceId)}/executions/${started.executionId}/history/completed`,
    )
    expect(done.status).toBeLessThan(300)
    return waitForEnd(env(), started.links.getExecutionStatus as string)
  }

  it('imports the seed’s objects chunk through the mapping: identity, label, nested locator, multi-values', async () => {
    const f = await assetsSource(env())
    const status = await run(f, [
      {
        objectTypeId: f.typeIds.get(`${f.tag}/asset`),
        objects: [
          {
            externalId: 'asset-1',
            label: 'Asset Name',
            attributes: { [`${f.tag}/asset/owner`]: ['Ann'], Tags: ['blue', 'green'] },
          },
        ],
      },
    ])
    expect(status.status).toBe('DONE')
    const result = status.progressResult.objectTypeResultMap as Record<string, Json>
    expect(result[String(f.typeIds.get(`${f.tag}/asset`))]).toMatchObject({
      objectsCreated: 1,
      entriesInSource: 1,
    })
    // The Part mapping's nested selector sees no entry: the objects belong to Asset alone.
    expect(result[String(f.typeIds.get(`${f.tag}/part`))]).toMatchObject({
      entriesInSource: 0,
      emptyExternalIdEntries: 0,
    })
    const [asset] = await objects(env(), f.schemaId)
    expect(asset).toMatchObject({ identity: 'asset-1', label: 'Asset Name' })
    expect(asset!.values[`${f.tag}/asset/owner`]).toEqual(['Ann'])
    expect(asset!.values[`${f.tag}/asset/tags`]).toEqual(['blue', 'green'])
  })

  it('mixes both formats in one execution: one set of entries, duplicates counted once, first wins', async () => {
    const f = await assetsSource(env())
    const status = await run(f, [
      { data: { assets: [{ id: 'a-2', name: 'Two', parts: [{ serial: 'p-1' }] }] } },
      {
        objectTypeId: `${f.tag}/asset`,
        objects: [
          { externalId: 'a-3', label: 'Three' },
          { externalId: 'a-2', label: 'Two again' },
        ],
      },
      { objectTypeId: `${f.tag}/part`, objects: [{ externalId: 'p-2', label: 'p-2' }] },
    ])
    expect(status.status).toBe('DONE')
    const result = status.progressResult.objectTypeResultMap as Record<string, Json>
    expect(result[String(f.typeIds.get(`${f.tag}/asset`))]).toMatchObject({
      entriesInSource: 3,
      objectsCreated: 2,
      duplicateEnries: 1,
    })
    expect(result[String(f.typeIds.get(`${f.tag}/part`))]).toMatchObject({
      entriesInSource: 2,
      objectsCreated: 2,
    })
    const all = await objects(env(), f.schemaId)
    expect(all.map((o) => o.label).sort()).toEqual(['Three', 'Two', 'p-1', 'p-2'])
  })

  it('refuses what the mapping cannot apply, naming each field, and stores nothing', async () => {
    const f = await assetsSource(env())
    const started = await startExecution(env(), f.sourceId, { scheduled: true })
    const asset = f.typeIds.get(`${f.tag}/asset`)
    const cases: [Json, string, string][] = [
      [
        { objectTypeId: asset, objects: [{ externalId: 'x', attributes: { colour: ['red'] } }] },
        'body.objects[0].attributes.colour',
        'VALIDATION_FAILED',
      ],
      [
        { objectTypeId: 'no-such-type', objects: [{ externalId: 'x' }] },
        'body.objectTypeId',
        'VALIDATION_FAILED',
      ],
      [{ objectTypeId: 999999, objects: [{ externalId: 'x' }] }, 'body.objectTypeId', 'VALIDATION_FAILED'],
      [
        { objectTypeId: asset, objects: [{ externalId: 'x', attributes: { 'Asset Id': ['y'] } }] },
        'body.objects[0].externalId',
        'VALIDATION_FAILED',
      ],
      [
        { objectTypeId: asset, objects: [{ externalId: 'x', attributes: { Owner: [{ deep: 1 }] } }] },
        'body.objects[0].attributes.Owner',
        'VALIDATION_FAILED',
      ],
      [{ objectTypeId: asset, objects: [{ externalId: 'x', colour: 'red' }] }, 'colour', 'VALIDATION_FAILED'],
      [{ objectTypeId: asset, objects: [{ label: 'no id' }] }, 'externalId', 'VALIDATION_FAILED'],
      [{ objects: [{ externalId: 'x' }] }, 'body.objectTypeId', 'VALIDATION_FAILED'],
      [{ objectTypeId: asset, objects: [], data: { assets: [] } }, 'body.data', 'VALIDATION_FAILED'],
      [{ data: { 'intake.objects:x': [] } }, 'body.data.intake.objects:x', 'CHUNK_DATA_INVALID'],
    ]
    for (const [body, field, code] of cases) {
      const res = await env().call('POST', data(f, started.executionId), { body })
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.error.code, JSON.stringify(res.body)).toBe(code)
      expect(JSON.stringify(res.body.error), JSON.stringify(body)).toContain(field)
    }
    const chunks = await env().call('GET', data(f, started.executionId))
    expect(chunks.status).toBe(200)
    expect(JSON.stringify(chunks.body)).not.toContain('"x"')
    const execution = await env().call(
      'GET',
      `${sourceUrl(env(), f.sourceId)}/executions/${started.executionId}`,
    )
    expect(execution.body.chunkCount ?? 0).toBe(0)
  })

  it('accepts a repeated objects chunk with the same clientGeneratedId once', async () => {
    const f = await assetsSource(env())
    const chunk = {
      objectTypeId: `${f.tag}/asset`,
      objects: [{ externalId: 'r-1', label: 'Once' }],
      clientGeneratedId: 'batch-0-1',
    }
    const status = await run(f, [chunk, chunk])
    const result = status.progressResult.objectTypeResultMap as Record<string, Json>
    expect(result[String(f.typeIds.get(`${f.tag}/asset`))]).toMatchObject({
      entriesInSource: 1,
      objectsCreated: 1,
    })
  })
})
