import { sql, type SqlBool } from 'kysely'
import type { BoundTest, ValueType } from '../../domain/aql/bound.js'
import { foldCase } from '../../domain/aql/compare.js'
import { sortKey } from '../../domain/schema/attribute-value.js'
import type { DialectCapabilities } from '../capabilities.js'
import type { Columns } from './compile-test.js'
import { col, codePoints, inList, or, type Predicate, type Sql } from './sql-fragments.js'

/**
 * Reading values from `object.attribute_values` — the JSON that is the source of truth of non-reference values
 * (`{"<attributeId>": [canonical values]}`) — rather than from the search index (object_value): for ordering by
 * a number, boolean, date, time or date-time attribute (a lookup on the row itself, costing per matching object),
 * and for every test and order on an attribute whose index rows are not kept or not complete
 * (domain/schema/indexed-attributes.ts), answered by scanning its type's rows.
 *
 * Values of the wrong JSON type and empty strings count as absent, as asScalar says. Text is folded by
 * `intake_fold` (foldCase in SQL: a function registered on every SQLite connection, created on PostgreSQL by
 * migration 0017).
 */

/** foldCase in SQL. */
export const foldSql = (text: Sql<string>): Sql<string> => sql<string>`intake_fold(${text})`

/** `from <the elements of one attribute's value array on the row o> as alias`, one row per value. */
export function jsonElements(caps: DialectCapabilities, o: string, attributeId: number, alias: string): Sql {
  const json = col(o, 'attribute_values')
  if (caps.dialect === 'sqlite') return sql`json_each(${json}, ${`$."${attributeId}"`}) as ${sql.id(alias)}`
  return sql`jsonb_array_elements(${json}::jsonb -> ${String(attributeId)}) as ${sql.id(alias)}(v)`
}

/**
 * The columns of one JSON element (`alias` from jsonElements) for values compared as `valueType`, with wrong
 * types read as absent ('' or null): text raw and folded; numbers and booleans as numbers; dates, times and
 * date-times as their canonical strings, whose code point order is their order (as sortKey's).
 */
export function jsonColumns(caps: DialectCapabilities, alias: string, valueType: ValueType): Columns {
  const sqlite = caps.dialect === 'sqlite'
  const type = sqlite ? col<string>(alias, 'type') : sql<string>`jsonb_typeof(${col(alias, 'v')})`
  const value = sqlite ? col<string>(alias, 'value') : sql<string>`(${col(alias, 'v')} #>> '{}')`
  const [textType, numberTypes, booleanTypes] = sqlite
    ? [sql`'text'`, sql`('integer', 'real')`, sql`('true', 'false')`]
    : [sql`'string'`, sql`('number')`, sql`('boolean')`]
  const text = sql<string>`(case when ${type} = ${textType} then ${value} else '' end)`
  switch (valueType) {
    case 'text':
      return { kind: 'text', raw: text, folded: foldSql(text), foldIndexed: false }
    case 'number': {
      const num = sqlite ? value : sql`${value}::double precision`
      return {
        kind: 'numeric',
        num: sql<number>`(case when ${type} in ${numberTypes} then ${num} end)`,
        key: (v) => sortKey('double', v),
      }
    }
    case 'boolean': {
      // SQLite's json_each reads true and false as 1 and 0.
      const num = sqlite ? value : sql`(case when ${value} = 'true' then 1 else 0 end)`
      return {
        kind: 'numeric',
        num: sql<number>`(case when ${type} in ${booleanTypes} then ${num} end)`,
        key: (v) => sortKey('boolean', v),
      }
    }
    default:
      return { kind: 'string', raw: text }
  }
}

/**
 * The smallest value of some attributes of one object row, for ordering: numbers, booleans, dates, times and
 * date-times as they compare; text folded (foldCase) and compared by code point.
 */
export function jsonMinimum(
  caps: DialectCapabilities,
  o: string,
  attributeIds: readonly number[],
  valueType: ValueType,
): Sql {
  const keys = attributeIds.map(String)
  const json = col(o, 'attribute_values')
  if (caps.dialect === 'sqlite') {
    const present = {
      number: sql`j.type in ('integer', 'real')`,
      boolean: sql`j.type in ('true', 'false')`,
      text: sql`j.type = 'text' and j.value <> ''`,
      date: sql`j.type = 'text' and j.value <> ''`,
      time: sql`j.type = 'text' and j.value <> ''`,
      date_time: sql`j.type = 'text' and j.value <> ''`,
    }[valueType]
    const value = valueType === 'text' ? foldSql(sql`j.value`) : sql`j.value`
    return sql`(select min(${value}) from json_each(${json}) as a join json_each(a.value) as j where ${inList(sql`a.key`, keys)} and ${present})`
  }
  const text = sql<string>`(e.v #>> '{}')`
  const string = sql`jsonb_typeof(e.v) = 'string' and ${text} <> ''`
  const [present, minimum] = {
    number: [sql`jsonb_typeof(e.v) = 'number'`, sql`min(${text}::double precision)`],
    boolean: [sql`jsonb_typeof(e.v) = 'boolean'`, sql`bool_and(${text}::boolean)`],
    text: [string, sql`min(${codePoints(caps, foldSql(text))})`],
    date: [string, sql`min(${codePoints(caps, text)})`],
    time: [string, sql`min(${codePoints(caps, text)})`],
    date_time: [string, sql`min(${codePoints(caps, text)})`],
  }[valueType]
  return sql`(select ${minimum} from jsonb_each(${json}::jsonb) as a(key, value), jsonb_array_elements(a.value) as e(v) where ${inList(sql`a.key`, keys)} and ${present})`
}

/**
 * A cheap test on the whole JSON text that every row holding a passing value passes (a superset), or null: for
 * text tests whose wanted text is printable ASCII without `"` and `\` (which JSON would escape) and without `k`
 * (the Kelvin sign K folds to it; no other non-ASCII character folds to ASCII but İ, to "i" + U+0307), a row holding a passing value
 * holds the wanted text in its JSON, in some ASCII case. It spares most rows the per-value parse and fold.
 */
export function jsonTextPrefilter(caps: DialectCapabilities, o: string, test: BoundTest): Predicate | null {
  const wanted =
    test.op === 'eq'
      ? [test.caseSensitive ? String(test.value) : foldCase(String(test.value))]
      : test.op === 'in'
        ? test.values.map((v) => foldCase(String(v)))
        : test.op === 'contains' || test.op === 'startsWith' || test.op === 'endsWith'
          ? [foldCase(test.value)]
          : null
  // İ folds to "i" + U+0307: a value holding it contains, or starts with, a wanted text ending in that "i"
  // without holding the "i" in its JSON. (Inside a wanted text, that "i" would be followed by U+0307, which is
  // not ASCII.) The prefilter then looks for the text without its last "i".
  if (wanted !== null && (test.op === 'contains' || test.op === 'startsWith'))
    wanted[0] = wanted[0]!.replace(/i$/, '')
  if (wanted === null || wanted.length === 0 || !wanted.every(prefilterable)) return null
  const json = col<string>(o, 'attribute_values')
  return or(
    wanted.map((text) => {
      if (!caps.caseSensitiveLike)
        // SQLite's LIKE ignores the case of ASCII letters.
        return sql<SqlBool>`${json} like ${`%${escapeLike(text)}%`} escape '\\'`
      // PostgreSQL: a case-sensitive LIKE on the longest run without letters (which case folding leaves as it
      // is) is 2–3× cheaper per row than the regular expression, which then only tests the rows that pass it.
      // Without such a run the pattern is `%` (true at once), so that the SQL text does not depend on the value.
      const caseless = caselessRun(text)
      return sql<SqlBool>`(${json} like ${caseless === null ? '%' : `%${escapeLike(caseless)}%`} escape '\\' and ${json} ~ ${anyAsciiCase(text)})`
    }),
  )
}

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, '\\$&')

/** The longest run of `text` without ASCII letters, when it is long enough to be selective (3+), else null. */
function caselessRun(text: string): string | null {
  const runs = text.split(/[A-Za-z]+/).filter((run) => run.length >= 3)
  return runs.length === 0 ? null : runs.reduce((a, b) => (b.length > a.length ? b : a))
}

const prefilterable = (text: string): boolean =>
  text !== '' && /^[\x20-\x7e]+$/.test(text) && !/["\\kK]/.test(text)

/** A POSIX regular expression matching `text` with each ASCII letter in either case. */
function anyAsciiCase(text: string): string {
  return [...text]
    .map((c) => {
      const lower = c.toLowerCase()
      const upper = c.toUpperCase()
      if (lower !== upper) return `[${lower}${upper}]`
      return /[\w ]/.test(c) ? c : `\\${c}`
    })
    .join('')
}
