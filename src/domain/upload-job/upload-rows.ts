/**
 * Prepares the rows of an upload for the engine: numbers and dates written the way the upload's locale writes them
 * become the engine's canonical text, and date-times without an offset get the upload's timezoneOffset. Rows without
 * an identity or a label are the engine's to report (EMPTY_EXTERNAL_ID, EMPTY_LABEL, with their row).
 */
import type { EntryProblem } from '../../engine/engine-types.js'
import { offsetText, type LocaleReader } from './locale-values.js'
import type { UploadColumn } from './upload-job.types.js'

const ISO_WALL = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?$/

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** The wall-clock fields of a Date read as UTC (how spreadsheet cells hold them), as ISO text without an offset. */
function wallText(date: Date): string {
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  )
}

export interface RowPreparer {
  (rows: unknown[], offset: number): { rows: unknown[]; problems: EntryProblem[] }
}

export function uploadRowPreparer(
  columns: readonly UploadColumn[],
  reader: LocaleReader | null,
  timezoneOffset: number | null,
): RowPreparer {
  const offset = timezoneOffset === null ? null : offsetText(timezoneOffset)
  const convert = (kind: string, value: unknown): unknown => {
    if (value instanceof Date) {
      return kind === 'date_time' && offset !== null && !Number.isNaN(value.getTime())
        ? `${wallText(value)}${offset}`
        : value
    }
    if (typeof value !== 'string' || value.trim() === '') return value
    switch (kind) {
      case 'integer':
      case 'double':
        return reader?.number(value) ?? value
      case 'date':
        return reader?.date(value) ?? value
      case 'date_time': {
        const wall = reader?.dateTime(value) ?? null
        if (wall !== null) return offset === null ? wall : `${wall}${offset}`
        const iso = offset === null ? null : ISO_WALL.exec(value.trim())
        return iso ? `${iso[1]}T${iso[2] ?? '00:00:00'}${offset}` : value
      }
      default:
        return value
    }
  }
  const converted = columns.filter((c) => ['integer', 'double', 'date', 'date_time'].includes(c.kind))
  return (rows) => {
    const problems: EntryProblem[] = []
    rows.forEach((row) => {
      if (row === null || typeof row !== 'object') return
      const cells = row as Record<string, unknown>
      for (const c of converted) {
        if (c.header in cells) cells[c.header] = convert(c.kind, cells[c.header])
      }
    })
    return { rows, problems }
  }
}
