import { defineError } from '../../domain/errors.js'
import type { SqlFailureCode } from './sql-driver.js'

/** A SQL source failed to connect or read; `code` says why (docs/sources.md, "Checking the connection"). */
export const SqlSourceError = defineError<{
  code: SqlFailureCode
  reason: string
  root?: string
  rowsRead?: number
}>(
  'SQL_SOURCE_FAILED',
  400,
  ({ reason }) => reason,
  'A database source cannot be reached or read (host unreachable, authentication failed, table missing, the ' +
    'connection lost mid-read); `details.code` says why and the message what to fix.',
)
