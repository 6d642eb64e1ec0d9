import pg from 'pg'
import type { SqlConfig } from '../sql.config.js'
import {
  classifyNetwork,
  detailOf,
  type SqlDriver,
  type SqlFailure,
  type SqlRow,
  type SqlSession,
} from '../sql-driver.js'

/** Dates and naive timestamps as the server writes them: no shift through the process's time zone. */
const RAW = (value: string) => value
const TYPES = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 1082 || oid === 1114
      ? RAW
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
}

function clientConfig(config: SqlConfig): pg.ClientConfig {
  const tls = config.tls
  return {
    ...(config.url !== undefined ? { connectionString: config.url } : {}),
    ...(config.host !== undefined && { host: config.host }),
    ...(config.port !== undefined && { port: config.port }),
    ...(config.database !== undefined && { database: config.database }),
    ...(config.user !== undefined && { user: config.user }),
    ...(config.password !== undefined && { password: config.password }),
    ...(tls?.enabled
      ? { ssl: { rejectUnauthorized: tls.rejectUnauthorized, ...(tls.ca !== undefined && { ca: tls.ca }) } }
      : tls !== undefined
        ? { ssl: false }
        : {}),
    connectionTimeoutMillis: config.connectTimeoutMs,
    application_name: 'intake-sql-source',
    types: TYPES,
  }
}

/**
 * PostgreSQL through `pg`: each read runs in a READ ONLY transaction with a server-side cursor
 * (`DECLARE … NO SCROLL CURSOR`, `FETCH n`), so a million-row table is never held in memory.
 */
export const postgresDriver: SqlDriver = {
  async connect(config, signal) {
    const client = new pg.Client(clientConfig(config))
    // A connection that dies while idle (between our queries) must not crash the process.
    client.on('error', () => undefined)
    const abort = () => void client.end().catch(() => undefined)
    signal.addEventListener('abort', abort, { once: true })
    try {
      await client.connect()
    } catch (error) {
      signal.removeEventListener('abort', abort)
      await client.end().catch(() => undefined)
      throw error
    }
    signal.removeEventListener('abort', abort)
    return session(client)
  },
  quoteName: (name) =>
    name
      .split('.')
      .map((part) => `"${part.replace(/"/g, '""')}"`)
      .join('.'),
  param: (n) => `$${n}`,
  classify,
  describe: (config) => {
    if (config.url !== undefined) {
      try {
        const u = new URL(config.url)
        return `${u.hostname}:${u.port || 5432}${u.pathname}`
      } catch {
        return 'the configured url'
      }
    }
    return `${config.host ?? 'localhost'}:${config.port ?? 5432}/${config.database ?? ''}`
  },
}

let cursors = 0

function session(client: pg.Client): SqlSession {
  return {
    async query(sql, params) {
      const result = await client.query({ text: sql, values: [...params] })
      return { columns: result.fields.map((f) => f.name), rows: result.rows as SqlRow[] }
    },
    async *stream(sql, params, size, signal) {
      const name = `intake_c${++cursors}`
      await client.query('begin read only')
      try {
        await client.query({ text: `declare ${name} no scroll cursor for ${sql}`, values: [...params] })
        for (;;) {
          signal.throwIfAborted()
          const batch = await client.query(`fetch ${size} from ${name}`)
          if (batch.rows.length > 0) yield batch.rows as SqlRow[]
          if (batch.rows.length < size) break
        }
        await client.query(`close ${name}`)
        await client.query('commit')
      } catch (error) {
        await client.query('rollback').catch(() => undefined)
        throw error
      }
    },
    close: () => client.end().catch(() => undefined),
  }
}

function classify(error: unknown): SqlFailure | null {
  const network = classifyNetwork(error)
  if (network) return network
  const code = (error as { code?: unknown }).code
  const detail = detailOf(error)
  switch (code) {
    case '28P01':
    case '28000':
      return { code: 'AUTH_FAILED', detail }
    case '3D000':
      return { code: 'DATABASE_NOT_FOUND', detail }
    case '42501':
      return { code: 'PERMISSION_DENIED', detail }
    case '42P01':
      return { code: 'TABLE_NOT_FOUND', detail }
    case '42703':
      return { code: 'COLUMN_NOT_FOUND', detail }
    case '57P01':
    case '57P02':
    case '57P03':
      return { code: 'CONNECTION_LOST', detail }
    case '57014':
      return { code: 'TIMEOUT', detail }
  }
  if (typeof code === 'string' && /^(42|22|0A)/.test(code)) return { code: 'QUERY_INVALID', detail }
  if (/does not support SSL|SSL|certificate/i.test(detail)) return { code: 'TLS_FAILED', detail }
  if (
    /Connection terminated|connection.*(closed|ended)|Client has encountered a connection error/i.test(detail)
  )
    return { code: 'CONNECTION_LOST', detail }
  if (/timeout/i.test(detail)) return { code: 'HOST_UNREACHABLE', detail: 'the connection timed out' }
  if (typeof code === 'string') return { code: 'DATABASE_ERROR', detail: `${code}: ${detail}` }
  return null
}
