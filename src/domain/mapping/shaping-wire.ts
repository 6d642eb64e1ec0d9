/** The value-shaping members of an attribute mapping as GET answers them: exactly the stored ones, copied. */
import type { AttributeShaping } from './shaping.types.js'

export function wireShaping(mapping: AttributeShaping): AttributeShaping {
  return {
    ...(mapping.defaultValue !== undefined && { defaultValue: structuredClone(mapping.defaultValue) }),
    ...(mapping.transformations !== undefined && {
      transformations: structuredClone(mapping.transformations),
    }),
    ...(mapping.conditionalValues !== undefined && {
      conditionalValues: structuredClone(mapping.conditionalValues),
    }),
  }
}
