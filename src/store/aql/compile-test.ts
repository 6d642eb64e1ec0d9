import { sql, type SqlBool } from 'kysely'
import type { BoundTest, FieldName, Scalar, ValueType } from '../../domain/aql/bound.js'
import { foldCase } from '../../domain/aql/compare.js'
import { storedKeyFor } from '../../domain/aql/key-equality.js'
import { sortKey } from '../../domain/schema/attribute-value.js'
import type { DialectCapabilities } from '../capabilities.js'
import {
  and,
  codePoints,
  col,
  FALSE,
  inList,
  ORDERING,
  textContains,
  textEndsWith,
  textStartsWith,
  TRUE,
  type Predicate,
  type Sql,
} from './sql-fragments.js'

/**
 * How the values of one source are held in SQL, and so how a BoundTest reads them (the meaning is
 * evaluate-memory.ts's):
 * - text: the canonical text and its folded form (foldCase, written on write);
 * - numeric: a number whose order and equality are those of the values (integer/double as they are, booleans
 *   0/1, dates/times/date-times as the sort key their canonical strings map to one-to-one and in order);
 * - string: canonical strings compared by code point (the object row's created/updated date-times).
 */
export type Columns =
  | {
      readonly kind: 'text'
      readonly raw: Sql<string>
      readonly folded: Sql<string>
      readonly foldIndexed: boolean
      /** The object key: case-insensitive equality compares `raw` with storedKeyFor (key-equality.ts). */
      readonly objectKey?: true
    }
  | { readonly kind: 'numeric'; readonly num: Sql<number>; readonly key: (value: Scalar) => number | null }
  | { readonly kind: 'string'; readonly raw: Sql<string> }

const KIND_OF: Readonly<
  Record<Exclude<ValueType, 'text'>, 'double' | 'boolean' | 'date' | 'time' | 'date_time'>
> = {
  number: 'double',
  boolean: 'boolean',
  date: 'date',
  time: 'time',
  date_time: 'date_time',
}

/** The columns of an object_value row (alias `v`) for values compared as `valueType`. */
export function valueColumns(v: string, valueType: ValueType): Columns {
  if (valueType === 'text') {
    return { kind: 'text', raw: col(v, 'value_text'), folded: col(v, 'value_ci'), foldIndexed: true }
  }
  const kind = KIND_OF[valueType]
  return { kind: 'numeric', num: col(v, 'value_num'), key: (value) => sortKey(kind, value) }
}

const asNumber = (value: Scalar): number | null => (typeof value === 'number' ? value : null)

/** The columns of a built-in field of an object row (alias `o`). */
export function fieldColumns(caps: DialectCapabilities, o: string, field: FieldName): Columns {
  switch (field) {
    case 'id':
      return { kind: 'numeric', num: col(o, 'id'), key: asNumber }
    case 'objectTypeId':
      return { kind: 'numeric', num: col(o, 'object_type_id'), key: asNumber }
    case 'objectSchemaId':
      return { kind: 'numeric', num: col(o, 'object_schema_id'), key: asNumber }
    case 'label':
      return { kind: 'text', raw: col(o, 'label'), folded: col(o, 'label_ci'), foldIndexed: false }
    case 'key': {
      // Keys are PREFIX-n in ASCII, where lower() (ASCII-only under "C") folds exactly as foldCase. Equality and
      // `in` read the key itself (objectKey): no index holds the folded key (migration 0027).
      const folded = sql<string>`lower(${codePoints(caps, col<string>(o, 'object_key'))})`
      return { kind: 'text', raw: col(o, 'object_key'), folded, foldIndexed: false, objectKey: true }
    }
    case 'created':
      return { kind: 'string', raw: col(o, 'created_at') }
    case 'updated':
      return { kind: 'string', raw: col(o, 'updated_at') }
  }
}

/** "Has a value": text and strings are not empty, numbers not null. */
export function presentSql(columns: Columns): Predicate {
  return columns.kind === 'numeric'
    ? sql<SqlBool>`${columns.num} is not null`
    : sql<SqlBool>`${columns.raw} <> ''`
}

/** Whether a present value held in `columns` passes `test` (compare.ts `passes`). */
export function testSql(caps: DialectCapabilities, columns: Columns, test: BoundTest): Predicate {
  if (test.op === 'exists') return presentSql(columns)
  if (columns.kind === 'numeric') return numericTest(columns, test)
  const raw = columns.raw
  switch (test.op) {
    case 'eq': {
      if (columns.kind === 'string') return sql<SqlBool>`${raw} = ${String(test.value)}`
      const text = String(test.value)
      if (!test.caseSensitive && columns.objectKey) return keyIn(raw, [text])
      if (!test.caseSensitive) return sql<SqlBool>`${columns.folded} = ${foldCase(text)}`
      const exact = sql<SqlBool>`${raw} = ${text}`
      // folded = foldCase(raw) always, so this is implied; it lets the (attribute_id, value_ci) key find the rows.
      return columns.foldIndexed ? and([sql<SqlBool>`${columns.folded} = ${foldCase(text)}`, exact]) : exact
    }
    case 'in':
      if (columns.kind === 'text' && columns.objectKey) return keyIn(raw, test.values.map(String))
      return columns.kind === 'string'
        ? inList(raw, test.values.map(String))
        : inList(
            columns.folded,
            test.values.map((value) => foldCase(String(value))),
          )
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge':
      return sql<SqlBool>`${codePoints(caps, raw)} ${ORDERING[test.op]} ${String(test.value)}`
    case 'contains':
    case 'startsWith':
    case 'endsWith': {
      if (columns.kind !== 'text') throw new Error(`${test.op} applies to text only`)
      const needle = foldCase(test.value)
      if (needle === '') return presentSql(columns)
      const build = { contains: textContains, startsWith: textStartsWith, endsWith: textEndsWith }[test.op]
      return build(caps, columns.folded, needle)
    }
  }
}

/** `Key = t` / `Key in (t, …)`: the stored keys these texts can match, compared as they are (key-equality.ts). */
function keyIn(raw: Sql<string>, texts: readonly string[]): Predicate {
  const keys = texts.map(storedKeyFor).filter((k): k is string => k !== null)
  return keys.length === 1 ? sql<SqlBool>`${raw} = ${keys[0]!}` : inList(raw, [...new Set(keys)])
}

function numericTest(columns: Extract<Columns, { kind: 'numeric' }>, test: BoundTest): Predicate {
  const { num, key } = columns
  switch (test.op) {
    case 'eq': {
      const k = key(test.value)
      return k === null ? FALSE : sql<SqlBool>`${num} = ${k}`
    }
    case 'in':
      return inList(
        num,
        test.values.map(key).filter((k): k is number => k !== null),
      )
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge': {
      const k = key(test.value)
      if (k === null) throw new Error(`not a comparable value: ${String(test.value)}`)
      return sql<SqlBool>`${num} ${ORDERING[test.op]} ${k}`
    }
    case 'exists':
      return TRUE
    default:
      throw new Error(`${test.op} applies to text only`)
  }
}
