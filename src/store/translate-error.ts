import {
  AppError,
  DatabaseBusyError,
  ForeignKeyViolationError,
  UniqueViolationError,
} from '../domain/errors.js'

interface DriverError {
  code?: unknown
  constraint?: unknown
  table?: unknown
  message?: unknown
}

/**
 * Turns a driver error into a registry error, per dialect; anything else is returned unchanged.
 * SQLite (better-sqlite3) reports `code` like SQLITE_CONSTRAINT_UNIQUE; PostgreSQL reports SQLSTATE codes.
 */
export function translateDbError(error: unknown): unknown {
  if (error instanceof AppError || typeof error !== 'object' || error === null) return error
  const e = error as DriverError
  const code = typeof e.code === 'string' ? e.code : ''
  const constraint = typeof e.constraint === 'string' ? e.constraint : undefined
  const table = typeof e.table === 'string' ? e.table : sqliteTable(e.message)
  switch (code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
    case '23505':
      return UniqueViolationError(withDefined({ table, constraint }), { cause: error })
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
    case '23503':
      return ForeignKeyViolationError(withDefined({ table, constraint }), { cause: error })
    case 'SQLITE_BUSY':
    case 'SQLITE_BUSY_SNAPSHOT':
    case 'SQLITE_LOCKED':
    case '40001':
    case '40P01':
    case '55P03':
      return DatabaseBusyError({}, { cause: error })
    default:
      return error
  }
}

/** better-sqlite3 names the column in the message: "UNIQUE constraint failed: object.object_key". */
function sqliteTable(message: unknown): string | undefined {
  if (typeof message !== 'string') return undefined
  const m = /constraint failed: (\w+)\./.exec(message)
  return m?.[1]
}

function withDefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}

/** Runs `fn` and rethrows driver errors as registry errors. */
export async function translating<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    throw translateDbError(error)
  }
}
