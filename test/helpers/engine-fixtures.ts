import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import { engineSettingsFrom } from '../../src/engine/engine-settings.js'
import type { DataChunk, EngineInput } from '../../src/engine/engine-types.js'
import type { ImportStore, ImportTx } from '../../src/engine/ports.js'
import { runImport, type EngineDeps } from '../../src/engine/run-import.js'
import { enginePorts } from '../../src/services/engine-ports.js'
import type { ImportResult } from '../../src/engine/result.js'
import type { Services } from '../../src/services/services.js'

export function fixture(name: string): any {
  return JSON.parse(fs.readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'))
}

/** An external import source with this schema + mapping document applied. */
export async function sourceWithMapping(
  services: Services,
  workspaceId: string,
  document: unknown,
  settings: Record<string, unknown> = {},
) {
  const source = await services.importSources.create(workspaceId, {
    name: `source ${randomUUID().slice(0, 8)}`,
    type: 'external',
    settings: settings as never,
  })
  await services.mappings.submit(workspaceId, source.id, 'PUT', document)
  return services.importSources.get(workspaceId, source.id)
}

export async function* chunks(...data: DataChunk[]): AsyncIterable<DataChunk> {
  for (const d of data) yield d
}

/** Runs the engine for a source over the given chunks, with a fresh execution row. */
export async function runEngine(
  services: Services,
  workspaceId: string,
  sourceId: string,
  data: DataChunk[] | AsyncIterable<DataChunk>,
  extra: Partial<EngineInput> & { deps?: Partial<EngineDeps> } = {},
): Promise<ImportResult> {
  const source = await services.importSources.get(workspaceId, sourceId)
  const mapping = (await services.importSources.mapping(workspaceId, sourceId))!
  const executionId = randomUUID()
  await services.store.db
    .insertInto('execution')
    .values({
      id: executionId,
      workspace_id: workspaceId,
      import_source_id: sourceId,
      kind: 'external',
      status: 'PROCESSING',
      scheduled: 0,
      dry_run: extra.dryRun ? 1 : 0,
      created_at: new Date().toISOString(),
      started_at: null,
      finished_at: null,
      progress: null,
      result: null,
      failure_reason: null,
    })
    .execute()
  const { deps, ...rest } = extra
  return runImport(
    { ...enginePorts(services.store, workspaceId), ...deps },
    {
      workspaceId,
      importSourceId: sourceId,
      executionId,
      objectSchemaId: mapping.objectSchemaId!,
      document: mapping.document,
      settings: engineSettingsFrom(source.settings),
      data: Array.isArray(data) ? chunks(...data) : data,
      ...rest,
    },
  )
}

/**
 * The engine's ImportStore with some methods of each transaction replaced (to count or explain what the engine
 * asks); `overrides` gets the real transaction to delegate to.
 */
export function overridingTx(
  inner: ImportStore,
  overrides: (tx: ImportTx) => Partial<ImportTx>,
): ImportStore {
  return {
    dialect: inner.dialect,
    transaction: (work, options) => inner.transaction((tx) => work({ ...tx, ...overrides(tx) }), options),
  }
}
