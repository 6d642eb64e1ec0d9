import { AqlPlaceholderMultipleValuesError, AqlPlaceholderSyntaxError } from './aql-errors.js'
import { escapeAqlString, quoteAql } from './print.js'

export type PlaceholderValue = string | number | boolean

/** The value(s) a locator read for the current entry; null / undefined when it read nothing. */
export type PlaceholderLookup = (
  name: string,
) => PlaceholderValue | readonly PlaceholderValue[] | null | undefined

/**
 * Fills the placeholders of an import AQL template (selectorQlQuery, objectMappingIQL):
 *
 * - `${name}` becomes the locator's value as one AQL string: `"…"` with `\` and `"` escaped, so no value, however
 *   it is made (quotes, backslashes, `${…}`, parentheses, AND / OR, line breaks), can end its string early.
 *   Inside a quoted part of the template (`Name = "Dr. ${name}"`) the value is escaped without adding quotes.
 * - `${name${0}}` becomes the locator's values as a comma-separated list of AQL strings, for `in (…)`. It may not
 *   stand inside quotes.
 * - A locator without a value gives `""` for `${name}` (which equals no stored value, since empty means absent;
 *   compared with a number or date it is an AQL_INVALID_VALUE, so skip entries without a value instead) and an
 *   empty list for `${name${0}}` (`in ()` matches nothing, `not in ()` everything).
 * - `${name}` with several values is AQL_PLACEHOLDER_MULTIPLE_VALUES; a malformed placeholder is
 *   AQL_PLACEHOLDER_SYNTAX. A `$` not followed by `{` is copied as it is; names are trimmed.
 */
export function interpolate(template: string, lookup: PlaceholderLookup): string {
  let out = ''
  let inString = false
  let i = 0
  while (i < template.length) {
    const ch = template[i]!
    if (ch === '$' && template[i + 1] === '{') {
      const placeholder = readPlaceholder(template, i)
      if (placeholder.list && inString) {
        throw AqlPlaceholderSyntaxError({
          position: i,
          reason: 'a ${name${0}} list cannot stand inside quotes',
        })
      }
      const values = valuesOf(lookup(placeholder.name))
      if (placeholder.list) out += values.map(quoteAql).join(', ')
      else
        out += inString
          ? escapeAqlString(single(placeholder.name, values))
          : quoteAql(single(placeholder.name, values))
      i = placeholder.end
      continue
    }
    if (inString && ch === '\\') {
      out += template.slice(i, i + 2)
      i += 2
      continue
    }
    if (ch === '"') inString = !inString
    out += ch
    i++
  }
  return out
}

function valuesOf(found: PlaceholderValue | readonly PlaceholderValue[] | null | undefined): string[] {
  if (found === null || found === undefined) return []
  const list: readonly PlaceholderValue[] = Array.isArray(found) ? found : [found as PlaceholderValue]
  return list.map(String)
}

function single(name: string, values: readonly string[]): string {
  if (values.length > 1) throw AqlPlaceholderMultipleValuesError({ name, count: values.length })
  return values[0] ?? ''
}

const LIST_SUFFIX = '${0}}'

/** Reads `${name}` or `${name${0}}` starting at `start` (the `$`). */
function readPlaceholder(template: string, start: number): { name: string; list: boolean; end: number } {
  let i = start + 2
  while (i < template.length && template[i] !== '}' && !template.startsWith('${', i)) i++
  const name = template.slice(start + 2, i).trim()
  if (i >= template.length) {
    throw AqlPlaceholderSyntaxError({ position: start, reason: 'the placeholder is not closed with }' })
  }
  if (name === '') throw AqlPlaceholderSyntaxError({ position: start, reason: 'the placeholder has no name' })
  if (template[i] === '}') return { name, list: false, end: i + 1 }
  if (template.startsWith(LIST_SUFFIX, i)) return { name, list: true, end: i + LIST_SUFFIX.length }
  throw AqlPlaceholderSyntaxError({
    position: i,
    reason: 'inside a placeholder only ${0} may follow the name, as in ${name${0}}',
  })
}
