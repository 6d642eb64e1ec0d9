import mysql from 'mysql2'
import type { SqlConfig } from '../sql.config.js'
import {
  classifyNetwork,
  detailOf,
  type SqlDriver,
  type SqlFailure,
  type SqlRow,
  type SqlSession,
} from '../sql-driver.js'

function connectionOptions(config: SqlConfig): mysql.ConnectionOptions {
  const tls = config.tls
  return {
    ...(config.url !== undefined ? { uri: config.url.replace(/^mariadb:/, 'mysql:') } : {}),
    ...(config.host !== undefined && { host: config.host }),
    ...(config.port !== undefined && { port: config.port }),
    ...(config.database !== undefined && { database: config.database }),
    ...(config.user !== undefined && { user: config.user }),
    ...(config.password !== undefined && { password: config.password }),
    ...(tls?.enabled && {
      ssl: { rejectUnauthorized: tls.rejectUnauthorized, ...(tls.ca !== undefined && { ca: tls.ca }) },
    }),
    connectTimeout: config.connectTimeoutMs,
    // Dates as the server writes them (no shift through the process's zone); big integers and decimals exact.
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    multipleStatements: false,
  }
}

/**
 * MySQL and MariaDB through `mysql2`: each read runs in a READ ONLY transaction as a streamed (unbuffered) result
 * set, paused while a batch is handed on, so a million-row table is never held in memory.
 */
export const mysqlDriver: SqlDriver = {
  async connect(config, signal) {
    const connection = mysql.createConnection(connectionOptions(config))
    // A connection that dies while idle must not crash the process; the next query reports it.
    connection.on('error', () => undefined)
    const abort = () => connection.destroy()
    signal.addEventListener('abort', abort, { once: true })
    try {
      await new Promise<void>((resolve, reject) =>
        connection.connect((error) => (error ? reject(error) : resolve())),
      )
    } catch (error) {
      connection.destroy()
      throw error
    } finally {
      signal.removeEventListener('abort', abort)
    }
    return session(connection)
  },
  quoteName: (name) =>
    name
      .split('.')
      .map((part) => `\`${part.replace(/`/g, '``')}\``)
      .join('.'),
  param: () => '?',
  classify,
  describe: (config) => {
    if (config.url !== undefined) {
      try {
        const u = new URL(config.url)
        return `${u.hostname}:${u.port || 3306}${u.pathname}`
      } catch {
        return 'the configured url'
      }
    }
    return `${config.host ?? 'localhost'}:${config.port ?? 3306}/${config.database ?? ''}`
  },
}

function session(connection: mysql.Connection): SqlSession {
  const promised = connection.promise()
  /** A result set left unread (a pause, a cancel, an error): the connection cannot end politely after it. */
  let abandoned = false
  return {
    async query(sql, params) {
      const [rows, fields] = await promised.query({ sql, values: [...params] })
      return {
        columns: (fields as mysql.FieldPacket[] | undefined)?.map((f) => f.name) ?? [],
        rows: rows as SqlRow[],
      }
    },
    async *stream(sql, params, size, signal) {
      await promised.query('start transaction read only')
      const rows = connection.query({ sql, values: [...params] }).stream({ highWaterMark: size })
      let finished = false
      const stop = () => rows.destroy(signal.reason instanceof Error ? signal.reason : undefined)
      signal.addEventListener('abort', stop, { once: true })
      try {
        let batch: SqlRow[] = []
        for await (const row of rows) {
          batch.push(row as SqlRow)
          if (batch.length >= size) {
            yield batch
            batch = []
          }
        }
        signal.throwIfAborted()
        if (batch.length > 0) yield batch
        await promised.query('commit')
        finished = true
      } finally {
        signal.removeEventListener('abort', stop)
        if (!finished) abandoned = true
        rows.destroy()
      }
    },
    close: async () => {
      if (abandoned) connection.destroy()
      else await promised.end().catch(() => connection.destroy())
    },
  }
}

function classify(error: unknown): SqlFailure | null {
  const code = (error as { code?: unknown }).code
  const detail = detailOf(error)
  switch (code) {
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
    case 'ER_NOT_SUPPORTED_AUTH_MODE':
      return { code: 'AUTH_FAILED', detail }
    case 'ER_DBACCESS_DENIED_ERROR':
    case 'ER_TABLEACCESS_DENIED_ERROR':
    case 'ER_COLUMNACCESS_DENIED_ERROR':
      return { code: 'PERMISSION_DENIED', detail }
    case 'ER_BAD_DB_ERROR':
      return { code: 'DATABASE_NOT_FOUND', detail }
    case 'ER_NO_SUCH_TABLE':
      return { code: 'TABLE_NOT_FOUND', detail }
    case 'ER_BAD_FIELD_ERROR':
      return { code: 'COLUMN_NOT_FOUND', detail }
    case 'ER_PARSE_ERROR':
    case 'ER_WRONG_VALUE_COUNT_ON_ROW':
      return { code: 'QUERY_INVALID', detail }
    case 'ER_CONNECTION_KILLED':
    case 'ER_SERVER_SHUTDOWN':
    case 'PROTOCOL_CONNECTION_LOST':
      return { code: 'CONNECTION_LOST', detail }
    case 'HANDSHAKE_NO_SSL_SUPPORT':
      return { code: 'TLS_FAILED', detail }
  }
  const network = classifyNetwork(error)
  if (network) return network
  if (/Connection lost|closed state|connection.*(killed|closed)/i.test(detail))
    return { code: 'CONNECTION_LOST', detail }
  if (typeof code === 'string' && code.startsWith('ER_'))
    return { code: 'DATABASE_ERROR', detail: `${code}: ${detail}` }
  return null
}
