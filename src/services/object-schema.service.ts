import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import { ConflictError, NotFoundError, ValidationError, type FieldProblem } from '../domain/errors.js'
import { pageOf, type Page, type PageRequest } from '../domain/paging.js'
import {
  checkCardinality,
  checkName,
  checkSchemaKey,
  isAttributeKind,
  isStatusCategory,
  STATUS_NAME_PATTERN,
} from '../domain/schema/definitions.js'
import type {
  AttributeDef,
  AttributeKind,
  ObjectSchemaDef,
  ObjectTypeDef,
  StatusCategory,
  StatusDef,
} from '../domain/schema/types.js'
import type { Db } from '../store/create-store.js'
import { objectSchemaRepository as repo } from '../store/repositories/object-schema.repository.js'
import type { AttributeRow, ObjectSchemaRow, ObjectTypeRow, StatusRow } from '../store/tables.js'

export interface ObjectSchemaView extends ObjectSchemaDef {
  created: string
  updated: string
  objectCount: number
  objectTypeCount: number
}
export interface ObjectTypeView extends ObjectTypeDef {
  created: string
  updated: string
  objectCount: number
}

export interface NewAttribute {
  name: string
  description?: string
  kind: AttributeKind
  externalId?: string | null
  label?: boolean
  minimumCardinality?: number
  maximumCardinality?: number
  unique?: boolean
  referenceObjectTypeId?: number | null
  allowedValues?: string[]
}

/** Object schemas, the object-type tree, attributes and statuses of one workspace. */
export class ObjectSchemaService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
  ) {}

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
    if (await repo.findSchemaByKey(this.db, workspaceId, input.objectSchemaKey)) {
      throw ConflictError({
        entity: 'Object schema',
        reason: `the key ${input.objectSchemaKey} is already used`,
      })
    }
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

  async updateSchema(
    workspaceId: string,
    id: number,
    patch: { name?: string; description?: string },
  ): Promise<void> {
    await this.getSchema(workspaceId, id)
    const problems: FieldProblem[] = []
    if (patch.name !== undefined) checkName('name', patch.name, problems)
    if (problems.length) throw ValidationError({ problems })
    await repo.updateSchema(this.db, id, {
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      updated_at: isoNow(this.clock),
    })
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

  async createType(
    workspaceId: string,
    input: {
      objectSchemaId: number
      name: string
      description?: string
      parentObjectTypeId?: number | null
      externalId?: string | null
      iconKey?: string | null
    },
  ): Promise<ObjectTypeDef> {
    const problems: FieldProblem[] = []
    checkName('name', input.name, problems)
    if (problems.length) throw ValidationError({ problems })
    await this.getSchema(workspaceId, input.objectSchemaId)
    const siblings = await repo.listTypes(this.db, input.objectSchemaId)
    if (input.parentObjectTypeId != null) {
      const parent = siblings.find((t) => Number(t.id) === input.parentObjectTypeId)
      if (!parent) {
        throw ValidationError({
          problems: [
            {
              field: 'parentObjectTypeId',
              message: 'must name an object type of the same schema',
              value: input.parentObjectTypeId,
            },
          ],
        })
      }
    }
    const name = input.name.trim()
    if (siblings.some((t) => t.name.toLowerCase() === name.toLowerCase())) {
      throw ConflictError({ entity: 'Object type', reason: `the schema already has a type named "${name}"` })
    }
    const now = isoNow(this.clock)
    const id = await repo.insertType(this.db, {
      workspace_id: workspaceId,
      object_schema_id: input.objectSchemaId,
      parent_object_type_id: input.parentObjectTypeId ?? null,
      external_id: input.externalId ?? null,
      name,
      description: input.description ?? '',
      icon_key: input.iconKey ?? null,
      position: siblings.length,
      created_at: now,
      updated_at: now,
    })
    return this.getType(workspaceId, id)
  }

  async updateType(
    workspaceId: string,
    id: number,
    patch: { description?: string; iconKey?: string | null },
  ): Promise<void> {
    await this.getType(workspaceId, id)
    await repo.updateType(this.db, id, {
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.iconKey !== undefined ? { icon_key: patch.iconKey } : {}),
      updated_at: isoNow(this.clock),
    })
  }

  async getType(workspaceId: string, id: number): Promise<ObjectTypeDef> {
    const row = await repo.findType(this.db, workspaceId, id)
    if (!row) throw NotFoundError({ entity: 'Object type', id })
    return toType(row)
  }

  async viewType(workspaceId: string, id: number): Promise<ObjectTypeView> {
    const row = await repo.findType(this.db, workspaceId, id)
    if (!row) throw NotFoundError({ entity: 'Object type', id })
    const counts = await repo.countObjectsBy(this.db, 'object_type_id', [Number(row.id)])
    return {
      ...toType(row),
      created: row.created_at,
      updated: row.updated_at,
      objectCount: counts.get(Number(row.id)) ?? 0,
    }
  }

  /** Every type of a schema, parents before children (the `flat` listing). */
  async listTypes(workspaceId: string, schemaId: number): Promise<ObjectTypeView[]> {
    await this.getSchema(workspaceId, schemaId)
    const rows = await repo.listTypes(this.db, schemaId)
    const counts = await repo.countObjectsBy(
      this.db,
      'object_type_id',
      rows.map((r) => Number(r.id)),
    )
    return treeOrder(rows).map((r) => ({
      ...toType(r),
      created: r.created_at,
      updated: r.updated_at,
      objectCount: counts.get(Number(r.id)) ?? 0,
    }))
  }

  async createAttribute(
    workspaceId: string,
    objectTypeId: number,
    input: NewAttribute,
  ): Promise<AttributeDef> {
    const type = await this.getType(workspaceId, objectTypeId)
    const existing = await this.listAttributes(workspaceId, objectTypeId)
    const problems: FieldProblem[] = []
    checkName('name', input.name, problems)
    if (!isAttributeKind(input.kind)) {
      problems.push({ field: 'type', message: 'must be one of the 14 attribute types', value: input.kind })
    }
    const min = input.minimumCardinality ?? 0
    const max = input.maximumCardinality ?? 1
    checkCardinality(min, max, problems)
    const allowed = input.allowedValues ?? []
    if (allowed.length > 0 && input.kind !== 'select' && input.kind !== 'status') {
      problems.push({
        field: 'allowedValues',
        message: 'only select and status attributes have allowed values',
      })
    }
    if (input.kind === 'referenced_object') {
      if (input.referenceObjectTypeId == null) {
        problems.push({
          field: 'referenceObjectTypeId',
          message: 'is required for a referenced_object attribute',
        })
      } else {
        const target = await repo.findType(this.db, workspaceId, input.referenceObjectTypeId)
        if (!target) {
          problems.push({
            field: 'referenceObjectTypeId',
            message: 'must name an object type of this workspace',
            value: input.referenceObjectTypeId,
          })
        }
      }
    } else if (input.referenceObjectTypeId != null) {
      problems.push({
        field: 'referenceObjectTypeId',
        message: 'only referenced_object attributes have a target type',
      })
    }
    if (problems.length) throw ValidationError({ problems })
    const name = input.name.trim()
    if (existing.some((a) => a.name.toLowerCase() === name.toLowerCase())) {
      throw ConflictError({
        entity: 'Attribute',
        reason: `the type "${type.name}" already has an attribute "${name}"`,
      })
    }
    const now = isoNow(this.clock)
    if (input.label) {
      // One label per type: the new label attribute takes the role from the previous one.
      for (const a of existing.filter((x) => x.label))
        await repo.updateAttribute(this.db, a.id, { is_label: 0 })
    }
    const id = await repo.insertAttribute(this.db, {
      workspace_id: workspaceId,
      object_type_id: objectTypeId,
      external_id: input.externalId ?? null,
      name,
      description: input.description ?? '',
      kind: input.kind,
      is_label: input.label ? 1 : 0,
      minimum_cardinality: min,
      maximum_cardinality: max,
      is_unique: input.unique ? 1 : 0,
      reference_object_type_id: input.referenceObjectTypeId ?? null,
      allowed_values: JSON.stringify(allowed),
      position: existing.length,
      created_at: now,
      updated_at: now,
    })
    const created = (await this.listAttributes(workspaceId, objectTypeId)).find((a) => a.id === id)
    return created!
  }

  async updateAttribute(
    workspaceId: string,
    attributeId: number,
    objectTypeId: number,
    patch: {
      description?: string
      allowedValues?: string[]
      minimumCardinality?: number
      maximumCardinality?: number
      unique?: boolean
      label?: boolean
    },
  ): Promise<void> {
    const attrs = await this.listAttributes(workspaceId, objectTypeId)
    const attr = attrs.find((a) => a.id === attributeId)
    if (!attr) throw NotFoundError({ entity: 'Attribute', id: attributeId })
    const problems: FieldProblem[] = []
    checkCardinality(
      patch.minimumCardinality ?? attr.minimumCardinality,
      patch.maximumCardinality ?? attr.maximumCardinality,
      problems,
    )
    if (problems.length) throw ValidationError({ problems })
    if (patch.label) {
      for (const a of attrs.filter((x) => x.label && x.id !== attributeId)) {
        await repo.updateAttribute(this.db, a.id, { is_label: 0 })
      }
    }
    await repo.updateAttribute(this.db, attributeId, {
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.allowedValues !== undefined ? { allowed_values: JSON.stringify(patch.allowedValues) } : {}),
      ...(patch.minimumCardinality !== undefined ? { minimum_cardinality: patch.minimumCardinality } : {}),
      ...(patch.maximumCardinality !== undefined ? { maximum_cardinality: patch.maximumCardinality } : {}),
      ...(patch.unique !== undefined ? { is_unique: patch.unique ? 1 : 0 } : {}),
      ...(patch.label !== undefined ? { is_label: patch.label ? 1 : 0 } : {}),
      updated_at: isoNow(this.clock),
    })
  }

  async listAttributes(workspaceId: string, objectTypeId: number): Promise<AttributeDef[]> {
    await this.getType(workspaceId, objectTypeId)
    return (await repo.listAttributes(this.db, [objectTypeId])).map(toAttribute)
  }

  async attributesOfTypes(typeIds: number[]): Promise<AttributeDef[]> {
    return (await repo.listAttributes(this.db, typeIds)).map(toAttribute)
  }

  async createStatus(
    workspaceId: string,
    input: { objectSchemaId: number | null; name: string; description?: string; category: StatusCategory },
  ): Promise<StatusDef> {
    const problems: FieldProblem[] = []
    if (typeof input.name !== 'string' || !STATUS_NAME_PATTERN.test(input.name)) {
      problems.push({
        field: 'name',
        message: 'must be 2 to 30 letters, digits, spaces or dashes',
        value: input.name,
      })
    }
    if (!isStatusCategory(input.category)) {
      problems.push({
        field: 'category',
        message: 'must be active, inactive or pending',
        value: input.category,
      })
    }
    if (problems.length) throw ValidationError({ problems })
    if (input.objectSchemaId !== null) await this.getSchema(workspaceId, input.objectSchemaId)
    const visible = await repo.listStatuses(this.db, workspaceId, input.objectSchemaId)
    if (visible.some((s) => s.name.toLowerCase() === input.name.toLowerCase())) {
      throw ConflictError({ entity: 'Status', reason: `a status named "${input.name}" already exists` })
    }
    const id = await repo.insertStatus(this.db, {
      workspace_id: workspaceId,
      object_schema_id: input.objectSchemaId,
      name: input.name,
      description: input.description ?? '',
      category: input.category,
    })
    return {
      id,
      objectSchemaId: input.objectSchemaId,
      name: input.name,
      description: input.description ?? '',
      category: input.category,
    }
  }

  /** Changes the description or category of a status (its name is its identity). */
  async updateStatus(
    workspaceId: string,
    id: number,
    patch: { description?: string; category?: StatusCategory },
  ): Promise<void> {
    if (!(await repo.findStatus(this.db, workspaceId, id))) throw NotFoundError({ entity: 'Status', id })
    if (patch.category !== undefined && !isStatusCategory(patch.category)) {
      throw ValidationError({
        problems: [
          { field: 'category', message: 'must be active, inactive or pending', value: patch.category },
        ],
      })
    }
    await repo.updateStatus(this.db, id, {
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.category !== undefined ? { category: patch.category } : {}),
    })
  }

  async listStatuses(workspaceId: string, schemaId: number | null): Promise<StatusDef[]> {
    return (await repo.listStatuses(this.db, workspaceId, schemaId)).map(toStatus)
  }

  reserveObjectNumbers(schemaId: number, count: number): Promise<number> {
    return repo.reserveObjectNumbers(this.db, schemaId, count)
  }
}

function treeOrder(rows: ObjectTypeRow[]): ObjectTypeRow[] {
  const byParent = new Map<number | null, ObjectTypeRow[]>()
  for (const r of rows) {
    const key = r.parent_object_type_id === null ? null : Number(r.parent_object_type_id)
    byParent.set(key, [...(byParent.get(key) ?? []), r])
  }
  const out: ObjectTypeRow[] = []
  const visit = (parent: number | null): void => {
    for (const r of byParent.get(parent) ?? []) {
      out.push(r)
      visit(Number(r.id))
    }
  }
  visit(null)
  return out
}

export function toSchema(r: ObjectSchemaRow): ObjectSchemaDef {
  return {
    id: Number(r.id),
    workspaceId: r.workspace_id,
    name: r.name,
    objectSchemaKey: r.object_schema_key,
    description: r.description,
  }
}

export function toType(r: ObjectTypeRow): ObjectTypeDef {
  return {
    id: Number(r.id),
    objectSchemaId: Number(r.object_schema_id),
    parentObjectTypeId: r.parent_object_type_id === null ? null : Number(r.parent_object_type_id),
    externalId: r.external_id,
    name: r.name,
    description: r.description,
    iconKey: r.icon_key,
    position: r.position,
  }
}

export function toAttribute(r: AttributeRow): AttributeDef {
  return {
    id: Number(r.id),
    objectTypeId: Number(r.object_type_id),
    externalId: r.external_id,
    name: r.name,
    description: r.description,
    kind: r.kind as AttributeKind,
    label: r.is_label === 1,
    minimumCardinality: r.minimum_cardinality,
    maximumCardinality: r.maximum_cardinality,
    unique: r.is_unique === 1,
    referenceObjectTypeId: r.reference_object_type_id === null ? null : Number(r.reference_object_type_id),
    allowedValues: JSON.parse(r.allowed_values) as string[],
    position: r.position,
  }
}

export function toStatus(r: StatusRow): StatusDef {
  return {
    id: Number(r.id),
    objectSchemaId: r.object_schema_id === null ? null : Number(r.object_schema_id),
    name: r.name,
    description: r.description,
    category: r.category as StatusCategory,
  }
}
