/** The object repository's vocabulary: schemas, types, attributes, statuses, objects. Pure types. */

export const ATTRIBUTE_KINDS = [
  'text',
  'textarea',
  'integer',
  'double',
  'boolean',
  'date',
  'time',
  'date_time',
  'url',
  'email',
  'select',
  'ipaddress',
  'referenced_object',
  'status',
] as const
export type AttributeKind = (typeof ATTRIBUTE_KINDS)[number]

export const STATUS_CATEGORIES = ['active', 'inactive', 'pending'] as const
export type StatusCategory = (typeof STATUS_CATEGORIES)[number]

/** -1 means unlimited, as in Assets. */
export const UNLIMITED = -1

export interface AttributeDef {
  id: number
  objectTypeId: number
  externalId: string | null
  name: string
  description: string
  kind: AttributeKind
  label: boolean
  minimumCardinality: number
  maximumCardinality: number
  unique: boolean
  /** Target object type of a referenced_object attribute. */
  referenceObjectTypeId: number | null
  /** Options of a select, or the allowed status names of a status attribute (empty = any). */
  allowedValues: string[]
  position: number
  /**
   * Flagged searchable by index (Assets' `indexed`). The label and unique attributes are indexed whatever the
   * flag says; see indexed-attributes.ts.
   */
  indexed: boolean
  /** Whether the attribute's index rows are complete (indexed-attributes.ts). */
  indexState: 'none' | 'building' | 'ready' | 'dropping' | 'label'
}

/**
 * A value as the repository stores it, after validation:
 * text, textarea, url, email, select, status, ipaddress → string (ipaddress in canonical form);
 * integer, double → number; boolean → boolean; date → 'YYYY-MM-DD'; time → 'HH:mm:ss';
 * date_time → ISO 8601 in UTC with milliseconds ('2024-05-01T10:00:00.000Z');
 * referenced_object → the target object's numeric id.
 */
export type CanonicalValue = string | number | boolean

export interface StatusDef {
  id: number
  /** null for a global status. */
  objectSchemaId: number | null
  name: string
  description: string
  category: StatusCategory
}

export interface ObjectSchemaDef {
  id: number
  workspaceId: string
  name: string
  objectSchemaKey: string
  description: string
}

export interface ObjectTypeDef {
  id: number
  objectSchemaId: number
  parentObjectTypeId: number | null
  externalId: string | null
  name: string
  description: string
  iconKey: string | null
  position: number
}
