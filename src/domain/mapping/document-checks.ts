/**
 * Rules over the merged draft as a whole: unique names, exactly one label per object type, cardinality
 * ranges, icon keys and status names that exist. Only elements of the submission are reported (what was
 * stored before was valid), each at its pointer in the submitted document.
 */
import type { DraftAttribute, DraftType } from './document-draft.js'
import { allTypes } from './document-draft.js'
import type { MergeState } from './document-merge-state.js'
import { pointer } from './document-problems.js'

export function checkDraft(state: MergeState): void {
  const types = allTypes(state.draft)
  checkUniqueNames(state, types, 'DUPLICATE_OBJECT_TYPE_NAME', 'object type')
  for (const type of types) {
    checkUniqueNames(state, type.attributes, 'DUPLICATE_ATTRIBUTE_NAME', `attribute of "${type.name}"`)
    if (type.isNew) applyDefaultLabel(type)
    checkLabel(state, type)
    checkIconKey(state, type)
    for (const attribute of type.attributes) {
      checkCardinalityRange(state, attribute)
      checkTypeValues(state, attribute)
    }
  }
}

interface Named {
  name: string
  src: { ptr: string } | null
}

/** Names compare case-insensitively: AQL reads type and attribute names without regard to case. */
function checkUniqueNames(
  state: MergeState,
  items: readonly Named[],
  code: 'DUPLICATE_OBJECT_TYPE_NAME' | 'DUPLICATE_ATTRIBUTE_NAME',
  what: string,
): void {
  const first = new Map<string, Named>()
  for (const item of items) {
    if (item.name === '') continue
    const key = item.name.toLowerCase()
    const earlier = first.get(key)
    if (earlier === undefined) {
      first.set(key, item)
      continue
    }
    const src = item.src ?? earlier.src
    if (src !== null)
      state.problems.add(code, pointer(src.ptr, 'name'), `another ${what} is named "${earlier.name}"`)
  }
}

/**
 * A new object type that marks no attribute as label gets its first text attribute as label (unless that one
 * says `"label": false`), so every stored type has exactly one label, as Assets requires.
 */
function applyDefaultLabel(type: DraftType): void {
  if (type.attributes.some((a) => a.label)) return
  const candidate = type.attributes.find((a) => a.type === 'text' && a.src?.label !== false)
  if (candidate !== undefined) candidate.label = true
}

function checkLabel(state: MergeState, type: DraftType): void {
  if (type.src === null) return
  const labels = type.attributes.filter((a) => a.label)
  if (labels.length > 1) {
    const explicit = labels.filter((a) => a.src?.label === true)
    const later = labels.slice(1).filter((a) => a.src?.label === true)
    const names = labels.map((a) => `"${a.name}"`).join(', ')
    for (const attribute of later.length > 0 ? later : explicit.slice(0, 1)) {
      if (attribute.src === null) continue
      const message = `object type "${type.name}" can have one label attribute, not ${names}`
      state.problems.add('MULTIPLE_LABEL_ATTRIBUTES', pointer(attribute.src.ptr, 'label'), message)
    }
  } else if (labels.length === 0 && !type.attributes.some((a) => a.type === null)) {
    const message = `object type "${type.name}" needs a label attribute: mark one with "label": true (or add a text attribute)`
    state.problems.add('MISSING_LABEL_ATTRIBUTE', type.src.ptr, message)
  }
}

function checkIconKey(state: MergeState, type: DraftType): void {
  const key = type.src?.iconKey
  if (type.src === null || key === undefined) return
  if (state.draft.icons.some((icon) => icon.key === key)) return
  if (state.existingIconKeys.has(key)) return
  const message = `no icon with key "${key}" in iconSchema or among the existing icons`
  state.problems.add('UNKNOWN_ICON', pointer(type.src.ptr, 'iconKey'), message)
}

function checkCardinalityRange(state: MergeState, attribute: DraftAttribute): void {
  const src = attribute.src
  if (src === null || attribute.maximumCardinality === -1) return
  if (attribute.minimumCardinality <= attribute.maximumCardinality) return
  const key = src.minimumCardinality !== undefined ? 'minimumCardinality' : 'maximumCardinality'
  const message = `minimumCardinality ${attribute.minimumCardinality} exceeds maximumCardinality ${attribute.maximumCardinality}`
  state.problems.add('MINIMUM_EXCEEDS_MAXIMUM', pointer(src.ptr, key), message)
}

/** Only when the context lists the existing statuses; otherwise the names are not checked. */
function checkTypeValues(state: MergeState, attribute: DraftAttribute): void {
  const existing = state.existingStatusNames
  const src = attribute.src
  if (existing === null || src === null || src.typeValues === undefined) return
  const declared = new Set(state.draft.statuses.map((status) => status.name.toLowerCase()))
  for (const { value, index } of src.typeValues) {
    const name = value.toLowerCase()
    if (existing.has(name) || declared.has(name)) continue
    const message = `no status named "${value}" in statusSchema or among the existing statuses`
    state.problems.add('UNKNOWN_STATUS', pointer(src.ptr, 'typeValues', index), message)
  }
}
