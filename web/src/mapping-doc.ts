import type { PointerProblem } from './api'

/** The schema + mapping document (docs/mapping.md) as the editor handles it: plain JSON, edited by JSON pointer. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a document of any shape, checked by the server
export type Json = any

export interface TypeView {
  /** Pointer of the object type in the schema (`/schema/objectSchema/objectTypes/0/children/1`). */
  pointer: string
  type: Json
  depth: number
  /** Pointer of its object type mapping, or null when it has none. */
  mappingPointer: string | null
  mapping: Json | null
}

const escape = (s: string | number) => String(s).replace(/~/g, '~0').replace(/\//g, '~1')
const unescape = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~')

export function getAt(doc: Json, pointer: string): Json {
  if (pointer === '') return doc
  let node = doc
  for (const part of pointer.slice(1).split('/').map(unescape)) {
    if (node === null || typeof node !== 'object') return undefined
    node = node[part]
  }
  return node
}

/** A copy of `doc` with the value at `pointer` replaced (undefined removes it); missing objects are created. */
export function setAt(doc: Json, pointer: string, value: unknown): Json {
  const copy = structuredClone(doc)
  const parts = pointer.slice(1).split('/').map(unescape)
  let node = copy
  for (const part of parts.slice(0, -1)) {
    if (node[part] === undefined || node[part] === null) node[part] = {}
    node = node[part]
  }
  const last = parts[parts.length - 1]!
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1)
    else delete node[last]
  } else node[last] = value
  return copy
}

export function ptr(...parts: (string | number)[]): string {
  return parts.map((p) => '/' + escape(p)).join('')
}

/** Every object type of the document, parents before children, each with its mapping. */
export function typeViews(doc: Json): TypeView[] {
  const out: TypeView[] = []
  const mappings: Json[] = doc?.mapping?.objectTypeMappings ?? []
  const walk = (types: Json[], base: string, depth: number) => {
    types.forEach((type, i) => {
      const pointer = `${base}/${i}`
      const k = mappings.findIndex((m) =>
        type.externalId !== undefined
          ? m.objectTypeExternalId === type.externalId
          : m.objectTypeName === type.name,
      )
      out.push({
        pointer,
        type,
        depth,
        mappingPointer: k >= 0 ? ptr('mapping', 'objectTypeMappings', k) : null,
        mapping: k >= 0 ? mappings[k] : null,
      })
      if (Array.isArray(type.children)) walk(type.children, `${pointer}/children`, depth + 1)
    })
  }
  walk(doc?.schema?.objectSchema?.objectTypes ?? [], '/schema/objectSchema/objectTypes', 0)
  return out
}

/** The index of the attribute mapping of `attribute` in a type mapping, or -1. */
export function attributeMappingIndex(mapping: Json | null, attribute: Json): number {
  const list: Json[] = mapping?.attributesMapping ?? []
  return list.findIndex((m) =>
    attribute.externalId !== undefined
      ? m.attributeExternalId === attribute.externalId
      : m.attributeName === attribute.name,
  )
}

export const ATTRIBUTE_FIELDS = [
  'name',
  'type',
  'label',
  'minimumCardinality',
  'maximumCardinality',
  'unique',
  'referenceObjectTypeExternalId',
]
export const ATTRIBUTE_MAPPING_FIELDS = ['attributeLocators', 'externalIdPart', 'objectMappingIQL']

/** The pointers the form shows a field for, so that every problem can be shown at the closest one. */
export function formPointers(doc: Json): Set<string> {
  const set = new Set<string>(['/schema/objectSchema/name', '/schema/objectSchema/description'])
  for (const view of typeViews(doc)) {
    set.add(view.pointer)
    set.add(`${view.pointer}/name`)
    set.add(`${view.pointer}/description`)
    if (view.mappingPointer) {
      set.add(view.mappingPointer)
      set.add(`${view.mappingPointer}/selector`)
    }
    ;(view.type.attributes ?? []).forEach((attribute: Json, j: number) => {
      const a = `${view.pointer}/attributes/${j}`
      set.add(a)
      for (const f of ATTRIBUTE_FIELDS) set.add(`${a}/${f}`)
      const m = attributeMappingIndex(view.mapping, attribute)
      if (view.mappingPointer && m >= 0) {
        const am = `${view.mappingPointer}/attributesMapping/${m}`
        set.add(am)
        for (const f of ATTRIBUTE_MAPPING_FIELDS) set.add(`${am}/${f}`)
      }
    })
  }
  return set
}

/** Each problem at the closest pointer the form shows (the pointer itself or its nearest ancestor); '' = none. */
export function placeProblems(
  problems: PointerProblem[],
  pointers: Set<string>,
): Map<string, PointerProblem[]> {
  const placed = new Map<string, PointerProblem[]>()
  for (const problem of problems) {
    let at = problem.pointer
    while (at !== '' && !pointers.has(at)) at = at.slice(0, at.lastIndexOf('/'))
    placed.set(at, [...(placed.get(at) ?? []), problem])
  }
  return placed
}

/** The id of the form control that shows `pointer`. */
export const fieldId = (pointer: string) => 'f' + pointer.replace(/[^A-Za-z0-9]+/g, '-')

export const ATTRIBUTE_TYPES = [
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
]
