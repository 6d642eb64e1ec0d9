import path from 'node:path'

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

export interface DatabaseConfig {
  readonly dialect: 'sqlite' | 'postgres'
  /** postgres connection string, or the SQLite file path (':memory:' allowed). */
  readonly url: string
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
  /** Largest total size of the chunks of one execution. */
  readonly maxExecutionBytes: number
  readonly logLevel: LogLevel
  /** Failed authentication attempts allowed per address and minute before 429. */
  readonly authFailureLimit: number
  /** Largest file a client may upload to a file import source (PUT …/file). */
  readonly maxUploadBytes: number
  /** The directory whose files `PUT …/file {"path"}` may name; null = server-side files are refused. */
  readonly importDir: string | null
  /**
   * INTAKE_SECRET_KEY: the 32-byte AES-256-GCM key that encrypts the secrets of source configs (passwords,
   * tokens). null = secrets are refused (409 SECRET_KEY_MISSING) and stored ones cannot be read.
   */
  readonly secretKey: Uint8Array | null
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
  const maxExecutionBytes = int('INTAKE_MAX_EXECUTION_BYTES', 8 * 1024 ** 3, 1024, 2 ** 50)
  const authFailureLimit = int('INTAKE_AUTH_FAILURE_LIMIT', 20, 1, 100_000)
  const maxUploadBytes = int('INTAKE_MAX_UPLOAD_BYTES', 1024 ** 3, 1, 2 ** 50)
  const importDirRaw = read('INTAKE_IMPORT_DIR')
  const importDir = importDirRaw === undefined ? null : path.resolve(importDirRaw)

  const secretKey = parseSecretKey(read('INTAKE_SECRET_KEY'), problems)

  const logLevelRaw = read('LOG_LEVEL') ?? 'info'
  let logLevel: LogLevel = 'info'
  if ((LOG_LEVELS as readonly string[]).includes(logLevelRaw)) logLevel = logLevelRaw as LogLevel
  else problems.push({ name: 'LOG_LEVEL', value: logLevelRaw, expected: LOG_LEVELS.join(' | ') })

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
    maxExecutionBytes,
    logLevel,
    authFailureLimit,
    maxUploadBytes,
    importDir,
    secretKey,
  })
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
