import { NotFoundError } from '../domain/errors.js'
import { decodeValues } from '../domain/schema/stored-values.js'
import type { AttributeDef, StatusDef } from '../domain/schema/types.js'
import type { Store } from '../store/create-store.js'
import {
  objectReadRepository as repo,
  type ObjectReadRow,
} from '../store/repositories/object-read.repository.js'
import { CatalogCache, type CatalogOfObject } from './catalog-cache.js'
import type { ObjectTypeView } from './object-type.service.js'
import type { ObjectView } from './object.service.js'

/** An object with what its resource needs: its type (with the exact objectCount), attributes and statuses. */
export interface ObjectReading {
  object: ObjectView
  type: ObjectTypeView
  attributes: AttributeDef[]
  statuses: StatusDef[]
}

/**
 * GET object/{id}: the object, its references and their targets in one statement, which also reads the
 * workspace's catalog version and the type's object count; the type, attributes and statuses come from the
 * catalog cache while that version is current.
 */
export class ObjectReadService {
  constructor(
    private readonly store: Pick<Store, 'db' | 'caps' | 'readNow'>,
    private readonly catalog: CatalogCache = new CatalogCache(store.db),
  ) {}

  async get(workspaceId: string, id: number): Promise<ObjectReading> {
    const now = this.readNow(workspaceId, id)
    if (now !== undefined) return now
    const rows = await repo.objectWithReferences(this.store.db, this.store.caps, workspaceId, id)
    const first = found(rows, id)
    const version = Number(first.catalog_version ?? 0)
    const typeId = Number(first.object_type_id)
    const [type, attributes, statuses] = await Promise.all([
      this.catalog.type(workspaceId, version, typeId),
      this.catalog.attributes(workspaceId, version, typeId),
      this.catalog.statuses(workspaceId, version, Number(first.object_schema_id)),
    ])
    return reading(rows, { type, attributes, statuses })
  }

  /**
   * get()'s answer without an await — the common case on SQLite, where the statement runs at once (Store.readNow)
   * and the catalog cache holds the type — or undefined when only get() can answer. Throws NotFound as get() does.
   */
  readNow(workspaceId: string, id: number): ObjectReading | undefined {
    const rows = repo.objectWithReferencesNow(this.store, workspaceId, id)
    if (rows === undefined) return undefined
    const first = found(rows, id)
    const catalog = this.catalog.known(
      workspaceId,
      Number(first.catalog_version ?? 0),
      Number(first.object_type_id),
      Number(first.object_schema_id),
    )
    return catalog && reading(rows, catalog)
  }
}

function found(rows: readonly ObjectReadRow[], id: number): ObjectReadRow {
  const first = rows[0]
  if (!first) throw NotFoundError({ entity: 'Object', id })
  return first
}

/** The object of its rows (one per reference), with its catalog. */
function reading(rows: readonly ObjectReadRow[], catalog: CatalogOfObject): ObjectReading {
  const first = rows[0]!
  const values = decodeValues(first.attribute_values)
  const referenced: ObjectView['referenced'] = new Map()
  for (const r of rows) {
    if (r.ref_attribute_id === null || r.ref_target_id === null) continue
    const attributeId = Number(r.ref_attribute_id)
    const targetId = Number(r.ref_target_id)
    const list = values.get(attributeId)
    if (list) list.push(targetId)
    else values.set(attributeId, [targetId])
    if (r.target_key !== null && !referenced.has(targetId)) {
      referenced.set(targetId, {
        id: targetId,
        objectKey: r.target_key,
        label: r.target_label ?? '',
        objectTypeId: Number(r.target_type_id),
      })
    }
  }
  return {
    object: {
      id: Number(first.id),
      objectKey: first.object_key,
      label: first.label,
      objectTypeId: Number(first.object_type_id),
      objectSchemaId: Number(first.object_schema_id),
      importSourceId: first.import_source_id,
      identity: first.identity,
      created: first.created_at,
      updated: first.updated_at,
      values,
      referenced,
    },
    type: { ...catalog.type, objectCount: Number(first.type_count ?? 0) },
    attributes: catalog.attributes,
    statuses: catalog.statuses,
  }
}
