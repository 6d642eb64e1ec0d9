import type { SqlDriver } from './sql-driver.js'
import type { SqlConfig } from './sql.config.js'
import { mysqlDriver } from './drivers/mysql.driver.js'
import { postgresDriver } from './drivers/postgres.driver.js'
import { sqliteDriver } from './drivers/sqlite.driver.js'

/** Every SQL driver by the config's `driver`; a new engine (SQL Server, Oracle) is one more entry. */
export const SQL_DRIVERS: Readonly<Record<SqlConfig['driver'], SqlDriver>> = Object.freeze({
  postgres: postgresDriver,
  mysql: mysqlDriver,
  sqlite: sqliteDriver,
})
