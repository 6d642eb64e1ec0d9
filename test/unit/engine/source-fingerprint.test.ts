import { describe, expect, it } from 'vitest'
import { DEFAULT_ENGINE_SETTINGS } from '../../../src/engine/engine-types.js'
import { entryIdentity, hasSource, mapEntry, type MapContext } from '../../../src/engine/map-entry.js'
import { OwnedTable } from '../../../src/engine/owned-table.js'
import {
  decodeSource,
  hashPart,
  planSeed,
  sourceFingerprint,
  sourceText,
  withSource,
} from '../../../src/engine/source-fingerprint.js'
import type { TypePlan } from '../../../src/engine/type-plan.js'
import { compileLocator } from '../../../src/engine/selector.js'
import { attribute, plan } from './plan-builder.js'

const V2 = 'I:AbCdEfGhIjKlMnOpQrStUv'
/**
 * Fingerprints of two entries under fixedPlan (short values; longer ones of odd and even lengths), as
 * FINGERPRINT_VERSION 1 made them before they were made while mapping: what objects already store.
 */
const PINNED: [Record<string, unknown>, string][] = [
  [{ name: 'h1', size: '4', site: 'A', room: '1', kind: 'a', unit: 'GB' }, '2GOJch36rVo'],
  [
    {
      name: 'host-0001-abc',
      size: '1234567',
      site: 'Building 7, room 12',
      room: 'résumé €',
      kind: 'a',
      unit: 'GiB',
    },
    'vkEc2mSh0xc',
  ],
]

function context(extra: Partial<MapContext> = {}): MapContext {
  return {
    settings: DEFAULT_ENGINE_SETTINGS,
    concatenator: '-',
    coerceOptions: {},
    statusNames: [],
    problems: [],
    ...extra,
  }
}

function hostPlan(): TypePlan {
  return plan([
    { attribute: attribute('Name', 'text', { label: true }), locators: ['name'], identity: true },
    { attribute: attribute('Size', 'integer'), locators: ['size'] },
    { attribute: attribute('Kind', 'select', { allowedValues: ['a', 'b'] }), locators: ['kind'] },
  ])
}

/** The fingerprint of an entry as its text, or null when it has none. */
function print(p: TypePlan, entry: Record<string, unknown>, ctx = context()): string | null {
  const out = new Int32Array(2)
  return sourceFingerprint(p, entry, ctx, out) ? sourceText(out[0]!, out[1]!) : null
}

describe('source fingerprint', () => {
  it('writes 64 bits as 11 base64url characters and reads them back exactly', () => {
    const out = new Int32Array(2)
    const samples = [
      [1, 0],
      [0, 1],
      [-1, -1],
      [0x7fffffff, -0x80000000],
      [0x12345678, -0x789abcdf],
    ]
    for (const [low, high] of samples) {
      const text = sourceText(low!, high!)
      expect(text).toMatch(/^[\w-]{11}$/)
      expect(decodeSource(text, 0, out)).toBe(true)
      expect([out[0], out[1]]).toEqual([low, high])
    }
    // The last character's two low bits are never set by sourceText: such a text is no fingerprint.
    expect(decodeSource('AAAAAAAAAAB', 0, out)).toBe(false)
    expect(decodeSource('AAAAAAAAA!A', 0, out)).toBe(false)
  })

  it('is stored after the hash, and taken off only when nothing was appended to it since', () => {
    const stored = withSource(V2, 0x01020304, -7)
    expect(stored).toBe(`${V2}.${sourceText(0x01020304, -7)}`)
    expect(withSource(V2, 0, 0)).toBe(V2)
    expect(hashPart(stored)).toBe(V2)
    expect(hashPart(V2)).toBe(V2)
    // The dirty mark and the precedence mark keep the whole text: it equals no entry's hash.
    expect(hashPart(`${stored}!`)).toBe(`${stored}!`)
    expect(hashPart(`${stored}~`)).toBe(`${stored}~`)
    expect(hashPart(`${V2}~`)).toBe(`${V2}~`)
  })

  it('tells apart entries that differ in any value the mapping reads, or only in its type', () => {
    const p = hostPlan()
    const base = print(p, { name: 'h1', size: 4, kind: 'a' })
    expect(base).not.toBeNull()
    expect(print(p, { name: 'h1', size: 4, kind: 'a', other: 'ignored' })).toBe(base)
    const different = [
      { name: 'h1', size: '4', kind: 'a' },
      { name: 'h1', size: 5, kind: 'a' },
      { name: 'h1 ', size: 4, kind: 'a' },
      { name: 'h1', kind: 'a' },
      { name: 'h1', size: null, kind: 'a' },
      { name: 'h1', size: [4], kind: 'a' },
      { name: 'h1', size: 4, kind: 'A' },
      { name: 'h1', size: -0, kind: 'a' },
      { name: 'h1', size: 4, kind: true },
      { name: 'h1', size: new Date(4), kind: 'a' },
    ]
    const prints = different.map((e) => print(p, e))
    expect(prints).not.toContain(base)
    expect(new Set(prints).size).toBe(different.length)
  })

  it('changes with the mapping, the settings, an attribute’s options and the statuses a status attribute takes', () => {
    const entry = { name: 'h1', size: 4, kind: 'a' }
    const p = hostPlan()
    const base = print(p, entry)
    expect(print(p, entry, context({ concatenator: '+' }))).not.toBe(base)
    expect(
      print(p, entry, context({ settings: { ...DEFAULT_ENGINE_SETTINGS, zone: 'Europe/Paris' } })),
    ).not.toBe(base)
    // A new option replaces the attribute (schema-options.ts): recomputed.
    const kind = p.attributes[2]!
    kind.attribute = { ...kind.attribute, allowedValues: ['a', 'b', 'c'] }
    const withOption = print(p, entry)
    expect(withOption).not.toBe(base)
    // Another mapping document (each run compiles its own plans): the same attributes, one member changed.
    const q = hostPlan()
    const shaped = q.mapping.attributesMapping.map((m, i) =>
      i === 1 ? { ...m, transformations: [{ type: 'trim' as const }] } : m,
    )
    expect(print({ ...q, mapping: { ...q.mapping, attributesMapping: shaped } }, entry)).not.toBe(
      print(q, entry),
    )
    expect(print({ ...q, mapping: { ...q.mapping, emptyValues: 'REMOVE' } }, entry)).not.toBe(print(q, entry))
    // What never changes what an entry maps to is left out: a description, the missing-objects policy, precedence.
    expect(print({ ...q }, entry)).toBe(print(q, entry))
    expect(print({ ...q, mapping: { ...q.mapping, description: 'changed' } }, entry)).toBe(print(q, entry))
    expect(
      print(
        q,
        entry,
        context({ settings: { ...DEFAULT_ENGINE_SETTINGS, precedence: { default: 'source' } as never } }),
      ),
    ).toBe(print(q, entry))
    const status = plan([
      { attribute: attribute('Name', 'text'), locators: ['name'], identity: true },
      { attribute: attribute('State', 'status'), locators: ['state'] },
    ])
    const one = print(status, { name: 'x', state: 'Up' }, context({ statusNames: ['Up'] }))
    expect(print(status, { name: 'x', state: 'Up' }, context({ statusNames: ['Up', 'Down'] }))).not.toBe(one)
  })

  it('covers the fields a shaping reads, and has none for an entry with a nested object', () => {
    const p = hostPlan()
    const shaped = p.attributes[1]!
    shaped.shapeReaders = [compileLocator('unit')]
    expect(print(p, { name: 'h1', size: 4, kind: 'a', unit: 'GB' })).not.toBe(
      print(p, { name: 'h1', size: 4, kind: 'a', unit: 'TB' }),
    )
    expect(print(p, { name: 'h1', size: { gb: 4 }, kind: 'a' })).toBeNull()
  })

  it('marks the locators that read a value, as mapping does', () => {
    const p = hostPlan()
    print(p, { name: 'h1', size: '', kind: null })
    expect(p.attributes.map((a) => a.readSomething[0])).toEqual([true, false, false])
  })
})

describe('entryIdentity', () => {
  it('answers the identity of plain identity values, and null when it cannot tell cheaply', () => {
    const p = hostPlan()
    expect(entryIdentity(p, { name: 'h1' }, context())).toBe('h1')
    expect(entryIdentity(p, { name: ' h1' }, context())).toBeNull()
    expect(entryIdentity(p, { name: '' }, context())).toBeNull()
    expect(entryIdentity(p, {}, context())).toBeNull()
    const two = plan([
      { attribute: attribute('A', 'text'), locators: ['a'], identity: true },
      { attribute: attribute('B', 'integer'), locators: ['b'], identity: true },
    ])
    expect(entryIdentity(two, { a: 'x', b: '12' }, context())).toBe(JSON.stringify(['x', '12']))
  })
})

describe('OwnedTable with source fingerprints', () => {
  it('keeps the fingerprint a stored hash carries, compares it, and gives the stored text back', () => {
    const table = new OwnedTable()
    table.add([1, 'a', withSource(V2, 0x01020304, -7), 2])
    table.add([2, 'b', V2, 0])
    table.add([3, 'c', `${withSource(V2, 0x01020304, -7)}!`, 0])
    table.add([4, 'd', withSource('R:zZ-_0123456789abcdefgh', 0x01020304, -7), 0])
    table.seal()
    const a = table.find('a')
    expect(table.exact(a)).toBe(true)
    expect(table.sameHash(a, V2)).toBe(true)
    expect(table.sameSource(a, 0x01020304, -7)).toBe(true)
    expect(table.sameSource(a, 0x01020304, -8)).toBe(false)
    expect(table.storedHash(a)).toBe(withSource(V2, 0x01020304, -7))
    const b = table.find('b')
    expect(table.sameSource(b, 0, 0)).toBe(false)
    expect(table.storedHash(b)).toBe(V2)
    // Marked dirty after it was written: not kept exactly, compared by nothing.
    expect(table.exact(table.find('c'))).toBe(false)
    expect(table.storedHash(table.find('d'))).toBe(withSource('R:zZ-_0123456789abcdefgh', 0x01020304, -7))
  })
})

describe('the fingerprint mapEntry makes while mapping (a first load)', () => {
  /** Fixed attribute ids: the plan's part of the fingerprint does not depend on the order tests run in. */
  function fixedPlan(): TypePlan {
    const fixed = (id: number, extra: Record<string, unknown> = {}) => ({
      id,
      externalId: `attr/${id}`,
      ...extra,
    })
    const p = plan([
      {
        attribute: attribute('Name', 'text', fixed(7001, { label: true })),
        locators: ['name'],
        identity: true,
      },
      { attribute: attribute('Size', 'integer', fixed(7002)), locators: ['size'] },
      { attribute: attribute('Where', 'text', fixed(7003)), locators: ['site', 'room'] },
      {
        attribute: attribute('Kind', 'select', fixed(7004, { allowedValues: ['a', 'b'] })),
        locators: ['kind'],
      },
    ])
    p.attributes[1]!.shapeReaders = [compileLocator('unit')]
    return p
  }

  /** The fingerprint mapEntry kept with the mapped entry, as its text, or null when it has none. */
  function printWhileMapping(p: TypePlan, entry: Record<string, unknown>, ctx = context()): string | null {
    const outcome = mapEntry(p, entry, 'items[0]', ctx, planSeed(p, ctx))
    if (outcome.kind !== 'mapped' || !hasSource(outcome.mapped)) return null
    return sourceText(outcome.mapped.sourceLow, outcome.mapped.sourceHigh)
  }

  it('equals the one made before mapping (a re-import compares the two), for every kind of value', () => {
    const entries = [
      { name: 'h1', size: '4', site: 'A', room: '1', kind: 'a', unit: 'GB' },
      { name: 'h1', size: 4, site: 'A', kind: 'b' },
      { name: 'h2', size: [4, 5], room: null, kind: true },
      { name: 'h3', size: new Date(7), site: '', room: 'ü€😀', kind: 'a||b' },
      { name: 'h4', size: '-0', site: 'A'.repeat(5000), kind: 'a' },
      { name: 'h5', size: 4, kind: 'a', unit: { nested: 1 } },
      { name: 'h6', size: { gb: 4 }, kind: 'a' },
      { name: 'h7', size: 4, site: ['A', 'B'], room: 2, kind: 'a' },
    ]
    const made = entries.map((e) => printWhileMapping(fixedPlan(), e))
    expect(made).toEqual(entries.map((e) => print(fixedPlan(), e)))
    expect(made.filter((m) => m !== null)).toHaveLength(6)
  })

  it('is the fingerprint imports stored before it was made while mapping: unchanged data still skips', () => {
    for (const [entry, stored] of PINNED) {
      expect(print(fixedPlan(), entry)).toBe(stored)
      expect(printWhileMapping(fixedPlan(), entry)).toBe(stored)
    }
  })

  it('is none without the seed', () => {
    const p = fixedPlan()
    const ctx = context()
    const outcome = mapEntry(p, { name: 'h1', size: '4', kind: 'a' }, 'items[0]', ctx)
    expect(outcome.kind === 'mapped' && hasSource(outcome.mapped)).toBe(false)
  })
})
