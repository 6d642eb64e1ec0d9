import { describe, expect, it } from 'vitest'
import { compileCondition } from '../../../src/domain/mapping/entry-condition.js'
import { checkRegex } from '../../../src/domain/mapping/transform-regex.js'
import { compileLocator } from '../../../src/engine/selector.js'

function matches(condition: string, entry: Record<string, unknown>): boolean {
  const compiled = compileCondition(condition, compileLocator, 2000)
  if (!compiled.ok) expect.fail(compiled.reason)
  return compiled.test(entry)
}

function refused(condition: string): string {
  const compiled = compileCondition(condition, compileLocator, 2000)
  if (compiled.ok) expect.fail(`"${condition}" was accepted`)
  return compiled.reason
}

describe('entry conditions (the AQL expression grammar over entry fields)', () => {
  it("reads the issue's example with single-quoted text: numbers compare numerically, text case-insensitively", () => {
    const condition = "state = 'active' AND size > 0"
    expect(matches(condition, { state: 'Active', size: '12' })).toBe(true)
    expect(matches(condition, { state: 'active', size: 0 })).toBe(false)
    expect(matches(condition, { state: 'retired', size: 5 })).toBe(false)
    expect(matches(condition, { size: 5 })).toBe(false)
    expect(matches('size > 9', { size: '10' })).toBe(true)
    expect(matches('name > 9', { name: 'a' })).toBe(true)
  })

  it('supports ==, !=, like, startswith, endswith, in, not in, is EMPTY, NOT, OR and parentheses', () => {
    const e = { name: 'Zoë Host', os: 'Linux', env: '', tags: ['prod', 'eu'], dims: { w: 3 } }
    expect(matches('name == "Zoë Host"', e)).toBe(true)
    expect(matches('name == "zoë host"', e)).toBe(false)
    expect(matches("os != 'windows'", e)).toBe(true)
    expect(matches('missing != x', e)).toBe(true)
    expect(matches("name like 'ë h'", e)).toBe(true)
    expect(matches('name startswith zoë AND name endswith host', e)).toBe(true)
    expect(matches('tags in (prod, test)', e)).toBe(true)
    expect(matches('tags not in (test)', e)).toBe(true)
    expect(matches('env is EMPTY AND missing is EMPTY AND os is not EMPTY', e)).toBe(true)
    expect(matches('NOT (os = linux OR dims.w = 4)', e)).toBe(false)
    expect(matches('dims.w = 3', e)).toBe(true)
    expect(matches("who = 'O''Brien'", { who: "O'Brien" })).toBe(true)
    expect(matches("who = O'Brien", { who: "O'Brien" })).toBe(true)
  })

  it('refuses what speaks of stored objects or typed dates, and bad syntax, saying why', () => {
    expect(refused('object having inboundReferences()')).toMatch(/stored objects/)
    expect(refused('objectType in objectTypeAndChildren(Host)')).toMatch(/stored objects/)
    expect(refused('created > now(-1d)')).toMatch(/raw source values/)
    expect(refused('a = 1 order by a')).toMatch(/order by/)
    expect(refused("state = 'active")).toMatch(/never closed/)
    expect(refused('state = ')).toMatch(/AQL syntax error at position 8/)
  })
})

describe('regular expressions of replace steps', () => {
  it('accepts ordinary patterns, bounding the text they read by their worst case', () => {
    expect(checkRegex('^\\d{4}-\\d{2}$', 'g', 500)).toMatchObject({ ok: true, inputLimit: 100_000 })
    expect(checkRegex('\\s+', 'g', 500)).toMatchObject({ ok: true, inputLimit: 2000 })
    expect(checkRegex('^(\\w+), (\\w+)$', 'g', 500)).toMatchObject({ ok: true, inputLimit: 300 })
    expect(checkRegex('[(+*]+', 'g', 500)).toMatchObject({ ok: true })
    expect(checkRegex('\\p{L}+', 'g', 500)).toMatchObject({ ok: true })
    expect(checkRegex('^(\\d{1,3}\\.){3}\\d{1,3}$', 'g', 500)).toMatchObject({ ok: true })
  })

  it.each([
    ['(a+)+$', /nested repetition/],
    ['(a|aa)*b', /nested repetition/],
    ['(\\w*\\s?)*x', /nested repetition/],
    ['(a)\\1', /backreferences/],
    ['(?<x>a)\\k<x>', /backreferences/],
    ['a(?=b)', /lookahead/],
    ['(?<!a)b', /lookahead/],
    ['.*.*.*x', /at most 2 open-ended/],
    ['a{1,9}b{2,}c+', /at most 2 open-ended/],
    ['(', /not a valid regular expression/],
  ])('refuses %s', (pattern, reason) => {
    const checked = checkRegex(pattern, 'g', 500)
    expect(checked.ok).toBe(false)
    if (!checked.ok) expect(checked.reason).toMatch(reason)
  })

  it('refuses patterns longer than the limit', () => {
    expect(checkRegex('a'.repeat(501), 'g', 500)).toMatchObject({ ok: false })
  })
})
