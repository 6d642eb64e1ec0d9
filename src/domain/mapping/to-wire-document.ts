/**
 * The answer of GET schema-and-mapping (and GET mapping): the stored document in the 2023_10_19 format, with
 * every attribute's label / cardinality / unique and every mapping entry's externalIdPart explicit, as Assets
 * answers it. PATCHing it back unchanged is accepted and changes nothing.
 */
import type {
  NormalizedAttribute,
  NormalizedDocument,
  NormalizedObjectType,
  NormalizedObjectTypeMapping,
  WireAttribute,
  WireDocument,
  WireMissingObjects,
  WireObjectType,
  WireObjectTypeMapping,
} from './document.types.js'
import { SYSTEM_KEY_ATTRIBUTE } from './document.types.js'
import { wireShaping } from './shaping-wire.js'

export interface WireOptions {
  /**
   * Emit the system attribute Key (without externalId) first on every type, as Assets does — except on a type that
   * has its own attribute named Key. Default true.
   */
  includeKeyAttribute?: boolean
}

export function toWireDocument(document: NormalizedDocument, options: WireOptions = {}): WireDocument {
  const withKey = options.includeKeyAttribute ?? true
  const toType = (type: NormalizedObjectType): WireObjectType => ({
    externalId: type.externalId,
    name: type.name,
    description: type.description,
    ...(type.iconKey !== null && { iconKey: type.iconKey }),
    // A type's own attribute named Key wins: never two attributes of one name (clients look attributes up by name).
    attributes: [
      ...(withKey && !hasOwnKey(type) ? [{ ...SYSTEM_KEY_ATTRIBUTE }] : []),
      ...type.attributes.map(toAttribute),
    ],
    ...(type.children.length > 0 && { children: type.children.map(toType) }),
  })
  return {
    schema: {
      objectSchema: {
        name: document.objectSchema.name,
        description: document.objectSchema.description,
        objectTypes: document.objectTypes.map(toType),
      },
      ...(document.icons.length > 0 && {
        iconSchema: { icons: document.icons.map((icon) => ({ ...icon })) },
      }),
      ...(document.statuses.length > 0 && {
        statusSchema: { statuses: document.statuses.map((status) => ({ ...status })) },
      }),
    },
    mapping: { objectTypeMappings: document.objectTypeMappings.map(toMapping) },
  }
}

function hasOwnKey(type: NormalizedObjectType): boolean {
  const key = SYSTEM_KEY_ATTRIBUTE.name.toLowerCase()
  return type.attributes.some((a) => a.name.toLowerCase() === key)
}

function toAttribute(attribute: NormalizedAttribute): WireAttribute {
  return {
    externalId: attribute.externalId,
    name: attribute.name,
    description: attribute.description,
    type: attribute.type,
    label: attribute.label,
    minimumCardinality: attribute.minimumCardinality,
    maximumCardinality: attribute.maximumCardinality,
    unique: attribute.unique,
    indexed: attribute.indexed ?? false,
    ...(attribute.typeValues.length > 0 && { typeValues: [...attribute.typeValues] }),
    ...(attribute.referenceObjectTypeExternalId !== null && {
      referenceObjectTypeExternalId: attribute.referenceObjectTypeExternalId,
    }),
    ...(attribute.referenceObjectTypeName !== null && {
      referenceObjectTypeName: attribute.referenceObjectTypeName,
    }),
  }
}

function toMapping(mapping: NormalizedObjectTypeMapping): WireObjectTypeMapping {
  const missing = mapping.missingObjects
  const missingObjects: WireMissingObjects | undefined =
    missing === null
      ? undefined
      : {
          policy: missing.policy,
          ...(missing.attributeName !== null && { attributeName: missing.attributeName }),
          ...(missing.value !== null && { value: missing.value }),
          threshold: missing.threshold,
          thresholdType: missing.thresholdType,
        }
  return {
    objectTypeExternalId: mapping.objectTypeExternalId,
    objectTypeName: mapping.objectTypeName,
    selector: mapping.selector,
    description: mapping.description,
    attributesMapping: mapping.attributesMapping.map((entry) => ({
      attributeExternalId: entry.attributeExternalId,
      attributeName: entry.attributeName,
      attributeLocators: [...entry.attributeLocators],
      externalIdPart: entry.externalIdPart,
      ...(entry.objectMappingIQL !== null && { objectMappingIQL: entry.objectMappingIQL }),
      ...wireShaping(entry),
    })),
    ...(mapping.selectorQlQuery !== null && { selectorQlQuery: mapping.selectorQlQuery }),
    ...(missingObjects !== undefined && { missingObjects }),
    ...(mapping.emptyValues !== null && { emptyValues: mapping.emptyValues }),
    ...(mapping.unknownValues !== null && { unknownValues: mapping.unknownValues }),
    ...(mapping.matchIdentifierIgnoreCase !== null && {
      matchIdentifierIgnoreCase: mapping.matchIdentifierIgnoreCase,
    }),
    ...(mapping.disabled && { disabled: true }),
    ...(mapping.condition !== undefined && { condition: mapping.condition }),
  }
}
