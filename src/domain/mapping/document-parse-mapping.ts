/** Shape pass over `mapping.objectTypeMappings`, including Intake's extensions. */
import type { DocumentContext, DocumentVersion } from './document.types.js'
import {
  EMPTY_VALUES_POLICIES,
  MISSING_OBJECTS_POLICIES,
  THRESHOLD_TYPES,
  UNKNOWN_VALUES_POLICIES,
} from './document.types.js'
import type { FieldReader } from './document-read.js'
import type {
  ParsedAttributeMapping,
  ParsedMissingObjects,
  ParsedObjectTypeMapping,
} from './document-parsed.types.js'
import { pointer } from './document-problems.js'
import { readExternalId } from './document-parse-schema.js'
import { refuseUnknownMembers } from './document-members.js'
import { readAttributeShaping, readCondition } from './shaping-parse.js'
import { closestName } from '../aql/suggest.js'

export function parseObjectTypeMapping(
  r: FieldReader,
  version: DocumentVersion,
  context: DocumentContext,
): ParsedObjectTypeMapping {
  const parsed = readObjectTypeMapping(r, version, context)
  if (context.sourceColumns !== undefined && parsed.disabled !== true)
    checkColumns(r, parsed, context.sourceColumns)
  return parsed
}

/**
 * A mapping that reads the rows of a tabular file (its selector is one segment) names columns in its locators: one
 * the header lacks would read nothing in every row, so it is refused with the closest column.
 */
function checkColumns(r: FieldReader, parsed: ParsedObjectTypeMapping, columns: readonly string[]): void {
  if (parsed.selector === undefined || parsed.selector.includes('.')) return
  const known = new Set(columns)
  parsed.attributesMapping.forEach((entry, index) => {
    entry.attributeLocators?.forEach((locator, k) => {
      if (known.has(locator)) return
      const near = closestName(locator, columns)
      const shown = columns.slice(0, 20).map((c) => `"${c}"`)
      if (columns.length > 20) shown.push(`… ${columns.length - 20} more`)
      const header = shown.length ? shown.join(', ') : 'no columns'
      r.problems.add(
        'UNKNOWN_COLUMN',
        pointer(r.at('attributesMapping'), index, 'attributeLocators', k),
        `the source's file has no column "${locator}"${near === null ? '' : `; did you mean "${near}"?`} (its header: ${header})`,
      )
    })
  })
}

function readObjectTypeMapping(
  r: FieldReader,
  version: DocumentVersion,
  context: DocumentContext,
): ParsedObjectTypeMapping {
  refuseUnknownMembers(r, 'objectTypeMapping', 'An object type mapping')
  return {
    ptr: r.ptr,
    objectTypeExternalId: readExternalId(r, 'objectTypeExternalId', version, 'This object type mapping'),
    objectTypeName: r.string('objectTypeName', { required: true, nonEmpty: true }),
    selector: readSelector(r),
    description: r.string('description', { required: true }),
    attributesMapping: (r.objects('attributesMapping', 'an attribute mapping') ?? []).map((a) =>
      parseAttributeMapping(a, version),
    ),
    selectorQlQuery: readSelectorQlQuery(r, context),
    missingObjects: readMissingObjects(r),
    emptyValues: r.oneOf('emptyValues', EMPTY_VALUES_POLICIES),
    unknownValues: r.oneOf('unknownValues', UNKNOWN_VALUES_POLICIES),
    matchIdentifierIgnoreCase: r.boolean('matchIdentifierIgnoreCase'),
    disabled: r.boolean('disabled'),
    condition: readCondition(r),
  }
}

function parseAttributeMapping(r: FieldReader, version: DocumentVersion): ParsedAttributeMapping {
  refuseUnknownMembers(r, 'attributeMapping', 'An attribute mapping')
  return {
    ptr: r.ptr,
    attributeExternalId: readExternalId(r, 'attributeExternalId', version, 'This attribute mapping'),
    attributeName: r.string('attributeName', { required: true, nonEmpty: true }),
    attributeLocators: readLocators(r),
    externalIdPart: r.boolean('externalIdPart'),
    objectMappingIQL: r.string('objectMappingIQL', { nonEmpty: true }),
    shaping: readAttributeShaping(r),
  }
}

/** `a.b.c`: every segment non-empty. Segments are data keys, so anything else is allowed in them. */
function readSelector(r: FieldReader): string | undefined {
  const selector = r.string('selector', { required: true })
  if (selector === undefined) return undefined
  if (selector.split('.').every((segment) => segment.trim() !== '')) return selector
  r.report(
    'INVALID_SELECTOR',
    'selector',
    `"${selector}" is not dot-separated non-empty segments (e.g. hardDrives.files)`,
  )
  return undefined
}

function readLocators(r: FieldReader): string[] | undefined {
  const items = r.array('attributeLocators', { required: true, nonEmpty: true })
  if (items === undefined) return undefined
  const locators: string[] = []
  items.forEach((item, index) => {
    const at = pointer(r.at('attributeLocators'), index)
    if (typeof item !== 'string') r.problems.add('INVALID_TYPE', at, 'a locator must be a string')
    else if (item.trim() === '') r.problems.add('EMPTY_STRING', at, 'a locator must not be empty')
    else locators.push(item)
  })
  return locators.length === items.length ? locators : undefined
}

function readSelectorQlQuery(r: FieldReader, context: DocumentContext): string | undefined {
  const query = r.string('selectorQlQuery', { nonEmpty: true })
  if (query === undefined || context.checkAql === undefined) return query
  const problem = context.checkAql(query)
  if (problem === null) return query
  r.report('INVALID_AQL', 'selectorQlQuery', problem)
  return undefined
}

function readMissingObjects(parent: FieldReader): ParsedMissingObjects | undefined {
  const r = parent.object('missingObjects')
  if (r === undefined) return undefined
  refuseUnknownMembers(r, 'missingObjects', 'missingObjects')
  const policy = r.oneOf('policy', MISSING_OBJECTS_POLICIES, { required: true })
  const update = policy === 'UPDATE'
  let attributeName = r.string('attributeName', {
    required: update,
    nonEmpty: true,
    requiredMessage: 'attributeName is required when policy is UPDATE',
  })
  let value = readScalar(r, 'value', update)
  if (policy !== undefined && !update) {
    for (const key of ['attributeName', 'value'] as const) {
      if (r.has(key))
        r.report('FIELD_NOT_ALLOWED', key, `${key} only applies when policy is UPDATE, not ${policy}`)
    }
    attributeName = undefined
    value = undefined
  }
  const threshold = readThreshold(r)
  const thresholdType = r.oneOf('thresholdType', THRESHOLD_TYPES, {
    required: r.has('threshold'),
    requiredMessage: 'thresholdType (RUNS or DAYS) is required when a threshold is given',
  })
  return { ptr: r.ptr, policy, attributeName, value, threshold, thresholdType }
}

function readScalar(r: FieldReader, key: string, required: boolean): string | number | boolean | undefined {
  if (!r.has(key)) {
    if (required) r.report('REQUIRED_FIELD_MISSING', key, `${key} is required when policy is UPDATE`)
    return undefined
  }
  const value = r.value[key]
  if (typeof value === 'string' || typeof value === 'boolean') return value
  if (typeof value === 'number' && Number.isFinite(value)) return value
  r.report('INVALID_TYPE', key, `${key} must be a string, a number or a boolean`)
  return undefined
}

/** Runs or days; bounded like every integer Intake reads, so that none overflows a database integer. */
const MAX_THRESHOLD = 2 ** 31 - 1

function readThreshold(r: FieldReader): number | undefined {
  const threshold = r.number('threshold')
  if (threshold === undefined) return undefined
  if (Number.isInteger(threshold) && threshold >= 0 && threshold <= MAX_THRESHOLD) return threshold
  r.report(
    'INVALID_THRESHOLD',
    'threshold',
    `threshold must be an integer from 0 to ${MAX_THRESHOLD}, got ${threshold}`,
  )
  return undefined
}
