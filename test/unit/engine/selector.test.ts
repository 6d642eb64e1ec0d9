import { describe, expect, it } from 'vitest'
import {
  entriesForMapping,
  objectsRoot,
  selectEntries,
  splitSelector,
  type SelectorProblem,
} from '../../../src/engine/selector.js'

function select(data: Record<string, unknown>, selector: string) {
  const problems: SelectorProblem[] = []
  const entries = [...selectEntries(data, splitSelector(selector), problems)]
  return { entries, problems }
}

describe('selectors', () => {
  it('selects the elements of a top-level array, each with its location', () => {
    const { entries, problems } = select({ hardDrives: [{ id: 'a' }, { id: 'b' }] }, 'hardDrives')
    expect(entries).toEqual([
      { entry: { id: 'a' }, location: 'hardDrives[0]' },
      { entry: { id: 'b' }, location: 'hardDrives[1]' },
    ])
    expect(problems).toEqual([])
  })

  it('a.b selects every element of each a[*].b, in source order', () => {
    const data = {
      hardDrives: [
        { id: 'd1', files: [{ path: '/1' }, { path: '/2' }] },
        { id: 'd2', files: [] },
        { id: 'd3' },
        { id: 'd4', files: [{ path: '/3' }] },
      ],
    }
    const { entries, problems } = select(data, 'hardDrives.files')
    expect(entries.map((e) => [e.entry.path, e.location])).toEqual([
      ['/1', 'hardDrives[0].files[0]'],
      ['/2', 'hardDrives[0].files[1]'],
      ['/3', 'hardDrives[3].files[0]'],
    ])
    expect(problems).toEqual([])
  })

  it('walks three levels deep', () => {
    const data = { a: [{ b: [{ c: [{ v: 1 }, { v: 2 }] }, { c: [{ v: 3 }] }] }, { b: [{ c: [{ v: 4 }] }] }] }
    expect(select(data, 'a.b.c').entries.map((e) => e.entry.v)).toEqual([1, 2, 3, 4])
  })

  it('a missing or null root selects nothing and is no problem', () => {
    expect(select({ other: [{ id: 1 }] }, 'hardDrives')).toEqual({ entries: [], problems: [] })
    expect(select({ hardDrives: null }, 'hardDrives')).toEqual({ entries: [], problems: [] })
  })

  it.each([
    ['an object', { hardDrives: { id: 'x' } }, 'an object'],
    ['a string', { hardDrives: 'disk' }, 'a string'],
    ['a number', { hardDrives: 3 }, 'a number'],
  ])('a non-array at the selector path (%s) is a problem, not a crash', (_name, data, found) => {
    const { entries, problems } = select(data, 'hardDrives')
    expect(entries).toEqual([])
    expect(problems).toEqual([
      { location: 'hardDrives', message: `the selector expects an array at hardDrives, found ${found}` },
    ])
  })

  it('a non-array deeper down is a problem for that element only; its siblings are still selected', () => {
    const data = {
      hardDrives: [{ files: { path: '/oops' } }, { files: [{ path: '/ok' }] }],
    }
    const { entries, problems } = select(data, 'hardDrives.files')
    expect(entries.map((e) => e.entry.path)).toEqual(['/ok'])
    expect(problems).toEqual([
      {
        location: 'hardDrives[0].files',
        message: 'the selector expects an array at hardDrives[0].files, found an object',
      },
    ])
  })

  it('elements that are not objects are problems; the object elements around them are selected', () => {
    const { entries, problems } = select({ items: [{ id: 1 }, 'text', 7, null, [1], { id: 2 }] }, 'items')
    expect(entries.map((e) => [e.entry.id, e.location])).toEqual([
      [1, 'items[0]'],
      [2, 'items[5]'],
    ])
    expect(problems.map((p) => [p.location, p.message])).toEqual([
      ['items[1]', 'an entry must be an object, found a string'],
      ['items[2]', 'an entry must be an object, found a number'],
      ['items[3]', 'an entry must be an object, found null'],
      ['items[4]', 'an entry must be an object, found an array'],
    ])
  })

  it('numbers the top-level array from an offset (the elements of earlier chunks), deeper levels from 0', () => {
    const problems: SelectorProblem[] = []
    const data = { hardDrives: [{ files: [{ p: 1 }] }, 'x'] }
    const entries = [...selectEntries(data, splitSelector('hardDrives.files'), problems, 5)]
    expect(entries.map((e) => e.location)).toEqual(['hardDrives[5].files[0]'])
    expect(problems.map((p) => p.location)).toEqual(['hardDrives[6]'])
  })

  it('a non-object element on the way down is a problem and is not descended into', () => {
    const { entries, problems } = select({ a: ['x', { b: [{ v: 1 }] }] }, 'a.b')
    expect(entries.map((e) => e.entry.v)).toEqual([1])
    expect(problems).toEqual([{ location: 'a[0]', message: 'an entry must be an object, found a string' }])
  })

  it("a selection keeps each entry's array and index, not its location text, and takes entries out one by one", () => {
    const rows = [{ id: 'a' }, 7, { id: 'b' }]
    const own = [{ id: 'c' }]
    const chunk = { rows, [objectsRoot('t')]: own }
    const problems: SelectorProblem[] = []
    const offsets = new Map([['rows', 10]])
    // Only the arrays it is given may be emptied: here the type's own root, not `rows`.
    const s = entriesForMapping(chunk, ['rows'], 't', problems, offsets, new Set([own]))
    expect(s.length).toBe(3)
    expect([0, 1, 2].map((i) => s.location(i))).toEqual(['rows[10]', 'rows[12]', `${objectsRoot('t')}[0]`])
    expect(problems).toEqual([
      { location: 'rows[11]', message: 'an entry must be an object, found a number' },
    ])
    expect([0, 1, 2].map((i) => s.take(i))).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'c' }])
    expect(s.entries).toEqual([undefined, undefined, undefined])
    expect(rows).toEqual([{ id: 'a' }, 7, { id: 'b' }])
    expect(own).toEqual([undefined])
  })

  it("releases the elements of the selector's own array (its offset taken off) when given it", () => {
    const rows = [{ id: 'a' }, 'x', { id: 'b' }]
    const s = entriesForMapping({ rows }, ['rows'], 't', [], new Map([['rows', 5]]), new Set([rows]))
    s.take(1)
    expect(rows).toEqual([{ id: 'a' }, 'x', undefined])
    s.take(0)
    expect(rows).toEqual([undefined, 'x', undefined])
  })
})
