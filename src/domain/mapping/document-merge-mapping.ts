/**
 * Merges submitted object type mappings: each replaces the whole mapping of its object type (extensions
 * included); mappings of types the submission does not mention are kept. Resolved against the merged schema.
 */
import type {
  MissingObjectsSetting,
  NormalizedAttributeMapping,
  NormalizedObjectTypeMapping,
} from './document.types.js'
import type { DraftAttribute, DraftType } from './document-draft.js'
import type { MergeState } from './document-merge-state.js'
import { findTypeByName } from './document-merge-state.js'
import type { ParsedAttributeMapping, ParsedObjectTypeMapping } from './document-parsed.types.js'
import { pointer } from './document-problems.js'
import { checkShapingLiterals } from './shaping-parse.js'

export function mergeMappings(state: MergeState, mappings: readonly ParsedObjectTypeMapping[]): void {
  const claimed = new Map<string, string>()
  for (const src of mappings) {
    const type = locateMappedType(state, src)
    const attributesMapping = type === undefined ? [] : resolveAttributeMappings(state, src, type)
    checkExternalIdPart(state, src)
    const missingObjects = resolveMissingObjects(state, src, type)
    if (type === undefined) continue
    const previous = claimed.get(type.externalId)
    if (previous !== undefined) {
      const message = `object type "${type.name}" is already mapped at ${previous}`
      state.problems.add('DUPLICATE_OBJECT_TYPE_MAPPING', pointer(src.ptr, typeKey(state, src)), message)
      continue
    }
    claimed.set(type.externalId, src.ptr)
    const value: NormalizedObjectTypeMapping = {
      objectTypeExternalId: type.externalId,
      objectTypeName: type.name,
      selector: src.selector ?? '',
      description: src.description ?? '',
      attributesMapping,
      selectorQlQuery: src.selectorQlQuery ?? null,
      missingObjects,
      emptyValues: src.emptyValues ?? null,
      unknownValues: src.unknownValues ?? null,
      matchIdentifierIgnoreCase: src.matchIdentifierIgnoreCase ?? null,
      disabled: src.disabled ?? false,
      ...(src.condition !== undefined && { condition: src.condition }),
    }
    const index = state.draft.mappings.findIndex((m) => m.value.objectTypeExternalId === type.externalId)
    if (index >= 0) state.draft.mappings[index] = { value, src }
    else state.draft.mappings.push({ value, src })
  }
}

function typeKey(state: MergeState, src: ParsedObjectTypeMapping): string {
  return state.version === '2023_10_19' && src.objectTypeExternalId !== undefined
    ? 'objectTypeExternalId'
    : 'objectTypeName'
}

function locateMappedType(state: MergeState, src: ParsedObjectTypeMapping): DraftType | undefined {
  const id = src.objectTypeExternalId
  if (state.version === '2023_10_19' && id !== undefined) {
    const type = state.typesById.get(id)
    if (type === undefined) {
      const message = `no object type with externalId "${id}" in the schema`
      state.problems.add('UNKNOWN_EXTERNAL_ID_MAPPING', pointer(src.ptr, 'objectTypeExternalId'), message)
    } else if (src.objectTypeName !== undefined && type.name !== '' && src.objectTypeName !== type.name) {
      const message = `object type "${id}" is named "${type.name}", not "${src.objectTypeName}"`
      state.problems.add('NAME_MISMATCH', pointer(src.ptr, 'objectTypeName'), message)
    }
    return type
  }
  const type = findTypeByName(state, src.objectTypeName)
  // In 2023 a mapping without its externalId was already reported; the name is only a fallback there.
  if (type === undefined && state.version === '2021_09_15' && src.objectTypeName !== undefined) {
    const message = `no object type named "${src.objectTypeName}" in the schema`
    state.problems.add('UNKNOWN_EXTERNAL_ID_MAPPING', pointer(src.ptr, 'objectTypeName'), message)
  }
  return type
}

function resolveAttributeMappings(
  state: MergeState,
  src: ParsedObjectTypeMapping,
  type: DraftType,
): NormalizedAttributeMapping[] {
  const mapped = new Set<string>()
  const out: NormalizedAttributeMapping[] = []
  for (const entry of src.attributesMapping) {
    const attribute = locateMappedAttribute(state, entry, type)
    if (attribute === undefined) continue
    if (mapped.has(attribute.externalId)) {
      const key =
        state.version === '2023_10_19' && entry.attributeExternalId !== undefined
          ? 'attributeExternalId'
          : 'attributeName'
      const message = `attribute "${attribute.name}" is mapped twice`
      state.problems.add('DUPLICATE_ATTRIBUTE_MAPPING', pointer(entry.ptr, key), message)
      continue
    }
    mapped.add(attribute.externalId)
    checkObjectMappingIql(state, entry, attribute)
    checkShapingLiterals(state.problems, entry.ptr, entry.shaping, attribute.type)
    out.push({
      attributeExternalId: attribute.externalId,
      attributeName: attribute.name,
      attributeLocators: entry.attributeLocators ?? [],
      externalIdPart: entry.externalIdPart ?? false,
      objectMappingIQL: entry.objectMappingIQL ?? null,
      ...entry.shaping,
    })
  }
  return out
}

function locateMappedAttribute(
  state: MergeState,
  entry: ParsedAttributeMapping,
  type: DraftType,
): DraftAttribute | undefined {
  const id = entry.attributeExternalId
  if (state.version === '2023_10_19' && id !== undefined) {
    const hit = state.attributesById.get(id)
    if (hit === undefined || hit.owner !== type) {
      const message =
        hit === undefined
          ? `object type "${type.name}" has no attribute with externalId "${id}"`
          : `attribute "${hit.attribute.name}" belongs to object type "${hit.owner.name}", not "${type.name}"`
      state.problems.add('UNKNOWN_EXTERNAL_ID_MAPPING', pointer(entry.ptr, 'attributeExternalId'), message)
      return undefined
    }
    const name = hit.attribute.name
    if (entry.attributeName !== undefined && name !== '' && entry.attributeName !== name) {
      const message = `attribute "${id}" is named "${hit.attribute.name}", not "${entry.attributeName}"`
      state.problems.add('NAME_MISMATCH', pointer(entry.ptr, 'attributeName'), message)
    }
    return hit.attribute
  }
  const attribute = type.attributes.find((a) => a.name === entry.attributeName)
  if (attribute === undefined && state.version === '2021_09_15' && entry.attributeName !== undefined) {
    const message = `object type "${type.name}" has no attribute named "${entry.attributeName}"`
    state.problems.add('UNKNOWN_EXTERNAL_ID_MAPPING', pointer(entry.ptr, 'attributeName'), message)
  }
  return attribute
}

/** objectMappingIQL finds the referenced objects: required on referenced_object attributes, only there. */
function checkObjectMappingIql(
  state: MergeState,
  entry: ParsedAttributeMapping,
  attribute: DraftAttribute,
): void {
  const at = pointer(entry.ptr, 'objectMappingIQL')
  if (attribute.type === null || state.problems.has(at)) return
  if (attribute.type === 'referenced_object' && entry.objectMappingIQL === undefined) {
    const message = `attribute "${attribute.name}" is a reference: objectMappingIQL (e.g. Name = \${locator}) is required`
    state.problems.add('REQUIRED_FIELD_MISSING', at, message)
  } else if (attribute.type !== 'referenced_object' && entry.objectMappingIQL !== undefined) {
    const message = `objectMappingIQL only applies to referenced_object attributes, not ${attribute.type}`
    state.problems.add('FIELD_NOT_ALLOWED', at, message)
  }
}

function checkExternalIdPart(state: MergeState, src: ParsedObjectTypeMapping): void {
  const at = pointer(src.ptr, 'attributesMapping')
  const settled = src.attributesMapping.some(
    (entry) => entry.externalIdPart === true || state.problems.has(pointer(entry.ptr, 'externalIdPart')),
  )
  if (settled || state.problems.has(at)) return
  const message = 'at least one attribute mapping needs "externalIdPart": true (it identifies the objects)'
  state.problems.add('MISSING_EXTERNAL_ID_PART', at, message)
}

function resolveMissingObjects(
  state: MergeState,
  src: ParsedObjectTypeMapping,
  type: DraftType | undefined,
): MissingObjectsSetting | null {
  const setting = src.missingObjects
  if (setting?.policy === undefined) return null
  let attributeExternalId: string | null = null
  if (setting.policy === 'UPDATE' && setting.attributeName !== undefined && type !== undefined) {
    const attribute = type.attributes.find((a) => a.name === setting.attributeName)
    if (attribute === undefined) {
      const message = `object type "${type.name}" has no attribute named "${setting.attributeName}"`
      state.problems.add('UNKNOWN_MISSING_OBJECTS_ATTRIBUTE', pointer(setting.ptr, 'attributeName'), message)
    } else attributeExternalId = attribute.externalId
  }
  return {
    policy: setting.policy,
    attributeName: setting.attributeName ?? null,
    attributeExternalId,
    value: setting.value ?? null,
    threshold: setting.threshold ?? 0,
    thresholdType: setting.thresholdType ?? 'RUNS',
  }
}
