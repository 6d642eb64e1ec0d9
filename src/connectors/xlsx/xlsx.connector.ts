/**
 * The XLSX connector: exceljs's streaming WorkbookReader (the sheet XML is parsed as it is unzipped, never loaded
 * as a whole workbook), one sheet, rows as entries `{ column: value }` under TABULAR_ROOT. Cells keep their type:
 * numbers stay numbers, booleans booleans; dates become ISO text (see cellValue); rich text becomes its plain
 * text, a formula its cached result, a hyperlink its text. Empty cells are ''; rows without any value are skipped
 * and not counted.
 */
import { createReadStream, type ReadStream } from 'node:fs'
import type ExcelJS from 'exceljs'
import type { ConnectionCheck, Connector, ReadOptions, RecordBatch } from '../connector.js'
import {
  SourceHeaderMissingError,
  SourceLimitExceededError,
  SourceSheetNotFoundError,
  SourceWorkbookUnreadableError,
} from '../connector-errors.js'
import { checkFile, discoverTabular, headerNames, openTabular, tooManyColumns } from '../file-source.js'
import { lazyModule } from '../lazy-module.js'
import { DEFAULT_SOURCE_LIMITS, type SourceLimits } from '../source-limits.js'
import { type XlsxConfig, XlsxConfigSchema } from './xlsx.config.js'

/** exceljs, with the bounded reader around it: loaded by the first XLSX read (lazy-module.ts). */
const workbookReader = lazyModule(() => import('./bounded-workbook-reader.js'))

type Cell = string | number | boolean
type XlsxEntry = Record<string, Cell>

/** The members of exceljs's streaming readers this connector uses (its typings leave them out). */
interface SheetReader extends AsyncIterable<ExcelJS.Row> {
  id: number | string
  name: string
}
interface WorkbookReaderLike extends AsyncIterable<SheetReader> {
  model?: { sheets?: { name: string }[] }
}

/**
 * A date cell as text: `yyyy-mm-dd` when its time is midnight UTC (a date-only cell: exceljs reads the serial day
 * as a UTC instant), else the full ISO date-time in UTC.
 */
export function dateText(date: Date): string {
  if (Number.isNaN(date.getTime())) return ''
  const iso = date.toISOString()
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso
}

/** The value of one cell as the connector yields it; null when the cell is empty. */
export function cellValue(value: unknown): Cell | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  if (value instanceof Date) return dateText(value)
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>
    if (Array.isArray(v.richText))
      return (v.richText as { text?: string }[]).map((r) => r.text ?? '').join('')
    if ('formula' in v || 'sharedFormula' in v) return cellValue(v.result)
    if ('hyperlink' in v) return cellValue(v.text)
    if ('error' in v) return null // #N/A, #DIV/0!: no value
    if ('text' in v) return cellValue(v.text)
  }
  return String(value)
}

function isWanted(sheet: string | number | undefined, reader: SheetReader, position: number): boolean {
  if (sheet === undefined) return position === 1
  return typeof sheet === 'number' ? position === sheet : reader.name === sheet
}

async function* readXlsx(
  limits: SourceLimits,
  config: XlsxConfig,
  options: ReadOptions,
  onHeader?: (names: string[]) => void,
): AsyncGenerator<RecordBatch> {
  const { signal } = options
  const { skip, batcher } = await openTabular(config.path, options)
  const headerRow = config.headerRow ?? 1
  const { BoundedWorkbookReader } = await workbookReader()
  const input: ReadStream = createReadStream(config.path)
  const reader = new BoundedWorkbookReader(
    input,
    {
      worksheets: 'emit',
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'cache', // number formats tell date cells from numbers
      entries: 'emit',
    },
    { tempDir: limits.tempDir, maxBytes: limits.xlsxMaxBytes, maxBytesSetting: 'INTAKE_XLSX_MAX_BYTES' },
  ) as unknown as WorkbookReaderLike
  const seen: string[] = []
  let names: string[] | null = null
  let consumed = 0
  // Cells spanned by the rows read (empty cells inside a row count: exceljs holds a slot for each).
  let cells = 0
  const countCells = (row: ExcelJS.Row): void => {
    cells += Math.max(0, (row.values as unknown[]).length - 1)
    if (cells > limits.xlsxMaxCells)
      throw SourceLimitExceededError({
        limit: 'INTAKE_XLSX_MAX_CELLS',
        max: limits.xlsxMaxCells,
        reason: `the workbook's sheets hold more than ${limits.xlsxMaxCells} cells`,
      })
  }
  try {
    let order = 0
    for await (const sheet of reader) {
      order++
      const tabs = reader.model?.sheets ?? []
      const tab = tabs.findIndex((s) => s.name === sheet.name)
      seen.push(sheet.name)
      if (!isWanted(config.sheet, sheet, tab === -1 ? order : tab + 1)) {
        // Read through, as exceljs's own parse needs (a later sheet comes after this one in the zip).
        for await (const row of sheet) {
          signal.throwIfAborted()
          countCells(row)
        }
        continue
      }
      for await (const row of sheet) {
        signal.throwIfAborted()
        countCells(row)
        if (row.number < headerRow) continue
        const values = row.values as unknown[]
        if (names === null) {
          if (row.number > headerRow) throw SourceHeaderMissingError({ path: config.path, row: headerRow })
          if (values.length - 1 > limits.maxColumns) throw tooManyColumns(limits, values.length - 1)
          const cells: string[] = [] // values is sparse (1-based, holes for empty cells)
          for (let c = 1; c < values.length; c++) cells.push(String(cellValue(values[c]) ?? ''))
          while (cells.length > 0 && cells[cells.length - 1]!.trim() === '') cells.pop()
          if (cells.length === 0) throw SourceHeaderMissingError({ path: config.path, row: headerRow })
          names = headerNames(cells)
          onHeader?.(names)
          continue
        }
        const entry: XlsxEntry = {}
        let any = false
        for (let c = 0; c < names.length; c++) {
          const cell = cellValue(values[c + 1])
          if (cell !== null && cell !== '') any = true
          entry[names[c]!] = cell ?? ''
        }
        if (!any) continue
        if (++consumed <= skip) continue
        batcher.push(entry, consumed, input.bytesRead)
        while (batcher.ready.length > 0) yield batcher.ready.shift()!
      }
      if (names === null) throw SourceHeaderMissingError({ path: config.path, row: headerRow })
      batcher.flush(consumed, input.bytesRead)
      while (batcher.ready.length > 0) yield batcher.ready.shift()!
      return
    }
  } catch (error) {
    if (error instanceof Error && (error.name === 'AppError' || error.name === 'AbortError')) throw error
    throw SourceWorkbookUnreadableError(
      { path: config.path, reason: error instanceof Error ? error.message : String(error) },
      { cause: error },
    )
  } finally {
    input.destroy()
  }
  throw SourceSheetNotFoundError({ path: config.path, sheet: config.sheet ?? 1, sheets: seen })
}

/** The XLSX connector within `limits` (temp files, decompressed size, cells, columns). */
export function createXlsxConnector(limits: SourceLimits): Connector<XlsxConfig> {
  const read = (config: XlsxConfig, options: ReadOptions, onHeader?: (names: string[]) => void) =>
    readXlsx(limits, config, options, onHeader)
  return {
    type: 'xlsx',
    origin: 'file',
    tabular: true,
    version: 1,
    configSchema: XlsxConfigSchema,

    testConnection(config: XlsxConfig, signal: AbortSignal): Promise<ConnectionCheck> {
      const code = (error: unknown): string =>
        SourceSheetNotFoundError.is(error)
          ? 'XLSX_SHEET_NOT_FOUND'
          : SourceWorkbookUnreadableError.is(error)
            ? 'XLSX_NOT_READABLE'
            : SourceLimitExceededError.is(error)
              ? 'XLSX_TOO_LARGE'
              : 'XLSX_HEADER_INVALID'
      return checkFile(config.path, code, async () => {
        for await (const _batch of read(config, { batchSize: 1, signal })) break
      })
    },

    discoverSchema(config, options) {
      return discoverTabular(read, config, options, limits)
    },

    read(config, options) {
      return read(config, options)
    },
  }
}

export const xlsxConnector: Connector<XlsxConfig> = createXlsxConnector(DEFAULT_SOURCE_LIMITS)
