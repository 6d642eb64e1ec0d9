import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import { ConflictError, NotFoundError, ValidationError, type FieldProblem } from '../domain/errors.js'
import { checkName } from '../domain/schema/definitions.js'
import type { ObjectTypeDef } from '../domain/schema/types.js'
import type { Db } from '../store/create-store.js'
import { objectSchemaRepository as repo } from '../store/repositories/object-schema.repository.js'
import { schemaUsageRepository as usage } from '../store/repositories/schema-usage.repository.js'
import type { ObjectTypeRow } from '../store/tables.js'
import { assertNotMapped } from './schema-guards.js'
import { toType } from './schema-rows.js'

export interface ObjectTypeView extends ObjectTypeDef {
  created: string
  updated: string
  objectCount: number
}

export interface NewObjectType {
  objectSchemaId: number
  name: string
  description?: string
  parentObjectTypeId?: number | null
  externalId?: string | null
  iconKey?: string | null
}

export interface ObjectTypeChange {
  name?: string
  description?: string
  iconKey?: string | null
}

/** The object-type tree of a schema: create, change, read, delete. */
export class ObjectTypeService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
  ) {}

  async create(workspaceId: string, input: NewObjectType): Promise<ObjectTypeDef> {
    const problems: FieldProblem[] = []
    checkName('name', input.name, problems)
    if (problems.length) throw ValidationError({ problems })
    if (!(await repo.findSchema(this.db, workspaceId, input.objectSchemaId))) {
      throw NotFoundError({ entity: 'Object schema', id: input.objectSchemaId })
    }
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
    assertNameFree(siblings, name, null)
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
    return this.get(workspaceId, id)
  }

  /** Changes name, description or icon. A new name must be free in the schema and the type not mapped by a source. */
  async update(workspaceId: string, id: number, change: ObjectTypeChange): Promise<void> {
    const type = await this.get(workspaceId, id)
    let name: string | undefined
    if (change.name !== undefined && change.name.trim() !== type.name) {
      const problems: FieldProblem[] = []
      checkName('name', change.name, problems)
      if (problems.length) throw ValidationError({ problems })
      name = change.name.trim()
      assertNameFree(await repo.listTypes(this.db, type.objectSchemaId), name, id)
      await assertNotMapped(
        this.db,
        workspaceId,
        type.objectSchemaId,
        { entity: 'Object type', ...type },
        'rename',
      )
    }
    await repo.updateType(this.db, id, {
      ...(name !== undefined ? { name } : {}),
      ...(change.description !== undefined ? { description: change.description } : {}),
      ...(change.iconKey !== undefined ? { icon_key: change.iconKey } : {}),
      updated_at: isoNow(this.clock),
    })
  }

  /**
   * Deletes a type with its attributes. Refused (409) while the type has child types or objects, while attributes of
   * other types reference it, or while an import source's mapping declares it: nothing that depends on it is
   * deleted along with it.
   */
  async remove(workspaceId: string, id: number): Promise<void> {
    const type = await this.get(workspaceId, id)
    const refuse = (reason: string) => ConflictError({ entity: 'Object type', reason })
    const children = (await repo.listTypes(this.db, type.objectSchemaId)).filter(
      (t) => Number(t.parent_object_type_id) === id,
    )
    if (children.length) {
      throw refuse(`"${type.name}" has child types (${children.map((c) => `"${c.name}"`).join(', ')})`)
    }
    const objects = await usage.countObjectsOfTypes(this.db, [id])
    if (objects > 0) throw refuse(`"${type.name}" has ${objects} object(s); delete them first`)
    const referencing = await usage.referencingAttributes(this.db, [id])
    if (referencing.length) {
      const names = referencing.map((a) => `"${a.name}" (${a.id})`).join(', ')
      throw refuse(`attributes of other types reference "${type.name}": ${names}`)
    }
    await assertNotMapped(
      this.db,
      workspaceId,
      type.objectSchemaId,
      { entity: 'Object type', ...type },
      'delete',
    )
    // Objects inserted since the count: on PostgreSQL no foreign key refuses the delete any more. The lock waits
    // for writers still holding the type, and keeps new ones out (object-integrity.repository.ts).
    await usage.lockTypesForDelete(this.db, [id])
    const late = await usage.countObjectsOfTypes(this.db, [id])
    if (late > 0) throw refuse(`"${type.name}" has ${late} object(s); delete them first`)
    await usage.deleteTypes(this.db, [id])
  }

  async get(workspaceId: string, id: number): Promise<ObjectTypeDef> {
    const row = await repo.findType(this.db, workspaceId, id)
    if (!row) throw NotFoundError({ entity: 'Object type', id })
    return toType(row)
  }

  async view(workspaceId: string, id: number): Promise<ObjectTypeView> {
    const row = await repo.findType(this.db, workspaceId, id)
    if (!row) throw NotFoundError({ entity: 'Object type', id })
    const [view] = await this.views([row])
    return view!
  }

  /** Views of several types (404 for any unknown one), in the order of `ids`. */
  async viewMany(workspaceId: string, ids: number[]): Promise<ObjectTypeView[]> {
    const rows = await Promise.all(
      ids.map(async (id) => {
        const row = await repo.findType(this.db, workspaceId, id)
        if (!row) throw NotFoundError({ entity: 'Object type', id })
        return row
      }),
    )
    return this.views(rows)
  }

  /**
   * As viewMany, for the object types embedded in object resources (GET object/{id}, AQL pages). The objectCount
   * is read from the kept per-type counts (object_type_count), exact and without counting.
   */
  viewsForObjects(workspaceId: string, ids: number[]): Promise<ObjectTypeView[]> {
    return this.viewMany(workspaceId, ids)
  }

  /** Every type of a schema, parents before children (the schema must exist: the caller checks). */
  async listOfSchema(schemaId: number): Promise<ObjectTypeView[]> {
    return this.views(treeOrder(await repo.listTypes(this.db, schemaId)))
  }

  private async views(rows: ObjectTypeRow[]): Promise<ObjectTypeView[]> {
    const counts = await repo.countObjectsBy(
      this.db,
      'object_type_id',
      rows.map((r) => Number(r.id)),
    )
    return rows.map((r) => ({
      ...toType(r),
      created: r.created_at,
      updated: r.updated_at,
      objectCount: counts.get(Number(r.id)) ?? 0,
    }))
  }
}

function assertNameFree(types: ObjectTypeRow[], name: string, exceptId: number | null): void {
  if (types.some((t) => Number(t.id) !== exceptId && t.name.toLowerCase() === name.toLowerCase())) {
    throw ConflictError({ entity: 'Object type', reason: `the schema already has a type named "${name}"` })
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
