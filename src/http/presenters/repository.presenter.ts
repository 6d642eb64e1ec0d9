import { assetsAttributeType, DEFAULT_TYPE } from '../../domain/schema/definitions.js'
import { reportedIndexed } from '../../domain/schema/indexed-attributes.js'
import type { Static } from '@sinclair/typebox'
import type { AttributeDef, StatusCategory, StatusDef } from '../../domain/schema/types.js'
import type { ObjectSchemaView, ObjectTypeView } from '../../services/object-schema.service.js'
import type { ObjectView } from '../../services/object.service.js'
import type {
  AttributeResource,
  ObjectResource,
  ObjectSchemaResource,
  ObjectTypeResource,
} from '../schemas/repository.schema.js'

/** Domain values → Assets-shaped resources. Ids are strings on the wire, as Assets sends them. */

export const STATUS_CATEGORY_NUMBER: Record<StatusCategory, number> = { inactive: 0, active: 1, pending: 2 }

/** A category as Assets sends it (0 inactive, 1 active, 2 pending) or by its name. */
export function statusCategoryOf(input: number | StatusCategory): StatusCategory {
  if (typeof input === 'string') return input
  return (Object.keys(STATUS_CATEGORY_NUMBER) as StatusCategory[]).find(
    (c) => STATUS_CATEGORY_NUMBER[c] === input,
  )!
}

/** Assets' Status (status type). */
export function presentStatus(s: StatusDef) {
  return {
    id: String(s.id),
    name: s.name,
    description: s.description,
    category: STATUS_CATEGORY_NUMBER[s.category],
    objectSchemaId: s.objectSchemaId === null ? null : String(s.objectSchemaId),
  }
}

export function presentSchema(ws: string, s: ObjectSchemaView): Static<typeof ObjectSchemaResource> {
  return {
    workspaceId: ws,
    globalId: `${ws}:${s.id}`,
    id: String(s.id),
    name: s.name,
    objectSchemaKey: s.objectSchemaKey,
    status: 'Ok',
    description: s.description,
    created: s.created,
    updated: s.updated,
    objectCount: s.objectCount,
    objectTypeCount: s.objectTypeCount,
  }
}

export function presentType(ws: string, t: ObjectTypeView): Static<typeof ObjectTypeResource> {
  return {
    workspaceId: ws,
    globalId: `${ws}:${t.id}`,
    id: String(t.id),
    name: t.name,
    description: t.description,
    externalId: t.externalId,
    iconKey: t.iconKey,
    icon: presentIcon(t.iconKey),
    position: t.position,
    created: t.created,
    updated: t.updated,
    objectCount: t.objectCount,
    objectSchemaId: String(t.objectSchemaId),
    ...(t.parentObjectTypeId !== null ? { parentObjectTypeId: String(t.parentObjectTypeId) } : {}),
    inherited: false,
    abstractObjectType: false,
    parentObjectTypeInherited: false,
  }
}

/**
 * Intake keeps an object type's icon key (from the document's iconSchema or the create call), not icon images:
 * the Assets Icon answers the key as id and name, and empty urls.
 */
function presentIcon(iconKey: string | null): Static<typeof ObjectTypeResource>['icon'] {
  return { id: iconKey ?? '', name: iconKey ?? '', url16: '', url48: '' }
}

export function presentAttribute(ws: string, a: AttributeDef): Static<typeof AttributeResource> {
  const defaultType = DEFAULT_TYPE[a.kind]
  return {
    workspaceId: ws,
    globalId: `${ws}:${a.id}`,
    id: String(a.id),
    objectTypeId: String(a.objectTypeId),
    externalId: a.externalId,
    name: a.name,
    label: a.label,
    kind: a.kind,
    type: assetsAttributeType(a.kind),
    ...(defaultType ? { defaultType } : {}),
    description: a.description,
    minimumCardinality: a.minimumCardinality,
    maximumCardinality: a.maximumCardinality,
    uniqueAttribute: a.unique,
    indexed: reportedIndexed(a),
    options: a.kind === 'select' ? a.allowedValues.join(',') : '',
    allowedValues: a.allowedValues,
    position: a.position,
    ...(a.referenceObjectTypeId !== null ? { referenceObjectTypeId: String(a.referenceObjectTypeId) } : {}),
    editable: true,
    system: false,
    hidden: false,
    sortable: true,
    summable: a.kind === 'integer' || a.kind === 'double',
    removable: true,
    includeChildObjectTypes: false,
  }
}

export function presentObject(
  ws: string,
  o: ObjectView,
  ctx: {
    type: ObjectTypeView
    attributes: AttributeDef[]
    statuses: StatusDef[]
    selfUrl: string
    includeAttributes?: boolean
  },
): Static<typeof ObjectResource> {
  const attributes =
    ctx.includeAttributes === false
      ? []
      : ctx.attributes
          .filter((a) => (o.values.get(a.id)?.length ?? 0) > 0)
          .map((a) => ({
            workspaceId: ws,
            globalId: `${ws}:${o.id}:${a.id}`,
            id: `${o.id}-${a.id}`,
            objectTypeAttributeId: String(a.id),
            objectId: String(o.id),
            objectAttributeValues: (o.values.get(a.id) ?? []).map((v) => presentValue(a, v, o, ctx.statuses)),
          }))
  return {
    workspaceId: ws,
    globalId: `${ws}:${o.id}`,
    id: String(o.id),
    label: o.label,
    objectKey: o.objectKey,
    avatar: {
      workspaceId: ws,
      globalId: `${ws}:${o.id}`,
      url16: '',
      url48: '',
      url72: '',
      url144: '',
      url288: '',
      objectId: String(o.id),
    },
    objectType: presentType(ws, ctx.type),
    created: o.created,
    updated: o.updated,
    hasAvatar: false,
    timestamp: Date.parse(o.updated),
    importSourceId: o.importSourceId,
    attributes,
    _links: { self: ctx.selfUrl },
  }
}

function presentValue(
  a: AttributeDef,
  v: string | number | boolean,
  o: ObjectView,
  statuses: StatusDef[],
): Static<typeof ObjectResource>['attributes'][number]['objectAttributeValues'][number] {
  if (a.kind === 'referenced_object') {
    const target = o.referenced.get(Number(v))
    return {
      value: String(v),
      displayValue: target?.label ?? String(v),
      searchValue: target?.objectKey ?? String(v),
      referencedType: true,
      ...(target
        ? {
            referencedObject: {
              id: String(target.id),
              label: target.label,
              objectKey: target.objectKey,
              objectTypeId: String(target.objectTypeId),
            },
          }
        : {}),
    }
  }
  if (a.kind === 'status') {
    const s = statuses.find((x) => x.name.toLowerCase() === String(v).toLowerCase())
    return {
      value: String(v),
      displayValue: String(v),
      searchValue: String(v),
      referencedType: false,
      ...(s
        ? { status: { id: String(s.id), name: s.name, category: STATUS_CATEGORY_NUMBER[s.category] } }
        : {}),
    }
  }
  return { value: v, displayValue: String(v), searchValue: String(v), referencedType: false }
}
