import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely'
import type { DialectCapabilities } from './capabilities.js'
import type { Store } from './create-store.js'
import * as m0001 from './migrations/0001-foundation.js'
import * as m0002 from './migrations/0002-import-sources.js'
import * as m0003 from './migrations/0003-aql-indexes.js'
import * as m0004 from './migrations/0004-engine.js'
import * as m0005 from './migrations/0005-executions.js'
import * as m0006 from './migrations/0006-import-files.js'
import * as m0007 from './migrations/0007-engine-load-path.js'
import * as m0008 from './migrations/0008-token-prefixes.js'
import * as m0010 from './migrations/0010-schedules.js'
import * as m0011 from './migrations/0011-upload-jobs.js'
import * as m0013 from './migrations/0013-object-history.js'
import * as m0016 from './migrations/0016-pull-read-state.js'
import * as m0017 from './migrations/0017-indexed-attributes.js'
import * as m0018 from './migrations/0018-plan-apply.js'
import * as m0019 from './migrations/0019-execution-revert.js'
import * as m0020 from './migrations/0020-delete-guard.js'
import * as m0021 from './migrations/0021-provenance.js'
import * as m0022 from './migrations/0022-object-read-path.js'
import * as m0023 from './migrations/0023-object-foreign-keys.js'
import * as m0025 from './migrations/0025-object-workspace-key.js'
import * as m0026 from './migrations/0026-sqlite-reference-keys.js'
import * as m0027 from './migrations/0027-object-key-index.js'
import * as m0028 from './migrations/0028-sqlite-deferred-object-keys.js'
import * as m0029 from './migrations/0029-pg-object-fillfactor.js'
import * as m0030 from './migrations/0030-label-on-object-row.js'
import * as m0031 from './migrations/0031-object-mark.js'
import * as m0032 from './migrations/0032-object-id-numbers.js'

type MigrationModule = {
  up: (db: Parameters<Migration['up']>[0], caps: DialectCapabilities) => Promise<void>
}

/** Ordered list of migrations; names sort in application order. Never edit one that has shipped. */
const MIGRATIONS: Record<string, MigrationModule> = {
  '0001-foundation': m0001,
  '0002-import-sources': m0002,
  '0003-aql-indexes': m0003,
  '0004-engine': m0004,
  '0005-executions': m0005,
  '0006-import-files': m0006,
  '0007-engine-load-path': m0007,
  '0008-token-prefixes': m0008,
  '0010-schedules': m0010,
  '0011-upload-jobs': m0011,
  '0013-object-history': m0013,
  '0016-pull-read-state': m0016,
  '0017-indexed-attributes': m0017,
  '0018-plan-apply': m0018,
  '0019-execution-revert': m0019,
  '0020-delete-guard': m0020,
  '0021-provenance': m0021,
  '0022-object-read-path': m0022,
  '0023-object-foreign-keys': m0023,
  '0025-object-workspace-key': m0025,
  '0026-sqlite-reference-keys': m0026,
  '0027-object-key-index': m0027,
  '0028-sqlite-deferred-object-keys': m0028,
  '0029-pg-object-fillfactor': m0029,
  '0030-label-on-object-row': m0030,
  '0031-object-mark': m0031,
  '0032-object-id-numbers': m0032,
}

/** Every migration, in order. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS)

class StaticProvider implements MigrationProvider {
  constructor(private readonly caps: DialectCapabilities) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(
      Object.entries(MIGRATIONS).map(([name, mod]) => [name, { up: (db) => mod.up(db, this.caps) }]),
    )
  }
}

export interface MigrateOutcome {
  applied: string[]
  error?: unknown
}

function migrator(store: Store): Migrator {
  return new Migrator({
    db: store.db,
    provider: new StaticProvider(store.caps),
    migrationTableName: 'intake_migration',
    migrationLockTableName: 'intake_migration_lock',
  })
}

/** Brings the schema to the latest version; returns what ran instead of throwing (Kysely's Migrator style). */
export async function migrateToLatest(store: Store): Promise<MigrateOutcome> {
  return outcome(await migrator(store).migrateToLatest())
}

/** Brings the schema up to and including the migration `name` (tests of a migration start from its predecessor). */
export async function migrateUpTo(store: Store, name: string): Promise<MigrateOutcome> {
  return outcome(await migrator(store).migrateTo(name))
}

function outcome(result: MigrationResultSet): MigrateOutcome {
  const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
  return result.error === undefined ? { applied } : { applied, error: result.error }
}
