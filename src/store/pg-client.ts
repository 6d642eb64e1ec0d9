import { createRequire } from 'node:module'
import type pg from 'pg'
import type * as PgCopyStreams from 'pg-copy-streams'

const require = createRequire(import.meta.url)

let pgModule: typeof pg | undefined
let copyStreams: typeof PgCopyStreams | undefined

/**
 * The PostgreSQL client libraries, loaded the first time a PostgreSQL database is used: imported at the top of the
 * store they were in the heap of every process, ~3 MB that a server on SQLite never uses (and the heap may grow to
 * twice its live data, INTAKE_HEAP_GROWTH_PERCENT). Both are CommonJS, so `require` loads them synchronously where
 * the store is created (createStore is synchronous). test/e2e/server-memory.test.ts checks a SQLite server never
 * loads them.
 */
export function loadPg(): typeof pg {
  // Kept: the pool asks for a type parser per column of every result.
  return (pgModule ??= require('pg') as typeof pg)
}

/** pg-copy-streams (COPY … FROM STDIN), loaded with the first PostgreSQL bulk write. */
export function loadPgCopyStreams(): typeof PgCopyStreams {
  return (copyStreams ??= require('pg-copy-streams') as typeof PgCopyStreams)
}
