/**
 * Shape pass over the value-shaping members (shaping.types.ts): `defaultValue`, `transformations` and
 * `conditionalValues` of an attribute mapping, `condition` of an object type mapping. Every step is checked the
 * way it will run (regular expressions, date formats, templates, conditions are compiled here and thrown away), so
 * a stored mapping never fails to compile in an execution. Problems carry the pointer of the bad step or member.
 */
import { coerceValue } from './coerce.js'
import type { FieldReader } from './document-read.js'
import { jsonTypeOf } from './document-read.js'
import { pointer } from './document-problems.js'
import { compileCondition, NO_LOCATORS } from './entry-condition.js'
import type {
  AttributeShaping,
  ConditionalValue,
  LiteralValue,
  TransformationType,
  TransformStep,
} from './shaping.types.js'
import { SHAPING_LIMITS, TRANSFORMATION_TYPES } from './shaping.types.js'
import { compileDateFormat, isValidZone, translateDateFormat } from './simple-date-format.js'
import { checkRegex } from './transform-regex.js'
import { refuseMembersOutside } from './document-members.js'
import { escapeRegex, parseTemplate } from './transform-steps.js'
import type { AttributeKind } from '../schema/types.js'

/** Reads the shaping members of an attribute mapping (absent members stay absent). */
export function readAttributeShaping(r: FieldReader): AttributeShaping {
  const out: AttributeShaping = {}
  const defaultValue = readLiteral(r, 'defaultValue')
  if (defaultValue !== undefined) out.defaultValue = defaultValue
  const transformations = readTransformations(r)
  if (transformations !== undefined) out.transformations = transformations
  const conditionalValues = readConditionalValues(r)
  if (conditionalValues !== undefined) out.conditionalValues = conditionalValues
  return out
}

/** Reads the `condition` of an object type mapping. */
export function readCondition(r: FieldReader, key = 'condition'): string | undefined {
  const text = r.string(key, { nonEmpty: true })
  if (text === undefined) return undefined
  const compiled = compileCondition(text, NO_LOCATORS, SHAPING_LIMITS.conditionLength)
  if (compiled.ok) return text
  r.report('INVALID_CONDITION', key, compiled.reason)
  return undefined
}

function readLiteral(r: FieldReader, key: string): LiteralValue | undefined {
  if (!r.has(key)) return undefined
  const value = r.value[key]
  const scalar = (v: unknown): v is string | number | boolean =>
    typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))
  if (scalar(value)) {
    if (value === '') r.report('EMPTY_STRING', key, `"${key}" must not be empty (leave it out instead)`)
    return value === '' ? undefined : value
  }
  if (Array.isArray(value) && value.length > 0 && value.every(scalar)) return [...value]
  r.report(
    'INVALID_TYPE',
    key,
    `"${key}" must be a string, a number, a boolean or a non-empty array of them, got ${jsonTypeOf(value)}`,
  )
  return undefined
}

function readTransformations(r: FieldReader): TransformStep[] | undefined {
  const items = r.objects('transformations', 'a transformation step')
  if (items === undefined) return undefined
  if (items.length > SHAPING_LIMITS.steps) {
    r.report(
      'INVALID_TRANSFORMATION',
      'transformations',
      `at most ${SHAPING_LIMITS.steps} steps per attribute`,
    )
    return undefined
  }
  const before = r.problems.size
  const steps = items.map(readStep)
  const raw = r.value.transformations as unknown[]
  if (r.problems.size > before || steps.length !== raw.length) return undefined
  return steps as TransformStep[]
}

function readConditionalValues(r: FieldReader): ConditionalValue[] | undefined {
  const items = r.objects('conditionalValues', 'a conditional value')
  if (items === undefined) return undefined
  if (items.length > SHAPING_LIMITS.conditionalValues) {
    const message = `at most ${SHAPING_LIMITS.conditionalValues} conditional values per attribute`
    r.report('INVALID_TRANSFORMATION', 'conditionalValues', message)
    return undefined
  }
  const before = r.problems.size
  const out: ConditionalValue[] = []
  for (const item of items) {
    refuseMembersOutside(item, ['when', 'value'], 'a conditional value')
    const when = item.string('when', { required: true, nonEmpty: true })
    const checked = when === undefined ? undefined : readCondition(item, 'when')
    if (!item.has('value')) item.report('REQUIRED_FIELD_MISSING', 'value', '"value" is required')
    const value = readLiteral(item, 'value')
    if (checked !== undefined && value !== undefined) out.push({ when: checked, value })
  }
  const raw = r.value.conditionalValues as unknown[]
  return r.problems.size > before || out.length !== raw.length ? undefined : out
}

const STEP_MEMBERS: Readonly<Record<TransformationType, readonly string[]>> = {
  trim: [],
  lower: [],
  upper: [],
  replace: ['find', 'replacement', 'regex', 'ignoreCase', 'all'],
  split: ['separator'],
  join: ['separator'],
  substring: ['start', 'length'],
  pad: ['length', 'fill', 'side'],
  lookup: ['table', 'fallback', 'ignoreCase'],
  number: ['decimalSeparator', 'groupSeparator', 'decimals'],
  date: ['from', 'to', 'zone'],
  template: ['template'],
}

function readStep(r: FieldReader): TransformStep | undefined {
  const type = r.oneOf('type', TRANSFORMATION_TYPES, { required: true })
  if (type === undefined) return undefined
  refuseMembersOutside(r, ['type', ...STEP_MEMBERS[type]], `a ${type} step`)
  switch (type) {
    case 'trim':
    case 'lower':
    case 'upper':
      return { type }
    case 'replace':
      return readReplace(r)
    case 'split':
    case 'join': {
      const separator = exactString(r, 'separator', { required: true, nonEmpty: type === 'split' })
      return separator === undefined ? undefined : { type, separator }
    }
    case 'substring': {
      const start = integer(r, 'start', { required: true, min: -1_000_000, max: 1_000_000 })
      const length = integer(r, 'length', { min: 0, max: 1_000_000 })
      return start === undefined ? undefined : { type, start, ...(length !== undefined && { length }) }
    }
    case 'pad': {
      const length = integer(r, 'length', { required: true, min: 1, max: SHAPING_LIMITS.padLength })
      const fill = exactString(r, 'fill', { nonEmpty: true })
      if (fill !== undefined && Array.from(fill).length !== 1)
        r.report('INVALID_TRANSFORMATION', 'fill', 'fill must be exactly one character')
      const side = r.oneOf('side', ['start', 'end'] as const)
      return length === undefined
        ? undefined
        : { type, length, ...(fill !== undefined && { fill }), ...(side !== undefined && { side }) }
    }
    case 'lookup':
      return readLookup(r)
    case 'number': {
      const decimalSeparator = separatorChar(r, 'decimalSeparator')
      const groupSeparator = separatorChar(r, 'groupSeparator')
      if (decimalSeparator !== undefined && decimalSeparator === groupSeparator)
        r.report('INVALID_TRANSFORMATION', 'groupSeparator', 'the group and decimal separators must differ')
      const decimals = integer(r, 'decimals', { min: 0, max: 15 })
      return {
        type,
        ...(decimalSeparator !== undefined && { decimalSeparator }),
        ...(groupSeparator !== undefined && { groupSeparator }),
        ...(decimals !== undefined && { decimals }),
      }
    }
    case 'date':
      return readDate(r)
    case 'template': {
      const template = exactString(r, 'template', { required: true, nonEmpty: true })
      if (template === undefined) return undefined
      const parsed = parseTemplate(template)
      if ('reason' in parsed) r.report('INVALID_TRANSFORMATION', 'template', parsed.reason)
      return { type, template }
    }
  }
}

function readReplace(r: FieldReader): TransformStep | undefined {
  const find = exactString(r, 'find', { required: true, nonEmpty: true })
  const replacement = exactString(r, 'replacement', {})
  const regex = r.boolean('regex')
  const ignoreCase = r.boolean('ignoreCase')
  const all = r.boolean('all')
  if (find === undefined) return undefined
  if (regex === true || ignoreCase === true) {
    const pattern = regex === true ? find : escapeRegex(find)
    const checked = checkRegex(pattern, ignoreCase === true ? 'gi' : 'g', SHAPING_LIMITS.regexPattern)
    if (!checked.ok) {
      const at = checked.position === undefined ? '' : ` (at position ${checked.position})`
      r.report('INVALID_REGEX', 'find', `${checked.reason}${at}`)
    }
  }
  return {
    type: 'replace',
    find,
    ...(replacement !== undefined && { replacement }),
    ...(regex !== undefined && { regex }),
    ...(ignoreCase !== undefined && { ignoreCase }),
    ...(all !== undefined && { all }),
  }
}

function readLookup(r: FieldReader): TransformStep | undefined {
  const table = r.object('table', { required: true })
  const fallback = exactString(r, 'fallback', {})
  const ignoreCase = r.boolean('ignoreCase')
  if (table === undefined) return undefined
  const entries = Object.entries(table.value)
  if (entries.length === 0)
    table.problems.add('EMPTY_ARRAY', table.ptr, 'the lookup table needs at least one entry')
  if (entries.length > SHAPING_LIMITS.lookupEntries)
    r.report('INVALID_TRANSFORMATION', 'table', `at most ${SHAPING_LIMITS.lookupEntries} entries`)
  const out: Record<string, string> = {}
  for (const [key, value] of entries) {
    if (typeof value === 'string') out[key] = value
    else
      table.problems.add(
        'INVALID_TYPE',
        pointer(table.ptr, key),
        `a lookup value must be a string, got ${jsonTypeOf(value)}`,
      )
  }
  return {
    type: 'lookup',
    table: out,
    ...(fallback !== undefined && { fallback }),
    ...(ignoreCase !== undefined && { ignoreCase }),
  }
}

function readDate(r: FieldReader): TransformStep | undefined {
  const from = exactString(r, 'from', { required: true, nonEmpty: true })
  const to = exactString(r, 'to', { nonEmpty: true })
  const zone = exactString(r, 'zone', { nonEmpty: true })
  if (from !== undefined) {
    const compiled = compileDateFormat(from)
    if (!compiled.ok) r.report('INVALID_TRANSFORMATION', 'from', `not a date format: ${compiled.reason}`)
  }
  if (to !== undefined) {
    const translated = translateDateFormat(to)
    if (!translated.ok) r.report('INVALID_TRANSFORMATION', 'to', `not a date format: ${translated.reason}`)
  }
  if (zone !== undefined && !isValidZone(zone))
    r.report('INVALID_TRANSFORMATION', 'zone', `"${zone}" is not an IANA time zone (e.g. Europe/Berlin)`)
  if (from === undefined) return undefined
  return { type: 'date', from, ...(to !== undefined && { to }), ...(zone !== undefined && { zone }) }
}

/** A string member taken exactly (spaces are meaningful in separators and replacements). */
function exactString(
  r: FieldReader,
  key: string,
  options: { required?: boolean; nonEmpty?: boolean },
): string | undefined {
  const value = r.string(key, { required: options.required === true })
  if (value === undefined) return undefined
  if (options.nonEmpty === true && value === '') {
    r.report('EMPTY_STRING', key, `"${key}" must not be empty`)
    return undefined
  }
  return value
}

function separatorChar(r: FieldReader, key: string): string | undefined {
  const value = exactString(r, key, { nonEmpty: true })
  if (value === undefined) return undefined
  if (value.length === 1 && !/[\d+\-eE]/.test(value)) return value
  r.report('INVALID_TRANSFORMATION', key, `${key} must be one character other than a digit, a sign or "e"`)
  return undefined
}

function integer(
  r: FieldReader,
  key: string,
  options: { required?: boolean; min: number; max: number },
): number | undefined {
  const value = r.number(key, { required: options.required === true })
  if (value === undefined) return undefined
  if (Number.isInteger(value) && value >= options.min && value <= options.max) return value
  r.report(
    'INVALID_TRANSFORMATION',
    key,
    `${key} must be an integer from ${options.min} to ${options.max}, got ${value}`,
  )
  return undefined
}

/**
 * The literal values (defaultValue, conditional values) of a number or boolean attribute must be values of that
 * type: checked against the merged schema, so a default that every entry would fail on is refused when the mapping
 * is written. Dates depend on the import source's formats and select / status names on the unknownValues policy,
 * so those are checked per entry in the execution (reported there like any value).
 */
export function checkShapingLiterals(
  problems: FieldReader['problems'],
  ptr: string,
  shaping: AttributeShaping,
  kind: AttributeKind | null,
): void {
  if (kind !== 'integer' && kind !== 'double' && kind !== 'boolean') return
  const check = (value: LiteralValue, at: string): void => {
    for (const [index, v] of (Array.isArray(value) ? value : [value]).entries()) {
      const result = coerceValue(kind, v)
      if (result.ok) continue
      const where = Array.isArray(value) ? pointer(at, index) : at
      problems.add(
        'INVALID_VALUE_FOR_TYPE',
        where,
        `${JSON.stringify(v)} cannot be a value of this ${kind} attribute: ${result.reason}`,
      )
    }
  }
  if (shaping.defaultValue !== undefined) check(shaping.defaultValue, pointer(ptr, 'defaultValue'))
  shaping.conditionalValues?.forEach((c, i) => check(c.value, pointer(ptr, 'conditionalValues', i, 'value')))
}
