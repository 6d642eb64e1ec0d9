import { describe, expect, it } from 'vitest'
import { jsonDepthExceeds } from '../../../src/http/plugins/body-parsers.js'

const nested = (depth: number, inner = '1') => '['.repeat(depth) + inner + ']'.repeat(depth)

describe('jsonDepthExceeds', () => {
  it('counts the nesting of arrays and objects against the limit', () => {
    expect(jsonDepthExceeds(nested(3), 3)).toBe(false)
    expect(jsonDepthExceeds(nested(4), 3)).toBe(true)
    expect(jsonDepthExceeds('{"a":{"b":{"c":[1]}}}', 3)).toBe(true)
    expect(jsonDepthExceeds('{"a":{"b":{"c":[1]}}}', 4)).toBe(false)
    expect(jsonDepthExceeds('[[1],[2],[3]]', 2)).toBe(false)
  })

  it('ignores brackets inside strings, escaped quotes and backslashes included', () => {
    expect(jsonDepthExceeds(JSON.stringify({ a: '[[[[{{{{' }), 1)).toBe(false)
    expect(jsonDepthExceeds(JSON.stringify({ a: 'say "[[[[" twice' }), 1)).toBe(false)
    expect(jsonDepthExceeds(JSON.stringify({ a: 'ends in a backslash \\', b: [[1]] }), 2)).toBe(true)
    expect(jsonDepthExceeds(JSON.stringify({ a: 'ends in a backslash \\', b: '[[[[' }), 1)).toBe(false)
    expect(jsonDepthExceeds(JSON.stringify(['\\"', [['x']]]), 2)).toBe(true)
  })

  it('answers false for an unterminated string (JSON.parse refuses it)', () => {
    expect(jsonDepthExceeds('["abc', 0)).toBe(true)
    expect(jsonDepthExceeds('"abc [[[[', 0)).toBe(false)
  })

  it('agrees with the depth of the value itself, over random values with tricky strings', () => {
    const strings = ['', '[', '{"', '\\', '\\"', '"]', 'a\\\\', '}}]]', '✓ "x" \\[']
    let seed = 7
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const value = (depth: number): unknown => {
      const pick = random(depth > 5 ? 2 : 4)
      if (pick === 0) return strings[random(strings.length)]
      if (pick === 1) return random(100)
      const items = Array.from({ length: random(3) }, () => value(depth + 1))
      if (pick === 2) return items
      return Object.fromEntries(items.map((v, i) => [strings[random(strings.length)]! + i, v]))
    }
    const depthOf = (v: unknown): number =>
      v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v as object).map(depthOf)) : 0
    for (let t = 0; t < 5_000; t++) {
      const v = value(0)
      const text = JSON.stringify(v)
      for (const limit of [0, 1, 2, 3, 4]) expect(jsonDepthExceeds(text, limit)).toBe(depthOf(v) > limit)
    }
  })
})
