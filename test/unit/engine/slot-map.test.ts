import { describe, expect, it } from 'vitest'
import { encodeValues } from '../../../src/domain/schema/stored-values.js'
import { NO_VALUES, SlotLayout, SlotMap, storedValuesJson, type Slot } from '../../../src/engine/slot-map.js'

const layout = new SlotLayout([7, 3, 9, 3])
const map = (slots: Slot<string | number>[], count: number) => new SlotMap(layout, slots, count)

describe('a SlotMap of a mapped entry', () => {
  it('reads like a Map: get, has, size, first, countOf; a one-value slot is a list of one', () => {
    const m = map(['a', undefined, ['x', 'y']], 2)
    expect(m.size).toBe(2)
    expect(m.get(7)).toEqual(['a'])
    expect(m.get(9)).toEqual(['x', 'y'])
    expect(m.get(3)).toBeUndefined()
    expect(m.get(42)).toBeUndefined()
    expect([m.has(7), m.has(3), m.has(42)]).toEqual([true, false, false])
    expect([m.first(7), m.first(9), m.first(3)]).toEqual(['a', 'x', undefined])
    expect([m.countOf(7), m.countOf(9), m.countOf(3)]).toEqual([1, 2, 0])
  })

  it('iterates its set keys in the layout order (the order of the plan attributes), each key once', () => {
    const m = map([1, 'b', [true, false] as never], 3)
    expect(layout.keys).toEqual([7, 3, 9])
    expect([...m]).toEqual([
      [7, [1]],
      [3, ['b']],
      [9, [true, false]],
    ])
    expect([...m.keys()]).toEqual([7, 3, 9])
    expect([...m.values()]).toEqual([[1], ['b'], [true, false]])
    const seen: unknown[] = []
    m.forEach((v, k) => seen.push([k, v]))
    expect(seen).toEqual([...m.entries()])
    expect(new Map(m)).toEqual(new Map([...m]))
  })

  it('keeps a key set to an empty list (a placeholder that read nothing) apart from a key not set', () => {
    const m = map([NO_VALUES as never, undefined, undefined], 1)
    expect(m.has(7)).toBe(true)
    expect(m.get(7)).toEqual([])
    expect(Object.fromEntries(m)).toEqual({ 7: [] })
  })

  it('replace sets a list, and an empty list removes the key; a key outside the layout is refused', () => {
    const m = map([undefined, undefined, undefined], 0)
    m.replace(3, ['v'])
    expect([m.size, m.get(3)]).toEqual([1, ['v']])
    m.replace(3, ['v', 'w'])
    expect([m.size, m.get(3)]).toEqual([1, ['v', 'w']])
    m.replace(3, [])
    expect([m.size, m.has(3)]).toEqual([0, false])
    expect(() => m.replace(42, ['x'])).toThrow(/no slot for 42/)
  })
})

describe('storedValuesJson', () => {
  const ids = new SlotLayout([41, 5, 300, 12, 7])
  const cases: Slot<string | number | boolean>[][] = [
    ['Device 1', 3, ['a', 'b'], undefined, true],
    [undefined, undefined, undefined, undefined, undefined],
    [NO_VALUES as never, 'x', undefined, [1.5, 2], 'quote " and \\ and \u2028'],
    [['only'], undefined, undefined, 0, false],
    // What JSON escapes, one value a slot (written without JSON.stringify when nothing needs escaping).
    ['tab\there', 'nul \u0000 and \u001f', 'lone \ud800 surrogate', 'pair 😀 and é', 'back\\slash "q"'],
    ['\udc00', '', 'plain', Number.NaN as never, -0],
    // Each kind of value after each other kind (a list, a plain string, another value), in id order.
    ['after a number', ['first'], undefined, 7, ['after a list']],
    [[1, 'two'], 'plain first', ['after a plain string'], 'and "quoted" after a list', 2],
  ]

  it('writes exactly what encodeValues writes: ids ascending, whatever the layout order, empty lists left out', () => {
    for (const slots of cases) {
      const m = new SlotMap(ids, slots, slots.filter((s) => s !== undefined).length)
      expect(storedValuesJson(m)).toBe(encodeValues(m, () => false))
    }
    const m = new SlotMap(ids, [...cases[0]!], 5)
    m.replace(300, [])
    m.replace(7, ['changed'])
    expect(storedValuesJson(m)).toBe('{"5":[3],"7":["changed"],"41":["Device 1"]}')
  })
})
