import { describe, expect, it } from 'vitest'
import { scanJson } from '../../../src/http/json-scan.js'
import { chunkHash, sameChunk } from '../../../src/services/chunk-hash.js'

/** The text chunkDataText finds must parse to what JSON.parse makes the body's `data`. */
function expectDataOf(text: string): string {
  const found = chunkDataText(text)
  expect(found).not.toBeNull()
  expect(JSON.parse(found!)).toEqual((JSON.parse(text) as { data: unknown }).data)
  return found!
}

const chunkDataText = (text: string) => scanJson(text, 256).dataText

describe('scanJson: the data of a push chunk as the client sent it', () => {
  it('is the slice of a compact body, so the stored text and hash are those of JSON.stringify(data)', () => {
    const data = { assets: [{ Name: 'Gerät "1" ✓ {[,]}', tags: ['a', 'b'], n: 1.5, none: null }], '': {} }
    const text = JSON.stringify({ data, clientGeneratedId: 'c-1', completed: true })
    expect(expectDataOf(text)).toBe(JSON.stringify(data))
    expect(chunkHash(chunkDataText(text), true)).toBe(chunkHash(JSON.stringify(data), true))
  })

  it('finds data wherever it stands among the members, with any spacing', () => {
    const data = { assets: [{ a: '1' }, { a: '2', data: { data: 'x' } }] }
    expectDataOf(JSON.stringify({ completed: false, clientGeneratedId: 'x', data }))
    expectDataOf(JSON.stringify({ clientGeneratedId: 'x', data, completed: true }, null, 2))
    expectDataOf(`\r\n\t {  "data"\n :\t{"assets" : [ {"a":"1"} ] }  \n,"completed":true}  `)
    expectDataOf('{"data":{"r":[]}}')
    expect(chunkDataText('\uFEFF{"data":{"r":[]}}')).toBe('{"r":[]}')
  })

  it('takes the last top-level data member, as JSON.parse does', () => {
    const text = '{"data":{"r":[1]},"x":{"data":{"r":[3]}},"data":{"r":[2]}}'
    expect(expectDataOf(text)).toBe('{"r":[2]}')
  })

  it('skips strings holding quotes, backslashes and structure, and keys that only look like data', () => {
    const data = { r: [{ s: 'a\\"b\\\\', t: '"data":{', u: '\\' }] }
    expectDataOf(JSON.stringify({ 'data ': 1, datas: { data: 2 }, data, Data: 3 }))
  })

  it('answers null when it cannot tell (no data, an escaped key, not an object): the value is serialised then', () => {
    expect(chunkDataText('{"completed":true}')).toBeNull()
    expect(chunkDataText('{"d\\u0061ta":{"r":[]}}')).toBeNull()
    expect(chunkDataText('{"\\\\data":1,"data":{"r":[]}}')).toBeNull()
    expect(chunkDataText('[{"data":{}}]')).toBeNull()
  })
})

describe('sameChunk: a repeat of a stored chunk whose text differs', () => {
  const data = { assets: [{ a: '1' }] }
  const spaced = '{ "assets": [ { "a": "1" } ] }'
  const stored = { body_hash: chunkHash(spaced, true), payload: spaced }

  it('is the same chunk with the same data and completion', () => {
    expect(sameChunk(stored, data, true)).toBe(true)
  })

  it('is another chunk with other data, another completion, or a purged payload', () => {
    expect(sameChunk(stored, { assets: [{ a: '2' }] }, true)).toBe(false)
    expect(sameChunk(stored, data, false)).toBe(false)
    expect(sameChunk({ ...stored, payload: null }, data, true)).toBe(false)
    expect(sameChunk(stored, undefined, true)).toBe(false)
  })
})
