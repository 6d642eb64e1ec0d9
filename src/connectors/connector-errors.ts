import path from 'node:path'
import { defineError, type AppError, type ErrorDefinition } from '../domain/errors.js'
import { fileNamesOnly } from '../domain/file-names-only.js'

/**
 * Errors of the file connectors (CSV, JSON, XLSX). They fail a discovery or an execution as a whole; problems of
 * single rows (a CSV row with the wrong number of fields, undecodable bytes) are entry problems instead, never thrown.
 *
 * Their answers name the file, never its path on the server (`uploads/<source id>/…` under INTAKE_DATA_DIR, or a
 * file inside INTAKE_IMPORT_DIR): callers pass the `path` they read, the error keeps only its `file` name, and a
 * `reason` that quotes a path (a driver message) gets the name instead.
 */

type Named<D> = Omit<D, 'file'> & { path: string }

/** An error definition whose callers give the file's path and whose details and message carry its name only. */
function naming<D extends { file: string; reason?: string }>(
  definition: ErrorDefinition<D>,
): ErrorDefinition<D> & ((details: Named<D>, options?: { cause?: unknown }) => AppError<D>) {
  const create = (details: Named<D> | D, options?: { cause?: unknown }): AppError<D> => {
    if (!('path' in details)) return definition(details, options)
    const { path: full, ...rest } = details
    const file = path.basename(full)
    const reason =
      typeof rest.reason === 'string' ? fileNamesOnly(rest.reason.split(full).join(file)) : undefined
    return definition({ ...rest, file, ...(reason !== undefined && { reason }) } as unknown as D, options)
  }
  return Object.assign(create, {
    code: definition.code,
    status: definition.status,
    description: definition.description,
    is: definition.is,
  }) as ErrorDefinition<D> & ((details: Named<D>, options?: { cause?: unknown }) => AppError<D>)
}

export const SourceFileNotFoundError = naming(
  defineError<{ file: string }>(
    'SOURCE_FILE_NOT_FOUND',
    400,
    ({ file }) => `The source file ${file} does not exist`,
    'The file of a CSV, JSON or XLSX source does not exist (any more).',
  ),
)

export const SourceFileNotReadableError = naming(
  defineError<{ file: string; reason: string }>(
    'SOURCE_FILE_NOT_READABLE',
    400,
    ({ file, reason }) => `The source file ${file} cannot be read: ${reason}`,
    'The file of a CSV, JSON or XLSX source exists but cannot be opened or is not a regular file.',
  ),
)

export const SourceHeaderMissingError = naming(
  defineError<{ file: string; row?: number }>(
    'SOURCE_HEADER_MISSING',
    400,
    ({ file, row }) =>
      row === undefined
        ? `The source file ${file} has no header row: it is empty`
        : `The source file ${file} has no header row: row ${row} is empty or missing`,
    'A CSV or XLSX source has no header row (an empty file or sheet); the header names the columns.',
  ),
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

export const SourceHeaderInvalidError = naming(
  defineError<{ file: string; reason: string }>(
    'SOURCE_HEADER_INVALID',
    400,
    ({ file, reason }) => `The header row of ${file} cannot be read: ${reason}`,
    'The header row of a CSV source is malformed (an unterminated quote, undecodable bytes).',
  ),
)

export const SourceJsonMalformedError = naming(
  defineError<{ file: string; position: number; reason: string }>(
    'SOURCE_JSON_MALFORMED',
    400,
    ({ file, position, reason }) => `The JSON file ${file} is malformed near byte ${position}: ${reason}`,
    'A JSON source file is not valid JSON, or its top level is not an object of selector roots; the execution fails.',
  ),
)

export const SourceSheetNotFoundError = naming(
  defineError<{
    file: string
    sheet: string | number
    sheets: string[]
  }>(
    'SOURCE_SHEET_NOT_FOUND',
    400,
    ({ file, sheet, sheets }) =>
      `The workbook ${file} has no sheet ${typeof sheet === 'number' ? `number ${sheet}` : `"${sheet}"`}; its sheets are: ${sheets.join(', ') || 'none'}`,
    'The sheet named by an XLSX source (by name or 1-based position) is not in the workbook.',
  ),
)

export const SourceWorkbookUnreadableError = naming(
  defineError<{ file: string; reason: string }>(
    'SOURCE_WORKBOOK_UNREADABLE',
    400,
    ({ file, reason }) => `The workbook ${file} cannot be read: ${reason}`,
    'An XLSX source file is not a readable Excel workbook (not a zip archive, or a damaged one).',
  ),
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
