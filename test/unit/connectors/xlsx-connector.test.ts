import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cellValue, xlsxConnector } from '../../../src/connectors/xlsx/xlsx.connector.js'
import type { XlsxConfig } from '../../../src/connectors/xlsx/xlsx.config.js'
import { fixture, readAll, signal } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'intake-xlsx-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const xlsx = (name: string, config: Partial<XlsxConfig> = {}): XlsxConfig => ({
  path: fixture(`xlsx/${name}`),
  ...config,
})

const ALPHA = {
  id: 1,
  name: 'Alpha server',
  price: 9.5,
  active: true,
  bought: '2021-02-03',
  seen: '2024-05-01T10:30:00.000Z',
  homepage: 'alpha site',
  total: 19,
  description: 'first',
}

describe('XLSX connector: reading', () => {
  it('reads typed cells: numbers, booleans, dates as ISO text, rich text, formula results, hyperlink text', async () => {
    const { entries, problems, batches } = await readAll(
      xlsxConnector,
      xlsx('inventory.xlsx', { sheet: 'Inventory' }),
    )
    expect(problems).toEqual([])
    expect(entries).toHaveLength(3)
    expect(entries[0]).toEqual(ALPHA)
    expect(entries[1]).toMatchObject({ name: 'Beta', active: false, description: '' })
    expect(entries[2]).toMatchObject({ id: 3, seen: '2024-05-03T23:59:59.000Z', total: 14.5 })
    expect(batches.at(-1)!.cursor).toBe('3')
  })

  it('reads the first sheet by default, and a sheet by its 1-based position', async () => {
    const first = await readAll(xlsxConnector, xlsx('inventory.xlsx'))
    expect(first.entries).toEqual([])
    const second = await readAll(xlsxConnector, xlsx('inventory.xlsx', { sheet: 2 }))
    expect(second.entries[0]).toEqual(ALPHA)
  })

  it('throws naming the sheets when the sheet is not there', async () => {
    await expect(readAll(xlsxConnector, xlsx('inventory.xlsx', { sheet: 'Missing' }))).rejects.toMatchObject({
      code: 'SOURCE_SHEET_NOT_FOUND',
      details: { sheets: ['Notes', 'Inventory', 'Other'] },
    })
    await expect(readAll(xlsxConnector, xlsx('inventory.xlsx', { sheet: 9 }))).rejects.toMatchObject({
      code: 'SOURCE_SHEET_NOT_FOUND',
    })
  })

  it('reads the header from headerRow, ignoring the rows above it', async () => {
    const { entries } = await readAll(xlsxConnector, xlsx('header-row.xlsx', { headerRow: 3 }))
    expect(entries).toHaveLength(7)
    expect(entries[0]).toEqual({ code: 'C-1', label: 'Label 1' })
  })

  it('cuts batches and resumes after the cursor', async () => {
    const config = xlsx('header-row.xlsx', { headerRow: 3 })
    const { batches } = await readAll(xlsxConnector, config, { batchSize: 3 })
    expect(batches.map((b) => (b.data.rows as unknown[]).length)).toEqual([3, 3, 1])
    expect(batches.map((b) => b.cursor)).toEqual(['3', '6', '7'])
    const rest = await readAll(xlsxConnector, config, { batchSize: 3, cursor: '3' })
    expect(rest.entries.map((e) => e.code)).toEqual(['C-4', 'C-5', 'C-6', 'C-7'])
  })

  it('throws naming an empty or repeated header column', async () => {
    await expect(readAll(xlsxConnector, xlsx('empty-header.xlsx'))).rejects.toMatchObject({
      code: 'SOURCE_COLUMN_NAME_EMPTY',
      details: { column: 2 },
    })
    await expect(readAll(xlsxConnector, xlsx('duplicate-header.xlsx'))).rejects.toMatchObject({
      code: 'SOURCE_COLUMN_NAME_DUPLICATE',
      details: { name: 'name', columns: [2, 4] },
    })
  })

  it('throws for a file that is not a workbook', async () => {
    const path = join(dir, 'not-a-workbook.xlsx')
    writeFileSync(path, 'id,name\n1,one\n')
    await expect(readAll(xlsxConnector, { path })).rejects.toMatchObject({
      code: 'SOURCE_WORKBOOK_UNREADABLE',
    })
  })

  it('turns each kind of cell value into a plain value', () => {
    expect(cellValue(new Date(Date.UTC(2024, 0, 2)))).toBe('2024-01-02')
    expect(cellValue(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)))).toBe('2024-01-02T03:04:05.000Z')
    expect(cellValue({ richText: [{ text: 'a' }, { text: 'b' }] })).toBe('ab')
    expect(cellValue({ formula: 'A1', result: new Date(Date.UTC(2024, 0, 2)) })).toBe('2024-01-02')
    expect(cellValue({ sharedFormula: 'A1', result: 3 })).toBe(3)
    expect(cellValue({ text: { richText: [{ text: 'link' }] }, hyperlink: 'https://x.test' })).toBe('link')
    expect(cellValue({ error: '#N/A' })).toBeNull()
    expect(cellValue(null)).toBeNull()
  })
})

describe('XLSX connector: connection check and discovery', () => {
  it('answers ok, or a friendly code', async () => {
    expect(
      await xlsxConnector.testConnection(xlsx('inventory.xlsx', { sheet: 'Inventory' }), signal()),
    ).toEqual({
      ok: true,
    })
    expect(
      await xlsxConnector.testConnection(xlsx('inventory.xlsx', { sheet: 'Nope' }), signal()),
    ).toMatchObject({
      ok: false,
      code: 'XLSX_SHEET_NOT_FOUND',
    })
    expect(await xlsxConnector.testConnection(xlsx('duplicate-header.xlsx'), signal())).toMatchObject({
      ok: false,
      code: 'XLSX_HEADER_INVALID',
    })
    expect(await xlsxConnector.testConnection({ path: join(dir, 'missing.xlsx') }, signal())).toMatchObject({
      ok: false,
      code: 'FILE_NOT_FOUND',
    })
  })

  it('infers kinds from typed cells (Date cells → date or date_time)', async () => {
    const schema = await xlsxConnector.discoverSchema(xlsx('inventory.xlsx', { sheet: 'Inventory' }), {
      sampleSize: 50,
      signal: signal(),
    })
    expect(schema.roots[0]!.sampledEntries).toBe(3)
    expect(Object.fromEntries(schema.roots[0]!.fields.map((f) => [f.name, f.type]))).toEqual({
      id: 'integer',
      name: 'text',
      price: 'double',
      active: 'boolean',
      bought: 'date',
      seen: 'date_time',
      homepage: 'text',
      total: 'double',
      description: 'text',
    })
    expect(schema.roots[0]!.fields.find((f) => f.name === 'description')).toMatchObject({ empty: 1 })
  })
})
