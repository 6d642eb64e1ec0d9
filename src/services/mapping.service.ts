import { randomUUID } from 'node:crypto'
import { parseAql } from '../domain/aql/parser.js'
import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import { AppError, NotFoundError } from '../domain/errors.js'
import {
  MappingChangedError,
  MappingExistsError,
  MappingNotFoundError,
} from '../domain/import-source/import-source-errors.js'
import type { ImportSource } from '../domain/import-source/import-source.types.js'
import type { DocumentContext, DocumentProblem, WireDocument } from '../domain/mapping/document.types.js'
import { MappingDocumentInvalidError } from '../domain/mapping/document-errors.js'
import {
  adoptedExternalIds,
  conflictsWithSchema,
  existingSchemaDocument,
  type ExistingSchema,
} from '../domain/mapping/existing-schema.js'
import { declaredExternalIds } from '../domain/mapping/document-holds.js'
import { mergeForPatch } from '../domain/mapping/merge-document.js'
import { toWireDocument } from '../domain/mapping/to-wire-document.js'
import { validateDocument } from '../domain/mapping/validate-document.js'
import type { Db } from '../store/create-store.js'
import { importSourceRepository } from '../store/repositories/import-source.repository.js'
import { mappingProgressRepository as progressRepo } from '../store/repositories/mapping-progress.repository.js'
import type { ImportSourceService, SourceMapping } from './import-source.service.js'
import { MappingApplier } from './mapping-apply.service.js'
import type { ObjectSchemaService } from './object-schema.service.js'

export type MappingOperation = 'PUT' | 'PATCH'

/** What `mapping/progress/{resourceId}` answers. */
export interface MappingProgress {
  resourceId: string
  operation: MappingOperation
  progressStatus: 'IN_PROGRESS' | 'FINISHED'
  /** null while in progress. */
  result: 'OK' | 'FAILED' | null
  resultMessage: string | null
  /** The problems of a document that was refused (empty otherwise). */
  dataValidationErrors: DocumentProblem[]
  created: string
  finished: string | null
}

const SUCCESS: Record<MappingOperation, string> = {
  PUT: 'Schema and mapping successfully created',
  PATCH: 'Schema and mapping successfully updated',
}

/** An operation still IN_PROGRESS this long after its start, and not running here, was interrupted. */
const STALE_AFTER_MS = 10 * 60_000

/**
 * The schema + mapping of import sources: PUT (first time) and PATCH (merge), each validated as a whole and
 * applied to the repository in one transaction together with the stored document, synchronously or in the
 * background with a durable progress row.
 */
export class MappingService {
  private readonly applier: MappingApplier
  private readonly inFlight = new Map<string, Promise<void>>()

  constructor(
    private readonly db: Db,
    private readonly sources: ImportSourceService,
    private readonly schemas: ObjectSchemaService,
    private readonly clock: Clock = systemClock,
    /** The columns a source's data has, when known (a tabular file's header): locators are checked against them. */
    private readonly sourceColumns: (
      workspaceId: string,
      source: ImportSource,
    ) => Promise<readonly string[] | null> = async () => null,
  ) {
    this.applier = new MappingApplier(schemas)
  }

  /** Validates and applies a document; answers whether anything changed (a PATCH may change nothing). */
  async submit(
    workspaceId: string,
    importSourceId: string,
    operation: MappingOperation,
    body: unknown,
    progressId?: string,
  ): Promise<boolean> {
    const { source, current } = await this.precheck(workspaceId, importSourceId, operation)
    const context = await this.context(workspaceId, source, current)
    const result =
      operation === 'PUT' ? validateDocument(body, context) : mergeForPatch(current!.document, body, context)
    if (!result.ok) throw MappingDocumentInvalidError({ problems: result.problems })
    let adopted: ReadonlySet<string> = new Set()
    if (current === null && source.objectSchemaId !== null) {
      const existing = await this.existingSchema(workspaceId, source.objectSchemaId)
      const conflicts = conflictsWithSchema(result.document, existing)
      if (conflicts.length > 0) throw MappingDocumentInvalidError({ problems: conflicts })
      adopted = adoptedExternalIds(result.document, existing)
    }
    const json = JSON.stringify(result.document)
    if (current !== null && json === JSON.stringify(current.document)) {
      if (progressId !== undefined) await this.finish(this.db, progressId, 'OK', SUCCESS[operation])
      return false
    }
    const expected = current?.version ?? 0
    await this.db.transaction().execute(async (trx) => {
      if (!(await importSourceRepository.claimMappingVersion(trx, importSourceId, expected))) {
        throw operation === 'PUT'
          ? MappingExistsError({ importSourceId })
          : MappingChangedError({ importSourceId })
      }
      const schemaId = current?.objectSchemaId ?? source.objectSchemaId
      const appliedSchemaId = await this.applier.apply(trx, workspaceId, schemaId, result.document, adopted)
      const now = isoNow(this.clock)
      await importSourceRepository.update(trx, importSourceId, {
        mapping: json,
        object_schema_id: appliedSchemaId,
        mapping_updated_at: now,
        updated_at: now,
      })
      if (progressId !== undefined) await this.finish(trx, progressId, 'OK', SUCCESS[operation])
    })
    return true
  }

  /**
   * Checks what can be answered at once (the source, a mapping to PATCH or none to PUT, no import running), records
   * a progress row and runs the operation right after this request. Answers the progress resource id.
   */
  async submitAsync(
    workspaceId: string,
    importSourceId: string,
    operation: MappingOperation,
    body: unknown,
  ): Promise<string> {
    await this.precheck(workspaceId, importSourceId, operation)
    const id = randomUUID()
    const now = isoNow(this.clock)
    await progressRepo.insert(this.db, {
      id,
      workspace_id: workspaceId,
      import_source_id: importSourceId,
      operation,
      status: 'IN_PROGRESS',
      result: null,
      message: null,
      problems: null,
      request: JSON.stringify(body ?? null),
      created_at: now,
      updated_at: now,
      finished_at: null,
    })
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.submit(workspaceId, importSourceId, operation, body, id))
      .then(
        () => undefined,
        (error: unknown) => this.fail(id, operation, error),
      )
      .catch(() => undefined)
      .finally(() => this.inFlight.delete(id))
    this.inFlight.set(id, run)
    return id
  }

  async progress(workspaceId: string, importSourceId: string, resourceId: string): Promise<MappingProgress> {
    await this.sources.get(workspaceId, importSourceId)
    let row = await progressRepo.find(this.db, workspaceId, importSourceId, resourceId)
    if (!row) throw NotFoundError({ entity: 'Mapping progress', id: resourceId })
    const age = this.clock().getTime() - Date.parse(row.updated_at)
    if (row.status === 'IN_PROGRESS' && !this.inFlight.has(row.id) && age > STALE_AFTER_MS) {
      const message =
        'The operation was interrupted before it finished (the server stopped); nothing was applied'
      await this.finish(this.db, row.id, 'FAILED', message)
      row = (await progressRepo.find(this.db, workspaceId, importSourceId, resourceId))!
    }
    return {
      resourceId: row.id,
      operation: row.operation as MappingOperation,
      progressStatus: row.status === 'FINISHED' ? 'FINISHED' : 'IN_PROGRESS',
      result: row.result === 'OK' || row.result === 'FAILED' ? row.result : null,
      resultMessage: row.message,
      dataValidationErrors: row.problems === null ? [] : (JSON.parse(row.problems) as DocumentProblem[]),
      created: row.created_at,
      finished: row.finished_at,
    }
  }

  /** The stored document as GET schema-and-mapping answers it, with the object schema's real name. */
  async wireDocument(workspaceId: string, importSourceId: string): Promise<WireDocument> {
    const current = await this.sources.mapping(workspaceId, importSourceId)
    if (current === null) {
      // A source created with objectSchemaId answers that schema's types with an empty mapping until its first PUT.
      const source = await this.sources.get(workspaceId, importSourceId)
      if (source.objectSchemaId === null) throw MappingNotFoundError({ importSourceId })
      return existingSchemaDocument(await this.existingSchema(workspaceId, source.objectSchemaId))
    }
    const wire = toWireDocument(current.document)
    if (current.objectSchemaId !== null) {
      wire.schema.objectSchema.name = (await this.schemas.getSchema(workspaceId, current.objectSchemaId)).name
    }
    return wire
  }

  /** A schema as the existing-schema rules read it: its types (parents first) and their attributes. */
  private async existingSchema(workspaceId: string, schemaId: number): Promise<ExistingSchema> {
    const schema = await this.schemas.getSchema(workspaceId, schemaId)
    const types = await this.schemas.listTypes(workspaceId, schemaId)
    const attributes = await this.schemas.attributesOfTypes(types.map((t) => t.id))
    return { name: schema.name, description: schema.description, types, attributes }
  }

  /** Resolves when every background operation started by this process has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight.values()])
  }

  private async precheck(
    workspaceId: string,
    importSourceId: string,
    operation: MappingOperation,
  ): Promise<{ source: ImportSource; current: SourceMapping | null }> {
    const source = await this.sources.get(workspaceId, importSourceId)
    const current = await this.sources.mapping(workspaceId, importSourceId)
    if (operation === 'PUT' && current !== null) throw MappingExistsError({ importSourceId })
    if (operation === 'PATCH' && current === null) throw MappingNotFoundError({ importSourceId })
    await this.sources.assertNotRunning(workspaceId, importSourceId, 'change its mapping')
    return { source, current }
  }

  /** What the validator needs to know about the workspace. */
  private async context(
    workspaceId: string,
    source: ImportSource,
    current: SourceMapping | null,
  ): Promise<DocumentContext> {
    const schemaId = current?.objectSchemaId ?? source.objectSchemaId
    const [inUse, statuses, columns] = await Promise.all([
      this.externalIdsInUse(workspaceId, schemaId, current),
      this.schemas.listStatuses(workspaceId, schemaId),
      this.sourceColumns(workspaceId, source),
    ])
    return {
      importSourceId: source.id,
      externalIdsInUse: inUse,
      existingStatusNames: statuses.map((s) => s.name),
      checkAql,
      ...(columns === null ? {} : { sourceColumns: columns }),
    }
  }

  /**
   * externalIds the document must not claim. Once a source has a mapping, every externalId of the workspace that its
   * document does not declare — including those of another source sharing its schema (objectSchemaId), which a
   * PATCH would otherwise take over. Before the first mapping, those outside the schema: the schema's own are
   * checked by conflictsWithSchema with better messages.
   */
  private async externalIdsInUse(
    workspaceId: string,
    schemaId: number | null,
    current: SourceMapping | null,
  ): Promise<string[]> {
    if (current === null) return importSourceRepository.externalIdsOutside(this.db, workspaceId, schemaId)
    const own = declaredExternalIds(current.document)
    return (await importSourceRepository.externalIdsOutside(this.db, workspaceId, null)).filter(
      (id) => !own.has(id),
    )
  }

  private async fail(id: string, operation: MappingOperation, error: unknown): Promise<void> {
    const known = error instanceof AppError && error.status < 500
    const problems = MappingDocumentInvalidError.is(error) ? error.details.problems : []
    const message = known
      ? error.message
      : `The ${operation} of the schema and mapping failed unexpectedly; nothing was applied`
    await this.finish(this.db, id, 'FAILED', message, problems)
  }

  private async finish(
    db: Db,
    id: string,
    result: 'OK' | 'FAILED',
    message: string,
    problems: DocumentProblem[] = [],
  ): Promise<void> {
    const now = isoNow(this.clock)
    await progressRepo.finish(db, id, {
      status: 'FINISHED',
      result,
      message,
      problems: problems.length > 0 ? JSON.stringify(problems) : null,
      request: null,
      updated_at: now,
      finished_at: now,
    })
  }
}

/** selectorQlQuery is checked for syntax only: the types it names may not exist before the mapping is applied. */
export function checkAql(query: string): string | null {
  try {
    parseAql(query)
    return null
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}
