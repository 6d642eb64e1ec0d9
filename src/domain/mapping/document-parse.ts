/** Shape pass over a whole submitted document: version detection, then every member read once. */
import type { DocumentContext, DocumentVersion } from './document.types.js'
import type { ParseMode, ParsedDocument } from './document-parsed.types.js'
import type { ProblemCollector } from './document-problems.js'
import { FieldReader, isJsonObject, jsonTypeOf } from './document-read.js'
import { parseIcon, parseObjectType, parseStatus } from './document-parse-schema.js'
import { parseObjectTypeMapping } from './document-parse-mapping.js'
import { refuseUnknownMembers } from './document-members.js'

const TYPE_ID_KEYS = ['externalId']
const ATTRIBUTE_ID_KEYS = ['externalId', 'referenceObjectTypeExternalId']
const MAPPING_ID_KEYS = ['objectTypeExternalId']
const ATTRIBUTE_MAPPING_ID_KEYS = ['attributeExternalId']

/**
 * "Any payload with an External ID present will automatically default to the 2023-10-19 schema definition":
 * any externalId member (object type, attribute, reference target, mapping entry) makes it 2023_10_19.
 * `$schema` plays no part.
 */
export function detectVersion(document: unknown): DocumentVersion {
  if (!isJsonObject(document)) return '2021_09_15'
  const objectSchema = member(member(document, 'schema'), 'objectSchema')
  const mappings = member(member(document, 'mapping'), 'objectTypeMappings')
  const found =
    typesHaveIds(member(objectSchema, 'objectTypes')) ||
    itemsOf(mappings).some(
      (m) =>
        hasAny(m, MAPPING_ID_KEYS) ||
        itemsOf(member(m, 'attributesMapping')).some((a) => hasAny(a, ATTRIBUTE_MAPPING_ID_KEYS)),
    )
  return found ? '2023_10_19' : '2021_09_15'
}

function typesHaveIds(types: unknown): boolean {
  return itemsOf(types).some(
    (type) =>
      hasAny(type, TYPE_ID_KEYS) ||
      itemsOf(member(type, 'attributes')).some((a) => hasAny(a, ATTRIBUTE_ID_KEYS)) ||
      typesHaveIds(member(type, 'children')),
  )
}

function member(value: unknown, key: string): unknown {
  return isJsonObject(value) ? value[key] : undefined
}

function itemsOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

function hasAny(value: unknown, keys: readonly string[]): boolean {
  return isJsonObject(value) && keys.some((key) => value[key] !== undefined && value[key] !== null)
}

/**
 * PUT needs the whole document (schema.objectSchema with name, description and at least one object type;
 * mapping.objectTypeMappings). PATCH needs nothing at the top level: it carries only what changes.
 */
export function parseDocument(
  raw: unknown,
  mode: ParseMode,
  context: DocumentContext,
  problems: ProblemCollector,
): ParsedDocument | undefined {
  if (!isJsonObject(raw)) {
    problems.add('INVALID_TYPE', '', `the document must be a JSON object, got ${jsonTypeOf(raw)}`)
    return undefined
  }
  const version = detectVersion(raw)
  const put = mode === 'put'
  const root = new FieldReader(raw, '', problems)
  refuseUnknownMembers(root, 'document', 'The document')
  const schema = root.object('schema', { required: put })
  if (schema !== undefined) refuseUnknownMembers(schema, 'schema', 'schema')
  const objectSchema = schema?.object('objectSchema', { required: put })
  if (objectSchema !== undefined) refuseUnknownMembers(objectSchema, 'objectSchema', 'objectSchema')
  const objectSchemaName = objectSchema?.string('name', { required: put, nonEmpty: true })
  const objectSchemaDescription = objectSchema?.string('description', { required: put })
  const types = objectSchema?.objects('objectTypes', 'an object type', { required: put, nonEmpty: put }) ?? []
  // An empty icons array is accepted (GET may answer it, and it must PATCH back); so is an empty statuses array.
  const iconSchema = schema?.object('iconSchema')
  if (iconSchema !== undefined) refuseUnknownMembers(iconSchema, 'iconSchema', 'iconSchema')
  const icons = iconSchema?.objects('icons', 'an icon', { required: true }) ?? []
  // statusSchema belongs to 2023_10_19 but is read in either version: a PATCH carrying only statuses has no
  // externalIds, and the statuses still serve the status attributes stored before.
  const statusSchema = schema?.object('statusSchema')
  if (statusSchema !== undefined) refuseUnknownMembers(statusSchema, 'statusSchema', 'statusSchema')
  const statuses = statusSchema?.objects('statuses', 'a status', { required: true }) ?? []
  const mapping = root.object('mapping', { required: put })
  if (mapping !== undefined) refuseUnknownMembers(mapping, 'mapping', 'mapping')
  const mappings = mapping?.objects('objectTypeMappings', 'an object type mapping', { required: true }) ?? []
  return {
    version,
    objectSchemaName,
    objectSchemaDescription,
    objectTypes: types.map((type) => parseObjectType(type, version)),
    icons: icons.map(parseIcon),
    statuses: statuses.map(parseStatus),
    mappings: mappings.map((m) => parseObjectTypeMapping(m, version, context)),
  }
}
