/**
 * Merges submitted object types and attributes into the draft. Elements are identified by externalId
 * (2023_10_19) or by name (2021_09_15, and a 2023 element whose externalId is unusable). A known element is
 * updated where PATCH allows it; forbidden changes (rename, type change, move) are reported and not applied.
 */
import { ATTRIBUTE_DEFAULTS } from './document.types.js'
import type { DraftAttribute, DraftType, IdOrigin } from './document-draft.js'
import { allTypes } from './document-draft.js'
import { generatedExternalId } from './document-external-id.js'
import type { MergeState } from './document-merge-state.js'
import { checkNewExternalId, findTypeByName, placeholderId } from './document-merge-state.js'
import type { ParsedAttribute, ParsedObjectType } from './document-parsed.types.js'
import { pointer } from './document-problems.js'

type Located<T> =
  { kind: 'existing'; item: T } | { kind: 'new'; id: string; origin: IdOrigin } | { kind: 'skip'; item?: T }

export function mergeObjectTypes(state: MergeState, types: readonly ParsedObjectType[]): void {
  for (const src of types) mergeType(state, src, null)
  resolveReferences(state)
}

function mergeType(state: MergeState, src: ParsedObjectType, parent: DraftType | null): void {
  const located = locateType(state, src)
  let type: DraftType
  if (located.kind === 'skip') {
    // A second occurrence of one type (reported): its children still merge, under the first occurrence.
    for (const child of src.children) mergeType(state, child, located.item ?? parent)
    return
  }
  if (located.kind === 'existing') {
    type = located.item
    updateType(state, type, src, parent)
  } else {
    type = {
      externalId: located.id,
      idOrigin: located.origin,
      name: src.name ?? '',
      description: src.description ?? '',
      iconKey: src.iconKey ?? null,
      attributes: [],
      children: [],
      parent,
      src,
      isNew: true,
    }
    ;(parent?.children ?? state.draft.roots).push(type)
    if (located.origin !== 'missing') state.typesById.set(type.externalId, type)
  }
  for (const attribute of src.attributes) mergeAttribute(state, attribute, type)
  for (const child of src.children) mergeType(state, child, type)
}

function locateType(state: MergeState, src: ParsedObjectType): Located<DraftType> {
  if (state.version === '2023_10_19' && src.externalId !== undefined) {
    const at = pointer(src.ptr, 'externalId')
    const type = state.typesById.get(src.externalId)
    if (type === undefined) {
      const usable = checkNewExternalId(state, src.externalId, at)
      return usable
        ? { kind: 'new', id: src.externalId, origin: 'given' }
        : { kind: 'new', id: placeholderId(src.ptr), origin: 'missing' }
    }
    if (type.src === null) return { kind: 'existing', item: type }
    state.problems.add(
      'DUPLICATE_EXTERNAL_ID',
      at,
      `externalId "${src.externalId}" is also used at ${type.src.ptr}`,
    )
    return { kind: 'skip', item: type }
  }
  const type = findTypeByName(state, src.name)
  if (type?.src === null) return { kind: 'existing', item: type }
  if (type !== undefined) {
    const where = type.src === null ? '' : ` at ${type.src.ptr}`
    state.problems.add(
      'DUPLICATE_OBJECT_TYPE_NAME',
      pointer(src.ptr, 'name'),
      `another object type is named "${type.name}"${where}`,
    )
    return { kind: 'skip', item: type }
  }
  if (state.version === '2021_09_15' && src.name !== undefined) {
    return {
      kind: 'new',
      id: generatedExternalId(state.context.importSourceId, src.name),
      origin: 'generated',
    }
  }
  return { kind: 'new', id: placeholderId(src.ptr), origin: 'missing' }
}

function updateType(
  state: MergeState,
  type: DraftType,
  src: ParsedObjectType,
  parent: DraftType | null,
): void {
  type.src = src
  if (src.name !== undefined && src.name !== type.name) {
    state.problems.add(
      'RENAME_NOT_ALLOWED',
      pointer(src.ptr, 'name'),
      `object type "${type.name}" cannot be renamed to "${src.name}"`,
    )
  }
  if (type.parent !== parent) {
    const where = (t: DraftType | null): string => (t === null ? 'the top level' : `"${t.name}"`)
    state.problems.add(
      'MOVE_NOT_ALLOWED',
      src.ptr,
      `object type "${type.name}" is under ${where(type.parent)} and cannot move under ${where(parent)}`,
    )
  }
  if (src.description !== undefined) type.description = src.description
  if (src.iconKey !== undefined) type.iconKey = src.iconKey
}

function mergeAttribute(state: MergeState, src: ParsedAttribute, owner: DraftType): void {
  const located = locateAttribute(state, src, owner)
  if (located.kind === 'skip') return
  if (located.kind === 'existing') {
    updateAttribute(state, located.item, src)
    return
  }
  const attribute: DraftAttribute = {
    externalId: located.id,
    idOrigin: located.origin,
    name: src.name ?? '',
    description: src.description ?? '',
    type: src.type ?? null,
    ...ATTRIBUTE_DEFAULTS,
    typeValues: [],
    referenceObjectTypeExternalId: null,
    src,
    isNew: true,
  }
  applyAttributeSettings(attribute, src)
  owner.attributes.push(attribute)
  if (located.origin !== 'missing') state.attributesById.set(attribute.externalId, { attribute, owner })
}

function locateAttribute(state: MergeState, src: ParsedAttribute, owner: DraftType): Located<DraftAttribute> {
  if (state.version === '2023_10_19' && src.externalId !== undefined) {
    const at = pointer(src.ptr, 'externalId')
    const hit = state.attributesById.get(src.externalId)
    if (hit === undefined) {
      const usable = checkNewExternalId(state, src.externalId, at)
      return usable
        ? { kind: 'new', id: src.externalId, origin: 'given' }
        : { kind: 'new', id: placeholderId(src.ptr), origin: 'missing' }
    }
    if (hit.attribute.src !== null) {
      state.problems.add(
        'DUPLICATE_EXTERNAL_ID',
        at,
        `externalId "${src.externalId}" is also used at ${hit.attribute.src.ptr}`,
      )
      return { kind: 'skip' }
    }
    if (hit.owner !== owner) {
      const message = `attribute "${hit.attribute.name}" belongs to object type "${hit.owner.name}" and cannot move to "${owner.name}"`
      state.problems.add('MOVE_NOT_ALLOWED', src.ptr, message)
      return { kind: 'skip' }
    }
    return { kind: 'existing', item: hit.attribute }
  }
  const attribute = src.name === undefined ? undefined : owner.attributes.find((a) => a.name === src.name)
  if (attribute?.src === null) return { kind: 'existing', item: attribute }
  if (attribute !== undefined) {
    state.problems.add(
      'DUPLICATE_ATTRIBUTE_NAME',
      pointer(src.ptr, 'name'),
      `object type "${owner.name}" already has an attribute "${attribute.name}"`,
    )
    return { kind: 'skip' }
  }
  if (state.version === '2021_09_15' && src.name !== undefined) {
    return {
      kind: 'new',
      id: generatedExternalId(state.context.importSourceId, owner.name, src.name),
      origin: 'generated',
    }
  }
  return { kind: 'new', id: placeholderId(src.ptr), origin: 'missing' }
}

function updateAttribute(state: MergeState, attribute: DraftAttribute, src: ParsedAttribute): void {
  attribute.src = src
  if (src.name !== undefined && src.name !== attribute.name) {
    state.problems.add(
      'RENAME_NOT_ALLOWED',
      pointer(src.ptr, 'name'),
      `attribute "${attribute.name}" cannot be renamed to "${src.name}"`,
    )
  }
  if (src.type !== undefined && attribute.type !== null && src.type !== attribute.type) {
    state.problems.add(
      'ATTRIBUTE_TYPE_CHANGE_NOT_ALLOWED',
      pointer(src.ptr, 'type'),
      `attribute "${attribute.name}" is ${attribute.type} and cannot become ${src.type}`,
    )
  }
  if (src.description !== undefined) attribute.description = src.description
  applyAttributeSettings(attribute, src)
}

/** The changeable settings; a member the submission leaves out keeps its value (or default). */
function applyAttributeSettings(attribute: DraftAttribute, src: ParsedAttribute): void {
  if (src.label !== undefined) attribute.label = src.label
  if (src.minimumCardinality !== undefined) attribute.minimumCardinality = src.minimumCardinality
  if (src.maximumCardinality !== undefined) attribute.maximumCardinality = src.maximumCardinality
  if (src.unique !== undefined) attribute.unique = src.unique
  if (src.indexed !== undefined) attribute.indexed = src.indexed
  if (src.typeValues !== undefined) attribute.typeValues = src.typeValues.map((v) => v.value)
}

/** After every type is merged, so a reference may point at a type declared later or already stored. */
function resolveReferences(state: MergeState): void {
  for (const owner of allTypes(state.draft)) {
    for (const attribute of owner.attributes) {
      if (attribute.src !== null && attribute.type === 'referenced_object')
        resolveReference(state, attribute, attribute.src)
    }
  }
}

function resolveReference(state: MergeState, attribute: DraftAttribute, src: ParsedAttribute): void {
  const byId = src.referenceObjectTypeExternalId
  const byName = src.referenceObjectTypeName
  const at = pointer(
    src.ptr,
    byId !== undefined ? 'referenceObjectTypeExternalId' : 'referenceObjectTypeName',
  )
  if (byId === undefined && byName === undefined) {
    if (!attribute.isNew) return
    const key = state.version === '2023_10_19' ? 'referenceObjectTypeExternalId' : 'referenceObjectTypeName'
    state.problems.add(
      'REQUIRED_FIELD_MISSING',
      pointer(src.ptr, key),
      `a referenced_object attribute needs ${key}`,
    )
    return
  }
  const target = byId !== undefined ? state.typesById.get(byId) : findTypeByName(state, byName)
  if (target === undefined) {
    const what = byId !== undefined ? `externalId "${byId}"` : `name "${byName}"`
    state.problems.add(
      'UNKNOWN_REFERENCE_TARGET',
      at,
      `no object type with ${what} in the document or the schema`,
    )
    return
  }
  if (byId !== undefined && byName !== undefined && target.name !== '' && byName !== target.name) {
    const message = `object type "${byId}" is named "${target.name}", not "${byName}"`
    state.problems.add('NAME_MISMATCH', pointer(src.ptr, 'referenceObjectTypeName'), message)
  }
  if (!attribute.isNew && attribute.referenceObjectTypeExternalId !== target.externalId) {
    const message = `attribute "${attribute.name}" refers to another object type and cannot be pointed at "${target.name}"`
    state.problems.add('REFERENCE_TARGET_CHANGE_NOT_ALLOWED', at, message)
    return
  }
  attribute.referenceObjectTypeExternalId = target.externalId
}
