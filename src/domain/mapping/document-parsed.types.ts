/**
 * The submitted document after the shape pass: every member that was present and well-typed, `undefined` for
 * the rest (already reported), and the JSON pointer of each element so later phases can report precisely.
 */
import type { AttributeKind, StatusCategory } from '../schema/types.js'
import type {
  DocumentVersion,
  EmptyValuesPolicy,
  MissingObjectsPolicy,
  ThresholdType,
  UnknownValuesPolicy,
} from './document.types.js'
import type { AttributeShaping } from './shaping.types.js'

export type ParseMode = 'put' | 'patch'

export interface ParsedAttribute {
  ptr: string
  externalId: string | undefined
  name: string | undefined
  description: string | undefined
  type: AttributeKind | undefined
  /** Usable entries with their index in the submitted array (for pointers). */
  typeValues: { value: string; index: number }[] | undefined
  label: boolean | undefined
  minimumCardinality: number | undefined
  maximumCardinality: number | undefined
  unique: boolean | undefined
  indexed: boolean | undefined
  referenceObjectTypeExternalId: string | undefined
  referenceObjectTypeName: string | undefined
}

export interface ParsedObjectType {
  ptr: string
  externalId: string | undefined
  name: string | undefined
  description: string | undefined
  iconKey: string | undefined
  attributes: ParsedAttribute[]
  children: ParsedObjectType[]
}

export interface ParsedIcon {
  ptr: string
  key: string | undefined
  name: string | undefined
  png48: string | undefined
}

export interface ParsedStatus {
  ptr: string
  name: string | undefined
  description: string | undefined
  category: StatusCategory | undefined
}

export interface ParsedAttributeMapping {
  ptr: string
  attributeExternalId: string | undefined
  attributeName: string | undefined
  attributeLocators: string[] | undefined
  externalIdPart: boolean | undefined
  objectMappingIQL: string | undefined
  /** The value-shaping members that were present and valid. */
  shaping: AttributeShaping
}

export interface ParsedMissingObjects {
  ptr: string
  policy: MissingObjectsPolicy | undefined
  attributeName: string | undefined
  value: string | number | boolean | undefined
  threshold: number | undefined
  thresholdType: ThresholdType | undefined
}

export interface ParsedObjectTypeMapping {
  ptr: string
  objectTypeExternalId: string | undefined
  objectTypeName: string | undefined
  selector: string | undefined
  description: string | undefined
  attributesMapping: ParsedAttributeMapping[]
  selectorQlQuery: string | undefined
  missingObjects: ParsedMissingObjects | undefined
  emptyValues: EmptyValuesPolicy | undefined
  unknownValues: UnknownValuesPolicy | undefined
  matchIdentifierIgnoreCase: boolean | undefined
  disabled: boolean | undefined
  condition: string | undefined
}

export interface ParsedDocument {
  version: DocumentVersion
  objectSchemaName: string | undefined
  objectSchemaDescription: string | undefined
  objectTypes: ParsedObjectType[]
  icons: ParsedIcon[]
  statuses: ParsedStatus[]
  mappings: ParsedObjectTypeMapping[]
}
