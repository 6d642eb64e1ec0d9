import { defineError } from '../errors.js'

export const InvalidAttributeValueError = defineError<{
  attribute: string
  type: string
  value: unknown
  reason: string
}>(
  'INVALID_ATTRIBUTE_VALUE',
  400,
  ({ attribute, type, value, reason }) =>
    `Attribute "${attribute}" (${type}) cannot take ${JSON.stringify(value)}: ${reason}`,
  'A value does not fit its attribute type (bad integer, date, email, URL, IP address, select option, status…).',
)

export const CardinalityError = defineError<{ attribute: string; min: number; max: number; count: number }>(
  'CARDINALITY_VIOLATION',
  400,
  ({ attribute, min, max, count }) =>
    `Attribute "${attribute}" takes ${min} to ${max === -1 ? 'unlimited' : max} values, got ${count}`,
  'Too many or too few values for an attribute’s minimum / maximum cardinality.',
)

export const UnknownAttributeError = defineError<{ objectType: string; attribute: string }>(
  'UNKNOWN_ATTRIBUTE',
  400,
  ({ objectType, attribute }) => `Object type "${objectType}" has no attribute "${attribute}"`,
  'An object write names an attribute its type does not have.',
)
