import { Type } from '@sinclair/typebox'
import { AttributeProvenanceResource } from './provenance.schema.js'

const open = { additionalProperties: true }

export const ObjectSchemaResource = Type.Object(
  {
    workspaceId: Type.String(),
    globalId: Type.String(),
    id: Type.String(),
    name: Type.String(),
    objectSchemaKey: Type.String(),
    status: Type.String(),
    description: Type.String(),
    created: Type.String(),
    updated: Type.String(),
    objectCount: Type.Integer(),
    objectTypeCount: Type.Integer(),
  },
  { ...open, $id: 'ObjectSchema' },
)

export const ObjectTypeResource = Type.Object(
  {
    workspaceId: Type.String(),
    globalId: Type.String(),
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    externalId: Type.Union([Type.String(), Type.Null()]),
    iconKey: Type.Union([Type.String(), Type.Null()]),
    icon: Type.Object(
      { id: Type.String(), name: Type.String(), url16: Type.String(), url48: Type.String() },
      {
        description:
          'The Assets Icon: id and name are the icon key; Intake stores no icon images (urls empty)',
      },
    ),
    position: Type.Integer(),
    created: Type.String(),
    updated: Type.String(),
    objectCount: Type.Integer(),
    objectSchemaId: Type.String(),
    parentObjectTypeId: Type.Optional(Type.String()),
    inherited: Type.Boolean(),
    abstractObjectType: Type.Boolean(),
    parentObjectTypeInherited: Type.Boolean(),
  },
  { ...open, $id: 'ObjectType' },
)

export const AttributeResource = Type.Object(
  {
    workspaceId: Type.String(),
    globalId: Type.String(),
    id: Type.String(),
    objectTypeId: Type.String(),
    externalId: Type.Union([Type.String(), Type.Null()]),
    name: Type.String(),
    label: Type.Boolean(),
    kind: Type.String({ description: 'Intake attribute type: one of the 14 schema-and-mapping types' }),
    type: Type.Integer({ description: 'Assets attribute type: 0 default, 1 object reference, 7 status' }),
    defaultType: Type.Optional(Type.Object({ id: Type.Integer(), name: Type.String() })),
    description: Type.String(),
    minimumCardinality: Type.Integer(),
    maximumCardinality: Type.Integer(),
    uniqueAttribute: Type.Boolean(),
    indexed: Type.Boolean({
      description:
        'Searchable by index: AQL answers conditions on it from an index. Always true for the label and unique ' +
        'attributes; other attributes are scanned unless flagged (docs/aql.md)',
    }),
    options: Type.String({ description: 'Select options, comma-separated (Assets form)' }),
    allowedValues: Type.Array(Type.String()),
    position: Type.Integer(),
    referenceObjectTypeId: Type.Optional(Type.String()),
    editable: Type.Boolean(),
    system: Type.Boolean(),
    hidden: Type.Boolean(),
    sortable: Type.Boolean(),
    summable: Type.Boolean(),
    removable: Type.Boolean(),
    includeChildObjectTypes: Type.Boolean(),
  },
  { ...open, $id: 'ObjectTypeAttribute' },
)

const AttributeValue = Type.Object(
  {
    value: Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
    displayValue: Type.String(),
    searchValue: Type.String(),
    referencedType: Type.Boolean(),
    referencedObject: Type.Optional(
      Type.Object({
        id: Type.String(),
        label: Type.String(),
        objectKey: Type.String(),
        objectTypeId: Type.String(),
      }),
    ),
    status: Type.Optional(Type.Object({ id: Type.String(), name: Type.String(), category: Type.Integer() })),
  },
  open,
)

export const ObjectResource = Type.Object(
  {
    workspaceId: Type.String(),
    globalId: Type.String(),
    id: Type.String(),
    label: Type.String(),
    objectKey: Type.String(),
    avatar: Type.Object(
      {
        workspaceId: Type.String(),
        globalId: Type.String(),
        url16: Type.String(),
        url48: Type.String(),
        url72: Type.String(),
        url144: Type.String(),
        url288: Type.String(),
        objectId: Type.String(),
      },
      { description: 'The Assets Avatar; Intake objects have none (hasAvatar false, urls empty)' },
    ),
    objectType: Type.Ref(ObjectTypeResource),
    created: Type.String(),
    updated: Type.String(),
    hasAvatar: Type.Boolean(),
    timestamp: Type.Integer(),
    importSourceId: Type.Union([Type.String(), Type.Null()], {
      description: 'The import source that owns the object',
    }),
    attributes: Type.Array(
      Type.Object(
        {
          workspaceId: Type.String(),
          globalId: Type.String(),
          id: Type.String(),
          objectTypeAttributeId: Type.String(),
          objectId: Type.String(),
          objectAttributeValues: Type.Array(AttributeValue),
        },
        open,
      ),
    ),
    _links: Type.Object({ self: Type.String() }),
    provenance: Type.Optional(
      Type.Array(AttributeProvenanceResource, {
        description: 'With ?include=provenance: who last wrote each attribute (docs/provenance.md)',
      }),
    ),
  },
  { ...open, $id: 'Object' },
)

export const StatusTypeResource = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    category: Type.Integer({ description: '0 inactive, 1 active, 2 pending' }),
    objectSchemaId: Type.Union([Type.String(), Type.Null()], { description: 'null for a global status' }),
  },
  open,
)

/** One attribute of GET object/{id}/attributes: the object's attribute with its objectTypeAttribute. */
export const ObjectAttributeResource = Type.Object(
  {
    workspaceId: Type.String(),
    globalId: Type.String(),
    id: Type.String(),
    objectTypeAttributeId: Type.String(),
    objectTypeAttribute: Type.Ref(AttributeResource),
    objectId: Type.String(),
    objectAttributeValues: Type.Array(AttributeValue),
  },
  open,
)

export const ObjectHistoryResource = Type.Object(
  {
    id: Type.String(),
    objectId: Type.String(),
    created: Type.String(),
    actor: Type.Object(
      {
        key: Type.String({ description: '`token:<id>`, `cli`, or `intake` when unknown' }),
        name: Type.String(),
        displayName: Type.String(),
      },
      open,
    ),
    type: Type.Integer({ description: '0 object created, 1 attribute values changed' }),
    affectedAttribute: Type.Optional(Type.String()),
    oldValue: Type.Optional(Type.String()),
    newValue: Type.Optional(Type.String()),
  },
  open,
)

export const ReferenceInfoResource = Type.Object(
  {
    objectType: Type.Ref(ObjectTypeResource),
    numberOfReferencedObjects: Type.Integer(),
    openIssuesExists: Type.Boolean(),
    referenceTypes: Type.Array(
      Type.Object(
        {
          workspaceId: Type.String(),
          globalId: Type.String(),
          id: Type.String({ description: 'The reference attribute' }),
          name: Type.String({ description: 'The reference attribute’s name' }),
          description: Type.String({ description: 'outbound (this object references) or inbound' }),
        },
        open,
      ),
    ),
  },
  open,
)
