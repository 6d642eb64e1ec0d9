/**
 * The members each object of the schema + mapping document may have: those of the Assets formats (2021_09_15 and
 * 2023_10_19, which differ only in externalIds, status and statusSchema; both are read in either version) and
 * Intake's extensions. Any other member is refused at its pointer with the closest known member, so that a typo
 * (`minimumCardinalty`) is never silently dropped; an Assets member Intake does not apply is refused as unsupported.
 */
import { closestName } from '../aql/suggest.js'
import type { FieldReader } from './document-read.js'

export type DocumentLevel =
  | 'document'
  | 'schema'
  | 'objectSchema'
  | 'iconSchema'
  | 'icon'
  | 'statusSchema'
  | 'status'
  | 'objectType'
  | 'attribute'
  | 'mapping'
  | 'objectTypeMapping'
  | 'attributeMapping'
  | 'missingObjects'

const MEMBERS: Readonly<Record<DocumentLevel, readonly string[]>> = {
  // `$schema` is informational: the version follows from the externalIds (reference §1.4).
  document: ['$schema', 'schema', 'mapping'],
  schema: ['objectSchema', 'iconSchema', 'statusSchema'],
  objectSchema: ['name', 'description', 'objectTypes'],
  iconSchema: ['icons'],
  icon: ['key', 'name', 'png48'],
  statusSchema: ['statuses'],
  status: ['name', 'description', 'category'],
  // `inheritance` is answered by Assets' GET; only `false` (what Intake does) is accepted, see UNSUPPORTED below.
  objectType: ['externalId', 'name', 'description', 'iconKey', 'attributes', 'children', 'inheritance'],
  attribute: [
    'externalId',
    'name',
    'description',
    'type',
    'typeValues',
    'label',
    'minimumCardinality',
    'maximumCardinality',
    'unique',
    // Intake reads Assets' per-attribute `indexed` flag (docs/aql.md)
    'indexed',
    'referenceObjectTypeExternalId',
    'referenceObjectTypeName',
  ],
  mapping: ['objectTypeMappings'],
  objectTypeMapping: [
    'objectTypeExternalId',
    'objectTypeName',
    'selector',
    'description',
    'attributesMapping',
    // Intake's extensions
    'selectorQlQuery',
    'missingObjects',
    'emptyValues',
    'unknownValues',
    'matchIdentifierIgnoreCase',
    'disabled',
    'condition',
  ],
  attributeMapping: [
    'attributeExternalId',
    'attributeName',
    'attributeLocators',
    'externalIdPart',
    'objectMappingIQL',
    // Intake's extensions
    'defaultValue',
    'transformations',
    'conditionalValues',
  ],
  missingObjects: ['policy', 'attributeName', 'value', 'threshold', 'thresholdType'],
}

/**
 * Members of the Assets document that Intake accepts only with the value that matches what it does: any other
 * value would be dropped, so it is refused with the reason.
 */
const UNSUPPORTED: Partial<Record<DocumentLevel, Readonly<Record<string, UnsupportedMember>>>> = {
  objectType: {
    inheritance: {
      accepts: (value) => value === false || value === null,
      reason:
        'Intake does not support attribute inheritance between object types (send false or leave it out)',
    },
  },
}

/** Names other Assets APIs give a member of this document: suggested whatever their distance. */
const ALIASES: Partial<Record<DocumentLevel, Readonly<Record<string, string>>>> = {
  // The import source's object type mapping entity (not this document) calls the AQL filter selectorIQL.
  objectTypeMapping: { selectorIQL: 'selectorQlQuery' },
}

interface UnsupportedMember {
  accepts: (value: unknown) => boolean
  reason: string
}

/** Refuses every member of `r` that its level does not have, naming the closest known member when one is near. */
export function refuseUnknownMembers(r: FieldReader, level: DocumentLevel, what: string): void {
  const unsupported = UNSUPPORTED[level] ?? {}
  for (const [key, rule] of Object.entries(unsupported)) {
    if (Object.hasOwn(r.value, key) && !rule.accepts(r.value[key]))
      r.report('UNSUPPORTED_MEMBER', key, rule.reason)
  }
  refuseMembersOutside(r, MEMBERS[level], what, ALIASES[level])
}

/** Refuses every member of `r` not in `known` (UNKNOWN_MEMBER), with the closest known member when one is near. */
export function refuseMembersOutside(
  r: FieldReader,
  known: readonly string[],
  what: string,
  aliases: Readonly<Record<string, string>> = {},
): void {
  for (const key of Object.keys(r.value)) {
    if (known.includes(key)) continue
    const near = Object.hasOwn(aliases, key) ? aliases[key]! : closestName(key, known)
    const hint =
      near !== null
        ? `; did you mean ${near}?`
        : known.length === 0
          ? '; it takes no other members'
          : `; it has ${known.join(', ')}`
    r.report('UNKNOWN_MEMBER', key, `${what} has no member "${key}"${hint}`)
  }
}
