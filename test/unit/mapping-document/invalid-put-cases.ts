import type { DocumentContext } from '../../../src/domain/mapping/document.types.js'
import type { DocumentProblemCode } from '../../../src/domain/mapping/document-problems.js'
import type { Json } from './helpers.js'
import { at, list } from './helpers.js'

export interface InvalidCase {
  name: string
  /** Changes a fresh copy of the base document. */
  change: (doc: Json) => unknown
  /** Submitted instead of the base document. */
  document?: unknown
  code: DocumentProblemCode
  pointer: string
  context?: Partial<DocumentContext>
}

export const OT = '/schema/objectSchema/objectTypes'
export const OTM = '/mapping/objectTypeMappings'
export const host = (doc: Json): Json => at(doc, 'schema', 'objectSchema', 'objectTypes', 0)
export const hostAttr = (doc: Json, i: number): Json => at(host(doc), 'attributes', i)
export const os = (doc: Json): Json => at(doc, 'schema', 'objectSchema', 'objectTypes', 1)
export const mapping = (doc: Json, i: number): Json => at(doc, 'mapping', 'objectTypeMappings', i)
export const entry = (doc: Json, m: number, i: number): Json => at(mapping(doc, m), 'attributesMapping', i)
export const icons = (doc: Json): unknown[] => list(doc, 'schema', 'iconSchema', 'icons')
const extra = (name: string, externalId: string): Json => ({
  externalId,
  name,
  description: '',
  type: 'text',
})

/** Each change breaks exactly one rule of a valid document: the answer is exactly one problem. */
export const INVALID_PUT_CASES: InvalidCase[] = [
  // shape
  {
    name: 'document is not an object',
    change: () => undefined,
    document: [],
    code: 'INVALID_TYPE',
    pointer: '',
  },
  {
    name: 'no mapping',
    change: (d) => delete d['mapping'],
    code: 'REQUIRED_FIELD_MISSING',
    pointer: '/mapping',
  },
  {
    name: 'object type without description',
    change: (d) => delete host(d)['description'],
    code: 'REQUIRED_FIELD_MISSING',
    pointer: `${OT}/0/description`,
  },
  {
    name: 'attribute without type',
    change: (d) => delete hostAttr(d, 1)['type'],
    code: 'REQUIRED_FIELD_MISSING',
    pointer: `${OT}/0/attributes/1/type`,
  },
  {
    name: 'label is not a boolean',
    change: (d) => (hostAttr(d, 0)['label'] = 'yes'),
    code: 'INVALID_TYPE',
    pointer: `${OT}/0/attributes/0/label`,
  },
  {
    name: 'children is not an array',
    change: (d) => (os(d)['children'] = {}),
    code: 'INVALID_TYPE',
    pointer: `${OT}/1/children`,
  },
  {
    name: 'empty type name',
    change: (d) => (os(d)['name'] = ' '),
    code: 'EMPTY_STRING',
    pointer: `${OT}/1/name`,
  },
  {
    name: 'no object types on PUT',
    change: (d) => {
      at(d, 'schema', 'objectSchema')['objectTypes'] = []
      at(d, 'mapping')['objectTypeMappings'] = []
    },
    code: 'EMPTY_ARRAY',
    pointer: '/schema/objectSchema/objectTypes',
  },
  {
    name: 'attributeLocators empty',
    change: (d) => (entry(d, 0, 1)['attributeLocators'] = []),
    code: 'EMPTY_ARRAY',
    pointer: `${OTM}/0/attributesMapping/1/attributeLocators`,
  },
  {
    name: 'empty locator',
    change: (d) => (entry(d, 0, 1)['attributeLocators'] = ['ips', '']),
    code: 'EMPTY_STRING',
    pointer: `${OTM}/0/attributesMapping/1/attributeLocators/1`,
  },
  {
    name: 'unknown status category',
    change: (d) => (at(d, 'schema', 'statusSchema', 'statuses', 0)['category'] = 'done'),
    code: 'INVALID_ENUM_VALUE',
    pointer: '/schema/statusSchema/statuses/0/category',
  },
  {
    name: 'unique on a referenced_object attribute (accepted, it could not be applied)',
    change: (d) => (hostAttr(d, 3)['unique'] = true),
    code: 'FIELD_NOT_ALLOWED',
    pointer: `${OT}/0/attributes/3/unique`,
  },
  {
    name: 'a misspelt member of an attribute',
    change: (d) => (hostAttr(d, 1)['minimumCardinalty'] = 1),
    code: 'UNKNOWN_MEMBER',
    pointer: `${OT}/0/attributes/1/minimumCardinalty`,
  },
  {
    name: 'inheritance: true on an object type',
    change: (d) => (host(d)['inheritance'] = true),
    code: 'UNSUPPORTED_MEMBER',
    pointer: `${OT}/0/inheritance`,
  },
  {
    name: 'typeValues on an ipaddress attribute',
    change: (d) => (hostAttr(d, 1)['typeValues'] = ['Running']),
    code: 'FIELD_NOT_ALLOWED',
    pointer: `${OT}/0/attributes/1/typeValues`,
  },
  {
    name: 'reference target on a text attribute',
    change: (d) => (hostAttr(d, 0)['referenceObjectTypeExternalId'] = 'type/os'),
    code: 'FIELD_NOT_ALLOWED',
    pointer: `${OT}/0/attributes/0/referenceObjectTypeExternalId`,
  },
  {
    name: 'objectMappingIQL on a text attribute',
    change: (d) => (entry(d, 0, 0)['objectMappingIQL'] = 'Name = ${name}'),
    code: 'FIELD_NOT_ALLOWED',
    pointer: `${OTM}/0/attributesMapping/0/objectMappingIQL`,
  },
  {
    name: 'mapped reference without objectMappingIQL',
    change: (d) => delete entry(d, 0, 2)['objectMappingIQL'],
    code: 'REQUIRED_FIELD_MISSING',
    pointer: `${OTM}/0/attributesMapping/2/objectMappingIQL`,
  },
  {
    name: 'referenced_object without target',
    change: (d) => delete hostAttr(d, 3)['referenceObjectTypeExternalId'],
    code: 'REQUIRED_FIELD_MISSING',
    pointer: `${OT}/0/attributes/3/referenceObjectTypeExternalId`,
  },
  // externalIds
  {
    name: 'one attribute without externalId (all or none)',
    change: (d) => delete hostAttr(d, 2)['externalId'],
    code: 'EXTERNAL_ID_MISSING',
    pointer: `${OT}/0/attributes/2/externalId`,
  },
  {
    name: 'one mapping without objectTypeExternalId',
    change: (d) => delete mapping(d, 2)['objectTypeExternalId'],
    code: 'EXTERNAL_ID_MISSING',
    pointer: `${OTM}/2/objectTypeExternalId`,
  },
  {
    name: 'two attributes with one externalId',
    change: (d) => list(os(d), 'attributes').push(extra('Extra', 'attr/host-ip')),
    code: 'DUPLICATE_EXTERNAL_ID',
    pointer: `${OT}/1/attributes/1/externalId`,
  },
  {
    name: 'an attribute with the externalId of a type',
    change: (d) => list(os(d), 'attributes').push(extra('Extra', 'type/vm')),
    code: 'DUPLICATE_EXTERNAL_ID',
    pointer: `${OT}/1/attributes/1/externalId`,
  },
  {
    name: 'externalId used by another import source',
    change: () => undefined,
    context: { externalIdsInUse: ['type/os', 'elsewhere'] },
    code: 'EXTERNAL_ID_IN_USE',
    pointer: `${OT}/1/externalId`,
  },
  // object types and attributes
  {
    name: 'unknown attribute type',
    change: (d) => (hostAttr(d, 1)['type'] = 'ip'),
    code: 'INVALID_ATTRIBUTE_TYPE',
    pointer: `${OT}/0/attributes/1/type`,
  },
  {
    name: 'two types with one name (case-insensitive)',
    change: (d) => {
      os(d)['name'] = 'HOST'
      mapping(d, 2)['objectTypeName'] = 'HOST'
    },
    code: 'DUPLICATE_OBJECT_TYPE_NAME',
    pointer: `${OT}/1/name`,
  },
  {
    name: 'two attributes with one name in a type',
    change: (d) => (hostAttr(d, 2)['name'] = 'NAME'),
    code: 'DUPLICATE_ATTRIBUTE_NAME',
    pointer: `${OT}/0/attributes/2/name`,
  },
  {
    name: 'two label attributes',
    change: (d) => (hostAttr(d, 2)['label'] = true),
    code: 'MULTIPLE_LABEL_ATTRIBUTES',
    pointer: `${OT}/0/attributes/2/label`,
  },
  {
    name: 'no label and no text attribute left to take it',
    change: (d) => (at(os(d), 'attributes', 0)['label'] = false),
    code: 'MISSING_LABEL_ATTRIBUTE',
    pointer: `${OT}/1`,
  },
  {
    name: 'maximumCardinality 0',
    change: (d) => (hostAttr(d, 1)['maximumCardinality'] = 0),
    code: 'INVALID_CARDINALITY',
    pointer: `${OT}/0/attributes/1/maximumCardinality`,
  },
  {
    name: 'negative minimumCardinality',
    change: (d) => (hostAttr(d, 1)['minimumCardinality'] = -1),
    code: 'INVALID_CARDINALITY',
    pointer: `${OT}/0/attributes/1/minimumCardinality`,
  },
  {
    name: 'fractional cardinality',
    change: (d) => (hostAttr(d, 0)['minimumCardinality'] = 0.5),
    code: 'INVALID_CARDINALITY',
    pointer: `${OT}/0/attributes/0/minimumCardinality`,
  },
  {
    name: 'minimum above maximum',
    change: (d) => Object.assign(hostAttr(d, 2), { minimumCardinality: 3, maximumCardinality: 2 }),
    code: 'MINIMUM_EXCEEDS_MAXIMUM',
    pointer: `${OT}/0/attributes/2/minimumCardinality`,
  },
  {
    name: 'reference to an unknown type',
    change: (d) => (hostAttr(d, 3)['referenceObjectTypeExternalId'] = 'type/nope'),
    code: 'UNKNOWN_REFERENCE_TARGET',
    pointer: `${OT}/0/attributes/3/referenceObjectTypeExternalId`,
  },
  {
    name: 'reference name disagrees with its externalId',
    change: (d) => (hostAttr(d, 3)['referenceObjectTypeName'] = 'Virtual Machine'),
    code: 'NAME_MISMATCH',
    pointer: `${OT}/0/attributes/3/referenceObjectTypeName`,
  },
  {
    name: 'mapping objectTypeName disagrees with its externalId',
    change: (d) => (mapping(d, 0)['objectTypeName'] = 'Hosts'),
    code: 'NAME_MISMATCH',
    pointer: `${OTM}/0/objectTypeName`,
  },
  {
    name: 'mapping attributeName disagrees with its externalId',
    change: (d) => (entry(d, 0, 1)['attributeName'] = 'Ip'),
    code: 'NAME_MISMATCH',
    pointer: `${OTM}/0/attributesMapping/1/attributeName`,
  },
  {
    name: 'a status listed twice in typeValues',
    change: (d) => (hostAttr(d, 2)['typeValues'] = ['Running', 'Running']),
    code: 'DUPLICATE_TYPE_VALUE',
    pointer: `${OT}/0/attributes/2/typeValues/1`,
  },
  {
    name: 'typeValues naming a status that does not exist',
    change: (d) => (hostAttr(d, 2)['typeValues'] = ['Running', 'Stopped', 'Paused']),
    context: { existingStatusNames: ['stopped'] },
    code: 'UNKNOWN_STATUS',
    pointer: `${OT}/0/attributes/2/typeValues/2`,
  },
]
