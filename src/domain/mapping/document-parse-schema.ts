/** Shape pass over `schema`: object types (recursively), attributes, icons and statuses. */
import type { AttributeKind } from '../schema/types.js'
import { STATUS_CATEGORIES } from '../schema/types.js'
import type { DocumentVersion } from './document.types.js'
import { ATTRIBUTE_KINDS_BY_VERSION, SYSTEM_KEY_ATTRIBUTE } from './document.types.js'
import type { FieldReader } from './document-read.js'
import type { ParsedAttribute, ParsedIcon, ParsedObjectType, ParsedStatus } from './document-parsed.types.js'
import { pointer } from './document-problems.js'
import { refuseUnknownMembers } from './document-members.js'

const NAME_PATTERN = /^[a-zA-Z0-9 -]*$/
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** 2023_10_19 needs an externalId on every object type, attribute and mapping entry; 2021 has none. */
export function readExternalId(
  r: FieldReader,
  key: string,
  version: DocumentVersion,
  what: string,
): string | undefined {
  if (version === '2021_09_15') return undefined
  if (!r.has(key)) {
    r.report(
      'EXTERNAL_ID_MISSING',
      key,
      `${what} has no ${key}; a document with externalIds needs them everywhere`,
    )
    return undefined
  }
  return r.string(key, { nonEmpty: true })
}

export function parseObjectType(r: FieldReader, version: DocumentVersion): ParsedObjectType {
  refuseUnknownMembers(r, 'objectType', 'An object type')
  const attributes = (r.objects('attributes', 'an attribute') ?? []).flatMap(
    (a) => parseAttribute(a, version) ?? [],
  )
  return {
    ptr: r.ptr,
    externalId: readExternalId(r, 'externalId', version, 'This object type'),
    name: r.string('name', { required: true, nonEmpty: true }),
    description: r.string('description', { required: true }),
    iconKey: r.string('iconKey', { nonEmpty: true }),
    attributes,
    children: (r.objects('children', 'an object type') ?? []).map((c) => parseObjectType(c, version)),
  }
}

/**
 * Answers undefined for the echo of the system attribute Key, which is skipped: an attribute named Key without
 * externalId in a document that has externalIds (GET answers that form). A document without externalIds has no
 * echo to skip (GET never answers that form): there an attribute named Key is the document's own.
 */
function parseAttribute(r: FieldReader, version: DocumentVersion): ParsedAttribute | undefined {
  refuseUnknownMembers(r, 'attribute', 'An attribute')
  const rawName = r.value['name']
  const isKeyEcho =
    version === '2023_10_19' &&
    typeof rawName === 'string' &&
    rawName.toLowerCase() === SYSTEM_KEY_ATTRIBUTE.name.toLowerCase() &&
    !r.has('externalId')
  if (isKeyEcho) return undefined
  const type = readAttributeType(r, version)
  const is2023 = version === '2023_10_19'
  return {
    ptr: r.ptr,
    externalId: readExternalId(r, 'externalId', version, 'This attribute'),
    name: r.string('name', { required: true, nonEmpty: true }),
    description: r.string('description', { required: true }),
    type,
    typeValues: readTypeValues(r, type),
    label: r.boolean('label'),
    // Read in both versions: the 2021_09_15 schema has no cardinality or unique, but clients send them in documents
    // without externalIds too, and a member accepted must be applied (where versions disagree, accept both).
    minimumCardinality: readCardinality(r, 'minimumCardinality'),
    maximumCardinality: readCardinality(r, 'maximumCardinality'),
    unique: readUnique(r, type),
    indexed: r.boolean('indexed'),
    referenceObjectTypeExternalId: is2023
      ? readReference(r, 'referenceObjectTypeExternalId', type)
      : undefined,
    referenceObjectTypeName: readReference(r, 'referenceObjectTypeName', type),
  }
}

function readAttributeType(r: FieldReader, version: DocumentVersion): AttributeKind | undefined {
  const type = r.string('type', { required: true })
  if (type === undefined) return undefined
  const kinds = ATTRIBUTE_KINDS_BY_VERSION[version]
  if ((kinds as readonly string[]).includes(type)) return type as AttributeKind
  const hint = type === 'status' ? ' (status needs the 2023_10_19 format: a document with externalIds)' : ''
  r.report(
    'INVALID_ATTRIBUTE_TYPE',
    'type',
    `"${type}" is not an attribute type of ${version}${hint}; one of ${kinds.join(', ')}`,
  )
  return undefined
}

function readTypeValues(r: FieldReader, type: AttributeKind | undefined): ParsedAttribute['typeValues'] {
  const items = r.array('typeValues')
  if (items === undefined) return undefined
  if (type !== undefined && type !== 'status') {
    r.report('FIELD_NOT_ALLOWED', 'typeValues', `typeValues only applies to status attributes, not ${type}`)
    return undefined
  }
  const values: { value: string; index: number }[] = []
  items.forEach((item, index) => {
    const at = pointer(r.at('typeValues'), index)
    if (typeof item !== 'string') r.problems.add('INVALID_TYPE', at, 'a status name must be a string')
    else if (item.trim() === '') r.problems.add('EMPTY_STRING', at, 'a status name must not be empty')
    else if (values.some((v) => v.value === item))
      r.problems.add('DUPLICATE_TYPE_VALUE', at, `"${item}" is listed twice`)
    else values.push({ value: item, index })
  })
  return values
}

/** The largest cardinality a database integer column holds (1e21 passed as an integer and failed in PostgreSQL). */
const MAX_CARDINALITY = 2 ** 31 - 1

function readCardinality(
  r: FieldReader,
  key: 'minimumCardinality' | 'maximumCardinality',
): number | undefined {
  const value = r.number(key)
  if (value === undefined) return undefined
  const valid =
    Number.isInteger(value) &&
    value <= MAX_CARDINALITY &&
    (key === 'minimumCardinality' ? value >= 0 : value === -1 || value >= 1)
  if (valid) return value
  const rule =
    key === 'minimumCardinality'
      ? `an integer from 0 to ${MAX_CARDINALITY}`
      : `an integer from 1 to ${MAX_CARDINALITY}, or -1 for unlimited`
  r.report('INVALID_CARDINALITY', key, `${key} must be ${rule}, got ${value}`)
  return undefined
}

/** Intake keeps values unique, not references: `unique: true` on a referenced_object attribute is refused. */
function readUnique(r: FieldReader, type: AttributeKind | undefined): boolean | undefined {
  const unique = r.boolean('unique')
  if (unique !== true || type !== 'referenced_object') return unique
  r.report(
    'FIELD_NOT_ALLOWED',
    'unique',
    'unique applies to value attributes; Intake does not keep references unique (send false or leave it out)',
  )
  return undefined
}

function readReference(r: FieldReader, key: string, type: AttributeKind | undefined): string | undefined {
  const value = r.string(key, { nonEmpty: true })
  if (value === undefined || type === undefined || type === 'referenced_object') return value
  r.report('FIELD_NOT_ALLOWED', key, `${key} only applies to referenced_object attributes, not ${type}`)
  return undefined
}

export function parseIcon(r: FieldReader): ParsedIcon {
  refuseUnknownMembers(r, 'icon', 'An icon')
  let key = r.string('key', { required: true })
  if (key !== undefined && (key.length < 1 || key.length > 255)) {
    r.report('INVALID_ICON_KEY', 'key', `an icon key has 1 to 255 characters, got ${key.length}`)
    key = undefined
  }
  return { ptr: r.ptr, key, name: readDisplayName(r, 'INVALID_ICON_NAME'), png48: readPng48(r) }
}

export function parseStatus(r: FieldReader): ParsedStatus {
  refuseUnknownMembers(r, 'status', 'A status')
  return {
    ptr: r.ptr,
    name: readDisplayName(r, 'INVALID_STATUS_NAME'),
    description: r.string('description', { required: true }),
    category: r.oneOf('category', STATUS_CATEGORIES, { required: true }),
  }
}

function readDisplayName(
  r: FieldReader,
  code: 'INVALID_ICON_NAME' | 'INVALID_STATUS_NAME',
): string | undefined {
  const name = r.string('name', { required: true })
  if (name === undefined) return undefined
  if (name.length >= 2 && name.length <= 30 && NAME_PATTERN.test(name)) return name
  r.report(code, 'name', `"${name}" must be 2 to 30 characters of letters, digits, spaces and hyphens`)
  return undefined
}

function readPng48(r: FieldReader): string | undefined {
  const png48 = r.string('png48', { required: true })
  if (png48 === undefined) return undefined
  const problem = pngProblem(png48)
  if (problem === null) return png48
  r.report('INVALID_ICON_IMAGE', 'png48', problem)
  return undefined
}

/** Checks the base64 text, the PNG signature and the IHDR size; the rest of the image is not decoded. */
function pngProblem(png48: string): string | null {
  const text = png48.replace(/\s+/g, '')
  if (text === '' || !BASE64.test(text)) return 'png48 must be base64 text'
  const head = Array.from(atob(text.slice(0, 32)), (ch) => ch.charCodeAt(0))
  if (!PNG_SIGNATURE.every((byte, i) => head[i] === byte)) return 'png48 is not a PNG image'
  const word = (at: number): number =>
    (((head[at] ?? 0) << 24) |
      ((head[at + 1] ?? 0) << 16) |
      ((head[at + 2] ?? 0) << 8) |
      (head[at + 3] ?? 0)) >>>
    0
  const ihdr = String.fromCharCode(...head.slice(12, 16))
  if (head.length < 24 || ihdr !== 'IHDR') return 'png48 is not a complete PNG image'
  const width = word(16)
  const height = word(20)
  return width === 48 && height === 48 ? null : `the icon must be 48×48 pixels, got ${width}×${height}`
}
