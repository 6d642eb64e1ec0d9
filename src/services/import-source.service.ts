import { randomUUID } from 'node:crypto'
import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import { NotFoundError, ValidationError, type FieldProblem } from '../domain/errors.js'
import { configStatus } from '../domain/import-source/config-status.js'
import {
  ImportSourceRunningError,
  ImportSourceTypeNotAvailableError,
} from '../domain/import-source/import-source-errors.js'
import {
  AVAILABLE_IMPORT_SOURCE_TYPES,
  DEFAULT_SETTINGS,
  type ConfigStatus,
  type ImportSource,
  type ImportSourceSettings,
  type ImportSourceType,
} from '../domain/import-source/import-source.types.js'
import { mergeSettings, settingsFromStored } from '../domain/import-source/settings.js'
import type { NormalizedDocument } from '../domain/mapping/document.types.js'
import { pageOf, type Page, type PageRequest } from '../domain/paging.js'
import type { Db } from '../store/create-store.js'
import {
  importSourceRepository as repo,
  type ImportSourceHead,
} from '../store/repositories/import-source.repository.js'
import { tokenRepository, tokenRevocations } from '../store/repositories/token.repository.js'
import { SourceConfigSecrets } from './source-config-secrets.js'
import type { TokenInfo, TokenService } from './token.service.js'

/**
 * Answers whether an execution of the source is ingesting or processing. The executions feature provides it;
 * until then nothing ever runs.
 */
export type RunningProbe = (
  workspaceId: string,
  importSourceId: string,
  /** `held: false`: an execution held by the mass-delete guard does not count (the file may be replaced). */
  options?: { held?: boolean },
) => Promise<boolean>

export interface ImportSourceOptions {
  isRunning?: RunningProbe
  /** Problems of a connector config for a source type (file sources: the connector's TypeBox schema). */
  checkConfig?: (type: ImportSourceType, config: Record<string, unknown>, field: string) => FieldProblem[]
  /** Called after a source was deleted (file sources: its uploads are removed). */
  onRemoved?: (id: string) => Promise<void>
  /** The types that can be created: `external` and every type with a registered connector. */
  availableTypes?: readonly ImportSourceType[]
  /** Seals, opens and masks the secrets of connector configs; without it configs hold no secrets. */
  secrets?: SourceConfigSecrets
}

export interface NewImportSource {
  name: string
  description?: string
  type: ImportSourceType
  settings?: Partial<ImportSourceSettings>
  config?: Record<string, unknown>
  enabled?: boolean
  /** An existing schema the first mapping adds its types to (otherwise the first mapping creates one). */
  objectSchemaId?: number
}

export type ImportSourceChange = Partial<Omit<NewImportSource, 'type' | 'objectSchemaId'>>

/** A source as the API answers it: its config's secrets masked (SECRET_MASK). */
export interface ImportSourceView extends ImportSource {
  tokenGenerated: boolean
  configStatus: ConfigStatus
}

/** The stored schema + mapping of a source, as executions read it. */
export interface SourceMapping {
  document: NormalizedDocument
  version: number
  objectSchemaId: number | null
}

const neverRunning: RunningProbe = async () => false
const noSecrets = new SourceConfigSecrets(null, () => [])

/** Import sources of a workspace: create, read, change, delete, their container tokens and config status. */
export class ImportSourceService {
  private readonly isRunningProbe: RunningProbe
  private readonly secrets: SourceConfigSecrets
  private readonly availableTypes: readonly ImportSourceType[]

  constructor(
    private readonly db: Db,
    private readonly tokens: TokenService,
    private readonly clock: Clock = systemClock,
    private readonly options: ImportSourceOptions = {},
  ) {
    this.isRunningProbe = options.isRunning ?? neverRunning
    this.secrets = options.secrets ?? noSecrets
    this.availableTypes = options.availableTypes ?? AVAILABLE_IMPORT_SOURCE_TYPES
  }

  /** The same service working inside a caller's transaction. */
  in(trx: Db): ImportSourceService {
    return new ImportSourceService(trx, this.tokens, this.clock, this.options)
  }

  async create(workspaceId: string, input: NewImportSource): Promise<ImportSource> {
    if (!this.availableTypes.includes(input.type)) {
      throw ImportSourceTypeNotAvailableError({ type: input.type, available: this.availableTypes })
    }
    const name = checkedName(input.name)
    const settings = checkedSettings(DEFAULT_SETTINGS, input.settings ?? {})
    this.checkConfig(input.type, input.config ?? {})
    if (
      input.objectSchemaId !== undefined &&
      !(await repo.schemaExists(this.db, workspaceId, input.objectSchemaId))
    ) {
      throw ValidationError({
        problems: [
          {
            field: 'body.objectSchemaId',
            message: 'must name an object schema of this workspace',
            value: input.objectSchemaId,
          },
        ],
      })
    }
    const now = isoNow(this.clock)
    const id = randomUUID()
    const config = this.secrets.seal(input.type, id, input.config ?? {}, null)
    await repo.insert(this.db, {
      id,
      workspace_id: workspaceId,
      name,
      description: input.description ?? '',
      type: input.type,
      object_schema_id: input.objectSchemaId ?? null,
      settings: JSON.stringify(settings),
      config: JSON.stringify(config),
      enabled: input.enabled === false ? 0 : 1,
      mapping: null,
      mapping_version: 0,
      mapping_updated_at: null,
      created_at: now,
      updated_at: now,
    })
    return this.get(workspaceId, id)
  }

  /**
   * The source's connector config with its secrets decrypted, for the connector only: never answer or log it.
   * 409 SECRET_UNREADABLE when a stored secret does not open with INTAKE_SECRET_KEY.
   */
  connectorConfig(source: ImportSource): Record<string, unknown> {
    return this.secrets.open(source.type, source.id, source.config)
  }

  /** Whether `path` of the type's config is a secret (problems never echo its value). */
  isSecretField(type: ImportSourceType, path: string): boolean {
    return this.secrets.isSecret(type, path)
  }

  /** The source, or 404 (also for a source of another workspace); its config as stored (secrets sealed). */
  async get(workspaceId: string, id: string): Promise<ImportSource> {
    const row = await repo.find(this.db, workspaceId, id)
    if (!row) throw NotFoundError({ entity: 'Import source', id })
    return toImportSource(row)
  }

  async view(workspaceId: string, id: string): Promise<ImportSourceView> {
    const source = await this.get(workspaceId, id)
    const [view] = await this.views(workspaceId, [source])
    return view!
  }

  async list(workspaceId: string, page: PageRequest): Promise<Page<ImportSourceView>> {
    const [rows, total] = await Promise.all([
      repo.list(this.db, workspaceId, page.startAt, page.maxResults),
      repo.count(this.db, workspaceId),
    ])
    return pageOf(page, total, await this.views(workspaceId, rows.map(toImportSource)))
  }

  async update(workspaceId: string, id: string, change: ImportSourceChange): Promise<ImportSource> {
    const source = await this.get(workspaceId, id)
    const settings =
      change.settings === undefined ? undefined : checkedSettings(source.settings, change.settings)
    let config: Record<string, unknown> | undefined
    if (change.config !== undefined) {
      // Secrets sent back masked keep the stored ones: the config is checked as the connector will see it.
      config = this.secrets.seal(source.type, id, change.config, source.config)
      this.checkConfig(source.type, this.secrets.open(source.type, id, config))
    }
    await repo.update(this.db, id, {
      ...(change.name !== undefined && { name: checkedName(change.name) }),
      ...(change.description !== undefined && { description: change.description }),
      ...(settings !== undefined && { settings: JSON.stringify(settings) }),
      ...(config !== undefined && { config: JSON.stringify(config) }),
      ...(change.enabled !== undefined && { enabled: change.enabled ? 1 : 0 }),
      updated_at: isoNow(this.clock),
    })
    return this.get(workspaceId, id)
  }

  /**
   * Deletes the source, its mapping and progress rows, and revokes its container token. Refused while an
   * execution runs. The object schema and the objects the source imported stay.
   */
  async remove(workspaceId: string, id: string): Promise<void> {
    await this.get(workspaceId, id)
    await this.assertNotRunning(workspaceId, id, 'delete it')
    const work = async (trx: Db): Promise<void> => {
      await tokenRepository.revokeForSource(trx, id, isoNow(this.clock))
      await repo.remove(trx, id)
    }
    await (this.db.isTransaction ? work(this.db) : this.db.transaction().execute(work)).finally(
      tokenRevocations.committed,
    )
    await this.options.onRemoved?.(id)
  }

  private checkConfig(type: ImportSourceType, config: Record<string, unknown>): void {
    const problems = this.options.checkConfig?.(type, config, 'body.config') ?? []
    if (problems.length > 0) throw ValidationError({ problems })
  }

  isRunning(workspaceId: string, id: string, options?: { held?: boolean }): Promise<boolean> {
    return this.isRunningProbe(workspaceId, id, options)
  }

  async assertNotRunning(
    workspaceId: string,
    id: string,
    action: string,
    options?: { held?: boolean },
  ): Promise<void> {
    if (await this.isRunning(workspaceId, id, options))
      throw ImportSourceRunningError({ importSourceId: id, action })
  }

  async configStatus(workspaceId: string, id: string): Promise<ConfigStatus> {
    const source = await this.get(workspaceId, id)
    return configStatus({
      enabled: source.enabled,
      hasMapping: source.mappingVersion > 0,
      running: await this.isRunning(workspaceId, id),
    })
  }

  /** The stored schema + mapping of the source (null when none was applied yet); 404 for an unknown source. */
  async mapping(workspaceId: string, id: string): Promise<SourceMapping | null> {
    const row = await repo.findMapping(this.db, workspaceId, id)
    if (!row) throw NotFoundError({ entity: 'Import source', id })
    if (row.mapping === null) return null
    return {
      document: JSON.parse(row.mapping) as NormalizedDocument,
      version: row.mapping_version,
      objectSchemaId: row.object_schema_id === null ? null : Number(row.object_schema_id),
    }
  }

  /** A new container token for the source; the previous one stops working. */
  async createToken(workspaceId: string, id: string): Promise<string> {
    await this.get(workspaceId, id)
    return (await this.tokens.createContainerToken(workspaceId, id)).token
  }

  async tokenInfo(workspaceId: string, id: string): Promise<TokenInfo | null> {
    await this.get(workspaceId, id)
    return this.tokens.containerTokenInfo(workspaceId, id)
  }

  private async views(workspaceId: string, sources: ImportSource[]): Promise<ImportSourceView[]> {
    const tokens = await tokenRepository.list(this.db, workspaceId, 'container')
    const withToken = new Set(tokens.filter((t) => t.revoked_at === null).map((t) => t.import_source_id))
    return Promise.all(
      sources.map(async (source) => ({
        ...source,
        config: this.secrets.mask(source.type, source.config),
        tokenGenerated: withToken.has(source.id),
        configStatus: configStatus({
          enabled: source.enabled,
          hasMapping: source.mappingVersion > 0,
          running: await this.isRunning(workspaceId, source.id),
        }),
      })),
    )
  }
}

function checkedName(name: string): string {
  const trimmed = name.trim()
  if (trimmed === '') {
    throw ValidationError({ problems: [{ field: 'body.name', message: 'must not be blank', value: name }] })
  }
  return trimmed
}

function checkedSettings(
  base: ImportSourceSettings,
  change: Partial<ImportSourceSettings>,
): ImportSourceSettings {
  const merged = mergeSettings(base, change, 'body.settings')
  if (!merged.ok) throw ValidationError({ problems: merged.problems })
  return merged.settings
}

export function toImportSource(row: ImportSourceHead): ImportSource {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    description: row.description,
    type: row.type as ImportSourceType,
    objectSchemaId: row.object_schema_id === null ? null : Number(row.object_schema_id),
    settings: settingsFromStored(JSON.parse(row.settings)),
    config: JSON.parse(row.config) as Record<string, unknown>,
    enabled: row.enabled === 1,
    mappingVersion: row.mapping_version,
    mappingUpdatedAt: row.mapping_updated_at,
    created: row.created_at,
    updated: row.updated_at,
  }
}
