import type {
  AttributeDef,
  AttributeKind,
  ObjectSchemaDef,
  ObjectTypeDef,
  StatusCategory,
  StatusDef,
} from '../domain/schema/types.js'
import type { AttributeRow, ObjectSchemaRow, ObjectTypeRow, StatusRow } from '../store/tables.js'

/** Rows of the schema tables → domain values. */

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
    indexed: r.indexed === 1,
    indexState: r.index_state as AttributeDef['indexState'],
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
