import { describe, expect, it } from 'vitest'
import { beforeImage } from '../../../src/engine/missing-objects.js'

describe('a removal’s before-image (missing-objects.ts)', () => {
  const same = (values: string, targets?: Record<string, number[]>) =>
    expect(JSON.parse(beforeImage(values, targets))).toEqual({ ...JSON.parse(values), ...targets })

  it('is the stored values text as it is, with the reference targets spliced in: what the spread serialised', () => {
    expect(beforeImage('{"3":["a"],"5":[1]}', undefined)).toBe('{"3":["a"],"5":[1]}')
    expect(beforeImage('{"3":["a"],"5":[1]}', { 7: [42, 43] })).toBe('{"3":["a"],"5":[1],"7":[42,43]}')
    expect(beforeImage('{}', { 7: [42] })).toBe('{"7":[42]}')
    expect(beforeImage('{}', {})).toBe('{}')
    same('{"3":["a, \\"b\\" {}"],"5":[1.5,true]}', { 9: [1], 10: [2, 3] })
    same(' { "3" : [ "x" ] } ', { 4: [5] })
    same('{}')
  })

  it('keeps the targets’ value for an attribute the stored values name too, as the spread did', () => {
    same('{"7":["stale"]}', { 7: [42] })
  })

  it('decodes and serialises a stored text that is not a plain object', () => {
    expect(JSON.parse(beforeImage('null', { 7: [1] }))).toEqual({ 7: [1] })
  })
})
