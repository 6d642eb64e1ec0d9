import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import { ConflictError, NotFoundError, ValidationError, type FieldProblem } from '../domain/errors.js'
import { checkCardinality, checkName, isAttributeKind } from '../domain/schema/definitions.js'
import { nextIndexState } from '../domain/schema/indexed-attributes.js'
import { decodeValues } from '../domain/schema/stored-values.js'
import { UniqueDuplicates } from '../domain/schema/unique-duplicates.js'
import type { AttributeDef, AttributeKind } from '../domain/schema/types.js'
import type { Db } from '../store/create-store.js'
import { attributeIndexRepository as indexRepo } from '../store/repositories/attribute-index.repository.js'
import { objectSchemaRepository as repo } from '../store/repositories/object-schema.repository.js'
import { schemaUsageRepository as usage } from '../store/repositories/schema-usage.repository.js'
import { uniqueLockRepository } from '../store/repositories/unique-lock.repository.js'
import type { ObjectTypeService } from './object-type.service.js'
import { assertNotMapped } from './schema-guards.js'
import { toAttribute } from './schema-rows.js'

export interface NewAttribute {
  name: string
  description?: string
  kind: AttributeKind
  externalId?: string | null
  label?: boolean
  minimumCardinality?: number
  maximumCardinality?: number
  unique?: boolean
  /** Searchable by index (docs/aql.md, "Indexed attributes"); default false. */
  indexed?: boolean
  referenceObjectTypeId?: number | null
  allowedValues?: string[]
}

export interface AttributeChange {
  /** Only the attribute's own type is accepted: a type never changes (its values would not fit). */
  kind?: AttributeKind
  name?: string
  description?: string
  allowedValues?: string[]
  minimumCardinality?: number
  maximumCardinality?: number
  unique?: boolean
  label?: boolean
  /** Switching it builds or drops the attribute's index rows in the background. */
  indexed?: boolean
}

/** Objects read per statement when switching `unique` on looks for values held twice. */
const DUPLICATE_PAGE = 2_000

/** The attributes of object types: create, change, read, delete. */
export class AttributeService {
  constructor(
    private readonly db: Db,
    private readonly types: ObjectTypeService,
    private readonly clock: Clock = systemClock,
  ) {}

  async create(workspaceId: string, objectTypeId: number, input: NewAttribute): Promise<AttributeDef> {
    const type = await this.types.get(workspaceId, objectTypeId)
    const existing = await this.list(workspaceId, objectTypeId)
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
    assertNameFree(existing, name, null, type.name)
    const now = isoNow(this.clock)
    if (input.label) {
      // One label per type: the new label attribute takes the role from the previous one.
      for (const a of existing.filter((x) => x.label))
        await repo.updateAttribute(this.db, a.id, { is_label: 0 })
      await this.syncIndexStates(workspaceId, objectTypeId)
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
      indexed: input.indexed ? 1 : 0,
      // A new attribute holds no values: its index rows, if it keeps any, are complete from the start.
      index_state: nextIndexState({
        kind: input.kind,
        label: input.label ?? false,
        unique: input.unique ?? false,
        indexed: input.indexed ?? false,
        maximumCardinality: max,
        indexState: null,
      }),
      reference_object_type_id: input.referenceObjectTypeId ?? null,
      allowed_values: JSON.stringify(allowed),
      position: existing.length,
      created_at: now,
      updated_at: now,
    })
    return (await this.list(workspaceId, objectTypeId)).find((a) => a.id === id)!
  }

  /** Changes an attribute of `objectTypeId` (404 when it belongs to another type). */
  async update(
    workspaceId: string,
    attributeId: number,
    objectTypeId: number,
    change: AttributeChange,
  ): Promise<AttributeDef> {
    const attrs = await this.list(workspaceId, objectTypeId)
    const attr = attrs.find((a) => a.id === attributeId)
    if (!attr) throw NotFoundError({ entity: 'Attribute', id: attributeId })
    // Before anything this transaction writes: the writers of the attribute's values finish first, and the duplicate
    // check below sees their values; later ones wait, then see the flag (unique-lock.repository.ts).
    if (change.unique === true && !attr.unique)
      await uniqueLockRepository.lockForUniqueSwitch(this.db, [attr.id])
    const problems: FieldProblem[] = []
    checkCardinality(
      change.minimumCardinality ?? attr.minimumCardinality,
      change.maximumCardinality ?? attr.maximumCardinality,
      problems,
    )
    if (change.kind !== undefined && change.kind !== attr.kind) {
      problems.push({
        field: 'kind',
        message: `an attribute's type never changes (it is ${attr.kind}); add a new attribute instead`,
        value: change.kind,
      })
    }
    if (change.allowedValues !== undefined && attr.kind !== 'select' && attr.kind !== 'status') {
      problems.push({
        field: 'allowedValues',
        message: 'only select and status attributes have allowed values',
      })
    }
    let name: string | undefined
    if (change.name !== undefined && change.name.trim() !== attr.name) {
      checkName('name', change.name, problems)
      name = change.name.trim()
    }
    if (problems.length) throw ValidationError({ problems })
    if (name !== undefined) {
      const type = await this.types.get(workspaceId, objectTypeId)
      assertNameFree(attrs, name, attributeId, type.name)
      await assertNotMapped(
        this.db,
        workspaceId,
        type.objectSchemaId,
        { entity: 'Attribute', ...attr },
        'rename',
      )
    }
    if (change.label) {
      for (const a of attrs.filter((x) => x.label && x.id !== attributeId)) {
        await repo.updateAttribute(this.db, a.id, { is_label: 0 })
      }
    }
    if (change.unique === true && !attr.unique) await this.assertNoDuplicates(workspaceId, attr)
    await repo.updateAttribute(this.db, attributeId, {
      ...(name !== undefined ? { name } : {}),
      ...(change.description !== undefined ? { description: change.description } : {}),
      ...(change.allowedValues !== undefined ? { allowed_values: JSON.stringify(change.allowedValues) } : {}),
      ...(change.minimumCardinality !== undefined ? { minimum_cardinality: change.minimumCardinality } : {}),
      ...(change.maximumCardinality !== undefined ? { maximum_cardinality: change.maximumCardinality } : {}),
      ...(change.unique !== undefined ? { is_unique: change.unique ? 1 : 0 } : {}),
      ...(change.label !== undefined ? { is_label: change.label ? 1 : 0 } : {}),
      ...(change.indexed !== undefined ? { indexed: change.indexed ? 1 : 0 } : {}),
      updated_at: isoNow(this.clock),
    })
    await this.syncIndexStates(workspaceId, objectTypeId)
    return (await this.list(workspaceId, objectTypeId)).find((a) => a.id === attributeId)!
  }

  /**
   * Deletes an attribute. Refused (409) while any object holds a value or a reference in it, or while an import
   * source's mapping declares it: values are never dropped along with their attribute.
   */
  async remove(workspaceId: string, attributeId: number): Promise<void> {
    const attr = await this.get(workspaceId, attributeId)
    const type = await this.types.get(workspaceId, attr.objectTypeId)
    const holders = await usage.objectsWithValues(this.db, attributeId)
    if (holders > 0) {
      throw ConflictError({
        entity: 'Attribute',
        reason: `${holders} object(s) of "${type.name}" hold values of "${attr.name}"; clear them first`,
      })
    }
    await assertNotMapped(
      this.db,
      workspaceId,
      type.objectSchemaId,
      { entity: 'Attribute', ...attr },
      'delete',
    )
    await usage.deleteAttributes(this.db, [attributeId])
  }

  /**
   * Switching `unique` on is refused (409) while two objects of the type hold the same value (compared as unique
   * compares, case-insensitively): imports check only what they write, so a duplicate stored would stay unreported
   * (docs/decisions/0011-unique-checks-writes.md). The stored objects are read in pages of their values.
   */
  private async assertNoDuplicates(workspaceId: string, attr: AttributeDef): Promise<void> {
    if (attr.kind === 'referenced_object') return
    const duplicates = new UniqueDuplicates()
    for (let after = 0; ;) {
      const page = await indexRepo.objectsWithKey(this.db, attr.objectTypeId, attr.id, after, DUPLICATE_PAGE)
      for (const o of page) duplicates.add(Number(o.id), decodeValues(o.attribute_values).get(attr.id) ?? [])
      if (page.length < DUPLICATE_PAGE) break
      after = Number(page[page.length - 1]!.id)
    }
    if (duplicates.size === 0) return
    const type = await this.types.get(workspaceId, attr.objectTypeId)
    const named = duplicates
      .first(5)
      .map((d) => `${JSON.stringify(d.value)} (objects ${d.objectIds.slice(0, 5).join(', ')})`)
      .join(', ')
    throw ConflictError({
      entity: 'Attribute',
      reason:
        `"${attr.name}" cannot become unique: ${duplicates.size} value(s) are held by more than one object of ` +
        `"${type.name}": ${named}${duplicates.size > 5 ? ', …' : ''}; make them distinct first`,
    })
  }

  async get(workspaceId: string, attributeId: number): Promise<AttributeDef> {
    const row = await repo.findAttribute(this.db, workspaceId, attributeId)
    if (!row) throw NotFoundError({ entity: 'Attribute', id: attributeId })
    return toAttribute(row)
  }

  async list(workspaceId: string, objectTypeId: number): Promise<AttributeDef[]> {
    await this.types.get(workspaceId, objectTypeId)
    return (await repo.listAttributes(this.db, [objectTypeId])).map(toAttribute)
  }

  /**
   * Moves the index state of the type's attributes after their flags changed (indexed, label, unique): rows
   * wanted → building (the background task fills them, indexed-attributes.ts), no longer wanted → dropping.
   */
  private async syncIndexStates(workspaceId: string, objectTypeId: number): Promise<void> {
    for (const a of await this.list(workspaceId, objectTypeId)) {
      const next = nextIndexState(a)
      if (next !== a.indexState) await repo.updateAttribute(this.db, a.id, { index_state: next })
    }
  }

  async ofTypes(typeIds: number[]): Promise<AttributeDef[]> {
    return (await repo.listAttributes(this.db, typeIds)).map(toAttribute)
  }
}

function assertNameFree(
  attrs: AttributeDef[],
  name: string,
  exceptId: number | null,
  typeName: string,
): void {
  if (attrs.some((a) => a.id !== exceptId && a.name.toLowerCase() === name.toLowerCase())) {
    throw ConflictError({
      entity: 'Attribute',
      reason: `the type "${typeName}" already has an attribute "${name}"`,
    })
  }
}
