import fs from 'node:fs'
import ExcelJS from 'exceljs'
import { expect, it } from 'vitest'
import { withWorker } from '../helpers/executions.js'
import {
  createFileSource,
  FIXTURES,
  generateAndPutMapping,
  objectCount,
  putFile,
  startImport,
  waitForStatus,
} from '../helpers/file-imports.js'
import type { Json } from '../helpers/import-sources.js'
import { describeEachDialect } from '../helpers/test-env.js'

const HOSTS_JSON = {
  hosts: [
    { id: 'h1', name: 'web-1', cpu: 4, tags: ['web', 'prod'] },
    { id: 'h2', name: 'db-1', cpu: 16, tags: ['db'] },
  ],
  owners: [{ id: 'o1', name: 'Ann' }],
}

async function workbook(): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  const sheet = book.addWorksheet('Hosts')
  sheet.addRow(['id', 'name', 'cpu', 'bought'])
  sheet.addRow(['h1', 'web-1', 4, new Date('2023-01-02T00:00:00Z')])
  sheet.addRow(['h2', 'db-1', 16, new Date('2024-03-04T00:00:00Z')])
  sheet.addRow(['h3', 'cache-1', 2, new Date('2024-05-06T00:00:00Z')])
  return Buffer.from(await book.xlsx.writeBuffer())
}

describeEachDialect('file imports: discovery of csv, json and xlsx', (env) => {
  withWorker(env)

  const discover = async (sourceId: string, query = '') => {
    const res = await env().call('GET', `${env().api}/importsource/${sourceId}/discover${query}`)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body as Json
  }
  const fieldsOf = (found: Json, root: string) =>
    Object.fromEntries(
      (found.roots as Json[]).find((r) => r.name === root)!.fields.map((f: Json) => [f.name, f]),
    )

  it('csv: fields with inferred types and samples under rows', async () => {
    const source = await createFileSource(env(), 'csv')
    await putFile(env(), source.id, fs.readFileSync(new URL('csv/basic.csv', FIXTURES)), {
      'content-type': 'text/csv',
    })
    const found = await discover(source.id)
    expect(found.roots.map((r: Json) => r.name)).toEqual(['rows'])
    const fields = fieldsOf(found, 'rows')
    expect(fields.id.samples).toContain('1')
    expect(fields.tags.multiple).toBe(true)
    expect(fields.name.type).toBe('text')
  })

  it('json: one root per top-level array; the generated document imports every root', async () => {
    const source = await createFileSource(env(), 'json')
    const file = Buffer.from(JSON.stringify(HOSTS_JSON))
    await putFile(env(), source.id, file, { 'content-type': 'application/octet-stream' }, '?name=hosts.json')
    const found = await discover(source.id, '?generate=true&objectSchemaName=JSON%20hosts')
    expect(found.roots.map((r: Json) => r.name).sort()).toEqual(['hosts', 'owners'])
    expect(fieldsOf(found, 'hosts').cpu.samples).toContain('16')
    expect(found.document.schema.objectSchema.name).toBe('JSON hosts')

    await generateAndPutMapping(env(), source.id)
    const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body.objectSchemaId
    const started = await startImport(env(), source.id)
    expect((await waitForStatus(env(), started.resourceId)).status).toBe('COMPLETED')
    expect(await objectCount(env(), schemaId)).toBe(3)
  })

  it('xlsx: the first sheet’s columns; the generated document imports the rows', async () => {
    const source = await createFileSource(env(), 'xlsx')
    await putFile(
      env(),
      source.id,
      await workbook(),
      { 'content-type': 'application/octet-stream' },
      '?name=h.xlsx',
    )
    const found = await discover(source.id, '?generate=true')
    expect(Object.keys(fieldsOf(found, 'rows'))).toEqual(['id', 'name', 'cpu', 'bought'])
    expect(fieldsOf(found, 'rows').cpu.type).toMatch(/integer|double/)

    await generateAndPutMapping(env(), source.id)
    const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body.objectSchemaId
    const started = await startImport(env(), source.id)
    const done = await waitForStatus(env(), started.resourceId)
    expect(done.status, JSON.stringify(done)).toBe('COMPLETED')
    expect(await objectCount(env(), schemaId)).toBe(3)
  })

  it('answers 409 IMPORT_FILE_MISSING before a file and 400 CONNECTION_FAILED for a broken one', async () => {
    const source = await createFileSource(env(), 'xlsx')
    const none = await env().call('GET', `${env().api}/importsource/${source.id}/discover`)
    expect(none.status).toBe(409)
    expect(none.body.error.code).toBe('IMPORT_FILE_MISSING')
    await putFile(env(), source.id, 'this is not a workbook', { 'content-type': 'application/octet-stream' })
    const broken = await env().call('GET', `${env().api}/importsource/${source.id}/discover`)
    expect(broken.status).toBe(400)
    expect(broken.body.error.code).toBe('CONNECTION_FAILED')
  })
})
