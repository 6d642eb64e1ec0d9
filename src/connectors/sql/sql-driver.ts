import type { SqlConfig } from './sql.config.js'

/** Why a connection or a query failed, as the connection test answers it (docs/sources.md). */
export type SqlFailureCode =
  | 'HOST_UNREACHABLE'
  | 'AUTH_FAILED'
  | 'DATABASE_NOT_FOUND'
  | 'PERMISSION_DENIED'
  | 'TABLE_NOT_FOUND'
  | 'COLUMN_NOT_FOUND'
  | 'QUERY_INVALID'
  | 'TLS_FAILED'
  | 'CONNECTION_LOST'
  | 'TIMEOUT'
  | 'DATABASE_ERROR'

export interface SqlFailure {
  code: SqlFailureCode
  /** The driver's own words (never holding a secret), for the message. */
  detail: string
}

export type SqlRow = Record<string, unknown>

/** One open connection, read-only. */
export interface SqlSession {
  /** The rows of a bounded query (samples, checks) and its column names in order. */
  query(sql: string, params: readonly unknown[]): Promise<{ columns: string[]; rows: SqlRow[] }>
  /**
   * The rows of a query in batches of at most `size`, read from the server as they are consumed (a server-side
   * cursor, a streamed result set, a stepped statement): never the whole result in memory.
   */
  stream(sql: string, params: readonly unknown[], size: number, signal: AbortSignal): AsyncIterable<SqlRow[]>
  close(): Promise<void>
}

/**
 * A database engine: how to connect, quote and bind, and how its errors read. Adding SQL Server or Oracle is a
 * new driver in `drivers/` and a line in `drivers.ts`; the connector and the engine do not change.
 */
export interface SqlDriver {
  /** Opens a read-only session; throws the driver's error (see `classify`). */
  connect(config: SqlConfig, signal: AbortSignal): Promise<SqlSession>
  /** Quotes a possibly schema-qualified name (`inventory.hosts`). */
  quoteName(name: string): string
  /** The placeholder of the `n`-th (1-based) parameter. */
  param(n: number): string
  /** What a driver error means for the user; null when it is not one of this driver's errors. */
  classify(error: unknown): SqlFailure | null
  /** Where the config points, for messages: `host:port/database` or the SQLite file (never a secret). */
  describe(config: SqlConfig): string
}

/** The message of an unknown error, without a stack. */
export function detailOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'])
const LOST_CODES = new Set(['ECONNRESET', 'EPIPE', 'PROTOCOL_CONNECTION_LOST'])

/** Network-level errors every TCP driver shares. */
export function classifyNetwork(error: unknown): SqlFailure | null {
  const code = (error as { code?: unknown }).code
  if (typeof code !== 'string') return null
  if (NETWORK_CODES.has(code)) return { code: 'HOST_UNREACHABLE', detail: `${code}: ${detailOf(error)}` }
  if (code === 'ETIMEDOUT') return { code: 'HOST_UNREACHABLE', detail: 'the connection timed out' }
  if (LOST_CODES.has(code)) return { code: 'CONNECTION_LOST', detail: detailOf(error) }
  if (/^(ERR_TLS|ERR_SSL|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_VERIFY|CERT_)/.test(code))
    return { code: 'TLS_FAILED', detail: detailOf(error) }
  return null
}
