import path from 'node:path'

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

export interface DatabaseConfig {
  readonly dialect: 'sqlite' | 'postgres'
  /** postgres connection string, or the SQLite file path (':memory:' allowed). */
  readonly url: string
  /**
   * SQLite: the page cache of the connections imports write through (the engine's), in MiB (INTAKE_SQLITE_CACHE_MB;
   * absent = SQLITE_CACHE_MB).
   */
  readonly sqliteCacheMb?: number
  /** SQLite: the page cache of the API's connection, in MiB (INTAKE_SQLITE_API_CACHE_MB; absent = SQLITE_API_CACHE_MB). */
  readonly sqliteApiCacheMb?: number
}

export interface AppConfig {
  readonly port: number
  readonly host: string
  readonly database: DatabaseConfig
  readonly dataDir: string
  readonly adminToken: string | null
  readonly workspaceId: string | null
  readonly publicUrl: string | null
  readonly maxBodyBytes: number
  readonly workerConcurrency: number
  /** Days after which the chunk payloads of finished executions are purged (results and problems stay). */
  readonly chunkRetentionDays: number
  /** Hours a dry run's stored plan stays applicable before it is purged (INTAKE_PLAN_TTL_HOURS, default 24). */
  readonly planTtlHours: number
  /** Largest total size of the chunks of one execution. */
  readonly maxExecutionBytes: number
  readonly logLevel: LogLevel
  /** Failed authentication attempts allowed per address and minute before 429. */
  readonly authFailureLimit: number
  /** Largest file a client may upload to a file import source (PUT …/file). */
  readonly maxUploadBytes: number
  /** The directory whose files `PUT …/file {"path"}` may name; null = server-side files are refused. */
  readonly importDir: string | null
  /** Connection limits of the HTTP server (see ConnectionLimits). */
  readonly connections: ConnectionLimits
  /**
   * Which proxies' X-Forwarded-For / -Proto / -Host to believe (Fastify's `trustProxy`): false (none), true (any),
   * a hop count, or addresses and CIDR ranges. The client address it yields is what the failed-auth limiter counts.
   */
  readonly trustProxy: boolean | number | string[]
  /** Origins allowed to call the API from a browser (CORS); empty = no CORS headers at all. `*` allows any. */
  readonly corsOrigins: readonly string[]
  /** Most bytes the parts of an XLSX workbook that are read may decompress to (an XLSX bomb stops there). */
  readonly xlsxMaxBytes: number
  /** Most cells (rows × columns spanned) the sheets of an XLSX workbook may hold. */
  readonly xlsxMaxCells: number
  /** Most columns of a CSV or XLSX header, and distinct fields a JSON discovery may find. */
  readonly sourceMaxColumns: number
  /** Largest `sampleSize` a discovery may ask for. */
  readonly discoverMaxSampleSize: number
  /** A discovery sample longer than this many characters is cut. */
  readonly discoverMaxSampleChars: number
  /**
   * INTAKE_SECRET_KEY: the 32-byte AES-256-GCM key that encrypts the secrets of source configs (passwords,
   * tokens). null = secrets are refused (409 SECRET_KEY_MISSING) and stored ones cannot be read.
   */
  readonly secretKey: Uint8Array | null
  /**
   * INTAKE_HEAP_GROWTH_PERCENT: how far V8's heap may grow above what a full garbage collection left live before
   * it collects again (`serve` and `worker` apply it at start, see heap-growth.ts); 0 = V8's own heuristics.
   */
  readonly heapGrowthPercent: number
  /**
   * Node's own memory settings, which only node's start can set (docs/decisions/0010-node-memory-flags.md), read
   * for the start banner: NODE_OPTIONS (it may carry --max-semi-space-size) and MALLOC_ARENA_MAX (glibc's limit on
   * malloc arenas; null when unset).
   */
  readonly nodeOptions: string
  readonly mallocArenaMax: string | null
}

/**
 * Timeouts and the connection cap of the HTTP server. Every timeout measures inactivity or the header block, never
 * the length of a whole upload, unless `requestTimeoutMs` is set.
 */
export interface ConnectionLimits {
  /** The request line and headers must have arrived within this time of the request's start. */
  readonly headersTimeoutMs: number
  /** A socket with no bytes in either direction for this long is closed (an upload that keeps sending lives on). */
  readonly idleTimeoutMs: number
  /** An idle kept-alive connection between two requests is closed after this. */
  readonly keepAliveTimeoutMs: number
  /** Time to receive a whole request, body included; 0 = no limit (long uploads are bounded by inactivity). */
  readonly requestTimeoutMs: number
  /** Sockets open at once; further connections are refused until some close. */
  readonly maxConnections: number
}

export interface ConfigProblem {
  name: string
  value: string | undefined
  expected: string
}

export class ConfigError extends Error {
  readonly problems: ConfigProblem[]
  constructor(problems: ConfigProblem[]) {
    super(
      'Invalid configuration:\n' +
        problems
          .map(
            (p) =>
              `  ${p.name}=${p.value === undefined ? '(unset)' : JSON.stringify(p.value)}: expected ${p.expected}`,
          )
          .join('\n'),
    )
    this.name = 'ConfigError'
    this.problems = problems
  }
}

type Env = Record<string, string | undefined>

/**
 * The default page cache of the SQLite connection imports write through (the engine's), in MiB (SQLite's own default
 * is 2); pages that miss it are read from the operating system's file cache.
 */
export const SQLITE_CACHE_MB = 16
/**
 * The default page cache of the API's SQLite connection, in MiB. Its requests touch a few pages each (a lookup reads
 * the index's upper levels, which stay cached, and a leaf or two that a larger cache would not hold either at a
 * million objects) and push chunks pass through it once; at 16 MiB it was ~15 MB of a server's peak RSS during a
 * push (docs/benchmarks.md).
 */
export const SQLITE_API_CACHE_MB = 4
/** The default of INTAKE_HEAP_GROWTH_PERCENT (V8's own heuristics let a heap grow to ~4× what is live). */
export const HEAP_GROWTH_PERCENT = 100

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Reads and validates the environment once; lists every problem at once. The only reader of process.env. */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: ConfigProblem[] = []
  const read = (name: string): string | undefined => {
    const v = env[name]
    return v === undefined || v.trim() === '' ? undefined : v.trim()
  }
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name)
    if (raw === undefined) return fallback
    const n = Number(raw)
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
      problems.push({ name, value: raw, expected: `an integer from ${min} to ${max}` })
      return fallback
    }
    return n
  }

  const port = int('PORT', 8080, 0, 65535)
  const host = read('HOST') ?? '127.0.0.1'
  const dataDir = path.resolve(read('INTAKE_DATA_DIR') ?? './data')

  let database: DatabaseConfig = { dialect: 'sqlite', url: path.join(dataDir, 'intake.db') }
  const dbUrl = read('DATABASE_URL')
  if (dbUrl !== undefined) {
    if (/^postgres(ql)?:\/\//i.test(dbUrl)) {
      try {
        const u = new URL(dbUrl)
        if (u.hostname === '' && !u.searchParams.has('host')) throw new Error('no host')
        database = { dialect: 'postgres', url: dbUrl }
      } catch {
        problems.push({
          name: 'DATABASE_URL',
          value: dbUrl,
          expected: 'a valid postgres://user@host:port/db URL',
        })
      }
    } else if (/^sqlite:/i.test(dbUrl)) {
      const file = dbUrl.replace(/^sqlite:(\/\/)?/i, '')
      database = { dialect: 'sqlite', url: file === ':memory:' ? file : path.resolve(file) }
    } else {
      problems.push({
        name: 'DATABASE_URL',
        value: dbUrl,
        expected: 'postgres://… for PostgreSQL or sqlite:<file> (unset = SQLite in INTAKE_DATA_DIR)',
      })
    }
  }

  const adminToken = read('INTAKE_ADMIN_TOKEN') ?? null
  if (adminToken !== null && adminToken.length < 16) {
    problems.push({ name: 'INTAKE_ADMIN_TOKEN', value: '***', expected: 'at least 16 characters' })
  }

  const workspaceId = read('INTAKE_WORKSPACE_ID') ?? null
  if (workspaceId !== null && !/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/.test(workspaceId)) {
    problems.push({
      name: 'INTAKE_WORKSPACE_ID',
      value: workspaceId,
      expected: 'letters, digits and dashes, 1 to 64 characters (a UUID is typical)',
    })
  }

  let publicUrl = read('INTAKE_PUBLIC_URL') ?? null
  if (publicUrl !== null) {
    try {
      const u = new URL(publicUrl)
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme')
      publicUrl = publicUrl.replace(/\/+$/, '')
    } catch {
      problems.push({ name: 'INTAKE_PUBLIC_URL', value: publicUrl, expected: 'an absolute http(s) URL' })
      publicUrl = null
    }
  }

  const maxBodyBytes = int('INTAKE_MAX_BODY_BYTES', 16 * 1024 * 1024, 1024, 2 ** 31)
  const workerConcurrency = int('INTAKE_WORKER_CONCURRENCY', 1, 1, 64)
  const chunkRetentionDays = int('INTAKE_CHUNK_RETENTION_DAYS', 7, 0, 36_500)
  const planTtlHours = int('INTAKE_PLAN_TTL_HOURS', 24, 1, 24 * 366)
  const maxExecutionBytes = int('INTAKE_MAX_EXECUTION_BYTES', 8 * 1024 ** 3, 1024, 2 ** 50)
  const authFailureLimit = int('INTAKE_AUTH_FAILURE_LIMIT', 20, 1, 100_000)
  const maxUploadBytes = int('INTAKE_MAX_UPLOAD_BYTES', 1024 ** 3, 1, 2 ** 50)
  const xlsxMaxBytes = int('INTAKE_XLSX_MAX_BYTES', 1024 ** 3, 1024, 2 ** 50)
  const xlsxMaxCells = int('INTAKE_XLSX_MAX_CELLS', 50_000_000, 1, 2 ** 40)
  const sourceMaxColumns = int('INTAKE_SOURCE_MAX_COLUMNS', 2_000, 1, 1_000_000)
  const discoverMaxSampleSize = int('INTAKE_DISCOVER_MAX_SAMPLE_SIZE', 1_000, 100, 100_000)
  const discoverMaxSampleChars = int('INTAKE_DISCOVER_MAX_SAMPLE_CHARS', 200, 8, 1_000_000)
  const sqliteCacheMb = int('INTAKE_SQLITE_CACHE_MB', SQLITE_CACHE_MB, 1, 65_536)
  const sqliteApiCacheMb = int('INTAKE_SQLITE_API_CACHE_MB', SQLITE_API_CACHE_MB, 1, 65_536)
  const heapGrowthPercent = int('INTAKE_HEAP_GROWTH_PERCENT', HEAP_GROWTH_PERCENT, 0, 1_000)
  const importDirRaw = read('INTAKE_IMPORT_DIR')
  const importDir = importDirRaw === undefined ? null : path.resolve(importDirRaw)

  const connections: ConnectionLimits = Object.freeze({
    headersTimeoutMs: int('INTAKE_HEADERS_TIMEOUT_MS', 30 * SECOND, 100, HOUR),
    idleTimeoutMs: int('INTAKE_IDLE_TIMEOUT_MS', 2 * MINUTE, 100, DAY),
    keepAliveTimeoutMs: int('INTAKE_KEEP_ALIVE_TIMEOUT_MS', 72 * SECOND, 100, HOUR),
    requestTimeoutMs: int('INTAKE_REQUEST_TIMEOUT_MS', 0, 0, DAY),
    maxConnections: int('INTAKE_MAX_CONNECTIONS', 512, 1, 1_000_000),
  })
  if (connections.requestTimeoutMs > 0 && connections.requestTimeoutMs < connections.headersTimeoutMs) {
    problems.push({
      name: 'INTAKE_REQUEST_TIMEOUT_MS',
      value: String(connections.requestTimeoutMs),
      expected: `0 or at least INTAKE_HEADERS_TIMEOUT_MS (${connections.headersTimeoutMs})`,
    })
  }

  const trustProxy = parseTrustProxy(read('INTAKE_TRUST_PROXY'), problems)
  const corsOrigins = parseCorsOrigins(read('INTAKE_CORS_ORIGINS'), problems)
  const secretKey = parseSecretKey(read('INTAKE_SECRET_KEY'), problems)

  const logLevelRaw = read('LOG_LEVEL') ?? 'info'
  let logLevel: LogLevel = 'info'
  if ((LOG_LEVELS as readonly string[]).includes(logLevelRaw)) logLevel = logLevelRaw as LogLevel
  else problems.push({ name: 'LOG_LEVEL', value: logLevelRaw, expected: LOG_LEVELS.join(' | ') })

  if (database.dialect === 'sqlite') database = { ...database, sqliteCacheMb, sqliteApiCacheMb }
  if (problems.length > 0) throw new ConfigError(problems)
  return Object.freeze({
    port,
    host,
    database: Object.freeze(database),
    dataDir,
    adminToken,
    workspaceId,
    publicUrl,
    maxBodyBytes,
    workerConcurrency,
    chunkRetentionDays,
    planTtlHours,
    maxExecutionBytes,
    logLevel,
    authFailureLimit,
    maxUploadBytes,
    importDir,
    connections,
    trustProxy: Array.isArray(trustProxy) ? (Object.freeze(trustProxy) as string[]) : trustProxy,
    corsOrigins: Object.freeze(corsOrigins),
    xlsxMaxBytes,
    xlsxMaxCells,
    sourceMaxColumns,
    discoverMaxSampleSize,
    discoverMaxSampleChars,
    secretKey,
    heapGrowthPercent,
    nodeOptions: read('NODE_OPTIONS') ?? '',
    mallocArenaMax: read('MALLOC_ARENA_MAX') ?? null,
  })
}

/** What the CLI's client commands read from the environment, so that a token stays out of `ps` and shell history. */
export interface ClientEnv {
  /** INTAKE_URL: the server the commands talk to. */
  readonly url: string | null
  /** INTAKE_TOKEN: the API token they send. */
  readonly token: string | null
  /** INTAKE_WORKSPACE_ID: the workspace (the server prints its id when it starts). */
  readonly workspaceId: string | null
}

/** Reads INTAKE_URL, INTAKE_TOKEN and INTAKE_WORKSPACE_ID (only these: a client needs no server settings). */
export function loadClientEnv(env: Env = process.env): ClientEnv {
  const read = (name: string): string | null => {
    const v = env[name]?.trim()
    return v === undefined || v === '' ? null : v
  }
  const url = read('INTAKE_URL')
  if (url !== null && !/^https?:\/\/[^/]/i.test(url)) {
    throw new ConfigError([
      { name: 'INTAKE_URL', value: url, expected: 'an http(s) URL such as http://127.0.0.1:8080' },
    ])
  }
  return Object.freeze({ url, token: read('INTAKE_TOKEN'), workspaceId: read('INTAKE_WORKSPACE_ID') })
}

/** `false`/unset, `true`, a hop count, or a comma-separated list of addresses and CIDR ranges. */
function parseTrustProxy(raw: string | undefined, problems: ConfigProblem[]): boolean | number | string[] {
  if (raw === undefined || /^(false|no|0)$/i.test(raw)) return false
  if (/^(true|yes)$/i.test(raw)) return true
  if (/^\d{1,2}$/.test(raw)) return Number(raw)
  const entries = raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
  const address = /^(?:[0-9.]+|[0-9a-f:]+)(?:\/\d{1,3})?$/i
  const bad = entries.filter((e) => !address.test(e) && !['loopback', 'linklocal', 'uniquelocal'].includes(e))
  if (entries.length === 0 || bad.length > 0) {
    problems.push({
      name: 'INTAKE_TRUST_PROXY',
      value: raw,
      expected:
        'true, false, a hop count, or addresses / CIDR ranges (10.0.0.0/8, loopback, …) separated by commas',
    })
    return false
  }
  return entries
}

/** `*` or a comma-separated list of origins (`https://console.example.com`, no path). */
function parseCorsOrigins(raw: string | undefined, problems: ConfigProblem[]): string[] {
  if (raw === undefined) return []
  const entries = raw
    .split(',')
    .map((e) => e.trim().replace(/\/+$/, ''))
    .filter(Boolean)
  const bad = entries.filter((e) => {
    if (e === '*') return false
    try {
      const u = new URL(e)
      return (u.protocol !== 'http:' && u.protocol !== 'https:') || u.origin !== e
    } catch {
      return true
    }
  })
  if (bad.length > 0) {
    problems.push({
      name: 'INTAKE_CORS_ORIGINS',
      value: raw,
      expected:
        '* or origins such as https://console.example.com separated by commas (scheme, host and port only)',
    })
    return []
  }
  return entries
}

/** INTAKE_SECRET_KEY: 32 bytes as 64 hex digits or as base64 / base64url (44 or 43 characters). */
function parseSecretKey(raw: string | undefined, problems: ConfigProblem[]): Uint8Array | null {
  if (raw === undefined) return null
  let key: Buffer | null = null
  if (/^[0-9a-fA-F]{64}$/.test(raw)) key = Buffer.from(raw, 'hex')
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(raw)) key = Buffer.from(raw, 'base64')
  if (key?.length === 32) return new Uint8Array(key)
  problems.push({
    name: 'INTAKE_SECRET_KEY',
    value: '***',
    expected: '32 random bytes as 64 hex digits or base64 (e.g. `openssl rand -base64 32`)',
  })
  return null
}
