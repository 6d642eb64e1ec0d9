import { describe, expect, it } from 'vitest'
import { encodeValues } from '../../../src/domain/schema/stored-values.js'

describe('encodeValues', () => {
  it('writes attributes in ascending id order whatever order the map holds them in, without references or empties', () => {
    const values = new Map<number, (string | number)[]>([
      [1200, ['b']],
      [7, [3]],
      [99, []],
      [300, ['x', 'y']],
      [41, ['ref']],
    ])
    expect(encodeValues(values, (id) => id === 41)).toBe('{"7":[3],"300":["x","y"],"1200":["b"]}')
  })
})
