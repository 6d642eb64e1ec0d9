import { DataDirectoryError } from '../store/data-dir.js'

/**
 * Why Intake could not start, as one line that says what to do — for the failures a person meets in the first hour:
 * the database missing or unreachable, the port taken, the data directory not writable. Anything else answers null
 * (and keeps its stack trace: that is a defect to report, not a setting to fix).
 */
export function explainStartupFailure(error: unknown): string | null {
  for (const e of causes(error)) {
    const line = explainOne(e)
    if (line !== null) return line
  }
  return null
}

interface ErrorFacts {
  code?: unknown
  syscall?: unknown
  address?: unknown
  port?: unknown
  path?: unknown
  hostname?: unknown
  message?: unknown
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
])
const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'ENOSPC'])

function explainOne(e: ErrorFacts): string | null {
  const code = typeof e.code === 'string' ? e.code : ''
  const message = typeof e.message === 'string' ? e.message : ''
  if (e.syscall === 'listen') {
    const where = `${String(e.address ?? '')}:${String(e.port ?? '')}`
    if (code === 'EADDRINUSE') {
      return `port ${String(e.port)} is already in use (${where}): stop the process that holds it, or set PORT to a free port (PORT=0 picks one)`
    }
    if (code === 'EADDRNOTAVAIL') {
      return `cannot listen on ${where}: that address is not one of this machine's; set HOST (0.0.0.0 listens on all)`
    }
    if (code === 'EACCES') {
      return `not allowed to listen on ${where}: ports below 1024 need privileges; set PORT to 1024 or above`
    }
  }
  if (code === '3D000') {
    const name = /database "([^"]+)"/.exec(message)?.[1] ?? '(named in DATABASE_URL)'
    return `PostgreSQL has no database ${name}: create it (createdb ${name}) or fix the database name in DATABASE_URL`
  }
  if (code === '28P01' || code === '28000') {
    return `PostgreSQL refused the login (${message}): fix the user or password in DATABASE_URL`
  }
  // An aggregate of connection attempts carries the code but not the address: its members say where.
  if (UNREACHABLE.has(code) && e.syscall !== 'listen' && !(e.address === undefined && hasMembers(e))) {
    const host = String(e.address ?? e.hostname ?? 'the host in DATABASE_URL')
    const at = e.port === undefined ? host : `${host}:${String(e.port)}`
    return `cannot reach PostgreSQL at ${at} (${code}): start it, or fix the host and port in DATABASE_URL`
  }
  if (
    /timeout exceeded when trying to connect|Connection terminated due to connection timeout/i.test(message)
  ) {
    return 'PostgreSQL did not answer within 5 s: check that it runs and that DATABASE_URL names the right host and port'
  }
  if (e instanceof DataDirectoryError) {
    return `cannot create or write the data directory ${e.dir} (${e.reason}): make it a directory the user Intake runs as can write, or set INTAKE_DATA_DIR to one`
  }
  // The SQLite database's directory, made when the store opens.
  if (NOT_WRITABLE.has(code) && e.syscall === 'mkdir' && typeof e.path === 'string') {
    return `cannot create the directory ${e.path} (${code}): make it writable by the user Intake runs as, or set INTAKE_DATA_DIR (or DATABASE_URL=sqlite:<file>) elsewhere`
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_READONLY_DIRECTORY') {
    return `cannot open the SQLite database for writing (${message}): make the data directory writable by the user Intake runs as, or set INTAKE_DATA_DIR (or DATABASE_URL=sqlite:<file>)`
  }
  if (code === 'SQLITE_NOTADB') {
    return 'the SQLite database file is not a database: point INTAKE_DATA_DIR or DATABASE_URL at an Intake database'
  }
  return null
}

function hasMembers(e: ErrorFacts): boolean {
  return Array.isArray((e as { errors?: unknown }).errors)
}

/** The error, its causes and the errors it aggregates (Node reports a refused dual-stack connect as several). */
function causes(error: unknown, depth = 0): ErrorFacts[] {
  if (error === null || typeof error !== 'object' || depth > 5) return []
  const e = error as ErrorFacts & { cause?: unknown; errors?: unknown }
  const nested = [
    ...(Array.isArray(e.errors) ? e.errors.flatMap((x) => causes(x, depth + 1)) : []),
    ...causes(e.cause, depth + 1),
  ]
  return [e, ...nested]
}
