import { expect, it } from 'vitest'
import { withWorker } from '../helpers/executions.js'
import {
  createFileSource,
  generateAndPutMapping,
  hostsCsv,
  objectCount,
  putFile,
  startImport,
  waitForStatus,
} from '../helpers/file-imports.js'
import type { Json } from '../helpers/import-sources.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'

const csvSource = async (env: () => TestEnv, csv: string) => {
  const source = await createFileSource(env(), 'csv')
  const put = await putFile(env(), source.id, csv, { 'content-type': 'text/csv' }, '?name=hosts.csv')
  expect(put.status).toBe(200)
  return source
}

// Issue 12 item 1: when a source's columns are known, a mapping that names another column is refused; an import
// whose file the mapping cannot read fails instead of ending COMPLETED with nothing imported.
describeEachDialect('file imports: the mapping names the columns of the file', (env) => {
  withWorker(env)

  it('refuses on PUT and PATCH a locator the header lacks, with its pointer and the closest column', async () => {
    const source = await csvSource(env, hostsCsv(3))
    const discovered = await env().call(
      'GET',
      `${env().api}/importsource/${source.id}/discover?generate=true`,
    )
    const document = discovered.body.document as Json
    const entries = document.mapping.objectTypeMappings[0].attributesMapping as Json[]
    entries[0]!.attributeLocators = ['ID']
    const url = `${env().api}/importsource/${source.id}/mapping`
    const put = await env().call('PUT', url, { body: document })
    expect(put.status, JSON.stringify(put.body)).toBe(400)
    expect(put.body.dataValidationErrors).toEqual([
      {
        code: 'UNKNOWN_COLUMN',
        pointer: '/mapping/objectTypeMappings/0/attributesMapping/0/attributeLocators/0',
        message: `the source's file has no column "ID"; did you mean "id"? (its header: "id", "name", "ip", "cpu")`,
      },
    ])

    entries[0]!.attributeLocators = ['id']
    expect((await env().call('PUT', url, { body: document })).status).toBe(204)
    const patch = structuredClone(document) as Json
    delete patch.schema
    patch.mapping.objectTypeMappings[0].attributesMapping[1].attributeLocators = ['nmae']
    const patched = await env().call('PATCH', url, { body: patch })
    expect(patched.status, JSON.stringify(patched.body)).toBe(400)
    expect(patched.body.dataValidationErrors.map((p: Json) => [p.code, p.pointer])).toEqual([
      ['UNKNOWN_COLUMN', '/mapping/objectTypeMappings/0/attributesMapping/1/attributeLocators/0'],
    ])
    expect(patched.body.dataValidationErrors[0].message).toContain('did you mean "name"?')
  })

  it('fails an import of a file read with another delimiter: every entry dropped, the reason and the problems told', async () => {
    const source = await csvSource(env, hostsCsv(3))
    const document = await generateAndPutMapping(env(), source.id)
    const put = await putFile(
      env(),
      source.id,
      hostsCsv(3).replaceAll(',', ';'),
      { 'content-type': 'text/csv' },
      '?name=hosts.csv',
    )
    expect(put.status).toBe(200)
    const started = await startImport(env(), source.id)
    const progress = await waitForStatus(env(), started.resourceId)
    expect(progress.status).toBe('FAILED')
    expect(progress.currentWorkDescription).toMatch(/^Every one of the 3 entries was dropped/)
    const status = await env().call(
      'GET',
      `${env().api}/importsource/${source.id}/executions/${progress.executionUUID}/status`,
    )
    expect(status.body.status).toBe('FAILED')
    expect(status.body.progressResult).toMatchObject({
      result: 'FAILED',
      entriesProcessed: 3,
      entriesFailed: 3,
    })
    const problems = await env().call(
      'GET',
      `${env().api}/importsource/${source.id}/executions/${progress.executionUUID}/problems?limit=50`,
    )
    const codes = problems.body.values.map((p: Json) => p.code)
    expect(codes.filter((c: string) => c === 'EMPTY_EXTERNAL_ID')).toHaveLength(3)
    expect(codes.filter((c: string) => c === 'LOCATOR_READ_NOTHING')).toHaveLength(
      (document.mapping.objectTypeMappings[0].attributesMapping as Json[]).length,
    )
    const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body.objectSchemaId
    expect(await objectCount(env(), schemaId)).toBe(0)
  })
})
