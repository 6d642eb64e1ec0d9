import { describe, expect, it } from 'vitest'
import { IdBitmap, IdentityHashes, TextHashes, textHashesInto } from '../../../src/engine/seen-sets.js'

describe('IdBitmap', () => {
  it('holds exactly the ids added, growing past its first words, and counts each once', () => {
    const seen = new IdBitmap()
    for (const id of [1, 31, 32, 5000, 1_000_003, 5000]) seen.add(id)
    expect(seen.size).toBe(5)
    for (const id of [1, 31, 32, 5000, 1_000_003]) expect(seen.has(id)).toBe(true)
    for (const id of [0, 2, 33, 4999, 1_000_002, 50_000_000]) expect(seen.has(id)).toBe(false)
  })
})

describe('IdentityHashes', () => {
  it('answers true for every identity added, across growth, and false for nearly all others', () => {
    const seen = new IdentityHashes()
    for (let i = 0; i < 200_000; i++) seen.add(`serial-${i}`)
    let missed = 0
    for (let i = 0; i < 200_000; i++) if (!seen.mayHave(`serial-${i}`)) missed++
    expect(missed).toBe(0)
    let falsePositives = 0
    for (let i = 200_000; i < 400_000; i++) if (seen.mayHave(`serial-${i}`)) falsePositives++
    // 200,000 hashes of 32 bits: about 200,000 × 200,000 / 2^32 ≈ 9 expected.
    expect(falsePositives).toBeLessThan(100)
    expect(seen.size).toBeGreaterThan(199_900)
  })

  it('addIfNew takes an identity and answers true the first time only, so one probe both asks and adds', () => {
    const seen = new IdentityHashes()
    let fresh = 0
    for (let i = 0; i < 10_000; i++) if (seen.addIfNew(`asset-${i}`)) fresh++
    expect(fresh).toBeGreaterThan(9_990)
    for (let i = 0; i < 10_000; i++) {
      expect(seen.addIfNew(`asset-${i}`)).toBe(false)
      expect(seen.mayHave(`asset-${i}`)).toBe(true)
    }
    expect(seen.size).toBe(fresh)
  })
})

describe('TextHashes', () => {
  it('answers true for every text added, across growth, and false for every other one of 400,000', () => {
    const kept = new TextHashes()
    for (let i = 0; i < 400_000; i++) kept.add(`sn-${(i * 2654435761) % 4294967291}-${i}`)
    kept.add('sn-0-0')
    expect(kept.size).toBe(400_000)
    let missed = 0
    for (let i = 0; i < 400_000; i++) if (!kept.mayHave(`sn-${(i * 2654435761) % 4294967291}-${i}`)) missed++
    expect(missed).toBe(0)
    // 64-bit hashes: 400,000 × 400,000 / 2^64 ≈ 10^-8 expected false answers, where 32 bits would give ~37.
    let falsePositives = 0
    for (let i = 400_000; i < 800_000; i++)
      if (kept.mayHave(`sn-${(i * 2654435761) % 4294967291}-${i}`)) falsePositives++
    expect(falsePositives).toBe(0)
    expect(kept.mayHave('')).toBe(false)
  })
})

describe('textHashesInto', () => {
  it('gives the hashes TextHashes computes for the same text, so that a value is hashed once', () => {
    const texts = [
      '',
      'sn-00042',
      'SN-00042',
      'Ünïcödé ÄÖÜ',
      'quote\'s "double"',
      '😀 emoji',
      'x'.repeat(10_000),
    ]
    const lows = new Int32Array(texts.length)
    const highs = new Int32Array(texts.length)
    texts.forEach((t, i) => textHashesInto(t, lows, highs, i))
    const kept = new TextHashes()
    texts.forEach((t, i) => {
      expect(kept.mayHaveHashes(lows[i]!, highs[i]!)).toBe(false)
      expect(kept.add(t)).toBe(true)
      expect(kept.mayHaveHashes(lows[i]!, highs[i]!)).toBe(true)
      expect(kept.addHashes(lows[i]!, highs[i]!)).toBe(false)
    })
    expect(kept.size).toBe(texts.length)
  })
})
