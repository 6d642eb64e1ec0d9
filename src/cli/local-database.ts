import type { AppConfig } from '../config/config.js'
import { describeDatabase, holdsIntake } from '../store/database-presence.js'
import { CliError } from './import-client.js'

/**
 * Before a command works directly on the database (no server): says on stderr which database that is, and refuses
 * one that holds no Intake data yet unless `create` — a mistyped DATABASE_URL or another working directory would
 * otherwise make a new, empty database silently (and a token created there opens nothing).
 */
export async function checkLocalDatabase(config: AppConfig, options: { create?: boolean }): Promise<void> {
  const described = describeDatabase(config.database)
  process.stderr.write(`database: ${described}\n`)
  if (options.create === true || (await holdsIntake(config.database))) return
  throw new CliError(
    `${described} holds no Intake database. Set DATABASE_URL (or INTAKE_DATA_DIR) to the database your server ` +
      'uses, or pass --create to create a new one there.',
  )
}
