import { describe, expect, it } from 'vitest'
import { foldCase } from '../../../src/domain/aql/compare.js'
import { storedKeyFor } from '../../../src/domain/aql/key-equality.js'

/** Every character an object key can hold (SCHEMAKEY-n: upper-case ASCII letters, digits, `-`). */
const KEY_CHARACTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-']

describe('Key equality as a comparison with the stored key', () => {
  it('answers the one key a text in any case can match', () => {
    expect(storedKeyFor('dat-12')).toBe('DAT-12')
    expect(storedKeyFor('DaT-12')).toBe('DAT-12')
    expect(storedKeyFor('')).toBe('')
  })

  it('lets text that folds to ASCII match, as foldCase does (the Kelvin sign folds to k)', () => {
    expect(foldCase('\u212aEY-1')).toBe('key-1')
    expect(storedKeyFor('\u212aEY-1')).toBe('KEY-1')
  })

  it('matches no key with text that folds to anything but ASCII (ı, İ, fullwidth and Cyrillic letters)', () => {
    for (const text of ['ıT-1', 'İT-1', 'ａB-1', 'аB-1', 'ß']) expect(storedKeyFor(text), text).toBeNull()
  })

  it('agrees with foldCase for every code point against every key character', () => {
    const byFolded = new Map(KEY_CHARACTERS.map((k) => [foldCase(k), k]))
    for (let c = 0; c <= 0x10ffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue
      const text = String.fromCodePoint(c)
      // The in-memory evaluator: foldCase(key) === foldCase(text); the SQL: key === storedKeyFor(text).
      const matches = byFolded.get(foldCase(text)) ?? null
      const stored = storedKeyFor(text)
      const compiled = stored !== null && KEY_CHARACTERS.includes(stored) ? stored : null
      if (compiled !== matches)
        expect({ c: c.toString(16), compiled }).toEqual({ c: c.toString(16), matches })
    }
  })
})
