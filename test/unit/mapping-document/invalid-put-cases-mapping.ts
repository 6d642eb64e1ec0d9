import type { InvalidCase } from './invalid-put-cases.js'
import { OT, OTM, entry, icons, mapping, os } from './invalid-put-cases.js'
import { PNG48, at, list, pngBase64 } from './helpers.js'

/** Statuses, icons, mappings and extensions; same contract as INVALID_PUT_CASES. */
export const INVALID_PUT_CASES_MAPPING: InvalidCase[] = [
  // statuses and icons
  {
    name: 'status name of one character',
    change: (d) =>
      list(d, 'schema', 'statusSchema', 'statuses').push({ name: 'X', description: '', category: 'active' }),
    code: 'INVALID_STATUS_NAME',
    pointer: '/schema/statusSchema/statuses/1/name',
  },
  {
    name: 'status name with punctuation',
    change: (d) =>
      list(d, 'schema', 'statusSchema', 'statuses').push({
        name: 'Done!',
        description: '',
        category: 'active',
      }),
    code: 'INVALID_STATUS_NAME',
    pointer: '/schema/statusSchema/statuses/1/name',
  },
  {
    name: 'two statuses with one name',
    change: (d) =>
      list(d, 'schema', 'statusSchema', 'statuses').push({
        name: 'running',
        description: '',
        category: 'pending',
      }),
    code: 'DUPLICATE_STATUS_NAME',
    pointer: '/schema/statusSchema/statuses/1/name',
  },
  {
    name: 'icon key of 256 characters',
    change: (d) => icons(d).push({ key: 'k'.repeat(256), name: 'Other', png48: PNG48 }),
    code: 'INVALID_ICON_KEY',
    pointer: '/schema/iconSchema/icons/1/key',
  },
  {
    name: 'icon name too long',
    change: (d) => (at(icons(d), 0)['name'] = 'An icon name longer than thirty'),
    code: 'INVALID_ICON_NAME',
    pointer: '/schema/iconSchema/icons/0/name',
  },
  {
    name: 'png48 not base64',
    change: (d) => (at(icons(d), 0)['png48'] = 'not base64!'),
    code: 'INVALID_ICON_IMAGE',
    pointer: '/schema/iconSchema/icons/0/png48',
  },
  {
    name: 'png48 of a 32×32 image',
    change: (d) => (at(icons(d), 0)['png48'] = pngBase64(32, 32)),
    code: 'INVALID_ICON_IMAGE',
    pointer: '/schema/iconSchema/icons/0/png48',
  },
  {
    name: 'two icons with one key',
    change: (d) => icons(d).push({ key: 'host-icon', name: 'Other', png48: PNG48 }),
    code: 'DUPLICATE_ICON_KEY',
    pointer: '/schema/iconSchema/icons/1/key',
  },
  {
    name: 'two icons with one name',
    change: (d) => icons(d).push({ key: 'other', name: 'HOST', png48: PNG48 }),
    code: 'DUPLICATE_ICON_NAME',
    pointer: '/schema/iconSchema/icons/1/name',
  },
  {
    name: 'iconKey of no icon',
    change: (d) => (os(d)['iconKey'] = 'os-icon'),
    code: 'UNKNOWN_ICON',
    pointer: `${OT}/1/iconKey`,
  },
  // mapping
  {
    name: 'mapping of an unknown object type',
    change: (d) => (mapping(d, 2)['objectTypeExternalId'] = 'type/nope'),
    code: 'UNKNOWN_EXTERNAL_ID_MAPPING',
    pointer: `${OTM}/2/objectTypeExternalId`,
  },
  {
    name: 'mapping of an attribute of another type',
    change: (d) => (entry(d, 0, 1)['attributeExternalId'] = 'attr/vm-name'),
    code: 'UNKNOWN_EXTERNAL_ID_MAPPING',
    pointer: `${OTM}/0/attributesMapping/1/attributeExternalId`,
  },
  {
    name: 'mapping of the system attribute Key',
    change: (d) =>
      list(mapping(d, 2), 'attributesMapping').push({
        attributeExternalId: 'attr/os-key',
        attributeName: 'Key',
        attributeLocators: ['key'],
      }),
    code: 'UNKNOWN_EXTERNAL_ID_MAPPING',
    pointer: `${OTM}/2/attributesMapping/1/attributeExternalId`,
  },
  {
    name: 'two mappings of one type',
    change: (d) => list(d, 'mapping', 'objectTypeMappings').push(structuredClone(mapping(d, 2))),
    code: 'DUPLICATE_OBJECT_TYPE_MAPPING',
    pointer: `${OTM}/3/objectTypeExternalId`,
  },
  {
    name: 'one attribute mapped twice',
    change: (d) => list(mapping(d, 0), 'attributesMapping').push(structuredClone(entry(d, 0, 1))),
    code: 'DUPLICATE_ATTRIBUTE_MAPPING',
    pointer: `${OTM}/0/attributesMapping/3/attributeExternalId`,
  },
  {
    name: 'mapping without externalIdPart',
    change: (d) => (entry(d, 1, 0)['externalIdPart'] = false),
    code: 'MISSING_EXTERNAL_ID_PART',
    pointer: `${OTM}/1/attributesMapping`,
  },
  {
    name: 'mapping without attributesMapping',
    change: (d) => delete mapping(d, 1)['attributesMapping'],
    code: 'MISSING_EXTERNAL_ID_PART',
    pointer: `${OTM}/1/attributesMapping`,
  },
  {
    name: 'selector with an empty segment',
    change: (d) => (mapping(d, 1)['selector'] = 'hosts..vms'),
    code: 'INVALID_SELECTOR',
    pointer: `${OTM}/1/selector`,
  },
  {
    name: 'empty selector',
    change: (d) => (mapping(d, 1)['selector'] = ''),
    code: 'INVALID_SELECTOR',
    pointer: `${OTM}/1/selector`,
  },
  {
    name: 'locator of a column the source file lacks (header known)',
    change: (d) => (entry(d, 0, 1)['attributeLocators'] = ['IPs']),
    context: { sourceColumns: ['name', 'ips', 'os'] },
    code: 'UNKNOWN_COLUMN',
    pointer: `${OTM}/0/attributesMapping/1/attributeLocators/0`,
  },
  // extensions
  {
    name: 'selectorQlQuery rejected by the AQL checker',
    change: (d) => (mapping(d, 0)['selectorQlQuery'] = 'Type = '),
    context: { checkAql: (q) => (q.trim().endsWith('=') ? 'a value is expected after =' : null) },
    code: 'INVALID_AQL',
    pointer: `${OTM}/0/selectorQlQuery`,
  },
  {
    name: 'blank selectorQlQuery',
    change: (d) => (mapping(d, 0)['selectorQlQuery'] = '  '),
    code: 'EMPTY_STRING',
    pointer: `${OTM}/0/selectorQlQuery`,
  },
  {
    name: 'unknown emptyValues policy',
    change: (d) => (mapping(d, 0)['emptyValues'] = 'KEEP'),
    code: 'INVALID_ENUM_VALUE',
    pointer: `${OTM}/0/emptyValues`,
  },
  {
    name: 'unknown unknownValues policy',
    change: (d) => (mapping(d, 0)['unknownValues'] = 'CREATE'),
    code: 'INVALID_ENUM_VALUE',
    pointer: `${OTM}/0/unknownValues`,
  },
  {
    name: 'disabled is not a boolean',
    change: (d) => (mapping(d, 0)['disabled'] = 'no'),
    code: 'INVALID_TYPE',
    pointer: `${OTM}/0/disabled`,
  },
  {
    name: 'matchIdentifierIgnoreCase is not a boolean',
    change: (d) => (mapping(d, 0)['matchIdentifierIgnoreCase'] = 1),
    code: 'INVALID_TYPE',
    pointer: `${OTM}/0/matchIdentifierIgnoreCase`,
  },
  {
    name: 'missingObjects policy unknown',
    change: (d) => (mapping(d, 0)['missingObjects'] = { policy: 'DELETE', thresholdType: 'RUNS' }),
    code: 'INVALID_ENUM_VALUE',
    pointer: `${OTM}/0/missingObjects/policy`,
  },
  {
    name: 'missingObjects UPDATE without value',
    change: (d) => (mapping(d, 0)['missingObjects'] = { policy: 'UPDATE', attributeName: 'IP' }),
    code: 'REQUIRED_FIELD_MISSING',
    pointer: `${OTM}/0/missingObjects/value`,
  },
  {
    name: 'missingObjects UPDATE of an unknown attribute',
    change: (d) =>
      (mapping(d, 0)['missingObjects'] = { policy: 'UPDATE', attributeName: 'Gone', value: 'x' }),
    code: 'UNKNOWN_MISSING_OBJECTS_ATTRIBUTE',
    pointer: `${OTM}/0/missingObjects/attributeName`,
  },
  {
    name: 'missingObjects REMOVE with an attribute',
    change: (d) => (mapping(d, 0)['missingObjects'] = { policy: 'REMOVE', attributeName: 'IP' }),
    code: 'FIELD_NOT_ALLOWED',
    pointer: `${OTM}/0/missingObjects/attributeName`,
  },
  {
    name: 'missingObjects negative threshold',
    change: (d) =>
      (mapping(d, 0)['missingObjects'] = { policy: 'REMOVE', threshold: -2, thresholdType: 'DAYS' }),
    code: 'INVALID_THRESHOLD',
    pointer: `${OTM}/0/missingObjects/threshold`,
  },
  {
    name: 'missingObjects threshold without thresholdType',
    change: (d) => (mapping(d, 0)['missingObjects'] = { policy: 'REMOVE', threshold: 3 }),
    code: 'REQUIRED_FIELD_MISSING',
    pointer: `${OTM}/0/missingObjects/thresholdType`,
  },
]
