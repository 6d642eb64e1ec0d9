import { describe, expect, it } from 'vitest'
import {
  contentHash,
  contentHashOfText,
  contentHashPart,
  ContentHashText,
  ContentHashWords,
  isVersion1ContentHash,
  murmur3x86x128,
} from '../../../src/domain/schema/content-hash.js'
import type { CanonicalValue } from '../../../src/domain/schema/types.js'
import { DEFAULT_ENGINE_SETTINGS, type EntryProblem } from '../../../src/engine/engine-types.js'
import {
  entryContentHash,
  mapEntry,
  setMappedValues,
  version1ContentHash,
  type MapContext,
  type MappedEntry,
} from '../../../src/engine/map-entry.js'
import type { TypePlan } from '../../../src/engine/type-plan.js'
import { attribute, plan } from './plan-builder.js'

/** One context for a whole run of entries, as the engine keeps it for an execution. */
function context(statusNames: readonly string[] = []): MapContext {
  return {
    settings: DEFAULT_ENGINE_SETTINGS,
    concatenator: '-',
    coerceOptions: {},
    statusNames,
    problems: [] as EntryProblem[],
  }
}

function mapAll(p: TypePlan, entries: Record<string, unknown>[], ctx = context()): MappedEntry[] {
  return entries.map((entry, i) => {
    const outcome = mapEntry(p, entry, `items[${i}]`, ctx)
    if (outcome.kind !== 'mapped') throw new Error(`entry ${i}: ${outcome.kind}`)
    return outcome.mapped
  })
}

/** The values and reference texts of an entry by attribute id, in ascending id order. */
function hashedValues(e: MappedEntry): [number, readonly CanonicalValue[]][] {
  const all = new Map<number, readonly CanonicalValue[]>(e.values)
  for (const [id, texts] of e.references) all.set(id, texts)
  return [...all].sort(([a], [b]) => a - b)
}

/** The stored hash format (version 2), from the entry's maps rather than its slots. */
function storedFormat(p: TypePlan, e: MappedEntry): string {
  const words = new ContentHashWords()
  for (const [id, list] of hashedValues(e)) words.add(id, list)
  return words.digest(p.emptyValues === 'REMOVE' ? 'R' : 'I')
}

/** The hash imports stored before version 2: policy letter + contentHash of values and reference texts. */
function version1Format(p: TypePlan, e: MappedEntry): string {
  return (p.emptyValues === 'REMOVE' ? 'R' : 'I') + contentHash(new Map(hashedValues(e)))
}

const id = attribute('Id', 'text')
const make = attribute('Make', 'select', { allowedValues: ['Dell', 'HP'] })
const state = attribute('State', 'status')
const bought = attribute('Bought', 'date')
const tags = attribute('Tags', 'text', { maximumCardinality: -1 })
const parent = attribute('Parent', 'referenced_object')
const attrs = [
  { attribute: parent, locators: ['parent'] },
  { attribute: tags, locators: ['tags'] },
  { attribute: id, locators: ['id'], identity: true },
  { attribute: make, locators: ['make'] },
  { attribute: state, locators: ['state'] },
  { attribute: bought, locators: ['bought'] },
]

const rows = Array.from({ length: 3000 }, (_, i) => ({
  id: `asset-${i}`,
  make: ['dell', ' Dell', 'HP', 'hp '][i % 4],
  state: ['In Service', 'retired'][i % 2],
  bought: i % 7 === 0 ? '' : `2024-0${1 + (i % 9)}-1${i % 10}`,
  tags: i % 3 === 0 ? 'a||b' : i % 3 === 1 ? 'c' : '',
  parent: i % 5 === 0 ? '' : `asset-${i >> 1}`,
}))

describe('the content hash made while mapping', () => {
  it('is the stored format: the policy letter and the hash of values and reference texts by attribute id', () => {
    for (const emptyValues of ['IGNORE', 'REMOVE'] as const) {
      const p = plan(attrs, { emptyValues })
      for (const e of mapAll(p, rows, context(['In Service', 'Retired']))) {
        expect(e.hash).toBe(storedFormat(p, e))
      }
    }
  })

  it('of version 1 is made from the same values, and is told apart from version 2 by its form', () => {
    for (const emptyValues of ['IGNORE', 'REMOVE'] as const) {
      const p = plan(attrs, { emptyValues })
      for (const e of mapAll(p, rows.slice(0, 500), context(['In Service', 'Retired']))) {
        const old = version1ContentHash(p, e)
        expect(old).toBe(version1Format(p, e))
        expect(isVersion1ContentHash(old)).toBe(true)
        expect(isVersion1ContentHash(e.hash!)).toBe(false)
        expect(isVersion1ContentHash(`${old}~`)).toBe(false)
        expect(isVersion1ContentHash(`${old}!`)).toBe(false)
      }
    }
  })

  it('is made again from the values once setMappedValues changed them', () => {
    const p = plan(attrs)
    const [e] = mapAll(p, [{ id: 'a', tags: 'x||y', make: 'HP' }])
    const before = entryContentHash(p, e!)
    setMappedValues(e!, tags.id, ['x'])
    expect(e!.hash).toBeNull()
    expect(entryContentHash(p, e!)).toBe(storedFormat(p, e!))
    expect(entryContentHash(p, e!)).not.toBe(before)
    setMappedValues(e!, tags.id, [])
    expect(e!.values.has(tags.id)).toBe(false)
    expect(entryContentHash(p, e!)).toBe(storedFormat(p, e!))
  })
})

describe('repeated source values within one execution', () => {
  it('map exactly as each entry mapped alone (values, empties, problems)', () => {
    const statuses = ['In Service', 'Retired']
    const shared = plan(attrs)
    const ctx = context(statuses)
    const many = mapAll(shared, rows, ctx)
    rows.forEach((row, i) => {
      const alone = mapAll(plan(attrs), [row], context(statuses))[0]!
      expect([...many[i]!.values]).toEqual([...alone.values])
      expect([...many[i]!.empty]).toEqual([...alone.empty])
      expect(many[i]!.hash?.slice(1)).toBe(alone.hash?.slice(1))
    })
    expect(ctx.problems).toEqual([])
  })

  it('report a bad value for every entry that has it, not only the first', () => {
    const p = plan(attrs)
    const ctx = context()
    mapAll(
      p,
      [0, 1, 2].map((i) => ({ id: `a${i}`, bought: 'soon' })),
      ctx,
    )
    expect(ctx.problems.map((x) => x.location)).toEqual(['items[0]', 'items[1]', 'items[2]'])
  })

  it('bring a new select option under unknownValues ADD each time, then its spelling once the option exists', () => {
    const p = plan(attrs, { unknownValues: 'ADD' })
    const ctx = context()
    const [first, second] = mapAll(
      p,
      [
        { id: 'a', make: 'Acme' },
        { id: 'b', make: 'Acme' },
      ],
      ctx,
    )
    expect([...first!.newOptions]).toEqual([[make.id, ['Acme']]])
    expect([...second!.newOptions]).toEqual([[make.id, ['Acme']]])
    // What the write stage does once it added the option: the attribute is replaced by one with the new list.
    const makePlan = p.attributes.find((a) => a.attribute.id === make.id)!
    makePlan.attribute = { ...make, allowedValues: ['Dell', 'HP', 'Acme'] }
    const [third] = mapAll(p, [{ id: 'c', make: 'ACME' }], ctx)
    expect(third!.values.get(make.id)).toEqual(['Acme'])
    expect(third!.newOptions.size).toBe(0)
  })
})

describe('contentHashPart', () => {
  it('writes one value exactly as JSON.stringify does, escapes and all', () => {
    const samples: CanonicalValue[] = [
      'plain',
      '',
      'quote " and \\ backslash',
      'tab\tnewline\n\u0001',
      'lone \ud800 surrogate',
      'pair \ud83d\ude00 emoji',
      'ünïcödé',
      0,
      -0,
      1.5e300,
      -42,
      true,
      false,
    ]
    for (const v of samples) expect(contentHashPart(7, [v])).toBe(`7\u0000${JSON.stringify([v])}\u0001`)
    expect(contentHashPart(7, ['a', 2])).toBe(`7\u0000${JSON.stringify(['a', 2])}\u0001`)
  })
})

describe('the version 2 content hash', () => {
  /** The bytes of 32-bit words, little-endian, as a hex string. */
  const hex = (words: Int32Array) =>
    Buffer.from(words.buffer, words.byteOffset, words.byteLength).toString('hex')

  it('is MurmurHash3 x86_128 with seed 0 (vectors of the mmh3 Python package)', () => {
    const vectors: [number, string][] = [
      [0, '00000000000000000000000000000000'],
      [1, '70ef21d08e0afabf8e0afabf8e0afabf'],
      [2, 'd54101fc67909af83863e1403863e140'],
      [3, '8b8bbe6ba2e2dd928a9e7c42c2aafe04'],
      [4, '73203aaa4518c4a88241f0ade72356b3'],
      [5, 'd8dec8ff23e823694e338059acb58f58'],
      [7, 'fe915c3b49b45e3c4d466ee760e523a2'],
      [8, '37f75fce38b3dfe314b3535d3fe9afab'],
      [9, '4d24a200edd1dcc1be9d1b5badb2a4f1'],
      [16, '6eb6b71058feb40888b775ebfc9ad1f1'],
      [17, '56224393aafe2c6e24faa5955b3104ae'],
    ]
    for (const [words, expected] of vectors) {
      const bytes = Uint8Array.from({ length: 4 * words }, (_, i) => (i * 37 + 11) & 255)
      const out = new Int32Array(4)
      murmur3x86x128(new Int32Array(bytes.buffer), words, out)
      expect(hex(out)).toBe(expected)
    }
  })

  it('frames each attribute as its id, its count and typed values, and writes the policy letter and base64url', () => {
    const framed = (words: number[]) => {
      const out = new Int32Array(4)
      murmur3x86x128(Int32Array.from(words), words.length, out)
      return Buffer.from(out.buffer).toString('base64url')
    }
    const h = new ContentHashWords()
    h.add(100, 'abc')
    h.add(2 ** 32 + 7, [true, false, -0, 2.5])
    const float = (v: number) => Array.from(new Int32Array(Float64Array.of(v).buffer))
    const expected = [
      ...[100, 0, 1, (3 << 2) | 1, 0x620061, 0x63],
      ...[7, 1, 4, 7, 3, 2, ...float(0), 2, ...float(2.5)],
    ]
    expect(h.digest('R')).toBe(`R:${framed(expected)}`)
  })

  it('frames a string of any length as its UTF-16 code units two to a word, the last alone when odd', () => {
    const framed = (words: number[]) => {
      const out = new Int32Array(4)
      murmur3x86x128(Int32Array.from(words), words.length, out)
      return Buffer.from(out.buffer).toString('base64url')
    }
    const source = 'SN-2654435761-é€😀x\u0000zq'
    for (let length = 0; length <= source.length; length++) {
      const text = source.slice(0, length)
      const units: number[] = []
      for (let i = 0; i < text.length; i += 2)
        units.push(text.charCodeAt(i) | (i + 1 < text.length ? text.charCodeAt(i + 1) << 16 : 0))
      const h = new ContentHashWords()
      h.add(5, text)
      expect(h.digest('I')).toBe(`I:${framed([5, 0, 1, (text.length << 2) | 1, ...units])}`)
    }
  })

  it('tells apart values that version 1 told apart', () => {
    const digest = (values: [number, CanonicalValue | CanonicalValue[]][]) => {
      const h = new ContentHashWords()
      for (const [id, v] of values) h.add(id, v)
      return h.digest('I')
    }
    const distinct = [
      digest([[1, 'a']]),
      digest([[1, 'a\u0000']]),
      digest([[1, ['a', '']]]),
      digest([[1, 'ab']]),
      digest([[1, ['a', 'b']]]),
      digest([[1, ['ab']]]).replace('I', 'X'), // a list of one is the value alone: same hash as 'ab' (checked below)
      digest([[2, 'a']]),
      digest([[1, 1]]),
      digest([[1, '1']]),
      digest([[1, true]]),
      digest([[1, 'true']]),
      digest([
        [1, 'a'],
        [2, 'b'],
      ]),
      digest([[1, 'a\ud800']]),
      digest([[1, 'a\udc00']]),
    ]
    expect(new Set(distinct).size).toBe(distinct.length)
    expect(digest([[1, ['ab']]])).toBe(digest([[1, 'ab']]))
    expect(digest([[1, -0]])).toBe(digest([[1, 0]]))
  })
})

describe('ContentHashText', () => {
  it('hashes the parts written into its buffer exactly as contentHashOfText hashes them joined', () => {
    const values: (CanonicalValue | CanonicalValue[])[] = [
      'plain',
      'quote " and \\ backslash',
      'tab\tnewline\n\u0001',
      'lone \ud800 surrogate',
      'trailing high \udbff',
      'pair \ud83d\ude00 emoji',
      'ünïcödé ∑ 漢字',
      '\u007f delete',
      'x'.repeat(70_000),
      0,
      -0,
      9,
      10,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 32 + 5,
      4_000_000_000,
      100_000_000,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
      -42,
      1.5e300,
      0.1,
      -2.5,
      true,
      false,
      ['a', 2, true],
      ['é', 'lone \udc00'],
    ]
    const text = new ContentHashText()
    for (const [i, v] of values.entries()) {
      const id = [1, 7, 100, 12_345_678_901][i % 4]!
      text.add(id, v)
      expect(text.digest()).toBe(contentHashOfText(contentHashPart(id, Array.isArray(v) ? v : [v])))
    }
    // Several parts in one text, after a buffer that grew for a long value.
    let joined = ''
    for (const [i, v] of values.entries()) {
      text.add(i, v)
      joined += contentHashPart(i, Array.isArray(v) ? v : [v])
    }
    expect(text.digest()).toBe(contentHashOfText(joined))
  })
})

describe('the memo of repeated values', () => {
  it('maps long values (not remembered) exactly as short ones, repeated or not', () => {
    const notes = attribute('Notes', 'textarea')
    const p = plan([...attrs, { attribute: notes, locators: ['notes'] }])
    const ctx = context()
    const texts = ['x'.repeat(300), 'x'.repeat(300), 'y'.repeat(256), 'y'.repeat(256)]
    const out = mapAll(
      p,
      texts.map((text, i) => ({ id: `a${i}`, notes: text })),
      ctx,
    )
    out.forEach((e, i) => {
      expect(e.values.get(notes.id)).toEqual([texts[i]])
      expect(e.hash).toBe(storedFormat(p, e))
    })
    expect(ctx.problems).toEqual([])
  })
})
