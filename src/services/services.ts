import type { AppConfig } from '../config/config.js'
import { systemClock, type Clock } from '../domain/clock.js'
import type { Store } from '../store/create-store.js'
import { AqlService } from './aql.service.js'
import { ExecutionQueries } from './execution-queries.service.js'
import { ExecutionRuns } from './execution-runs.js'
import { ExecutionService } from './execution.service.js'
import { ImportSourceService } from './import-source.service.js'
import { MappingService } from './mapping.service.js'
import { ObjectSchemaService } from './object-schema.service.js'
import { ObjectService } from './object.service.js'
import { TokenService } from './token.service.js'
import { WorkspaceService } from './workspace.service.js'

/** Every use case, wired once by the composition root and shared by HTTP, worker and CLI. */
export interface Services {
  readonly config: AppConfig
  readonly store: Store
  readonly clock: Clock
  readonly workspaces: WorkspaceService
  readonly tokens: TokenService
  readonly schemas: ObjectSchemaService
  readonly objects: ObjectService
  readonly aql: AqlService
  readonly importSources: ImportSourceService
  readonly mappings: MappingService
  readonly executions: ExecutionService
  readonly executionQueries: ExecutionQueries
  /** Executions this process is processing (live progress, cancel). */
  readonly runs: ExecutionRuns
}

export function createServices(config: AppConfig, store: Store, clock: Clock = systemClock): Services {
  const tokens = new TokenService(store.db, clock)
  const schemas = new ObjectSchemaService(store.db, clock)
  // Executions answer the probe, so that RUNNING, DELETE and mapping changes see their runs.
  const runs = new ExecutionRuns()
  const importSources: ImportSourceService = new ImportSourceService(store.db, tokens, clock, {
    isRunning: (workspaceId: string, id: string): Promise<boolean> => executions.isRunning(workspaceId, id),
  })
  const executions: ExecutionService = new ExecutionService(store, importSources, runs, config, clock)
  return Object.freeze({
    config,
    store,
    clock,
    workspaces: new WorkspaceService(store.db, clock),
    tokens,
    schemas,
    objects: new ObjectService(store.db, clock),
    aql: new AqlService(store.db, store.caps, clock),
    importSources,
    mappings: new MappingService(store.db, importSources, schemas, clock),
    executions,
    executionQueries: new ExecutionQueries(store.db, runs),
    runs,
  })
}
