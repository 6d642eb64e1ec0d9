import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { chunkHash } from '../../../src/services/chunk-hash.js'

const wholeHash = (sent: unknown) => createHash('sha256').update(JSON.stringify(sent)).digest('hex')

describe('chunkHash', () => {
  it('is the hash of the whole chunk serialised, so chunks stored before keep matching their repeats', () => {
    const data = { assets: [{ Name: 'Gerät "1" ✓', tags: ['a', 'b'], n: 1.5, none: null }], '': {} }
    for (const completed of [false, true]) {
      expect(chunkHash(JSON.stringify(data), completed)).toBe(wholeHash({ data, completed }))
      expect(chunkHash(null, completed)).toBe(wholeHash({ data: null, completed }))
    }
  })

  it('tells a completing chunk from the same data without completion', () => {
    expect(chunkHash('{}', true)).not.toBe(chunkHash('{}', false))
  })
})
