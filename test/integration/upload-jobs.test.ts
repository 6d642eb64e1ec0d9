import fs from 'node:fs'
import path from 'node:path'
import ExcelJS from 'exceljs'
import { beforeAll, expect, it } from 'vitest'
import type { CanonicalValue } from '../../src/domain/schema/types.js'
import { startExecutionWorker, type ExecutionWorker } from '../../src/jobs/execution-worker.js'
import { FAST, withWorker } from '../helpers/executions.js'
import { ADMIN_TOKEN, describeEachDialect, type TestEnv } from '../helpers/test-env.js'

type Json = any

interface Catalog {
  schemaId: number
  assetId: number
  attrs: Record<'name' | 'serial' | 'price' | 'bought' | 'seen' | 'count' | 'owner', number>
}

/** An object schema built through the repository API (its types and attributes have no externalIds). */
async function seedCatalog(env: TestEnv, key: string): Promise<Catalog> {
  const { schemas } = env.booted.services
  const ws = env.workspaceId
  const schema = await schemas.createSchema(ws, { name: `Uploads ${key}`, objectSchemaKey: key })
  const person = await schemas.createType(ws, { objectSchemaId: schema.id, name: `Person ${key}` })
  await schemas.createAttribute(ws, person.id, { name: 'Name', kind: 'text', label: true })
  // A person the uploads' Owner column names by its label.
  await env.booted.services.objects.create(ws, {
    objectTypeId: person.id,
    attributes: [{ attribute: 'Name', values: ['Alice'] }],
  })
  const asset = await schemas.createType(ws, { objectSchemaId: schema.id, name: `Asset ${key}` })
  const a = (name: string, kind: any, extra: Record<string, unknown> = {}) =>
    schemas.createAttribute(ws, asset.id, { name, kind, ...extra }).then((x) => x.id)
  const attrs = {
    name: await a('Name', 'text', { label: true }),
    serial: await a('Serial', 'text', { unique: true }),
    price: await a('Price', 'double'),
    bought: await a('Bought', 'date'),
    seen: await a('Last seen', 'date_time'),
    count: await a('Count', 'integer'),
    owner: await a('Owner', 'referenced_object', { referenceObjectTypeId: person.id }),
  }
  return { schemaId: schema.id, assetId: asset.id, attrs }
}

interface Upload {
  type?: string
  file?: Blob | null
  fileName?: string
  mapping?: unknown
  locale?: string
  timezoneOffset?: string
  headers?: Record<string, string>
}

async function upload(
  env: TestEnv,
  entity: string | number,
  u: Upload,
): Promise<{ status: number; body: Json }> {
  const form = new FormData()
  if (u.type !== undefined) form.append('type', u.type)
  if (u.mapping !== undefined)
    form.append('mapping', typeof u.mapping === 'string' ? u.mapping : JSON.stringify(u.mapping))
  if (u.locale !== undefined) form.append('locale', u.locale)
  if (u.timezoneOffset !== undefined) form.append('timezoneOffset', u.timezoneOffset)
  if (u.file !== null && u.file !== undefined) form.append('file', u.file, u.fileName ?? 'upload')
  const res = await fetch(`${env.baseUrl}/api/v1/entities/${encodeURIComponent(String(entity))}/import`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      domain: env.workspaceId,
      version: '1.0.0',
      ...u.headers,
    },
    body: form,
  })
  return { status: res.status, body: await res.json() }
}

const csv = (text: string) => new Blob([text], { type: 'text/csv' })

async function xlsx(rows: unknown[][]): Promise<Blob> {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('Assets')
  for (const row of rows) sheet.addRow(row)
  const buffer = await workbook.xlsx.writeBuffer()
  return new Blob([buffer as ArrayBuffer])
}

async function waitForJob(env: TestEnv, id: string, query = ''): Promise<Json> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const res = await env.call('GET', `/api/v1/job/${id}${query}`, { headers: { domain: env.workspaceId } })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(res.body.data.status)) return res.body
    if (Date.now() > deadline) throw new Error(`job ${id} still ${JSON.stringify(res.body.data)}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** The objects of a type: label → attribute id → values. */
async function objectsOf(env: TestEnv, typeId: number): Promise<Map<string, Map<number, CanonicalValue[]>>> {
  const rows = await env.booted.services.store.db
    .selectFrom('object')
    .select('id')
    .where('object_type_id', '=', typeId)
    .execute()
  const views = await Promise.all(
    rows.map((r) => env.booted.services.objects.get(env.workspaceId, Number(r.id))),
  )
  return new Map(views.map((v) => [v.label, v.values]))
}

const MAPPING = { 1: 'Serial', 2: 'Name', 3: 'Price', 4: 'Bought', 5: 'Last seen', 6: 'Count' }

describeEachDialect('upload jobs: POST /api/v1/entities/:entity/import and GET /api/v1/job/:id', (env) => {
  withWorker(env)
  let seq = 0
  let cat: Catalog
  beforeAll(async () => {
    cat = await seedCatalog(env(), 'UPA')
  })
  const fresh = () => seedCatalog(env(), `UP${String.fromCharCode(66 + seq++)}`)

  it('imports a CSV in the background and answers the seed envelope from queued to COMPLETED', async () => {
    const res = await upload(env(), `Asset UPA`, {
      type: 'csv',
      fileName: 'assets.csv',
      mapping: MAPPING,
      file: csv(
        'serial,name,price,bought,seen,count\nS1,Laptop 1,1200.5,2024-12-31,2024-12-31T10:00:00Z,3\nS2,Laptop 2,99,2024-01-02,,1\n',
      ),
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body).toMatchObject({ status: 200, error: false, errors: [] })
    const job = res.body.data
    expect(job).toMatchObject({
      entity: String(cat.assetId),
      type: 'IMPORT',
      payload: {
        type: 'csv',
        fileName: 'assets.csv',
        mapping: { 1: 'Serial', 2: 'Name' },
        domain: env().workspaceId,
        version: '1.0.0',
        identity: { column: 1, property: 'Serial' },
      },
    })
    expect(['QUEUED', 'RUNNING', 'COMPLETED']).toContain(job.status)
    expect(job.id).toMatch(/^[0-9a-f-]{36}$/)

    const done = await waitForJob(env(), job.id)
    expect(done.data).toMatchObject({
      status: 'COMPLETED',
      progress: 100,
      output: { importedCount: 2, failedCount: 0, created: 2, updated: 0, failed: [] },
    })
    expect(done.data.duration).toMatch(/^\d+ seconds?$/)
    expect(done.data.jobStart).not.toBeNull()
    expect(done.data.jobEnd).not.toBeNull()
    const objects = await objectsOf(env(), cat.assetId)
    expect(objects.get('Laptop 1')?.get(cat.attrs.price)).toEqual([1200.5])
    expect(objects.get('Laptop 1')?.get(cat.attrs.bought)).toEqual(['2024-12-31'])
    expect(objects.get('Laptop 1')?.get(cat.attrs.seen)).toEqual(['2024-12-31T10:00:00.000Z'])
  })

  it('links a referenced object named by its label', async () => {
    const c = await fresh()
    const res = await upload(env(), c.assetId, {
      type: 'csv',
      mapping: { 1: 'Serial', 2: 'Name', 3: 'Owner' },
      file: csv('s,n,o\nO1,Owned,Alice\nO2,Orphan,Nobody\n'),
    })
    const done = await waitForJob(env(), res.body.data.id)
    expect(done.data.output.importedCount).toBe(2)
    expect(done.data.output.failed).toEqual([
      expect.objectContaining({ row: 3, column: 3, property: 'Owner' }),
    ])
    const objects = await objectsOf(env(), c.assetId)
    expect(objects.get('Owned')!.get(c.attrs.owner)).toHaveLength(1)
  })

  it('is an execution of the entity’s upload source, listed with the source’s executions', async () => {
    const res = await upload(env(), cat.assetId, {
      type: 'csv',
      mapping: { 1: 'Serial', 2: 'Name' },
      file: csv('serial,name\nS9,Laptop 9\n'),
    })
    const done = await waitForJob(env(), res.body.data.id)
    const sourceId = done.data.payload.importSourceId
    const list = await env().call('GET', `${env().api}/importsource/${sourceId}/executions`)
    expect(list.status).toBe(200)
    expect(JSON.stringify(list.body)).toContain(res.body.data.id)
    // The domain header names the token's workspace by id or by name.
    const byName = await env().call('GET', `/api/v1/job/${res.body.data.id}`, {
      headers: { domain: 'default WORKSPACE' },
    })
    expect(byName.status).toBe(200)
    const progress = await env().call('GET', `${env().api}/progress/category/imports/${res.body.data.id}`)
    expect(progress.body).toMatchObject({ status: 'COMPLETED', progressInPercent: 100 })
  })

  it('imports an XLSX workbook built with exceljs, date cells included', async () => {
    const c = await fresh()
    const file = await xlsx([
      ['Serial', 'Name', 'Price', 'Bought', 'Seen', 'Count'],
      ['X1', 'Book 1', 10.25, new Date(Date.UTC(2024, 11, 31)), new Date(Date.UTC(2024, 11, 31, 8, 30)), 7],
      ['X2', 'Book 2', 3, new Date(Date.UTC(2023, 0, 5)), null, 1],
    ])
    const res = await upload(env(), c.assetId, {
      type: 'xlsx',
      fileName: 'assets.xlsx',
      mapping: MAPPING,
      file,
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    const done = await waitForJob(env(), res.body.data.id)
    expect(done.data.output).toMatchObject({ importedCount: 2, failedCount: 0 })
    const objects = await objectsOf(env(), c.assetId)
    expect(objects.get('Book 1')?.get(c.attrs.price)).toEqual([10.25])
    expect(objects.get('Book 1')?.get(c.attrs.bought)).toEqual(['2024-12-31'])
    expect(objects.get('Book 1')?.get(c.attrs.seen)).toEqual(['2024-12-31T08:30:00.000Z'])
    expect(objects.get('Book 2')?.get(c.attrs.count)).toEqual([1])
  })

  it('reads de-DE numbers and dates ("1.234,5", "31.12.2024")', async () => {
    const c = await fresh()
    const res = await upload(env(), c.assetId, {
      type: 'csv',
      locale: 'de-DE',
      mapping: MAPPING,
      file: csv('s,n,p,b,l,c\nD1,Rechner,"1.234,5",31.12.2024,"31.12.2024 23:30","1.000"\n'),
    })
    const done = await waitForJob(env(), res.body.data.id)
    expect(done.data.output, JSON.stringify(done.data)).toMatchObject({ importedCount: 1, failedCount: 0 })
    const values = (await objectsOf(env(), c.assetId)).get('Rechner')!
    expect(values.get(c.attrs.price)).toEqual([1234.5])
    expect(values.get(c.attrs.bought)).toEqual(['2024-12-31'])
    expect(values.get(c.attrs.seen)).toEqual(['2024-12-31T23:30:00.000Z'])
    expect(values.get(c.attrs.count)).toEqual([1000])
  })

  it('reads en-US dates ("12/31/2024") and numbers ("1,234.5")', async () => {
    const c = await fresh()
    const res = await upload(env(), c.assetId, {
      type: 'csv',
      locale: 'en-US',
      mapping: MAPPING,
      file: csv('s,n,p,b,l,c\nU1,Desk,"1,234.5",12/31/2024,12/31/2024 11:30 PM,"2,000"\n'),
    })
    const done = await waitForJob(env(), res.body.data.id)
    expect(done.data.output, JSON.stringify(done.data)).toMatchObject({ importedCount: 1, failedCount: 0 })
    const values = (await objectsOf(env(), c.assetId)).get('Desk')!
    expect(values.get(c.attrs.price)).toEqual([1234.5])
    expect(values.get(c.attrs.bought)).toEqual(['2024-12-31'])
    expect(values.get(c.attrs.seen)).toEqual(['2024-12-31T23:30:00.000Z'])
    expect(values.get(c.attrs.count)).toEqual([2000])
  })

  it('applies timezoneOffset (minutes east of UTC) to date-times written without an offset', async () => {
    const c = await fresh()
    const res = await upload(env(), c.assetId, {
      type: 'csv',
      locale: 'de-DE',
      timezoneOffset: '60',
      mapping: MAPPING,
      file: csv(
        's,n,p,b,l,c\nT1,Berlin,1,01.06.2024,"31.12.2024 10:00",1\nT2,Iso,1,01.06.2024,2024-12-31T10:00:00,1\nT3,Explicit,1,01.06.2024,2024-12-31T10:00:00Z,1\n',
      ),
    })
    expect(res.body.data.payload.timezoneOffset).toBe(60)
    const done = await waitForJob(env(), res.body.data.id)
    expect(done.data.output, JSON.stringify(done.data)).toMatchObject({ importedCount: 3, failedCount: 0 })
    const objects = await objectsOf(env(), c.assetId)
    expect(objects.get('Berlin')!.get(c.attrs.seen)).toEqual(['2024-12-31T09:00:00.000Z'])
    expect(objects.get('Iso')!.get(c.attrs.seen)).toEqual(['2024-12-31T09:00:00.000Z'])
    expect(objects.get('Explicit')!.get(c.attrs.seen)).toEqual(['2024-12-31T10:00:00.000Z'])
  })

  it('reports a bad row with its row, column, value and reason, and imports the rest', async () => {
    const c = await fresh()
    const res = await upload(env(), c.assetId, {
      type: 'csv',
      mapping: MAPPING,
      file: csv(
        's,n,p,b,l,c\nB1,Good 1,1,2024-01-01,,1\nB2,Bad,not-a-price,2024-01-01,,1\n,No serial,1,,,\nB3,Good 2,2,,,2\n',
      ),
    })
    const done = await waitForJob(env(), res.body.data.id)
    expect(done.data.output).toMatchObject({ importedCount: 2, failedCount: 2 })
    const failed = [...done.data.output.failed].sort((a: Json, b: Json) => a.row - b.row)
    expect(failed).toEqual([
      expect.objectContaining({
        row: 3,
        column: 3,
        property: 'Price',
        value: 'not-a-price',
        code: 'INVALID_VALUE',
      }),
      expect.objectContaining({ row: 4, column: 1, property: 'Serial', code: 'EMPTY_EXTERNAL_ID' }),
    ])
    // A mapped column empty in every row is no failed row, but the client is told.
    expect(done.data.output.warnings).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'LOCATOR_READ_NOTHING' })]),
    )
    expect(failed[0].reason).toMatch(/Price: not a number/)
    expect([...(await objectsOf(env(), c.assetId)).keys()].sort()).toEqual(['Good 1', 'Good 2'])
  })

  it('fails a job of which no row became an object, answering the reason and every failed row', async () => {
    const c = await fresh()
    const res = await upload(env(), c.assetId, {
      type: 'csv',
      mapping: MAPPING,
      file: csv('s,n,p,b,l,c\n,No serial 1,1,,,\n,No serial 2,2,,,\n'),
    })
    const done = await waitForJob(env(), res.body.data.id)
    expect(done.data.status).toBe('FAILED')
    expect(done.data.output).toMatchObject({ importedCount: 0, failedCount: 2 })
    expect(done.data.output.reason).toEqual(expect.any(String))
    expect(done.data.output.failed.map((f: Json) => [f.row, f.code])).toEqual([
      [2, 'EMPTY_EXTERNAL_ID'],
      [3, 'EMPTY_EXTERNAL_ID'],
    ])
    expect((await objectsOf(env(), c.assetId)).size).toBe(0)
  })

  it('pages the failed rows when there are many', async () => {
    const c = await fresh()
    const lines = ['s,n,p']
    for (let i = 0; i < 30; i++) lines.push(`P${i},Row ${i},${i % 2 === 0 ? 'bad' : i}`)
    const res = await upload(env(), c.assetId, {
      type: 'csv',
      mapping: { 1: 'Serial', 2: 'Name', 3: 'Price' },
      file: csv(lines.join('\n')),
    })
    const first = await waitForJob(env(), res.body.data.id, '?pageSize=10')
    expect(first.data.output).toMatchObject({ importedCount: 15, failedCount: 15 })
    expect(first.data.output.failed).toHaveLength(10)
    expect(first.pagination).toEqual({ page: 1, pageSize: 10, total: 15, totalPages: 2 })
    const second = await waitForJob(env(), res.body.data.id, '?page=2&pageSize=10')
    expect(second.data.output.failed).toHaveLength(5)
    expect(second.data.output.failed[4]).toMatchObject({ row: 30, value: 'bad' })
  })

  it('updates on a second upload of the same rows and never removes objects missing from the file', async () => {
    const c = await fresh()
    const mapping = { 1: 'Serial', 2: 'Name', 3: 'Price' }
    const first = await upload(env(), c.assetId, {
      type: 'csv',
      mapping,
      file: csv('s,n,p\nR1,One,1\nR2,Two,2\n'),
    })
    expect((await waitForJob(env(), first.body.data.id)).data.output).toMatchObject({ created: 2 })
    const again = await upload(env(), c.assetId, {
      type: 'csv',
      mapping,
      file: csv('s,n,p\nR1,One,1\nR2,Two,2\n'),
    })
    expect((await waitForJob(env(), again.body.data.id)).data.output).toMatchObject({
      importedCount: 2,
      created: 0,
      unchanged: 2,
    })
    const changed = await upload(env(), c.assetId, { type: 'csv', mapping, file: csv('s,n,p\nR1,One,10\n') })
    expect((await waitForJob(env(), changed.body.data.id)).data.output).toMatchObject({
      created: 0,
      updated: 1,
    })
    const objects = await objectsOf(env(), c.assetId)
    expect(objects.size).toBe(2)
    expect(objects.get('One')!.get(c.attrs.price)).toEqual([10])
    expect(objects.get('Two')!.get(c.attrs.price)).toEqual([2])
  })

  it('answers every refusal in the envelope with error: true', async () => {
    const ok = { type: 'csv', mapping: { 1: 'Serial', 2: 'Name' }, file: csv('s,n\nE1,x\n') }
    const unknown = await upload(env(), 'No such entity', ok)
    expect(unknown.status).toBe(404)
    expect(unknown.body).toMatchObject({ status: 404, error: true, data: null, pagination: null })
    expect(unknown.body.errors[0]).toMatchObject({ code: 'NOT_FOUND' })

    const column = await upload(env(), cat.assetId, { ...ok, mapping: { 1: 'Serial', 7: 'Name' } })
    expect(column.status).toBe(400)
    expect(column.body.errors[0]).toMatchObject({ code: 'UPLOAD_MAPPING_INVALID', field: 'mapping.7' })
    expect(column.body.message).toMatch(/column 7 does not exist/)

    const property = await upload(env(), cat.assetId, { ...ok, mapping: { 1: 'Serial', 2: 'Colour' } })
    expect(property.status).toBe(400)
    expect(property.body.errors[0]).toMatchObject({ code: 'UPLOAD_MAPPING_INVALID', field: 'mapping.2' })
    expect(property.body.message).toMatch(/"Colour" does not exist/)

    const noIdentity = await upload(env(), cat.assetId, { ...ok, mapping: { 2: 'Price' } })
    expect(noIdentity.status).toBe(400)
    expect(noIdentity.body.message).toMatch(/"Serial" or "Name"/)

    const xlsxAsCsv = await upload(env(), cat.assetId, {
      ...ok,
      file: await xlsx([
        ['s', 'n'],
        ['E1', 'x'],
      ]),
    })
    expect(xlsxAsCsv.status).toBe(400)
    expect(xlsxAsCsv.body.errors[0]).toMatchObject({ code: 'UPLOAD_TYPE_MISMATCH' })
    const csvAsXlsx = await upload(env(), cat.assetId, { ...ok, type: 'xlsx' })
    expect(csvAsXlsx.status).toBe(400)
    expect(csvAsXlsx.body.errors[0]).toMatchObject({ code: 'UPLOAD_TYPE_MISMATCH' })

    const empty = await upload(env(), cat.assetId, { ...ok, file: csv('') })
    expect(empty.status).toBe(400)
    expect(empty.body.errors[0]).toMatchObject({ code: 'UPLOAD_FILE_EMPTY' })

    const noFile = await upload(env(), cat.assetId, { ...ok, file: null })
    expect(noFile.status).toBe(400)
    expect(noFile.body.errors[0]).toMatchObject({ code: 'UPLOAD_MISSING' })

    const badType = await upload(env(), cat.assetId, { ...ok, type: 'pdf' })
    expect(badType.status).toBe(400)
    expect(badType.body.errors[0]).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.type' })

    const badMapping = await upload(env(), cat.assetId, { ...ok, mapping: '[1,2]' })
    expect(badMapping.body.errors[0]).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.mapping' })

    const twice = new FormData()
    twice.append('type', 'csv')
    twice.append('type', 'xlsx')
    const duplicate = await fetch(`${env().baseUrl}/api/v1/entities/${cat.assetId}/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: twice,
    })
    expect(duplicate.status).toBe(400)
    expect(((await duplicate.json()) as Json).errors[0]).toMatchObject({ field: 'body.type' })

    const badLocale = await upload(env(), cat.assetId, { ...ok, locale: 'not a locale' })
    expect(badLocale.body.errors[0]).toMatchObject({ field: 'body.locale' })

    const otherDomain = await upload(env(), cat.assetId, { ...ok, headers: { domain: 'elsewhere' } })
    expect(otherDomain.status).toBe(404)

    const noToken = await fetch(`${env().baseUrl}/api/v1/job/x`)
    expect(noToken.status).toBe(401)
    expect(await noToken.json()).toMatchObject({ status: 401, error: true })

    const missingJob = await env().call('GET', '/api/v1/job/00000000-0000-0000-0000-000000000000')
    expect(missingJob.status).toBe(404)
    expect(missingJob.body).toMatchObject({ error: true })

    // Refused uploads leave no file behind, and ended jobs' files are removed.
    expect(fs.readdirSync(path.join(env().config.dataDir, 'uploads', 'jobs'))).toEqual([])
  })
})

describeEachDialect(
  'upload jobs: the upload limit',
  (env) => {
    withWorker(env)

    it('streams a file larger than the app’s body limit to disk and imports it', async () => {
      const c = await seedCatalog(env(), 'BIG')
      const lines = ['serial,name,notes']
      for (let i = 0; i < 2_000; i++) lines.push(`B${i},Big ${i},${'x'.repeat(40)}`)
      const file = csv(lines.join('\n') + '\n')
      expect(file.size).toBeGreaterThan(Number(env().config.maxBodyBytes))
      const res = await upload(env(), c.assetId, { type: 'csv', mapping: { 1: 'Serial', 2: 'Name' }, file })
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      expect(res.body.data.payload.size).toBe(file.size)
      expect((await waitForJob(env(), res.body.data.id)).data.output).toMatchObject({ importedCount: 2_000 })
    })

    it('refuses a file over INTAKE_MAX_UPLOAD_BYTES with 413 in the envelope, keeping nothing', async () => {
      const c = await seedCatalog(env(), 'LIM')
      const big = csv('s,n\n' + 'L1,xxxxxxxxxx\n'.repeat(300_000))
      const res = await upload(env(), c.assetId, {
        type: 'csv',
        mapping: { 1: 'Serial', 2: 'Name' },
        file: big,
      })
      expect(res.status).toBe(413)
      expect(res.body).toMatchObject({ status: 413, error: true, data: null })
      expect(res.body.errors[0]).toMatchObject({ code: 'UPLOAD_TOO_LARGE' })
      expect(fs.readdirSync(path.join(env().config.dataDir, 'uploads', 'jobs'))).toEqual([])
    })
  },
  { INTAKE_MAX_BODY_BYTES: '1024', INTAKE_MAX_UPLOAD_BYTES: String(3 * 1024 * 1024) },
)

describeEachDialect('upload jobs: progress, heartbeat and a restart mid-job', (env) => {
  it('shows RUNNING with moving progress and a fresh heartbeat, and the next worker finishes it after a restart', async () => {
    let release: (() => void) | null = null
    let reached: (() => void) | null = null
    const atSecondBatch = new Promise<void>((resolve) => (reached = resolve))
    const first = startExecutionWorker(env().booted.services, {
      ...FAST,
      fileImports: {
        batchSize: 10,
        beforeBatch: async (_id, index, signal) => {
          if (index !== 1) return
          reached?.()
          await new Promise<void>((resolve) => {
            release = resolve
            signal.addEventListener('abort', () => resolve(), { once: true })
          })
        },
      },
    })
    let second: ExecutionWorker | undefined
    try {
      const c = await seedCatalog(env(), 'RST')
      const lines = ['s,n']
      for (let i = 1; i <= 30; i++) lines.push(`R${i},Row ${i}`)
      const res = await upload(env(), c.assetId, {
        type: 'csv',
        mapping: { 1: 'Serial', 2: 'Name' },
        file: csv(lines.join('\n') + '\n'),
      })
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      const id = res.body.data.id
      await atSecondBatch
      const running = await env().call('GET', `/api/v1/job/${id}`)
      expect(running.body.data).toMatchObject({ status: 'RUNNING', jobEnd: null })
      expect(running.body.data.progress).toBeGreaterThan(0)
      expect(running.body.data.progress).toBeLessThan(100)
      expect(Date.now() - Date.parse(running.body.data.lastHeartbeat)).toBeLessThan(5_000)

      // The server stops mid-job: nothing of the job is written, it goes back to the queue.
      await first.stop()
      const queued = await env().call('GET', `/api/v1/job/${id}`)
      expect(queued.body.data.status).toBe('QUEUED')
      expect((await objectsOf(env(), c.assetId)).size).toBe(0)

      second = startExecutionWorker(env().booted.services, FAST)
      const done = await waitForJob(env(), id)
      expect(done.data).toMatchObject({ status: 'COMPLETED', output: { importedCount: 30, failedCount: 0 } })
      expect((await objectsOf(env(), c.assetId)).size).toBe(30)
    } finally {
      ;(release as (() => void) | null)?.()
      await first.stop()
      await second?.stop()
    }
  })

  it('refuses a second upload of an entity while its first is queued (409), and fails a job whose file is gone', async () => {
    const c = await seedCatalog(env(), 'BSY')
    const mapping = { 1: 'Serial', 2: 'Name' }
    const queued = await upload(env(), c.assetId, { type: 'csv', mapping, file: csv('s,n\nQ1,One\n') })
    expect(queued.status).toBe(200)
    expect(queued.body.data).toMatchObject({
      status: 'QUEUED',
      progress: 0,
      jobStart: null,
      lastHeartbeat: null,
    })
    const busy = await upload(env(), c.assetId, { type: 'csv', mapping, file: csv('s,n\nQ2,Two\n') })
    expect(busy.status).toBe(409)
    expect(busy.body).toMatchObject({ error: true, errors: [{ code: 'EXECUTION_IN_PROGRESS' }] })

    // The stored file disappears before a worker takes the job: FAILED with the reason, never RUNNING forever.
    const dir = path.join(env().config.dataDir, 'uploads', 'jobs')
    for (const f of fs.readdirSync(dir)) if (f.startsWith(queued.body.data.id)) fs.rmSync(path.join(dir, f))
    const worker = startExecutionWorker(env().booted.services, FAST)
    try {
      const failed = await waitForJob(env(), queued.body.data.id)
      expect(failed.data).toMatchObject({ status: 'FAILED', progress: 100 })
      expect(failed.data.output.reason).toMatch(/file of job .* is gone/)
    } finally {
      await worker.stop()
    }
  })
})
