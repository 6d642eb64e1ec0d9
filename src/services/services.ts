import type { AppConfig } from '../config/config.js'
import { systemClock, type Clock } from '../domain/clock.js'
import type { Store } from '../store/create-store.js'
import { AqlService } from './aql.service.js'
import { AttributeIndexService } from './attribute-index.service.js'
import { ExecutionQueries } from './execution-queries.service.js'
import { ExecutionRuns } from './execution-runs.js'
import { ExecutionService } from './execution.service.js'
import { PlanService } from './plan.service.js'
import { connectorCatalog, connectorConfigProblems, type ConnectorCatalog } from './file-connectors.js'
import { tempDir } from './temp-files.js'
import type { SourceLimits } from '../connectors/source-limits.js'
import { FileImportService } from './file-import.service.js'
import { ImportFileService } from './import-file.service.js'
import { ImportSourceService } from './import-source.service.js'
import { ImportStatusService } from './import-status.service.js'
import { MappingService } from './mapping.service.js'
import { ObjectHistoryService } from './object-history.service.js'
import { ObjectLinksService } from './object-links.service.js'
import { ObjectSchemaService } from './object-schema.service.js'
import { ObjectService } from './object.service.js'
import { ObjectReadService } from './object-read.service.js'
import { ScheduleRunner } from './schedule-runs.js'
import { ScheduleService } from './schedule.service.js'
import { TokenService } from './token.service.js'
import { UploadJobService } from './upload-job.service.js'
import { WorkspaceService } from './workspace.service.js'
import { RevertService } from './revert/revert.service.js'
import { ExecutionHoldService } from './execution-hold.service.js'
import { WorkspaceSettingsService } from './workspace-settings.service.js'
import type { ConnectorType } from '../connectors/connector.js'
import type { ImportSourceType } from '../domain/import-source/import-source.types.js'
import { aesGcmSecretBox } from './secret-box.js'
import { SourceConfigSecrets } from './source-config-secrets.js'

/** Every use case, wired once by the composition root and shared by HTTP, worker and CLI. */
export interface Services {
  readonly config: AppConfig
  readonly store: Store
  readonly clock: Clock
  readonly workspaces: WorkspaceService
  readonly tokens: TokenService
  readonly schemas: ObjectSchemaService
  readonly objects: ObjectService
  /** Object history (imports' change log and object API writes) and reference info. */
  readonly objectHistory: ObjectHistoryService
  readonly objectLinks: ObjectLinksService
  readonly aql: AqlService
  /** Builds and drops attributes' search-index rows after their `indexed` flag changed (background). */
  readonly attributeIndexes: AttributeIndexService
  readonly importSources: ImportSourceService
  readonly mappings: MappingService
  readonly executions: ExecutionService
  readonly executionQueries: ExecutionQueries
  /** Executions this process is processing (live progress, cancel). */
  readonly runs: ExecutionRuns
  /** The files of file import sources (uploads, INTAKE_IMPORT_DIR). */
  readonly importFiles: ImportFileService
  /** Pull imports (file and connection sources): test, discovery, import/start, pause, resume, cancel. */
  readonly fileImports: FileImportService
  readonly connectors: ConnectorCatalog
  /** Import schedules (Assets `importschedule`). */
  readonly schedules: ScheduleService
  /** Claims due schedule runs (the scheduler's tick) and carries them out (the `run-schedule` job). */
  readonly scheduleRuns: ScheduleRunner
  /** `import_status.json`: the workspace's import state and its import run. */
  readonly importStatus: ImportStatusService
  /** Spreadsheet upload jobs (seed 004): POST /api/v1/entities/:entity/import, GET /api/v1/job/:id. */
  readonly uploadJobs: UploadJobService
  /** Plan → apply: the complete plans of dry runs, their apply and expiry. */
  readonly plans: PlanService
  /** Reverts of executions (`POST …/executions/{id}/revert`, `intake revert`). */
  readonly reverts: RevertService
  /** Workspace-level settings (the default mass-delete guard). */
  readonly workspaceSettings: WorkspaceSettingsService
  /** Approve and reject executions the mass-delete guard held. */
  readonly holds: ExecutionHoldService
  /** GET object/{id}: one statement per object, the catalog rows kept while the catalog version holds. */
  readonly objectReads: ObjectReadService
}

/** The bounds of the connectors of a server (temp files under INTAKE_DATA_DIR). */
export function sourceLimitsOf(config: AppConfig): SourceLimits {
  return {
    tempDir: tempDir(config.dataDir),
    xlsxMaxBytes: config.xlsxMaxBytes,
    xlsxMaxCells: config.xlsxMaxCells,
    maxColumns: config.sourceMaxColumns,
    sampleMaxChars: config.discoverMaxSampleChars,
  }
}

export function createServices(
  config: AppConfig,
  store: Store,
  clock: Clock = systemClock,
  connectors: ConnectorCatalog = connectorCatalog(sourceLimitsOf(config)),
): Services {
  // Executions answer the probe, so that RUNNING, DELETE and mapping changes see their runs.
  const runs = new ExecutionRuns()
  // On SQLite an import in this process holds the only write lock: authentication must not wait for it.
  const tokens = new TokenService(store.db, clock, () => store.caps.dialect === 'sqlite' && runs.size > 0)
  const schemas = new ObjectSchemaService(store.db, clock)
  const objects = new ObjectService(store.db, clock)
  const connectorTypes: readonly string[] = connectors.types()
  const pulled = (type: string) => connectorTypes.includes(type)
  const secrets = new SourceConfigSecrets(
    config.secretKey === null ? null : aesGcmSecretBox(config.secretKey),
    (type) => (pulled(type) ? (connectors.connector(type as ConnectorType).secretFields ?? []) : []),
  )
  const importSources: ImportSourceService = new ImportSourceService(store.db, tokens, clock, {
    isRunning: (workspaceId: string, id: string, options?: { held?: boolean }): Promise<boolean> =>
      executions.isRunning(workspaceId, id, options),
    checkConfig: (type, sourceConfig, field) =>
      pulled(type)
        ? connectorConfigProblems(connectors.connector(type as ConnectorType), sourceConfig, field)
        : [],
    onRemoved: (id) => importFiles.removeUploads(id),
    availableTypes: ['external', ...(connectorTypes as ImportSourceType[])],
    secrets,
  })
  const importFiles: ImportFileService = new ImportFileService(store.db, importSources, config, clock)
  const executions: ExecutionService = new ExecutionService(store, importSources, runs, config, clock)
  const fileImports = new FileImportService(
    store,
    importSources,
    importFiles,
    runs,
    connectors,
    clock,
    config.discoverMaxSampleSize,
  )
  const scheduleRuns = new ScheduleRunner({
    store,
    sources: importSources,
    fileImports,
    executions,
    clock,
  })
  return Object.freeze({
    config,
    store,
    clock,
    workspaces: new WorkspaceService(store.db, clock),
    tokens,
    schemas,
    objects,
    objectHistory: new ObjectHistoryService(store.db, objects, schemas),
    objectLinks: new ObjectLinksService(store.db, objects, schemas),
    aql: new AqlService(store.db, store.caps, clock),
    attributeIndexes: new AttributeIndexService(store, clock),
    importSources,
    mappings: new MappingService(store.db, importSources, schemas, clock, (ws, source) =>
      fileImports.columns(ws, source),
    ),
    executions,
    executionQueries: new ExecutionQueries(store.db, runs),
    runs,
    importFiles,
    fileImports,
    connectors,
    schedules: new ScheduleService(store.db, importSources, clock),
    scheduleRuns,
    importStatus: new ImportStatusService(store.db, fileImports, clock),
    uploadJobs: new UploadJobService(store, importSources, schemas, runs, connectors, config, clock),
    plans: new PlanService(store, importSources, runs, config, clock),
    reverts: new RevertService(store, importSources, runs, clock),
    workspaceSettings: new WorkspaceSettingsService(store.db, clock),
    holds: new ExecutionHoldService(store, runs, importFiles, clock),
    objectReads: new ObjectReadService(store),
  })
}
