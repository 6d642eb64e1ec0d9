import type { ConnectorType } from '../connectors/connector.js'
import { NotAPullSourceError } from '../domain/import-source/file-import-errors.js'
import type { ImportSource } from '../domain/import-source/import-source.types.js'
import { withDefaults, withPath, type AnyConnector, type ConnectorCatalog } from './file-connectors.js'
import type { ImportFileService, ResolvedFile } from './import-file.service.js'
import type { ImportSourceService } from './import-source.service.js'

/** A source Intake reads, ready for its connector. `config` holds decrypted secrets: never answer or log it. */
export interface PullSource {
  source: ImportSource
  connector: AnyConnector
  config: Record<string, unknown>
  /** The file a file connector reads; null for a connection (database, directory, REST endpoint). */
  file: ResolvedFile | null
}

export interface PullSourceDeps {
  sources: ImportSourceService
  files: ImportFileService
  connectors: ConnectorCatalog
}

/** The source, when a connector reads it; else 400 NOT_A_PULL_SOURCE (an `external` source is pushed). */
export async function pullSourceOf(
  deps: PullSourceDeps,
  workspaceId: string,
  id: string,
): Promise<ImportSource> {
  const source = await deps.sources.get(workspaceId, id)
  if (!(deps.connectors.types() as readonly string[]).includes(source.type))
    throw NotAPullSourceError({ importSourceId: id, type: source.type })
  return source
}

/**
 * The source with its connector and the config of one call: a file connector's `path` resolved and confined
 * (409 IMPORT_FILE_MISSING without a file), a connection's secrets decrypted (409 SECRET_UNREADABLE), defaults
 * applied.
 */
export async function preparePullSource(
  deps: PullSourceDeps,
  workspaceId: string,
  id: string,
): Promise<PullSource> {
  const source = await pullSourceOf(deps, workspaceId, id)
  const connector = deps.connectors.connector(source.type as ConnectorType)
  const plain = deps.sources.connectorConfig(source)
  if (connector.origin === 'file') {
    const file = await deps.files.resolve(workspaceId, id)
    return { source, connector, config: withPath(connector, plain, file.path), file }
  }
  const config = withDefaults(connector, plain)
  // A file a connection names on this server (a SQLite database) is confined like a server-side file.
  for (const field of connector.serverFiles?.(config) ?? []) {
    const named = config[field]
    if (typeof named === 'string') config[field] = await deps.files.confineServerFile(named)
  }
  return { source, connector, config, file: null }
}
