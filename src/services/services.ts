import type { AppConfig } from '../config/config.js'
import { systemClock, type Clock } from '../domain/clock.js'
import type { Store } from '../store/create-store.js'
import { AqlService } from './aql.service.js'
import { ExecutionQueries } from './execution-queries.service.js'
import { ExecutionRuns } from './execution-runs.js'
import { ExecutionService } from './execution.service.js'
import { connectorConfigProblems, defaultConnectorCatalog, type ConnectorCatalog } from './file-connectors.js'
import { FileImportService } from './file-import.service.js'
import { ImportFileService } from './import-file.service.js'
import { ImportSourceService } from './import-source.service.js'
import { MappingService } from './mapping.service.js'
import { ObjectSchemaService } from './object-schema.service.js'
import { ObjectService } from './object.service.js'
import { TokenService } from './token.service.js'
import { WorkspaceService } from './workspace.service.js'
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
  readonly aql: AqlService
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
}

export function createServices(
  config: AppConfig,
  store: Store,
  clock: Clock = systemClock,
  connectors: ConnectorCatalog = defaultConnectorCatalog,
): Services {
  // Executions answer the probe, so that RUNNING, DELETE and mapping changes see their runs.
  const runs = new ExecutionRuns()
  // On SQLite an import in this process holds the only write lock: authentication must not wait for it.
  const tokens = new TokenService(store.db, clock, () => store.caps.dialect === 'sqlite' && runs.size > 0)
  const schemas = new ObjectSchemaService(store.db, clock)
  const connectorTypes: readonly string[] = connectors.types()
  const pulled = (type: string) => connectorTypes.includes(type)
  const secrets = new SourceConfigSecrets(
    config.secretKey === null ? null : aesGcmSecretBox(config.secretKey),
    (type) => (pulled(type) ? (connectors.connector(type as ConnectorType).secretFields ?? []) : []),
  )
  const importSources: ImportSourceService = new ImportSourceService(store.db, tokens, clock, {
    isRunning: (workspaceId: string, id: string): Promise<boolean> => executions.isRunning(workspaceId, id),
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
    importFiles,
    fileImports: new FileImportService(store, importSources, importFiles, runs, connectors, clock),
    connectors,
  })
}
