import type { AppError } from '../../../src/domain/errors.js'
import type { AttributeDef, AttributeKind } from '../../../src/domain/schema/types.js'

/** An attribute of `kind` named "Disk <kind>"; selects offer Dell/HP/Lenovo, statuses allow Active/Retired. */
export function attribute(kind: AttributeKind, extra: Partial<AttributeDef> = {}): AttributeDef {
  return {
    ...{
      id: 1,
      objectTypeId: 1,
      externalId: null,
      name: `Disk ${kind}`,
      description: '',
      kind,
      label: false,
    },
    ...{
      minimumCardinality: 0,
      maximumCardinality: 1,
      unique: false,
      indexed: false,
      indexState: 'none' as const,
      referenceObjectTypeId: null,
      position: 0,
    },
    allowedValues:
      kind === 'select' ? ['Dell', 'HP', 'Lenovo'] : kind === 'status' ? ['Active', 'Retired'] : [],
    ...extra,
  }
}

/** The error a call throws (the test fails when it does not throw). */
export function thrown(call: () => unknown): AppError {
  try {
    call()
  } catch (error) {
    return error as AppError
  }
  throw new Error('expected the call to throw')
}
