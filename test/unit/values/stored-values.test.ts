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

  it('writes exactly what JSON.stringify writes, escapes and surrogates included', () => {
    const texts = [
      'plain',
      'a"b',
      'a\\b',
      'line\nbreak',
      '\u0001',
      '\u007f',
      'é ü 中',
      '\ud83d\ude00',
      '\ud800x',
      'x\udc00',
      '',
    ]
    const numbers = [0, -0, 1.5, -3, 1e21, 1e-7, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY]
    const values = new Map<number, (string | number | boolean)[]>([
      [2, texts],
      [1, numbers],
      [3, [true, false]],
    ])
    const expected: Record<string, unknown[]> = { 1: numbers, 2: texts, 3: [true, false] }
    expect(encodeValues(values, () => false)).toBe(JSON.stringify(expected))
  })
})
