import { describe, expect, it } from 'vitest'
import {
  inList,
  prefixSuccessor,
  textContains,
  textEndsWith,
  textStartsWith,
} from '../../../src/store/aql/sql-fragments.js'
import { sql } from 'kysely'
import { compareCodePoints } from '../../../src/domain/aql/compare.js'
import { compileFor } from './compile-only.js'

const column = sql<string>`"v"."value_ci"`

describe('prefixSuccessor', () => {
  it.each([
    ['abc', 'abd'],
    ['a', 'b'],
    ['a\u{10ffff}', 'b'],
    ['\u{10ffff}\u{10ffff}', null],
    ['x\ud7ff', 'x\ue000'],
    ['é', 'ê'],
    ['a😀', 'a😁'],
  ])('%j → %j', (prefix, successor) => {
    expect(prefixSuccessor(prefix)).toBe(successor)
  })

  it('bounds exactly the strings that start with the prefix, in code point order', () => {
    const prefix = 'ab'
    const upper = prefixSuccessor(prefix)!
    const inside = (s: string) => compareCodePoints(s, prefix) >= 0 && compareCodePoints(s, upper) < 0
    for (const s of ['ab', 'ab\u{10ffff}', 'abz', 'ab😀', 'ab\u{10ffff}\u{10ffff}'])
      expect(inside(s), s).toBe(true)
    for (const s of ['ac', 'b', 'aa\u{10ffff}', 'a', '']) expect(inside(s), s).toBe(false)
  })
})

describe('literal substring tests', () => {
  it('binds the needle as a parameter and escapes LIKE wildcards on PostgreSQL', () => {
    const q = compileFor('postgres', (caps) => textContains(caps, column, '50%_off\\'))
    expect(q.sql).toBe(`"v"."value_ci" like $1 escape '\\'`)
    expect(q.parameters).toEqual(['%50\\%\\_off\\\\%'])
    const starts = compileFor('postgres', (caps) => textStartsWith(caps, column, 'a_'))
    expect(starts.parameters).toEqual(['a_', 'a`', 'a\\_%'])
    expect(compileFor('postgres', (caps) => textEndsWith(caps, column, '%')).parameters).toEqual(['%\\%'])
  })

  it('uses instr and substr by code points on SQLite, whose LIKE would fold ASCII', () => {
    const q = compileFor('sqlite', (caps) => textContains(caps, column, '%'))
    expect(q.sql).toBe('instr("v"."value_ci", ?) > 0')
    expect(q.parameters).toEqual(['%'])
    expect(compileFor('sqlite', (caps) => textEndsWith(caps, column, 'x😀')).parameters).toEqual([-2, 'x😀'])
    const starts = compileFor('sqlite', (caps) => textStartsWith(caps, column, 'é'))
    expect(starts.sql).toContain('substr("v"."value_ci", 1, ?) = ?')
    expect(starts.parameters).toEqual(['é', 'ê', 1, 'é'])
  })

  it('compares ranges by code point: COLLATE "C" on PostgreSQL, BINARY on SQLite', () => {
    expect(compileFor('postgres', (caps) => textStartsWith(caps, column, 'a')).sql).toContain(
      '("v"."value_ci" collate "C") >= $1',
    )
    expect(compileFor('sqlite', (caps) => textStartsWith(caps, column, 'a')).sql).not.toContain('collate')
  })

  it('makes an empty IN list false and binds every member', () => {
    expect(compileFor('sqlite', () => inList(column, [])).sql).toBe('(1 = 0)')
    const q = compileFor('postgres', () => inList(column, ["a'b", "a'b", 'c']))
    expect(q.sql).toBe('"v"."value_ci" in ($1, $2)')
    expect(q.parameters).toEqual(["a'b", 'c'])
  })
})
