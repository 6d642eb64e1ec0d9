import { defineError } from '../domain/errors.js'

/**
 * Errors of the file connectors (CSV, JSON, XLSX). They fail a discovery or an execution as a whole; problems of
 * single rows (a CSV row with the wrong number of fields, undecodable bytes) are entry problems instead, never thrown.
 */

export const SourceFileNotFoundError = defineError<{ path: string }>(
  'SOURCE_FILE_NOT_FOUND',
  400,
  ({ path }) => `The source file ${path} does not exist`,
  'The file of a CSV, JSON or XLSX source does not exist (any more).',
)

export const SourceFileNotReadableError = defineError<{ path: string; reason: string }>(
  'SOURCE_FILE_NOT_READABLE',
  400,
  ({ path, reason }) => `The source file ${path} cannot be read: ${reason}`,
  'The file of a CSV, JSON or XLSX source exists but cannot be opened or is not a regular file.',
)

export const SourceHeaderMissingError = defineError<{ path: string; row?: number }>(
  'SOURCE_HEADER_MISSING',
  400,
  ({ path, row }) =>
    row === undefined
      ? `The source file ${path} has no header row: it is empty`
      : `The source file ${path} has no header row: row ${row} is empty or missing`,
  'A CSV or XLSX source has no header row (an empty file or sheet); the header names the columns.',
)

export const SourceColumnNameEmptyError = defineError<{ column: number }>(
  'SOURCE_COLUMN_NAME_EMPTY',
  400,
  ({ column }) => `Column ${column} of the header row has no name; every column needs a unique name`,
  'A header cell of a CSV or XLSX source is empty; `column` is its 1-based position.',
)

export const SourceColumnNameDuplicateError = defineError<{ name: string; columns: number[] }>(
  'SOURCE_COLUMN_NAME_DUPLICATE',
  400,
  ({ name, columns }) =>
    `The header row names column "${name}" more than once (columns ${columns.join(' and ')}); column names must be unique`,
  'Two header cells of a CSV or XLSX source have the same name; `columns` are their 1-based positions.',
)

export const SourceHeaderInvalidError = defineError<{ path: string; reason: string }>(
  'SOURCE_HEADER_INVALID',
  400,
  ({ path, reason }) => `The header row of ${path} cannot be read: ${reason}`,
  'The header row of a CSV source is malformed (an unterminated quote, undecodable bytes).',
)

export const SourceJsonMalformedError = defineError<{ path: string; position: number; reason: string }>(
  'SOURCE_JSON_MALFORMED',
  400,
  ({ path, position, reason }) => `The JSON file ${path} is malformed near byte ${position}: ${reason}`,
  'A JSON source file is not valid JSON, or its top level is not an object of selector roots; the execution fails.',
)

export const SourceSheetNotFoundError = defineError<{
  path: string
  sheet: string | number
  sheets: string[]
}>(
  'SOURCE_SHEET_NOT_FOUND',
  400,
  ({ path, sheet, sheets }) =>
    `The workbook ${path} has no sheet ${typeof sheet === 'number' ? `number ${sheet}` : `"${sheet}"`}; its sheets are: ${sheets.join(', ') || 'none'}`,
  'The sheet named by an XLSX source (by name or 1-based position) is not in the workbook.',
)

export const SourceWorkbookUnreadableError = defineError<{ path: string; reason: string }>(
  'SOURCE_WORKBOOK_UNREADABLE',
  400,
  ({ path, reason }) => `The workbook ${path} cannot be read: ${reason}`,
  'An XLSX source file is not a readable Excel workbook (not a zip archive, or a damaged one).',
)

export const SourceCursorInvalidError = defineError<{ cursor: string }>(
  'SOURCE_CURSOR_INVALID',
  400,
  ({ cursor }) => `The read cursor "${cursor}" is not a position this connector wrote`,
  'A connector read was resumed with a cursor that is not a count of consumed entries.',
)

export const SourceLimitExceededError = defineError<{ limit: string; max: number; reason: string }>(
  'SOURCE_LIMIT_EXCEEDED',
  400,
  ({ limit, max, reason }) => `The source file is over a limit of this server: ${reason} (${limit}=${max})`,
  'A source file goes past a configured bound (`limit` names the setting, `max` its value): an XLSX workbook that ' +
    'decompresses to more than INTAKE_XLSX_MAX_BYTES, a sheet with more than INTAKE_XLSX_MAX_CELLS cells, more ' +
    'columns than INTAKE_SOURCE_MAX_COLUMNS. Discovery answers 400; an import fails with this reason.',
)
