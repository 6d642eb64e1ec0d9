import { Command } from 'commander'
import { createStore } from '../../store/create-store.js'
import { describeDatabase } from '../../store/database-presence.js'
import { migrateToLatest } from '../../store/migrate.js'
import { configOrExit } from '../config-or-exit.js'
import { explainStartupFailure } from '../startup-failure.js'

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('Bring the database schema to the latest version')
    .action(async () => {
      const config = configOrExit()
      process.stderr.write(`database: ${describeDatabase(config.database)}\n`)
      const store = createStore(config.database)
      try {
        const outcome = await migrateToLatest(store)
        for (const name of outcome.applied) process.stdout.write(`applied ${name}\n`)
        if (outcome.error !== undefined) {
          const reason =
            explainStartupFailure(outcome.error) ??
            (outcome.error instanceof Error ? outcome.error.message : String(outcome.error))
          process.stderr.write(`intake: migration failed: ${reason}\n`)
          process.exitCode = 1
        } else if (outcome.applied.length === 0) {
          process.stdout.write('the database is up to date\n')
        }
      } finally {
        await store.close()
      }
    })
}
