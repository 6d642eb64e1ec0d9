import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type RawBuilder,
} from 'kysely'
import { capabilitiesFor, type DialectCapabilities } from '../../../src/store/capabilities.js'

/** Kysely instances that only compile (no database), to read the SQL text and parameters the compiler makes. */
function compiler(dialect: 'sqlite' | 'postgres'): Kysely<any> {
  return new Kysely<any>({
    dialect: {
      createAdapter: () => (dialect === 'sqlite' ? new SqliteAdapter() : new PostgresAdapter()),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) =>
        dialect === 'sqlite' ? new SqliteIntrospector(db) : new PostgresIntrospector(db),
      createQueryCompiler: () =>
        dialect === 'sqlite' ? new SqliteQueryCompiler() : new PostgresQueryCompiler(),
    },
  })
}

export const DIALECTS = ['sqlite', 'postgres'] as const

export interface Compiled {
  sql: string
  parameters: readonly unknown[]
}

export function compileFor(
  dialect: 'sqlite' | 'postgres',
  build: (caps: DialectCapabilities) => RawBuilder<unknown>,
): Compiled {
  const q = build(capabilitiesFor(dialect)).compile(compiler(dialect))
  return { sql: q.sql, parameters: q.parameters }
}
