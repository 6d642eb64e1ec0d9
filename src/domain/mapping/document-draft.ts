/**
 * The working copy a PUT or PATCH is merged into. Each element remembers the submitted element it came from
 * (`src`, null when untouched by this submission) so problems point into the submitted document, and whether
 * this submission created it (`isNew`). A PUT is a merge into an empty draft.
 */
import type { AttributeKind } from '../schema/types.js'
import type {
  NormalizedAttribute,
  NormalizedDocument,
  NormalizedIcon,
  NormalizedObjectType,
  NormalizedObjectTypeMapping,
  NormalizedStatus,
} from './document.types.js'
import type {
  ParsedAttribute,
  ParsedIcon,
  ParsedObjectType,
  ParsedObjectTypeMapping,
  ParsedStatus,
} from './document-parsed.types.js'

/** given: in this submission · generated: for a 2021 document · existing: stored · missing: a placeholder. */
export type IdOrigin = 'given' | 'generated' | 'existing' | 'missing'

export interface DraftAttribute {
  externalId: string
  idOrigin: IdOrigin
  name: string
  description: string
  /** null when the submitted type was unusable (already reported). */
  type: AttributeKind | null
  label: boolean
  minimumCardinality: number
  maximumCardinality: number
  unique: boolean
  indexed: boolean
  typeValues: string[]
  referenceObjectTypeExternalId: string | null
  src: ParsedAttribute | null
  isNew: boolean
}

export interface DraftType {
  externalId: string
  idOrigin: IdOrigin
  name: string
  description: string
  iconKey: string | null
  attributes: DraftAttribute[]
  children: DraftType[]
  parent: DraftType | null
  src: ParsedObjectType | null
  isNew: boolean
}

export interface DraftIcon extends NormalizedIcon {
  src: ParsedIcon | null
}

export interface DraftStatus extends NormalizedStatus {
  src: ParsedStatus | null
}

export interface DraftMapping {
  value: NormalizedObjectTypeMapping
  src: ParsedObjectTypeMapping | null
}

export interface Draft {
  objectSchema: { name: string; description: string }
  roots: DraftType[]
  icons: DraftIcon[]
  statuses: DraftStatus[]
  mappings: DraftMapping[]
}

export const EMPTY_DOCUMENT: NormalizedDocument = Object.freeze({
  objectSchema: { name: '', description: '' },
  objectTypes: [],
  icons: [],
  statuses: [],
  objectTypeMappings: [],
})

export function draftFromNormalized(document: NormalizedDocument): Draft {
  const toType = (type: NormalizedObjectType, parent: DraftType | null): DraftType => {
    const draft: DraftType = {
      externalId: type.externalId,
      idOrigin: 'existing',
      name: type.name,
      description: type.description,
      iconKey: type.iconKey,
      attributes: type.attributes.map(({ referenceObjectTypeName: _targetName, ...a }) => ({
        ...a,
        indexed: a.indexed ?? false,
        typeValues: [...a.typeValues],
        idOrigin: 'existing',
        src: null,
        isNew: false,
      })),
      children: [],
      parent,
      src: null,
      isNew: false,
    }
    draft.children = type.children.map((child) => toType(child, draft))
    return draft
  }
  return {
    objectSchema: { ...document.objectSchema },
    roots: document.objectTypes.map((type) => toType(type, null)),
    icons: document.icons.map((icon) => ({ ...icon, src: null })),
    statuses: document.statuses.map((status) => ({ ...status, src: null })),
    mappings: document.objectTypeMappings.map((value) => ({ value: structuredClone(value), src: null })),
  }
}

/** Every object type of the draft, parents before children, in document order. */
export function allTypes(draft: Draft): DraftType[] {
  const out: DraftType[] = []
  const visit = (type: DraftType): void => {
    out.push(type)
    type.children.forEach(visit)
  }
  draft.roots.forEach(visit)
  return out
}

/** Only called on a draft without problems: every type is known and every reference resolved. */
export function draftToNormalized(draft: Draft): NormalizedDocument {
  const names = new Map(allTypes(draft).map((type) => [type.externalId, type.name]))
  const toAttribute = (a: DraftAttribute): NormalizedAttribute => ({
    externalId: a.externalId,
    name: a.name,
    description: a.description,
    type: a.type ?? 'text',
    label: a.label,
    minimumCardinality: a.minimumCardinality,
    maximumCardinality: a.maximumCardinality,
    unique: a.unique,
    indexed: a.indexed,
    typeValues: a.type === 'status' ? [...a.typeValues] : [],
    referenceObjectTypeExternalId: a.type === 'referenced_object' ? a.referenceObjectTypeExternalId : null,
    referenceObjectTypeName:
      a.type === 'referenced_object' && a.referenceObjectTypeExternalId !== null
        ? (names.get(a.referenceObjectTypeExternalId) ?? null)
        : null,
  })
  const toType = (type: DraftType): NormalizedObjectType => ({
    externalId: type.externalId,
    name: type.name,
    description: type.description,
    iconKey: type.iconKey,
    attributes: type.attributes.map(toAttribute),
    children: type.children.map(toType),
  })
  return {
    objectSchema: { ...draft.objectSchema },
    objectTypes: draft.roots.map(toType),
    icons: draft.icons.map(({ key, name, png48 }) => ({ key, name, png48 })),
    statuses: draft.statuses.map(({ name, description, category }) => ({ name, description, category })),
    objectTypeMappings: draft.mappings.map((m) => m.value),
  }
}
