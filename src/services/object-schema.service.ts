import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import { ConflictError, NotFoundError, ValidationError, type FieldProblem } from '../domain/errors.js'
import { pageOf, type Page, type PageRequest } from '../domain/paging.js'
import { checkName, checkSchemaKey } from '../domain/schema/definitions.js'
import type {
  AttributeDef,
  ObjectSchemaDef,
  ObjectTypeDef,
  StatusCategory,
  StatusDef,
} from '../domain/schema/types.js'
import type { Db } from '../store/create-store.js'
import { objectSchemaRepository as repo } from '../store/repositories/object-schema.repository.js'
import { schemaUsageRepository as usage } from '../store/repositories/schema-usage.repository.js'
import type { ObjectSchemaRow } from '../store/tables.js'
import { AttributeService, type AttributeChange, type NewAttribute } from './attribute.service.js'
import { ObjectTypeService, type NewObjectType, type ObjectTypeView } from './object-type.service.js'
import { toSchema } from './schema-rows.js'
import { StatusService } from './status.service.js'

export type { NewAttribute } from './attribute.service.js'
export type { ObjectTypeView } from './object-type.service.js'
export { toAttribute, toSchema, toStatus, toType } from './schema-rows.js'

export interface ObjectSchemaView extends ObjectSchemaDef {
  created: string
  updated: string
  objectCount: number
  objectTypeCount: number
}

export interface ObjectSchemaChange {
  name?: string
  objectSchemaKey?: string
  description?: string
}

/**
 * Object schemas of one workspace, and the way in to their aggregates: `types`, `attributes` and `statuses` (one
 * service each). The delegating methods below keep the callers that predate the split working.
 */
export class ObjectSchemaService {
  readonly types: ObjectTypeService
  readonly attributes: AttributeService
  readonly statuses: StatusService

  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
  ) {
    this.types = new ObjectTypeService(db, clock)
    this.attributes = new AttributeService(db, this.types, clock)
    this.statuses = new StatusService(db)
  }

  /** The same service working inside a caller's transaction. */
  in(trx: Db): ObjectSchemaService {
    return new ObjectSchemaService(trx, this.clock)
  }

  async createSchema(
    workspaceId: string,
    input: { name: string; objectSchemaKey: string; description?: string },
  ): Promise<ObjectSchemaDef> {
    const problems: FieldProblem[] = []
    checkName('name', input.name, problems)
    checkSchemaKey(input.objectSchemaKey, problems)
    if (problems.length) throw ValidationError({ problems })
    await this.assertKeyFree(workspaceId, input.objectSchemaKey)
    const now = isoNow(this.clock)
    const id = await repo.insertSchema(this.db, {
      workspace_id: workspaceId,
      name: input.name.trim(),
      object_schema_key: input.objectSchemaKey,
      description: input.description ?? '',
      next_object_seq: 1,
      created_at: now,
      updated_at: now,
    })
    return this.getSchema(workspaceId, id)
  }

  /**
   * Changes name, description or key. The key (the prefix of object keys) changes only while the schema has no
   * objects: their keys would no longer match it.
   */
  async updateSchema(workspaceId: string, id: number, change: ObjectSchemaChange): Promise<void> {
    const schema = await this.getSchema(workspaceId, id)
    const problems: FieldProblem[] = []
    if (change.name !== undefined) checkName('name', change.name, problems)
    const newKey = change.objectSchemaKey !== undefined && change.objectSchemaKey !== schema.objectSchemaKey
    if (newKey) checkSchemaKey(change.objectSchemaKey!, problems)
    if (problems.length) throw ValidationError({ problems })
    if (newKey) {
      await this.assertKeyFree(workspaceId, change.objectSchemaKey!)
      const objects = await usage.countObjectsOfSchema(this.db, id)
      if (objects > 0) {
        throw ConflictError({
          entity: 'Object schema',
          reason: `the key of "${schema.name}" cannot change: its ${objects} object(s) carry keys ${schema.objectSchemaKey}-n`,
        })
      }
    }
    await repo.updateSchema(this.db, id, {
      ...(change.name !== undefined ? { name: change.name.trim() } : {}),
      ...(newKey ? { object_schema_key: change.objectSchemaKey! } : {}),
      ...(change.description !== undefined ? { description: change.description } : {}),
      updated_at: isoNow(this.clock),
    })
  }

  /**
   * Deletes an empty schema with its types, attributes and statuses. Refused (409) while it holds objects or an
   * import source imports into it (delete or repoint the source first).
   */
  async removeSchema(workspaceId: string, id: number): Promise<void> {
    const schema = await this.getSchema(workspaceId, id)
    const objects = await usage.countObjectsOfSchema(this.db, id)
    if (objects > 0) {
      throw ConflictError({ entity: 'Object schema', reason: `"${schema.name}" has ${objects} object(s)` })
    }
    const sources = await usage.sourcesOfSchema(this.db, workspaceId, id)
    if (sources.length > 0) {
      const names = sources.map((s) => `"${s.name}" (${s.id})`).join(', ')
      throw ConflictError({
        entity: 'Object schema',
        reason: `import sources import into "${schema.name}": ${names}`,
      })
    }
    const types = await this.types.listOfSchema(id)
    const outside = await usage.referencingAttributes(
      this.db,
      types.map((t) => t.id),
    )
    if (outside.length > 0) {
      const names = outside.map((a) => `"${a.name}" (${a.id})`).join(', ')
      throw ConflictError({
        entity: 'Object schema',
        reason: `attributes of other schemas reference its types: ${names}`,
      })
    }
    // Objects inserted since the count: on PostgreSQL no foreign key refuses the delete any more. The lock waits
    // for writers still holding its types, and keeps new ones out (object-integrity.repository.ts).
    await usage.lockSchemaForDelete(this.db, id)
    const late = await usage.countObjectsOfSchema(this.db, id)
    if (late > 0) {
      throw ConflictError({ entity: 'Object schema', reason: `"${schema.name}" has ${late} object(s)` })
    }
    await usage.deleteTypes(this.db, (await this.types.listOfSchema(id)).map((t) => t.id).reverse())
    await usage.deleteSchema(this.db, id)
  }

  async getSchema(workspaceId: string, id: number): Promise<ObjectSchemaDef> {
    const row = await repo.findSchema(this.db, workspaceId, id)
    if (!row) throw NotFoundError({ entity: 'Object schema', id })
    return toSchema(row)
  }

  async viewSchema(workspaceId: string, id: number): Promise<ObjectSchemaView> {
    const row = await repo.findSchema(this.db, workspaceId, id)
    if (!row) throw NotFoundError({ entity: 'Object schema', id })
    const [view] = await this.views([row])
    return view!
  }

  async listSchemas(workspaceId: string, page: PageRequest): Promise<Page<ObjectSchemaView>> {
    const [rows, total] = await Promise.all([
      repo.listSchemas(this.db, workspaceId, page.startAt, page.maxResults),
      repo.countSchemas(this.db, workspaceId),
    ])
    return pageOf(page, total, await this.views(rows))
  }

  /** Every type of a schema, parents before children (the `flat` listing). */
  async listTypes(workspaceId: string, schemaId: number): Promise<ObjectTypeView[]> {
    await this.getSchema(workspaceId, schemaId)
    return this.types.listOfSchema(schemaId)
  }

  /** Every attribute of every type of a schema, in type order. */
  async schemaAttributes(workspaceId: string, schemaId: number): Promise<AttributeDef[]> {
    const types = await this.listTypes(workspaceId, schemaId)
    const attrs = await this.attributes.ofTypes(types.map((t) => t.id))
    const order = new Map(types.map((t, i) => [t.id, i]))
    return attrs.sort((a, b) => order.get(a.objectTypeId)! - order.get(b.objectTypeId)!)
  }

  reserveObjectNumbers(schemaId: number, count: number): Promise<number> {
    return repo.reserveObjectNumbers(this.db, schemaId, count)
  }

  private async assertKeyFree(workspaceId: string, key: string): Promise<void> {
    if (await repo.findSchemaByKey(this.db, workspaceId, key)) {
      throw ConflictError({ entity: 'Object schema', reason: `the key ${key} is already used` })
    }
  }

  private async views(rows: ObjectSchemaRow[]): Promise<ObjectSchemaView[]> {
    const ids = rows.map((r) => Number(r.id))
    const [types, objects] = await Promise.all([
      repo.countTypesBySchema(this.db, ids),
      repo.countObjectsBy(this.db, 'object_schema_id', ids),
    ])
    return rows.map((r) => ({
      ...toSchema(r),
      created: r.created_at,
      updated: r.updated_at,
      objectTypeCount: types.get(Number(r.id)) ?? 0,
      objectCount: objects.get(Number(r.id)) ?? 0,
    }))
  }

  // ---- delegates to the aggregate services (callers written before the split) ------------------------------

  createType(workspaceId: string, input: NewObjectType): Promise<ObjectTypeDef> {
    return this.types.create(workspaceId, input)
  }
  updateType(workspaceId: string, id: number, patch: { description?: string; iconKey?: string | null }) {
    return this.types.update(workspaceId, id, patch)
  }
  getType(workspaceId: string, id: number): Promise<ObjectTypeDef> {
    return this.types.get(workspaceId, id)
  }
  viewType(workspaceId: string, id: number): Promise<ObjectTypeView> {
    return this.types.view(workspaceId, id)
  }
  viewTypes(workspaceId: string, ids: number[]): Promise<ObjectTypeView[]> {
    return this.types.viewMany(workspaceId, ids)
  }
  /** The types embedded in object resources, with a recent objectCount (ObjectTypeService.viewsForObjects). */
  viewTypesForObjects(workspaceId: string, ids: number[]): Promise<ObjectTypeView[]> {
    return this.types.viewsForObjects(workspaceId, ids)
  }
  createAttribute(workspaceId: string, objectTypeId: number, input: NewAttribute): Promise<AttributeDef> {
    return this.attributes.create(workspaceId, objectTypeId, input)
  }
  async updateAttribute(workspaceId: string, id: number, objectTypeId: number, patch: AttributeChange) {
    await this.attributes.update(workspaceId, id, objectTypeId, patch)
  }
  listAttributes(workspaceId: string, objectTypeId: number): Promise<AttributeDef[]> {
    return this.attributes.list(workspaceId, objectTypeId)
  }
  attributesOfTypes(typeIds: number[]): Promise<AttributeDef[]> {
    return this.attributes.ofTypes(typeIds)
  }
  createStatus(
    workspaceId: string,
    input: { objectSchemaId: number | null; name: string; description?: string; category: StatusCategory },
  ): Promise<StatusDef> {
    return this.statuses.create(workspaceId, input)
  }
  async updateStatus(
    workspaceId: string,
    id: number,
    patch: { description?: string; category?: StatusCategory },
  ) {
    await this.statuses.update(workspaceId, id, patch)
  }
  listStatuses(workspaceId: string, schemaId: number | null): Promise<StatusDef[]> {
    return this.statuses.list(workspaceId, schemaId)
  }
}
