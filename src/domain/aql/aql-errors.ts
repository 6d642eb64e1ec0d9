import { defineError } from '../errors.js'

/** Positions are 0-based offsets (UTF-16 code units) into the query text. */

const list = (items: readonly string[]): string => {
  if (items.length === 0) return 'nothing more'
  if (items.length === 1) return items[0]!
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]!}`
}

const shown = (found: string): string => {
  if (found === 'end of query') return found
  return JSON.stringify(found.length > 40 ? `${found.slice(0, 39)}…` : found)
}

const didYouMean = (suggestion: string | null): string =>
  suggestion === null ? '' : ` Did you mean "${suggestion}"?`

export const AqlSyntaxError = defineError<{
  position: number
  found: string
  expected: string[]
  hint?: string
}>(
  'AQL_SYNTAX_ERROR',
  400,
  ({ position, found, expected, hint }) =>
    `AQL syntax error at position ${position}: expected ${list(expected)} but found ${shown(found)}.` +
    (hint === undefined ? '' : ` ${hint}`),
  'The AQL query does not follow the grammar; details give the position, what was found and what was expected.',
)

export const AqlNestingTooDeepError = defineError<{ position: number; limit: number }>(
  'AQL_NESTING_TOO_DEEP',
  400,
  ({ position, limit }) =>
    `The AQL query nests parentheses, NOT and having more than ${limit} levels deep (at position ${position}); simplify it.`,
  'The AQL query is nested deeper than the parser allows.',
)

export const AqlUnsupportedFunctionError = defineError<{
  position: number
  /** The function name as written. */
  found: string
  /** The functions that may stand there, e.g. now(). */
  expected: string[]
}>(
  'AQL_UNSUPPORTED_FUNCTION',
  400,
  ({ position, found, expected }) =>
    `The function ${found}() at position ${position} is not supported here; use one of ${list(expected)}.`,
  'The AQL query calls a function Intake does not support (for example currentUser()).',
)

export const AqlUnknownAttributeError = defineError<{
  position: number
  attribute: string
  objectTypes: string[]
  suggestion: string | null
}>(
  'AQL_UNKNOWN_ATTRIBUTE',
  400,
  ({ attribute, objectTypes, suggestion, position }) =>
    (objectTypes.length === 1
      ? `Object type "${objectTypes[0]!}" has no attribute "${attribute}" (position ${position}).`
      : `No object type in scope has an attribute "${attribute}" (position ${position}).`) +
    didYouMean(suggestion),
  'The AQL query names an attribute that the object type (or any object type) does not have.',
)

export const AqlUnknownObjectTypeError = defineError<{
  position: number
  objectType: string
  suggestion: string | null
}>(
  'AQL_UNKNOWN_OBJECT_TYPE',
  400,
  ({ objectType, suggestion, position }) =>
    `There is no object type "${objectType}" (position ${position}).${didYouMean(suggestion)}`,
  'The AQL query names an object type that does not exist.',
)

export const AqlUnknownObjectSchemaError = defineError<{
  position: number
  objectSchema: string
  suggestion: string | null
}>(
  'AQL_UNKNOWN_OBJECT_SCHEMA',
  400,
  ({ objectSchema, suggestion, position }) =>
    `There is no object schema "${objectSchema}" (position ${position}).${didYouMean(suggestion)}`,
  'The AQL query names an object schema that does not exist.',
)

export const AqlNotAReferenceError = defineError<{ position: number; attribute: string }>(
  'AQL_NOT_A_REFERENCE',
  400,
  ({ attribute, position }) =>
    `"${attribute}" (position ${position}) is not a reference attribute, so nothing can follow it after a dot.`,
  'A dot path in an AQL query goes through an attribute that does not reference other objects.',
)

export const AqlUnsupportedOperatorError = defineError<{
  position: number
  operator: string
  attribute: string
  valueType: string
}>(
  'AQL_UNSUPPORTED_OPERATOR',
  400,
  ({ operator, attribute, valueType, position }) =>
    `The operator "${operator}" cannot be used with "${attribute}" (position ${position}), which holds ${valueType}.`,
  'The AQL operator does not apply to the kind of the attribute (for example like on a number).',
)

export const AqlInvalidValueError = defineError<{
  position: number
  value: string
  attribute: string
  reason: string
}>(
  'AQL_INVALID_VALUE',
  400,
  ({ value, attribute, reason, position }) =>
    `The value ${JSON.stringify(value)} at position ${position} cannot be compared with "${attribute}": ${reason}.`,
  'An AQL value does not fit the attribute it is compared with (for example "abc" for a number).',
)

export const AqlAmbiguousAttributeError = defineError<{
  position: number
  attribute: string
  valueTypes: string[]
}>(
  'AQL_AMBIGUOUS_ATTRIBUTE',
  400,
  ({ attribute, valueTypes, position }) =>
    `"${attribute}" (position ${position}) means attributes of different kinds (${valueTypes.join(', ')}) ` +
    'and cannot be used to order results; restrict the query to one object type.',
  'An order by names an attribute that has different kinds in different object types.',
)

export const AqlInvalidTimeZoneError = defineError<{ zone: string }>(
  'AQL_INVALID_TIME_ZONE',
  400,
  ({ zone }) => `"${zone}" is not an IANA time zone (such as Europe/Berlin or UTC).`,
  'The time zone given for the AQL date functions is not a valid IANA zone.',
)

export const AqlPlaceholderSyntaxError = defineError<{ position: number; reason: string }>(
  'AQL_PLACEHOLDER_SYNTAX',
  400,
  ({ position, reason }) => `AQL placeholder at position ${position}: ${reason}.`,
  'A ${…} placeholder in an import AQL template is malformed.',
)

export const AqlPlaceholderMultipleValuesError = defineError<{ name: string; count: number }>(
  'AQL_PLACEHOLDER_MULTIPLE_VALUES',
  400,
  ({ name, count }) =>
    `The placeholder \${${name}} has ${count} values but stands for one; write \${${name}\${0}} inside IN (…).`,
  'A single-value ${name} placeholder received several values from its locator.',
)
