import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ExcelJS from 'exceljs'
import { beforeAll, describe, expect, it } from 'vitest'
import { createXlsxConnector } from '../../src/connectors/xlsx/xlsx.connector.js'
import { DEFAULT_SOURCE_LIMITS } from '../../src/connectors/source-limits.js'
import {
  createFileSource,
  generateAndPutMapping,
  putFile,
  startImport,
  waitForStatus,
} from '../helpers/file-imports.js'
import { withWorker } from '../helpers/executions.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'

const MAX_BYTES = 4 * 1024 * 1024
const MAX_CELLS = 5_000

/** A workbook written by exceljs (its sheets come before the shared strings in the zip: they are parked on disk). */
async function workbook(rows: (string | number)[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  const sheet = book.addWorksheet('Data')
  for (const row of rows) sheet.addRow(row)
  return Buffer.from(await book.xlsx.writeBuffer())
}

/** An XLSX bomb: a few KB that decompress to ~`megabytes` MB (long runs of one character). */
function bomb(megabytes: number): Promise<Buffer> {
  const rows: string[][] = [['id', 'text']]
  for (let i = 0; i < megabytes * 20; i++) rows.push([`r${i}`, `${'A'.repeat(50_000)}${i}`])
  return workbook(rows)
}

/** exceljs's own temp files (the `tmp` package names them tmp-<pid>…) in the system temp directory. */
const systemTempFiles = (): string[] =>
  fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith(`tmp-${process.pid}`))

const tempFilesOf = (env: TestEnv): string[] => {
  const dir = path.join(env.config.dataDir, 'tmp')
  return fs.existsSync(dir) ? fs.readdirSync(dir) : []
}

let bombFile: Buffer
let wideFile: Buffer
let goodFile: Buffer

beforeAll(async () => {
  bombFile = await bomb(16)
  wideFile = await workbook([
    ['id', 'a', 'b', 'c'],
    ...Array.from({ length: 2_000 }, (_, i) => [`r${i}`, i, i + 1, i + 2]),
  ])
  goodFile = await workbook([['id', 'name'], ...Array.from({ length: 50 }, (_, i) => [`h${i}`, `Host ${i}`])])
})

describeEachDialect(
  'XLSX bounds',
  (env) => {
    withWorker(env)

    it('an XLSX bomb is a 400 naming INTAKE_XLSX_MAX_BYTES; no temp file stays, none in the system temp dir', async () => {
      expect(bombFile.length).toBeLessThan(MAX_BYTES / 4)
      const source = await createFileSource(env(), 'xlsx')
      expect((await putFile(env(), source.id, bombFile)).status).toBe(200)
      const systemBefore = systemTempFiles()
      const res = await env().call('GET', `${env().api}/importsource/${source.id}/discover`)
      expect(res.status, JSON.stringify(res.body)).toBe(400)
      expect(JSON.stringify(res.body)).toContain('INTAKE_XLSX_MAX_BYTES')
      expect(tempFilesOf(env())).toEqual([])
      expect(systemTempFiles()).toEqual(systemBefore)
    })

    it('an import of an XLSX bomb fails with the limit as its reason, and leaves no temp file', async () => {
      const source = await createFileSource(env(), 'xlsx')
      expect((await putFile(env(), source.id, goodFile)).status).toBe(200)
      await generateAndPutMapping(env(), source.id)
      expect((await putFile(env(), source.id, bombFile)).status).toBe(200)
      const started = await startImport(env(), source.id)
      const done = await waitForStatus(env(), started.resourceId)
      expect(done.status).toBe('FAILED')
      const e = await env().call(
        'GET',
        `${env().api}/importsource/${source.id}/executions/${started.resourceId}`,
      )
      expect(JSON.stringify(e.body)).toContain('INTAKE_XLSX_MAX_BYTES')
      expect(tempFilesOf(env())).toEqual([])
    })

    it('a sheet of more cells than INTAKE_XLSX_MAX_CELLS fails its import naming that limit; discovery samples only', async () => {
      const source = await createFileSource(env(), 'xlsx')
      expect((await putFile(env(), source.id, wideFile)).status).toBe(200)
      // Discovery reads the header and the sampled rows, well within the cap.
      await generateAndPutMapping(env(), source.id)
      const started = await startImport(env(), source.id)
      const done = await waitForStatus(env(), started.resourceId)
      expect(done.status).toBe('FAILED')
      const e = await env().call(
        'GET',
        `${env().api}/importsource/${source.id}/executions/${started.resourceId}`,
      )
      expect(JSON.stringify(e.body)).toContain('INTAKE_XLSX_MAX_CELLS')
      expect(tempFilesOf(env())).toEqual([])
    })

    it('a normal workbook parks its sheet under INTAKE_DATA_DIR only while it is read', async () => {
      const source = await createFileSource(env(), 'xlsx')
      expect((await putFile(env(), source.id, goodFile)).status).toBe(200)
      const systemBefore = systemTempFiles()
      const res = await env().call('GET', `${env().api}/importsource/${source.id}/discover`)
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      expect(res.body.roots[0].fields.map((f: { name: string }) => f.name)).toEqual(['id', 'name'])
      expect(tempFilesOf(env())).toEqual([])
      expect(systemTempFiles()).toEqual(systemBefore)
    })
  },
  { INTAKE_XLSX_MAX_BYTES: String(MAX_BYTES), INTAKE_XLSX_MAX_CELLS: String(MAX_CELLS) },
)

describe('XLSX temp files', () => {
  it('are deleted when a read stops early (a cancel or a pause returns the reader), and while it runs they are under tempDir', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-xlsx-temp-'))
    const file = path.join(dir, 'book.xlsx')
    fs.writeFileSync(file, goodFile)
    const tempDir = path.join(dir, 'tmp')
    const connector = createXlsxConnector({ ...DEFAULT_SOURCE_LIMITS, tempDir })
    const controller = new AbortController()
    let during: string[] = []
    for await (const _batch of connector.read({ path: file }, { batchSize: 5, signal: controller.signal })) {
      during = fs.readdirSync(tempDir)
      break
    }
    // The parked sheet is unlinked as soon as its reader has it open.
    expect(during.every((name) => /^xlsx-.*\.xml$/.test(name))).toBe(true)
    expect(fs.readdirSync(tempDir)).toEqual([])
    // An abort mid-read (cancel, pause, shutdown) ends it the same way.
    const reading = (async () => {
      for await (const _batch of connector.read({ path: file }, { batchSize: 5, signal: controller.signal }))
        controller.abort()
    })()
    await expect(reading).rejects.toThrow()
    expect(fs.readdirSync(tempDir)).toEqual([])
    fs.rmSync(dir, { recursive: true, force: true })
  })
})
