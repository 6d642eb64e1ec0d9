import { defineError } from '../errors.js'

export const UniqueValueTakenError = defineError<{ attribute: string; value: string; objectId: number }>(
  'ATTRIBUTE_VALUE_NOT_UNIQUE',
  409,
  ({ attribute, value, objectId }) =>
    `Attribute "${attribute}" is unique and object ${objectId} already has the value ${JSON.stringify(value)}`,
  'A value of a unique attribute is already held by another object of the type.',
)

export const InvalidReferenceError = defineError<{ attribute: string; objectId: unknown; reason: string }>(
  'INVALID_REFERENCE',
  400,
  ({ attribute, objectId, reason }) =>
    `Attribute "${attribute}" cannot refer to object ${String(objectId)}: ${reason}`,
  'A referenced_object value names no object of the workspace, or one of the wrong type.',
)
