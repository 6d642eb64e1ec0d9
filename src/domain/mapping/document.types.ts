/**
 * The schema + mapping document of an import source (Assets external import format, both versions) and
 * Intake's extensions to it. Three shapes live here:
 * - the submitted document is `unknown` until `validateDocument` / `mergeForPatch` has read it;
 * - `NormalizedDocument` is what Intake stores and works with: every default filled in, every object type and
 *   attribute carrying an externalId, mappings resolved to externalIds;
 * - `WireDocument` is what GET schema-and-mapping answers (`toWireDocument`), shaped so it can be PATCHed back.
 */
import type { AttributeKind, StatusCategory } from '../schema/types.js'
import { ATTRIBUTE_KINDS } from '../schema/types.js'
import type { DocumentProblemCode } from './document-problems.js'
import type { AttributeShaping } from './shaping.types.js'

/** Chosen by the PRESENCE of externalIds, never by `$schema`. */
export type DocumentVersion = '2021_09_15' | '2023_10_19'

/** 2021_09_15 knows every Assets attribute type except `status`. */
export const ATTRIBUTE_KINDS_BY_VERSION: Readonly<Record<DocumentVersion, readonly AttributeKind[]>> = {
  '2021_09_15': ATTRIBUTE_KINDS.filter((kind) => kind !== 'status'),
  '2023_10_19': ATTRIBUTE_KINDS,
}

export const MISSING_OBJECTS_POLICIES = ['IGNORE', 'UPDATE', 'REMOVE'] as const
export type MissingObjectsPolicy = (typeof MISSING_OBJECTS_POLICIES)[number]
export const THRESHOLD_TYPES = ['RUNS', 'DAYS'] as const
export type ThresholdType = (typeof THRESHOLD_TYPES)[number]
export const EMPTY_VALUES_POLICIES = ['IGNORE', 'REMOVE'] as const
export type EmptyValuesPolicy = (typeof EMPTY_VALUES_POLICIES)[number]
export const UNKNOWN_VALUES_POLICIES = ['IGNORE', 'ADD'] as const
export type UnknownValuesPolicy = (typeof UNKNOWN_VALUES_POLICIES)[number]

/** Values an attribute takes when the document leaves them out (2021_09_15 documents always get these). */
export const ATTRIBUTE_DEFAULTS = {
  label: false,
  minimumCardinality: 0,
  maximumCardinality: 1,
  unique: false,
  indexed: false,
} as const

/** Prefix of the externalIds Intake generates for documents without externalIds (the Assets format). */
export const GENERATED_EXTERNAL_ID_PREFIX = 'cmdb::externalId/'

/**
 * The system attribute GET emits on every type without an externalId (as Assets does). A submitted attribute
 * with this name and no externalId is that echo: it is accepted and skipped, never stored.
 */
export const SYSTEM_KEY_ATTRIBUTE = {
  name: 'Key',
  description: '',
  type: 'text',
  label: false,
  minimumCardinality: 1,
  maximumCardinality: 1,
  unique: false,
} as const

// ---- normalized (stored) form ---------------------------------------------------------------

export interface NormalizedAttribute {
  externalId: string
  name: string
  description: string
  type: AttributeKind
  label: boolean
  minimumCardinality: number
  /** -1 = unlimited. */
  maximumCardinality: number
  unique: boolean
  /**
   * Searchable by index (Assets' `indexed`); the label and unique attributes are regardless. Absent in documents
   * stored before Intake read the flag: false.
   */
  indexed?: boolean
  /** Allowed status names of a `status` attribute; empty = any status. Always empty for other types. */
  typeValues: string[]
  /** Target type of a `referenced_object` attribute; null for every other type. */
  referenceObjectTypeExternalId: string | null
  referenceObjectTypeName: string | null
}

export interface NormalizedObjectType {
  externalId: string
  name: string
  description: string
  iconKey: string | null
  attributes: NormalizedAttribute[]
  children: NormalizedObjectType[]
}

export interface NormalizedIcon {
  key: string
  name: string
  /** Base64 of a 48×48 PNG. */
  png48: string
}

export interface NormalizedStatus {
  name: string
  description: string
  category: StatusCategory
}

export interface MissingObjectsSetting {
  policy: MissingObjectsPolicy
  /** UPDATE only: the attribute (of the mapped type) to set on missing objects. */
  attributeName: string | null
  attributeExternalId: string | null
  /** UPDATE only: the value to set. */
  value: string | number | boolean | null
  /** How many runs / days an object must be missing before the policy acts; 0 = at the first miss. */
  threshold: number
  thresholdType: ThresholdType
}

export const DEFAULT_MISSING_OBJECTS: Readonly<MissingObjectsSetting> = {
  policy: 'IGNORE',
  attributeName: null,
  attributeExternalId: null,
  value: null,
  threshold: 0,
  thresholdType: 'RUNS',
}

/** With the optional value-shaping members (shaping.types.ts); absent = not set. */
export interface NormalizedAttributeMapping extends AttributeShaping {
  attributeExternalId: string
  attributeName: string
  attributeLocators: string[]
  externalIdPart: boolean
  objectMappingIQL: string | null
}

export interface NormalizedObjectTypeMapping {
  objectTypeExternalId: string
  objectTypeName: string
  selector: string
  description: string
  attributesMapping: NormalizedAttributeMapping[]
  // Intake extensions; null = not set (the import source's default applies; missingObjects: IGNORE).
  selectorQlQuery: string | null
  missingObjects: MissingObjectsSetting | null
  emptyValues: EmptyValuesPolicy | null
  unknownValues: UnknownValuesPolicy | null
  matchIdentifierIgnoreCase: boolean | null
  disabled: boolean
  /** Entry filter evaluated before mapping (shaping.types.ts); absent = every entry is mapped. */
  condition?: string
}

export interface NormalizedDocument {
  objectSchema: { name: string; description: string }
  /** Root object types; the tree continues in `children`. */
  objectTypes: NormalizedObjectType[]
  icons: NormalizedIcon[]
  statuses: NormalizedStatus[]
  objectTypeMappings: NormalizedObjectTypeMapping[]
}

// ---- validation API -----------------------------------------------------------------------------

export interface DocumentProblem {
  /** Stable UPPER_SNAKE code (see docs/mapping.md). */
  code: DocumentProblemCode
  /** RFC 6901 JSON pointer into the submitted document ('' = the whole document). */
  pointer: string
  message: string
}

export type DocumentResult =
  | { ok: true; document: NormalizedDocument; version: DocumentVersion }
  | { ok: false; problems: DocumentProblem[] }

export interface DocumentContext {
  /** Seeds the externalIds generated for 2021_09_15 documents; pass the import source id. */
  readonly importSourceId: string
  /** externalIds already used by the schemas of OTHER import sources of the same workspace. */
  readonly externalIdsInUse?: Iterable<string>
  /** Icon keys that exist outside this document (global icons, icons of the object schema). */
  readonly existingIconKeys?: Iterable<string>
  /**
   * Status names that exist outside this document (global and schema-scope statuses). When given, every
   * `typeValues` entry must name one of them or a status of `statusSchema`; when omitted, not checked.
   */
  readonly existingStatusNames?: Iterable<string>
  /** Checks a `selectorQlQuery`; answers an error message, or null when the query is valid. */
  readonly checkAql?: (query: string) => string | null
  /**
   * The columns of a tabular source's file (CSV, XLSX: its header), when known. Every locator of an enabled mapping
   * whose selector is one segment (such a mapping reads the rows) must then name one (UNKNOWN_COLUMN).
   */
  readonly sourceColumns?: readonly string[]
}

// ---- wire form (GET schema-and-mapping) -------------------------------------------------------

export interface WireAttribute {
  externalId?: string
  name: string
  description: string
  type: AttributeKind
  label: boolean
  minimumCardinality: number
  maximumCardinality: number
  unique: boolean
  indexed?: boolean
  typeValues?: string[]
  referenceObjectTypeExternalId?: string
  referenceObjectTypeName?: string
}

export interface WireObjectType {
  /** Absent only for a type created without one, listed before a source's first mapping (existing-schema.ts). */
  externalId?: string
  name: string
  description: string
  iconKey?: string
  attributes: WireAttribute[]
  children?: WireObjectType[]
}

export interface WireAttributeMapping extends AttributeShaping {
  attributeExternalId: string
  attributeName: string
  attributeLocators: string[]
  externalIdPart: boolean
  objectMappingIQL?: string
}

export interface WireMissingObjects {
  policy: MissingObjectsPolicy
  attributeName?: string
  value?: string | number | boolean
  threshold: number
  thresholdType: ThresholdType
}

export interface WireObjectTypeMapping {
  objectTypeExternalId: string
  objectTypeName: string
  selector: string
  description: string
  attributesMapping: WireAttributeMapping[]
  selectorQlQuery?: string
  missingObjects?: WireMissingObjects
  emptyValues?: EmptyValuesPolicy
  unknownValues?: UnknownValuesPolicy
  matchIdentifierIgnoreCase?: boolean
  disabled?: boolean
  condition?: string
}

export interface WireDocument {
  schema: {
    objectSchema: { name: string; description: string; objectTypes: WireObjectType[] }
    iconSchema?: { icons: NormalizedIcon[] }
    statusSchema?: { statuses: NormalizedStatus[] }
  }
  mapping: { objectTypeMappings: WireObjectTypeMapping[] }
}
