import { lazyModule } from '../lazy-module.js'
import type { SqlDriver } from './sql-driver.js'
import type { SqlConfig } from './sql.config.js'

/**
 * Every SQL driver by the config's `driver`, each loaded (with its client library: pg, mysql2, better-sqlite3) by
 * the first source that uses it (lazy-module.ts); a new engine (SQL Server, Oracle) is one more entry.
 */
const LOADERS: Readonly<Record<SqlConfig['driver'], () => Promise<SqlDriver>>> = Object.freeze({
  postgres: lazyModule(async () => (await import('./drivers/postgres.driver.js')).postgresDriver),
  mysql: lazyModule(async () => (await import('./drivers/mysql.driver.js')).mysqlDriver),
  sqlite: lazyModule(async () => (await import('./drivers/sqlite.driver.js')).sqliteDriver),
})

/** The driver of `name`, loaded on first use. */
export function sqlDriver(name: SqlConfig['driver']): Promise<SqlDriver> {
  return LOADERS[name]()
}
