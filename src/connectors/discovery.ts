/**
 * Schema discovery shared by the file connectors, and the schema + mapping document proposed from what it found.
 * Pure: no I/O. The connectors feed sampled entries (CSV/XLSX rows, JSON array elements) to a FieldCollector per
 * selector root; the collector infers one attribute kind per field with the project's own value rules
 * (mapping/coerce.ts, schema/attribute-value.ts), so a proposed kind always accepts the sampled values.
 */
import { checkValue, MAX_LENGTH } from '../domain/schema/attribute-value.js'
import type { AttributeKind } from '../domain/schema/types.js'
import { splitMultiValues } from '../domain/mapping/coerce.js'
import { parseIsoParts } from '../domain/mapping/simple-date-format.js'
import type { DiscoveredField, SourceSchema } from './connector.js'
import { ALL_DATE_FORMATS, dateFormatsOf, singleDateFormat } from './discovery-date-formats.js'
import { SourceLimitExceededError } from './connector-errors.js'
import { DEFAULT_SOURCE_LIMITS, type SourceLimits } from './source-limits.js'

const MAX_SAMPLES = 5
/** The separator the engine splits string values on (mapping/coerce.ts splitMultiValues). */
const MULTI_VALUE_SEPARATOR = '||'

// Candidate kinds, as bits: a field keeps a bit while every sampled value fits that kind.
const INTEGER = 1
const DOUBLE = 2
const BOOLEAN = 4
const DATE = 8
const DATE_TIME = 16 // a date-time, or a date (a column mixing both is date_time)
const EMAIL = 32
const URL = 64
const IP = 128
const ALL = 255

const INTEGER_TEXT = /^[+-]?\d+$/
const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
/** `007`, `-01.5`: digits with a leading zero are codes (zip codes, part numbers), not numbers. */
const LEADING_ZERO = /^[+-]?0\d/
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/
const URL_TEXT = /^(?:https?|ftp):\/\/\S+$/i
const BOOLEAN_WORDS = new Set(['true', 'false', 'yes', 'no', '1', '0'])

/** The kinds a text value fits, as candidate bits. */
function textKinds(text: string, mask: number): number {
  let fits = 0
  if (mask & (INTEGER | DOUBLE) && NUMBER_TEXT.test(text) && !LEADING_ZERO.test(text)) {
    if (Number.isFinite(Number(text))) fits |= DOUBLE
    if (INTEGER_TEXT.test(text) && Number.isSafeInteger(Number(text))) fits |= INTEGER
  }
  if (mask & BOOLEAN && BOOLEAN_WORDS.has(text.toLowerCase())) fits |= BOOLEAN
  if (mask & (DATE | DATE_TIME)) {
    const parts = parseIsoParts(text)
    if (parts) fits |= parts.hasTime ? DATE_TIME : DATE_TEXT.test(text) ? DATE | DATE_TIME : 0
  }
  if (mask & EMAIL && text.includes('@') && checkValue('email', text).ok) fits |= EMAIL
  if (mask & URL && URL_TEXT.test(text) && checkValue('url', text).ok) fits |= URL
  if (mask & IP && (text.includes('.') || text.includes(':')) && checkValue('ipaddress', text).ok) fits |= IP
  return fits
}

/** The kinds a source value fits; `null` for an empty value. */
function valueKinds(value: unknown, mask: number): { fits: number; text: string } | null {
  if (typeof value === 'string') {
    const text = value.trim()
    return text === '' ? null : { fits: textKinds(text, mask), text }
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { fits: 0, text: String(value) }
    return { fits: Number.isSafeInteger(value) ? INTEGER | DOUBLE : DOUBLE, text: String(value) }
  }
  if (typeof value === 'boolean') return { fits: BOOLEAN, text: String(value) }
  if (value instanceof Date) {
    const iso = value.toISOString()
    return iso.endsWith('T00:00:00.000Z')
      ? { fits: DATE | DATE_TIME, text: iso.slice(0, 10) }
      : { fits: DATE_TIME, text: iso }
  }
  return { fits: 0, text: JSON.stringify(value) ?? String(value) }
}

/** The narrowest kind the candidate bits allow. Integer comes before boolean: a 0/1 column is a number. */
export function kindOf(mask: number, longestText: number): AttributeKind {
  if (mask & INTEGER) return 'integer'
  if (mask & DOUBLE) return 'double'
  if (mask & BOOLEAN) return 'boolean'
  if (mask & DATE) return 'date'
  if (mask & DATE_TIME) return 'date_time'
  if (mask & IP) return 'ipaddress'
  if (mask & EMAIL) return 'email'
  if (mask & URL) return 'url'
  return longestText > MAX_LENGTH.text ? 'textarea' : 'text'
}

/** Infers the attribute kind of a list of sampled values (empty values are ignored; none at all → text). */
export function inferKind(values: readonly unknown[]): AttributeKind {
  const stats = new FieldStats('value')
  for (const value of values) stats.add(value)
  return stats.kind()
}

class FieldStats {
  mask = ALL
  sawValue = false
  longest = 0
  multiple = false
  /** Sampled entries that had a non-empty value for the field. */
  filled = 0
  /** Recognised non-ISO date formats every value so far is a date in (discovery-date-formats.ts). */
  dateFormats = ALL_DATE_FORMATS
  readonly samples = new Set<string>()

  constructor(
    readonly name: string,
    private readonly sampleMaxChars = DEFAULT_SOURCE_LIMITS.sampleMaxChars,
  ) {}

  /**
   * Adds the field's value in one entry: an array, or a string with `||` (which the engine splits, see
   * splitMultiValues), makes the field multiple.
   */
  add(value: unknown): void {
    if (typeof value === 'string' && value.includes(MULTI_VALUE_SEPARATOR)) value = splitMultiValues(value)
    if (Array.isArray(value)) {
      let any = false
      for (const element of value) any = this.addOne(element) || any
      if (any) {
        this.filled++
        this.multiple = true
      }
    } else if (this.addOne(value)) this.filled++
  }

  private addOne(value: unknown): boolean {
    if (value === null || value === undefined) return false
    const found = valueKinds(value, this.mask)
    if (found === null) return false
    this.sawValue = true
    this.mask &= found.fits
    if (this.dateFormats !== 0)
      this.dateFormats = typeof value === 'string' ? this.dateFormats & dateFormatsOf(found.text) : 0
    if (found.text.length > this.longest) this.longest = found.text.length
    if (this.samples.size < MAX_SAMPLES) this.samples.add(cut(found.text, this.sampleMaxChars))
    return true
  }

  kind(): AttributeKind {
    return this.sawValue ? kindOf(this.mask, this.longest) : 'text'
  }

  /** The one recognised non-ISO date format of a text field, if its values have one. */
  dateFormat(): string | undefined {
    return this.sawValue && this.kind() === 'text' ? singleDateFormat(this.dateFormats) : undefined
  }
}

/** A sample of at most `max` characters: a longer one is cut, and ends with … (a sample shows, it does not carry). */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)

/**
 * Collects the fields of the entries of one selector root. Nested objects become dotted paths
 * (`dimensions.width`); arrays of scalars make a field multiple; arrays of objects become a nested root
 * (`hardDrives.files`, a selector the engine reads).
 */
export class FieldCollector {
  private readonly fields = new Map<string, FieldStats>()
  private readonly nested = new Map<string, FieldCollector>()
  entries = 0

  constructor(
    readonly root: string,
    private readonly limits: SourceLimits = DEFAULT_SOURCE_LIMITS,
    /** Fields of this root and its nested roots together, shared with them (bounded by limits.maxColumns). */
    private readonly total: { fields: number } = { fields: 0 },
  ) {}

  add(entry: Record<string, unknown>): void {
    this.entries++
    this.walk(entry, '')
  }

  private walk(object: Record<string, unknown>, prefix: string): void {
    for (const key in object) {
      const value = object[key]
      const name = prefix + key
      if (isPlainObject(value)) {
        this.walk(value, `${name}.`)
        continue
      }
      if (Array.isArray(value) && value.length > 0 && value.every(isPlainObject)) {
        let child = this.nested.get(name)
        if (!child)
          this.nested.set(name, (child = new FieldCollector(`${this.root}.${name}`, this.limits, this.total)))
        for (const element of value) child.add(element)
        continue
      }
      let stats = this.fields.get(name)
      if (!stats) {
        if (++this.total.fields > this.limits.maxColumns) {
          throw SourceLimitExceededError({
            limit: 'INTAKE_SOURCE_MAX_COLUMNS',
            max: this.limits.maxColumns,
            reason: `the sampled entries have more than ${this.limits.maxColumns} distinct fields`,
          })
        }
        this.fields.set(name, (stats = new FieldStats(name, this.limits.sampleMaxChars)))
      }
      stats.add(value)
    }
  }

  /** This root and its nested roots (depth first), as discovery answers them. */
  roots(): SourceSchema['roots'] {
    const fields: DiscoveredField[] = [...this.fields.values()].map((s) => {
      const dateFormat = s.dateFormat()
      return {
        name: s.name,
        type: s.kind(),
        samples: [...s.samples],
        empty: this.entries - s.filled,
        multiple: s.multiple,
        ...(dateFormat !== undefined && { dateFormat }),
      }
    })
    return [
      { name: this.root, fields, sampledEntries: this.entries },
      ...[...this.nested.values()].flatMap((child) => child.roots()),
    ]
  }
}

/**
 * The schema of a tabular file (CSV, XLSX) from its header `columns` and a collector of sampled rows: the columns in
 * header order; columns never filled in the sample are still columns: text, all empty.
 */
export function tabularSchema(collector: FieldCollector, columns: readonly string[]): SourceSchema {
  const found = new Map(collector.roots()[0]!.fields.map((f) => [f.name, f]))
  const fields = columns.map(
    (name): DiscoveredField =>
      found.get(name) ?? {
        name,
        type: 'text',
        samples: [],
        empty: collector.entries,
        multiple: false,
      },
  )
  return { roots: [{ name: collector.root, fields, sampledEntries: collector.entries }] }
}

// ---- the proposed document ----------------------------------------------------------------------

export interface GenerateOptions {
  /** Name of the object type of the first root (default: the root's name, capitalized). */
  objectTypeName?: string
  /** Name of the object schema (default: the first object type's name). */
  objectSchemaName?: string
}

/** `id`, `deviceId`, `device_id`, `DUID`, `uuid`, `key`, `asset key` — not `paid` or `valid`. */
const ID_WORD = /^(?:id|key|uuid|guid)$|[_\-\s.](?:id|key)$/i
const ID_SUFFIX = /[a-z]Id$|ID$/
const looksLikeId = (name: string): boolean => ID_WORD.test(name) || ID_SUFFIX.test(name)
const LABEL_NAME = /^(name|title|label)$/i

/** `hardDrives.files` → `Files`, `disk_label` → `Disk Label`, `rows` → `Rows`. */
export function humanize(name: string): string {
  const last = name.split('.').at(-1) ?? name
  const words = last
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-\s]+/g, ' ')
    .trim()
  return words === '' ? name : words.charAt(0).toUpperCase() + words.slice(1)
}

const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'x'

/** Unique display names: a second `Name` becomes `Name (2)`. Assets compares type and attribute names case-insensitively. */
function uniqueNamer(): (name: string) => string {
  const used = new Set<string>()
  return (name) => {
    let candidate = name
    for (let i = 2; used.has(candidate.toLowerCase()); i++) candidate = `${name} (${i})`
    used.add(candidate.toLowerCase())
    return candidate
  }
}

/**
 * A ready schema + mapping document (version 2023_10_19, with externalIds) for what discovery found: one object type
 * per root, named after the root (the first one `options.objectTypeName`), one attribute per field with its
 * discovered kind (multi-valued fields unlimited), identity from the first id-like field (`id`, `…id`, `key`) or
 * else the first field, the label on a field called name/title/label or else the identity field, selector = the
 * root. Roots without fields are left out. Pass it to PUT …/mapping as is, or edit it first.
 */
export function generateDocument(
  schema: SourceSchema,
  options: GenerateOptions = {},
): Record<string, unknown> {
  const typeName = uniqueNamer()
  const typeIds = uniqueNamer()
  const roots = schema.roots.filter((r) => r.fields.length > 0)
  const types = roots.map((root, index) => {
    const name = typeName(
      index === 0 && options.objectTypeName ? options.objectTypeName : humanize(root.name),
    )
    const externalId = `object-type/${typeIds(slug(root.name))}`
    const attrName = uniqueNamer()
    const attrIds = uniqueNamer()
    // An identity some sampled entries lack would skip them (emptyExternalIdEntries): an id-like field every
    // sampled entry has; when each id-like field has gaps, the first field every entry has (a directory's `dn`
    // rather than an `objectGUID` only some entries carry).
    const idLike = root.fields.filter((f) => looksLikeId(f.name))
    const complete = (f: DiscoveredField): boolean => f.empty === 0
    const identity =
      idLike.find(complete) ??
      (idLike.length > 0 ? root.fields.find(complete) : undefined) ??
      idLike[0] ??
      root.fields[0]!
    const label = root.fields.find((f) => LABEL_NAME.test(f.name)) ?? identity
    const attributes = root.fields.map((field) => ({
      field,
      externalId: `${externalId}/attribute/${attrIds(slug(field.name))}`,
      name: attrName(field.name.trim() || field.name),
    }))
    return { root, name, externalId, identity, label, attributes }
  })
  return {
    schema: {
      objectSchema: {
        name: options.objectSchemaName ?? types[0]?.name ?? 'Imported data',
        description: 'Proposed from the discovered source schema',
        objectTypes: types.map((t) => ({
          externalId: t.externalId,
          name: t.name,
          description: `Entries of ${t.root.name}`,
          attributes: t.attributes.map(({ field, externalId, name }) => ({
            externalId,
            name,
            description: field.samples.length
              ? `e.g. ${field.samples.slice(0, 3).join(', ')}`.slice(0, 200)
              : '',
            type: field.dateFormat !== undefined ? 'date' : field.type,
            label: field === t.label,
            minimumCardinality: field === t.identity ? 1 : 0,
            maximumCardinality: field.multiple ? -1 : 1,
            unique: false,
          })),
        })),
      },
    },
    mapping: {
      objectTypeMappings: types.map((t) => ({
        objectTypeExternalId: t.externalId,
        objectTypeName: t.name,
        selector: t.root.name,
        description: '',
        attributesMapping: t.attributes.map(({ field, externalId, name }) => ({
          attributeExternalId: externalId,
          attributeName: name,
          attributeLocators: [field.name],
          externalIdPart: field === t.identity,
          ...(field.dateFormat !== undefined && {
            transformations: [{ type: 'date', from: field.dateFormat }],
          }),
        })),
      })),
    },
  }
}
