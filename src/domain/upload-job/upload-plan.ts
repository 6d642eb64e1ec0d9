/**
 * Turns an upload's column mapping (column index from 1 → property name) into the engine's mapping document for
 * one object type. Identity: the column of the entity's unique attribute when the mapping has one, else the label
 * column; without either the mapping is refused.
 */
import type { NormalizedDocument } from '../mapping/document.types.js'
import { attributeKey, objectTypeKey } from '../mapping/mapping-keys.js'
import type { AttributeDef, ObjectTypeDef } from '../schema/types.js'
import { UploadMappingInvalidError } from './upload-job-errors.js'
import type { UploadColumn } from './upload-job.types.js'

/** The selector root the upload's rows are read under (the tabular connectors' own). */
export const UPLOAD_SELECTOR = 'rows'

export interface UploadPlan {
  columns: UploadColumn[]
  identity: UploadColumn
  document: NormalizedDocument
}

const COLUMN_INDEX = /^[1-9]\d{0,5}$/

/** The attribute a property name means: the exact name, else the one name equal ignoring case. */
function attributeNamed(attributes: readonly AttributeDef[], name: string): AttributeDef | undefined {
  const exact = attributes.find((a) => a.name === name)
  if (exact) return exact
  const folded = attributes.filter((a) => a.name.toLowerCase() === name.toLowerCase())
  return folded.length === 1 ? folded[0] : undefined
}

export function planUpload(input: {
  type: ObjectTypeDef
  schemaName: string
  attributes: readonly AttributeDef[]
  header: readonly string[]
  mapping: Readonly<Record<string, unknown>>
}): UploadPlan {
  const { type, attributes, header, mapping } = input
  const entries = Object.entries(mapping)
  if (entries.length === 0) {
    throw UploadMappingInvalidError({
      field: 'mapping',
      reason: 'maps no column; map at least the identity column',
    })
  }
  const columns: UploadColumn[] = []
  const mapped = new Map<number, string>()
  for (const [key, value] of entries) {
    const field = `mapping.${key}`
    if (!COLUMN_INDEX.test(key)) {
      throw UploadMappingInvalidError({
        field,
        reason: 'a key must be a column number starting at 1',
        value: key,
      })
    }
    const index = Number(key)
    if (index > header.length) {
      throw UploadMappingInvalidError({
        field,
        reason: `column ${index} does not exist: the file has ${header.length} column${header.length === 1 ? '' : 's'} (${header.join(', ')})`,
        value: index,
      })
    }
    if (typeof value !== 'string' || value.trim() === '') {
      throw UploadMappingInvalidError({ field, reason: 'must name a property of the entity', value })
    }
    const attribute = attributeNamed(attributes, value.trim())
    if (!attribute) {
      throw UploadMappingInvalidError({
        field,
        reason: `property "${value}" does not exist on ${type.name}; its properties are: ${attributes.map((a) => a.name).join(', ')}`,
        value,
      })
    }
    const earlier = mapped.get(attribute.id)
    if (earlier !== undefined) {
      throw UploadMappingInvalidError({
        field,
        reason: `property "${attribute.name}" is already mapped from column ${earlier}`,
        value,
      })
    }
    mapped.set(attribute.id, key)
    columns.push({
      index,
      header: header[index - 1]!,
      attributeId: attribute.id,
      attribute: attribute.name,
      kind: attribute.kind,
      identity: false,
      label: attribute.label,
    })
  }
  columns.sort((a, b) => a.index - b.index)
  const unique = attributes.filter((a) => a.unique && a.kind !== 'referenced_object')
  const identity =
    columns.find((c) => unique.some((a) => a.id === c.attributeId)) ?? columns.find((c) => c.label)
  if (!identity) {
    const wanted = [...unique, ...attributes.filter((a) => a.label)].map((a) => `"${a.name}"`)
    throw UploadMappingInvalidError({
      field: 'mapping',
      reason:
        wanted.length === 0
          ? `${type.name} has no unique or label attribute to identify its objects by`
          : `map a column to ${wanted.join(' or ')}: it identifies the objects of ${type.name}`,
    })
  }
  identity.identity = true
  const byId = new Map(attributes.map((a) => [a.id, a]))
  return {
    columns,
    identity,
    document: {
      objectSchema: { name: input.schemaName, description: '' },
      objectTypes: [],
      icons: [],
      statuses: [],
      objectTypeMappings: [
        {
          objectTypeExternalId: objectTypeKey(type),
          objectTypeName: type.name,
          selector: UPLOAD_SELECTOR,
          description: 'Spreadsheet upload',
          attributesMapping: columns.map((c) => {
            const attribute = byId.get(c.attributeId)!
            return {
              attributeExternalId: attributeKey(attribute),
              attributeName: attribute.name,
              attributeLocators: [c.header],
              externalIdPart: c.identity,
              // A referenced object is found by its label.
              objectMappingIQL: attribute.kind === 'referenced_object' ? `label = \${${c.header}}` : null,
            }
          }),
          selectorQlQuery: null,
          // Uploads never touch objects that are not in the file.
          missingObjects: null,
          emptyValues: null,
          unknownValues: null,
          matchIdentifierIgnoreCase: null,
          disabled: false,
        },
      ],
    },
  }
}
