import { foldCase } from '../domain/aql/compare.js'
import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import { ConflictError, NotFoundError } from '../domain/errors.js'
import { CardinalityError, UnknownAttributeError } from '../domain/schema/attribute-errors.js'
import { validateValues } from '../domain/schema/attribute-value.js'
import { contentHash, valueText } from '../domain/schema/content-hash.js'
import { InvalidReferenceError, UniqueValueTakenError } from '../domain/schema/object-errors.js'
import { keepsIndexRows } from '../domain/schema/indexed-attributes.js'
import { decodeValues, encodeValues, indexRows } from '../domain/schema/stored-values.js'
import type { AttributeDef, CanonicalValue, ObjectTypeDef, StatusDef } from '../domain/schema/types.js'
import type { Db } from '../store/create-store.js'
import { attributeIndexRepository as indexRepo } from '../store/repositories/attribute-index.repository.js'
import { objectSchemaRepository } from '../store/repositories/object-schema.repository.js'
import { objectHistoryRepository as historyRepo } from '../store/repositories/object-history.repository.js'
import { objectRepository as repo } from '../store/repositories/object.repository.js'
import { uniqueLockRepository } from '../store/repositories/unique-lock.repository.js'
import type { ObjectRow } from '../store/tables.js'
import { ObjectSchemaService, toStatus } from './object-schema.service.js'
import { manualOrigin, recordWrite } from './provenance.service.js'

/** Objects read per statement when a unique value is checked against values whose index is being built. */
const SCAN_PAGE = 2000

export interface AttributeValuesInput {
  /** Attribute id, or its name (case-insensitive). */
  attribute: number | string
  values: unknown[]
}

export interface ObjectView {
  id: number
  objectKey: string
  label: string
  objectTypeId: number
  objectSchemaId: number
  importSourceId: string | null
  identity: string | null
  created: string
  updated: string
  /** Attribute id → canonical values (references as target object ids). */
  values: Map<number, CanonicalValue[]>
  /** Target objects of reference values, for display. */
  referenced: Map<number, { id: number; objectKey: string; label: string; objectTypeId: number }>
}

/** Creates, updates, reads and deletes objects, validating every value against its attribute. */
export class ObjectService {
  private readonly schemas: ObjectSchemaService

  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
  ) {
    this.schemas = new ObjectSchemaService(db, clock)
  }

  in(trx: Db): ObjectService {
    return new ObjectService(trx, this.clock)
  }

  async create(
    workspaceId: string,
    input: {
      objectTypeId: number
      attributes: AttributeValuesInput[]
      importSourceId?: string
      identity?: string
      /** Who writes (`token:<id>`), for the object's history. */
      actor?: string | null
    },
  ): Promise<ObjectView> {
    const type = await this.schemas.getType(workspaceId, input.objectTypeId)
    const attrs = await this.schemas.listAttributes(workspaceId, type.id)
    const values = await this.resolve(workspaceId, type, attrs, input.attributes, null)
    for (const a of attrs) {
      const count = values.get(a.id)?.length ?? 0
      if (count < a.minimumCardinality) {
        throw CardinalityError({
          attribute: a.name,
          min: a.minimumCardinality,
          max: a.maximumCardinality,
          count,
        })
      }
    }
    const schema = await this.schemas.getSchema(workspaceId, type.objectSchemaId)
    const seq = await this.schemas.reserveObjectNumbers(schema.id, 1)
    const key = `${schema.objectSchemaKey}-${seq}`
    const now = isoNow(this.clock)
    const origin = await manualOrigin(this.db, workspaceId, {
      actor: input.actor ?? null,
      importSourceId: input.importSourceId ?? null,
      now,
    })
    const id = await repo.insert(this.db, {
      origin_id: origin,
      workspace_id: workspaceId,
      object_schema_id: schema.id,
      object_type_id: type.id,
      object_key: key,
      label: labelOf(attrs, values) ?? key,
      identity: input.identity ?? null,
      import_source_id: input.importSourceId ?? null,
      content_hash: contentHash(values),
      attribute_values: encodeValues(values, isReferenceIn(attrs)),
      created_at: now,
      updated_at: now,
    })
    await this.writeValues(id, attrs, new Map(), values)
    await historyRepo.insert(this.db, {
      workspace_id: workspaceId,
      object_id: id,
      operation: 'create',
      actor: input.actor ?? null,
      before: null,
      after: JSON.stringify(Object.fromEntries(values)),
      created_at: now,
    })
    return this.get(workspaceId, id)
  }

  /** Replaces the values of the attributes named in `attributes`; the others keep theirs. */
  async update(
    workspaceId: string,
    id: number,
    attributes: AttributeValuesInput[],
    actor: string | null = null,
  ): Promise<ObjectView> {
    const current = await this.get(workspaceId, id)
    const type = await this.schemas.getType(workspaceId, current.objectTypeId)
    const attrs = await this.schemas.listAttributes(workspaceId, type.id)
    const changes = await this.resolve(workspaceId, type, attrs, attributes, id)
    for (const [attrId, vals] of changes) {
      const a = attrs.find((x) => x.id === attrId)!
      if (vals.length < a.minimumCardinality) {
        throw CardinalityError({
          attribute: a.name,
          min: a.minimumCardinality,
          max: a.maximumCardinality,
          count: vals.length,
        })
      }
    }
    const merged = new Map(current.values)
    for (const [attrId, vals] of changes) merged.set(attrId, vals)
    const now = isoNow(this.clock)
    await repo.update(this.db, id, {
      label: labelOf(attrs, merged) ?? current.objectKey,
      content_hash: contentHash(merged),
      attribute_values: encodeValues(merged, isReferenceIn(attrs)),
      updated_at: now,
    })
    const changed = [...changes].filter(
      ([attrId, vals]) => !sameValues(current.values.get(attrId) ?? [], vals),
    )
    if (changed.length > 0) {
      const origin = await manualOrigin(this.db, workspaceId, { actor, importSourceId: null, now })
      await recordWrite(
        this.db,
        id,
        changed.map(([a]) => a),
        origin,
      )
      await historyRepo.insert(this.db, {
        workspace_id: workspaceId,
        object_id: id,
        operation: 'update',
        actor,
        before: JSON.stringify(Object.fromEntries(changed.map(([a]) => [a, current.values.get(a) ?? []]))),
        after: JSON.stringify(Object.fromEntries(changed)),
        created_at: now,
      })
    }
    await this.writeValues(
      id,
      attrs.filter((a) => changes.has(a.id)),
      current.values,
      changes,
    )
    return this.get(workspaceId, id)
  }

  /** Deletes an object; answers its type. */
  async remove(workspaceId: string, id: number): Promise<{ objectTypeId: number }> {
    const current = await this.get(workspaceId, id)
    const attrs = await this.schemas.attributesOfTypes([current.objectTypeId])
    await repo.deleteIndexRows(
      this.db,
      attrs.filter((a) => keepsIndexRows(a)).flatMap((a) => indexRows(id, a, current.values.get(a.id) ?? [])),
    )
    await historyRepo.removeOfObject(this.db, id)
    await repo.remove(this.db, id)
    return { objectTypeId: current.objectTypeId }
  }

  async get(workspaceId: string, id: number): Promise<ObjectView> {
    const row = await repo.find(this.db, workspaceId, id)
    if (!row) throw NotFoundError({ entity: 'Object', id })
    const [view] = await this.views(workspaceId, [row])
    return view!
  }

  async views(workspaceId: string, rows: ObjectRow[]): Promise<ObjectView[]> {
    const ids = rows.map((r) => Number(r.id))
    const refRows = await repo.references(this.db, ids)
    const targets = await repo.findMany(this.db, workspaceId, [
      ...new Set(refRows.map((r) => Number(r.target_object_id))),
    ])
    const referenced = new Map(
      targets.map((t) => [
        Number(t.id),
        { id: Number(t.id), objectKey: t.object_key, label: t.label, objectTypeId: Number(t.object_type_id) },
      ]),
    )
    return rows.map((r) => {
      const oid = Number(r.id)
      const values = decodeValues(r.attribute_values)
      for (const ref of refRows) {
        if (Number(ref.object_id) !== oid) continue
        const list = values.get(Number(ref.attribute_id)) ?? []
        list.push(Number(ref.target_object_id))
        values.set(Number(ref.attribute_id), list)
      }
      return {
        id: oid,
        objectKey: r.object_key,
        label: r.label,
        objectTypeId: Number(r.object_type_id),
        objectSchemaId: Number(r.object_schema_id),
        importSourceId: r.import_source_id,
        identity: r.identity,
        created: r.created_at,
        updated: r.updated_at,
        values,
        referenced,
      }
    })
  }

  /** Validates the given attribute inputs: types, cardinality, allowed values, uniqueness, reference targets. */
  private async resolve(
    workspaceId: string,
    type: ObjectTypeDef,
    attrs: AttributeDef[],
    inputs: AttributeValuesInput[],
    selfId: number | null,
  ): Promise<Map<number, CanonicalValue[]>> {
    const out = new Map<number, CanonicalValue[]>()
    let statuses: StatusDef[] | undefined
    // The unique attributes written are locked before the first is checked (unique-lock.repository.ts), until the
    // caller's transaction ends: a concurrent import or request writing one of their values is then seen. The others
    // written are locked shared, which switching `unique` on waits for; a switch that committed since `attrs` was read
    // shows in the flags read again under the locks.
    const written = inputs.flatMap((input) => {
      const a = attributeOf(attrs, input)
      return a && a.kind !== 'referenced_object' && input.values.length ? [a] : []
    })
    const unique = written.filter((a) => a.unique).map((a) => a.id)
    const others = written.filter((a) => !a.unique).map((a) => a.id)
    await uniqueLockRepository.lockAttributes(this.db, unique, others)
    if (others.length > 0 && (await uniqueLockRepository.uniqueNow(this.db, others)).size > 0) {
      throw ConflictError({
        entity: 'Object',
        reason: 'an attribute written became unique while the request ran; send it again',
      })
    }
    for (const input of inputs) {
      const a = attributeOf(attrs, input)
      if (!a) throw UnknownAttributeError({ objectType: type.name, attribute: String(input.attribute) })
      if (a.kind === 'status' && statuses === undefined) {
        statuses = (await objectSchemaRepository.listStatuses(this.db, workspaceId, type.objectSchemaId)).map(
          toStatus,
        )
      }
      const values = validateValues(a, input.values, { statuses: (statuses ?? []).map((s) => s.name) })
      if (a.kind === 'referenced_object') await this.checkTargets(workspaceId, a, values as number[])
      if (a.unique && values.length) {
        const taken = await this.valueHolders(
          a,
          values.map((v) => foldCase(valueText(v))),
          selfId,
        )
        if (taken[0])
          throw UniqueValueTakenError({
            attribute: a.name,
            value: taken[0].value_text,
            objectId: Number(taken[0].object_id),
          })
      }
      out.set(a.id, values)
    }
    return out
  }

  /**
   * Objects other than `selfId` holding one of the folded values of a unique attribute: its index rows answer, or,
   * while they are still being built (indexed-attributes.ts), the values of the type's objects themselves.
   */
  private async valueHolders(
    a: AttributeDef,
    folded: string[],
    selfId: number | null,
  ): Promise<{ object_id: number; value_text: string }[]> {
    if (a.indexState === 'ready') return repo.findValueHolders(this.db, a.id, folded, selfId)
    const wanted = new Set(folded)
    for (let after = 0; ;) {
      const objects = await indexRepo.objectsWithKey(this.db, a.objectTypeId, a.id, after, SCAN_PAGE)
      for (const o of objects) {
        const id = Number(o.id)
        if (id === selfId) continue
        for (const v of decodeValues(o.attribute_values).get(a.id) ?? []) {
          const text = valueText(v)
          if (wanted.has(foldCase(text))) return [{ object_id: id, value_text: text }]
        }
      }
      if (objects.length < SCAN_PAGE) return []
      after = Number(objects[objects.length - 1]!.id)
    }
  }

  private async checkTargets(workspaceId: string, a: AttributeDef, ids: number[]): Promise<void> {
    const found = await repo.findMany(this.db, workspaceId, ids)
    const allowedTypes = await this.typeAndDescendants(workspaceId, a.referenceObjectTypeId!)
    for (const id of ids) {
      const target = found.find((o) => Number(o.id) === id)
      if (!target) throw InvalidReferenceError({ attribute: a.name, objectId: id, reason: 'no such object' })
      if (!allowedTypes.has(Number(target.object_type_id))) {
        throw InvalidReferenceError({
          attribute: a.name,
          objectId: id,
          reason: 'the object is not of the referenced type',
        })
      }
    }
  }

  private async typeAndDescendants(workspaceId: string, typeId: number): Promise<Set<number>> {
    const root = await this.schemas.getType(workspaceId, typeId)
    const all = await objectSchemaRepository.listTypes(this.db, root.objectSchemaId)
    const ids = new Set([typeId])
    let grew = true
    while (grew) {
      grew = false
      for (const t of all) {
        if (
          t.parent_object_type_id !== null &&
          ids.has(Number(t.parent_object_type_id)) &&
          !ids.has(Number(t.id))
        ) {
          ids.add(Number(t.id))
          grew = true
        }
      }
    }
    return ids
  }

  /** Writes the references and the search-index rows of the given attributes, replacing their old values. */
  private async writeValues(
    objectId: number,
    attrs: AttributeDef[],
    before: ReadonlyMap<number, CanonicalValue[]>,
    after: ReadonlyMap<number, CanonicalValue[]>,
  ): Promise<void> {
    for (const a of attrs) {
      const vals = after.get(a.id)
      if (vals === undefined) continue
      if (a.kind === 'referenced_object') {
        await repo.replaceReferences(
          this.db,
          objectId,
          a.id,
          vals.map((v, i) => ({
            object_id: objectId,
            attribute_id: a.id,
            position: i,
            target_object_id: Number(v),
          })),
        )
      } else if (keepsIndexRows(a)) {
        await repo.deleteIndexRows(this.db, indexRows(objectId, a, before.get(a.id) ?? []))
        await repo.insertIndexRows(this.db, indexRows(objectId, a, vals))
      }
    }
  }
}

function sameValues(a: readonly CanonicalValue[], b: readonly CanonicalValue[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

function isReferenceIn(attrs: AttributeDef[]): (attributeId: number) => boolean {
  const refs = new Set(attrs.filter((a) => a.kind === 'referenced_object').map((a) => a.id))
  return (id) => refs.has(id)
}

function labelOf(attrs: AttributeDef[], values: ReadonlyMap<number, CanonicalValue[]>): string | null {
  const label = attrs.find((a) => a.label)
  const v = label ? values.get(label.id)?.[0] : undefined
  return v === undefined ? null : valueText(v)
}

/** The attribute an input names, by id or by name (case-insensitive). */
function attributeOf(attrs: AttributeDef[], input: AttributeValuesInput): AttributeDef | undefined {
  return attrs.find((x) =>
    typeof input.attribute === 'number'
      ? x.id === input.attribute
      : x.name.toLowerCase() === input.attribute.toLowerCase(),
  )
}
