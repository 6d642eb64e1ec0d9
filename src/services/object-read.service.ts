import { NotFoundError } from '../domain/errors.js'
import { decodeValues } from '../domain/schema/stored-values.js'
import type { AttributeDef, StatusDef } from '../domain/schema/types.js'
import type { DialectCapabilities } from '../store/capabilities.js'
import type { Db } from '../store/create-store.js'
import { objectReadRepository as repo } from '../store/repositories/object-read.repository.js'
import { CatalogCache } from './catalog-cache.js'
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
    private readonly db: Db,
    private readonly caps: DialectCapabilities,
    private readonly catalog: CatalogCache = new CatalogCache(db),
  ) {}

  async get(workspaceId: string, id: number): Promise<ObjectReading> {
    const rows = await repo.objectWithReferences(this.db, this.caps, workspaceId, id)
    const first = rows[0]
    if (!first) throw NotFoundError({ entity: 'Object', id })
    const version = Number(first.catalog_version ?? 0)
    const typeId = Number(first.object_type_id)
    const schemaId = Number(first.object_schema_id)
    const [type, attributes, statuses] = await Promise.all([
      this.catalog.type(workspaceId, version, typeId),
      this.catalog.attributes(workspaceId, version, typeId),
      this.catalog.statuses(workspaceId, version, schemaId),
    ])
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
        objectTypeId: typeId,
        objectSchemaId: schemaId,
        importSourceId: first.import_source_id,
        identity: first.identity,
        created: first.created_at,
        updated: first.updated_at,
        values,
        referenced,
      },
      type: { ...type, objectCount: Number(first.type_count ?? 0) },
      attributes,
      statuses,
    }
  }
}
