import { describe, expect, it } from 'vitest'
import { plainChunkData } from '../../../src/http/plain-json.js'
import { seededRandom } from '../../helpers/seeded-random.js'

/** What JSON.parse makes of `text`, or 'invalid'. */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return 'invalid'
  }
}

/** A found `data` must be exactly what JSON.parse makes the body's `data`, with its keys. */
function expectAgreement(text: string): void {
  const found = plainChunkData(text, 256)
  if (found === null) return
  const body = parsed(text) as { data: Record<string, unknown> }
  expect(body, text).not.toBe('invalid')
  expect(JSON.parse(text.slice(found.start, found.end)), text).toEqual(body.data)
  expect(JSON.parse(`${text.slice(0, found.start)}null${text.slice(found.end)}`), text).toEqual({
    ...body,
    data: null,
  })
  expect(new Set(found.keys), text).toEqual(new Set(Object.keys(body.data)))
}

describe('plainChunkData: a compact chunk checked without parsing its data', () => {
  it('finds the data of a compact body and the keys of its object', () => {
    const data = {
      assets: [{ Name: 'Gerät 1 ✓ {[,]}', n: -1.5e3, on: true, off: false, none: null }],
      '': {},
    }
    const text = JSON.stringify({ clientGeneratedId: 'c-1', data, completed: true })
    const found = plainChunkData(text, 256)
    expect(found).not.toBeNull()
    expect(text.slice(found!.start, found!.end)).toBe(JSON.stringify(data))
    expect(found!.keys).toEqual(['assets', ''])
    expectAgreement(text)
  })

  it('is not sure — the full parse decides — about escapes, control characters, other spacing and suspect keys', () => {
    for (const text of [
      '{"data":{"a":"x\\"y"}}',
      '{"data":{"a":"x\ty"}}',
      '{"data":\n{"a":1}}',
      '{"data":{"a":[{"__proto__":{"p":1}}]}}',
      '{"data":{"constructor":{"prototype":{}}}}',
      '\uFEFF{"data":{"a":1}}',
    ])
      expect(plainChunkData(text, 256), text).toBeNull()
  })

  it('is not sure without one top-level data object', () => {
    for (const text of [
      '{"completed":true}',
      '{"data":[1]}',
      '{"data":null}',
      '{"data":{},"data":{}}',
      '[{"data":{}}]',
      '{"x":{"data":{}}}',
    ])
      expect(plainChunkData(text, 256), text).toBeNull()
  })

  it('never passes malformed JSON', () => {
    for (const text of [
      '{"data":{"a":1,}}',
      '{"data":{"a":[1,]}}',
      '{"data":{"a":[1 2]}}',
      '{"data":{"a":01}}',
      '{"data":{"a":1.}}',
      '{"data":{"a":-}}',
      '{"data":{"a":.5}}',
      '{"data":{"a":+1}}',
      '{"data":{"a":1e}}',
      '{"data":{"a":tru}}',
      '{"data":{"a":nulls}}',
      '{"data":{"a" 1}}',
      '{"data":{a:1}}',
      '{"data":{"a":1}',
      '{"data":{"a":1}}}',
      '{"data":{"a":1}} x',
      '{"data":{"a":"1}}',
      '{"data":{"a":[}]}}',
      '{"data":{"a":{]}}',
      "{'data':{}}",
    ]) {
      expect(parsed(text), text).toBe('invalid')
      expect(plainChunkData(text, 256), text).toBeNull()
    }
  })

  it('stops at the depth limit', () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`
    expect(plainChunkData(`{"data":{"a":${nested(254)}}}`, 256)).not.toBeNull()
    expect(plainChunkData(`{"data":{"a":${nested(255)}}}`, 256)).toBeNull()
  })

  it('agrees with JSON.parse on thousands of mutated bodies', () => {
    const random = seededRandom(11)
    const pieces = [
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      ' ',
      '0',
      '1',
      '-',
      '.',
      'e',
      'true',
      'null',
      '"data"',
      'x',
    ]
    const base = JSON.stringify({
      data: { assets: [{ a: 'x', n: 12.5, b: [true, false, null, -0.25e-3], o: { p: [] } }], r: {} },
      completed: false,
    })
    let found = 0
    for (let k = 0; k < 20_000; k++) {
      let text = base
      for (let m = 1 + Math.floor(random() * 3); m > 0; m--) {
        const at = Math.floor(random() * text.length)
        const piece = pieces[Math.floor(random() * pieces.length)]!
        const cut = Math.floor(random() * 3)
        text = text.slice(0, at) + (random() < 0.7 ? piece : '') + text.slice(at + cut)
      }
      expectAgreement(text)
      if (plainChunkData(text, 256) !== null) found++
    }
    expect(found).toBeGreaterThan(1000)
  })
})
