import fs from 'node:fs'
import { expect, it } from 'vitest'
import { startExecution, waitForEnd, withWorker } from '../helpers/executions.js'
import { createFileSource, FIXTURES, putFile, startImport, waitForStatus } from '../helpers/file-imports.js'
import { createSource, submitMapping, type Json } from '../helpers/import-sources.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'

const attr = (id: string, name: string, type: string, extra: Json = {}): Json => ({
  externalId: `shaped/${id}`,
  name,
  description: '',
  type,
  ...extra,
})

/** One attribute mapping per feature: transformations of every kind, a conditional value and a default. */
const ATTRIBUTE_MAPPINGS: Json[] = [
  {
    attributeExternalId: 'shaped/serial',
    attributeName: 'Serial',
    attributeLocators: ['serial'],
    externalIdPart: true,
    transformations: [{ type: 'trim' }, { type: 'upper' }],
  },
  {
    attributeExternalId: 'shaped/hostname',
    attributeName: 'Hostname',
    attributeLocators: ['host'],
    transformations: [
      { type: 'trim' },
      { type: 'lower' },
      { type: 'replace', find: '\\.example\\.com$', replacement: '', regex: true },
    ],
  },
  {
    attributeExternalId: 'shaped/owner',
    attributeName: 'Owner',
    attributeLocators: ['first'],
    transformations: [{ type: 'template', template: '{first} {last}' }],
  },
  {
    attributeExternalId: 'shaped/state',
    attributeName: 'State',
    attributeLocators: ['active'],
    conditionalValues: [{ when: "state = 'retired'", value: 'Retired' }],
    transformations: [{ type: 'lookup', table: { Y: 'Active', N: 'Inactive' }, fallback: 'Unknown' }],
  },
  {
    attributeExternalId: 'shaped/location',
    attributeName: 'Location',
    attributeLocators: ['location'],
    defaultValue: 'DC1',
  },
  {
    attributeExternalId: 'shaped/bought',
    attributeName: 'Bought',
    attributeLocators: ['bought'],
    transformations: [{ type: 'date', from: 'dd/MM/yyyy' }],
  },
  {
    attributeExternalId: 'shaped/cost',
    attributeName: 'Cost',
    attributeLocators: ['cost'],
    transformations: [{ type: 'number', decimalSeparator: ',', groupSeparator: '.' }],
  },
  {
    attributeExternalId: 'shaped/tags',
    attributeName: 'Tags',
    attributeLocators: ['tags'],
    transformations: [{ type: 'split', separator: ';' }, { type: 'trim' }, { type: 'lower' }],
  },
  {
    attributeExternalId: 'shaped/code',
    attributeName: 'Code',
    attributeLocators: ['serial'],
    transformations: [
      { type: 'trim' },
      { type: 'substring', start: -3 },
      { type: 'pad', length: 5, fill: '0' },
      { type: 'join', separator: '' },
    ],
  },
]

const CONDITION = "size > 0 AND state != 'draft'"

/** The document, with externalIds of its own (they are unique in a workspace). */
function shapedDocument(selector: string): Json {
  const document = {
    schema: {
      objectSchema: {
        name: `Shaped ${Math.random().toString(36).slice(2, 8)}`,
        description: '',
        objectTypes: [
          {
            externalId: 'shaped/host',
            name: 'Host',
            description: '',
            attributes: [
              attr('serial', 'Serial', 'text'),
              attr('hostname', 'Hostname', 'text', { label: true }),
              attr('owner', 'Owner', 'text'),
              attr('state', 'State', 'text'),
              attr('location', 'Location', 'text'),
              attr('bought', 'Bought', 'date'),
              attr('cost', 'Cost', 'double'),
              attr('tags', 'Tags', 'text', { maximumCardinality: -1 }),
              attr('code', 'Code', 'text'),
            ],
          },
        ],
      },
    },
    mapping: {
      objectTypeMappings: [
        {
          objectTypeExternalId: 'shaped/host',
          objectTypeName: 'Host',
          selector,
          description: '',
          condition: CONDITION,
          attributesMapping: ATTRIBUTE_MAPPINGS,
        },
      ],
    },
  }
  const prefix = `shaped-${Math.random().toString(36).slice(2, 8)}/`
  return JSON.parse(JSON.stringify(document).replaceAll('shaped/', prefix)) as Json
}

/** The entries of the CSV fixture, as a client pushes them. */
const PUSHED = [
  {
    serial: ' sn-001 ',
    host: 'WEB01.Example.COM ',
    first: 'Ada',
    last: 'Lovelace',
    active: 'Y',
    state: 'active',
    size: 10,
    bought: '24/12/2025',
    cost: '1.234,50',
    tags: 'Prod; EU',
    location: '',
  },
  {
    serial: 'sn-002',
    host: 'db02.example.com',
    first: 'Grace',
    last: 'Hopper',
    active: 'N',
    state: 'retired',
    size: '5',
    bought: '01/02/2024',
    cost: 99,
    tags: ['db'],
    location: 'DC7',
  },
  {
    serial: 'sn-003',
    host: 'tmp',
    first: 'X',
    last: 'Y',
    active: 'Y',
    state: 'draft',
    size: 3,
    bought: '01/01/2020',
    cost: 1,
  },
  {
    serial: 'sn-004',
    host: 'empty',
    first: 'X',
    last: 'Y',
    active: 'Y',
    state: 'active',
    size: 0,
    bought: '01/01/2020',
    cost: 1,
  },
  {
    serial: 'sn-005',
    host: 'bad',
    first: 'Bad',
    last: 'Date',
    active: 'maybe',
    state: 'active',
    size: 1,
    bought: '2025-01-01',
    cost: '12',
    tags: null,
  },
]

/** What every feature makes of those entries (sn-003 and sn-004 are filtered out by the condition). */
const EXPECTED: Record<string, Json> = {
  web01: {
    Serial: ['SN-001'],
    Owner: ['Ada Lovelace'],
    State: ['Active'],
    Location: ['DC1'],
    Bought: ['2025-12-24'],
    Cost: [1234.5],
    Tags: ['prod', 'eu'],
    Code: ['00001'],
  },
  db02: {
    Serial: ['SN-002'],
    Owner: ['Grace Hopper'],
    State: ['Retired'],
    Location: ['DC7'],
    Bought: ['2024-02-01'],
    Cost: [99],
    Tags: ['db'],
    Code: ['00002'],
  },
  bad: {
    Serial: ['SN-005'],
    Owner: ['Bad Date'],
    State: ['Unknown'],
    Location: ['DC1'],
    Cost: [12],
    Code: ['00005'],
  },
}

/** Objects of the source's Host type: label → attribute name → values, through the read API. */
async function hostObjects(env: TestEnv, typeId: string): Promise<Record<string, Json>> {
  const names = new Map<string, string>()
  const attributes = await env.call('GET', `${env.api}/objecttype/${typeId}/attributes`)
  for (const a of attributes.body as Json[]) names.set(String(a.id), a.name as string)
  const res = await env.call('POST', `${env.api}/object/aql`, {
    body: { qlQuery: `objectTypeId = ${typeId}`, resultPerPage: 100 },
  })
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  const out: Record<string, Json> = {}
  for (const o of res.body.values as Json[]) {
    const values: Json = {}
    for (const a of o.attributes as Json[]) {
      const name = names.get(String(a.objectTypeAttributeId))!
      if (name === 'Key' || name === 'Hostname') continue
      values[name] = (a.objectAttributeValues as Json[]).map((v) => v.value)
    }
    out[o.label as string] = values
  }
  return out
}

async function hostTypeId(env: TestEnv, sourceId: string): Promise<string> {
  const source = await env.call('GET', `${env.api}/importsource/${sourceId}`)
  const types = await env.call(
    'GET',
    `${env.api}/objectschema/${source.body.objectSchemaId}/objecttypes/flat`,
  )
  return String((types.body as Json[]).find((t) => t.name === 'Host')!.id)
}

function hostResult(progressResult: Json): Json {
  return Object.values(progressResult.objectTypeResultMap as Record<string, Json>)[0]!
}

async function expectMembersUnchanged(env: TestEnv, sourceId: string): Promise<void> {
  const got = await env.call('GET', `${env.api}/importsource/${sourceId}/schema-and-mapping`)
  expect(got.status).toBe(200)
  const [mapping] = got.body.mapping.objectTypeMappings as Json[]
  expect(mapping!.condition).toBe(CONDITION)
  const shapingOf = (m: Json) => ({
    transformations: m.transformations,
    conditionalValues: m.conditionalValues,
    defaultValue: m.defaultValue,
  })
  expect((mapping!.attributesMapping as Json[]).map(shapingOf)).toEqual(ATTRIBUTE_MAPPINGS.map(shapingOf))
}

describeEachDialect('mapping transformations, conditions and default values', (env) => {
  withWorker(env)

  it('shape pushed entries: a dry run plans the transformed values, the import writes them, GET answers the members unchanged', async () => {
    const source = await createSource(env())
    await submitMapping(env(), source.id, shapedDocument('hosts'))
    await expectMembersUnchanged(env(), source.id)
    const typeId = await hostTypeId(env(), source.id)

    const push = async (dryRun: boolean): Promise<Json> => {
      const started = await startExecution(env(), source.id, { dryRun })
      const sent = await env().call('POST', started.links.submitResults, {
        body: { data: { hosts: PUSHED }, clientGeneratedId: 'all', completed: true },
      })
      expect(sent.status, JSON.stringify(sent.body)).toBe(200)
      const done = await waitForEnd(env(), started.links.getExecutionStatus)
      expect(done.status, JSON.stringify(done)).toBe('DONE')
      return done.progressResult as Json
    }

    const dry = await push(true)
    const plan = Object.values(dry.plan as Record<string, Json[]>)[0]!
    const web01 = plan.find((p) => p.identity === 'SN-001')!
    expect(web01.operation).toBe('create')
    expect(web01.differences).toMatchObject({
      Hostname: { before: null, after: ['web01'] },
      Owner: { after: ['Ada Lovelace'] },
      Location: { after: ['DC1'] },
      Tags: { after: ['prod', 'eu'] },
    })
    expect(await hostObjects(env(), typeId)).toEqual({})

    const result = await push(false)
    expect(hostResult(result)).toMatchObject({
      entriesInSource: 5,
      entriesFilteredByCondition: 2,
      objectsFilteredWithQlQuery: 0,
      objectsCreated: 3,
      entriesWithProblems: 1,
    })
    expect(await hostObjects(env(), typeId)).toEqual(EXPECTED)

    const problems = await env().call(
      'GET',
      `${env().api}/importsource/${source.id}/executions/${result.id}/problems`,
    )
    expect(problems.body.values).toEqual([
      expect.objectContaining({
        code: 'TRANSFORMATION_FAILED',
        attribute: 'Bought',
        value: '2025-01-01',
        message: expect.stringContaining(
          'transformation 0 (date): "2025-01-01" does not match the date format dd/MM/yyyy',
        ),
      }),
    ])
    const list = await env().call('GET', `${env().api}/importsource/${source.id}/executions`)
    expect(list.body.values[0].counters).toMatchObject({ entriesFilteredByCondition: 2, objectsCreated: 3 })

    // Once more: the shaped values are what is stored, so nothing changes.
    expect(hostResult(await push(false))).toMatchObject({ objectsIdentical: 3, objectsUpdated: 0 })
  })

  it('shape the rows of a CSV source the same way', async () => {
    const source = await createFileSource(env(), 'csv')
    const csv = fs.readFileSync(new URL('csv/shaping-hosts.csv', FIXTURES))
    const put = await putFile(env(), source.id, csv, { 'content-type': 'text/csv' }, '?name=hosts.csv')
    expect(put.status, JSON.stringify(put.body)).toBe(200)
    await submitMapping(env(), source.id, shapedDocument('rows'))
    await expectMembersUnchanged(env(), source.id)

    const started = await startImport(env(), source.id)
    expect((await waitForStatus(env(), started.resourceId)).status).toBe('COMPLETED')
    const status = await env().call(
      'GET',
      `${env().api}/importsource/${source.id}/executions/${started.resourceId}/status`,
    )
    expect(hostResult(status.body.progressResult)).toMatchObject({
      entriesInSource: 5,
      entriesFilteredByCondition: 2,
      objectsCreated: 3,
      entriesWithProblems: 1,
    })
    expect(await hostObjects(env(), await hostTypeId(env(), source.id))).toEqual(EXPECTED)
  })

  it('refuses a bad step at PUT with a 400 naming it by pointer', async () => {
    const source = await createSource(env())
    const doc = shapedDocument('hosts')
    doc.mapping.objectTypeMappings[0].attributesMapping[1].transformations[2] = {
      type: 'replace',
      find: '(\\w+\\.)+com',
      regex: true,
    }
    const res = await env().call('PUT', `${env().api}/importsource/${source.id}/mapping`, { body: doc })
    expect(res.status).toBe(400)
    expect(res.body.dataValidationErrors).toEqual([
      {
        code: 'INVALID_REGEX',
        pointer: '/mapping/objectTypeMappings/0/attributesMapping/1/transformations/2/find',
        message: expect.stringContaining('nested repetition'),
      },
    ])
  })
})
