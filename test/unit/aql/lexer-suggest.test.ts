import { describe, expect, it } from 'vitest'
import type { Token } from '../../../src/domain/aql/lexer.js'
import { Lexer } from '../../../src/domain/aql/lexer.js'
import { closestName, levenshtein } from '../../../src/domain/aql/suggest.js'

function tokens(source: string): Pick<Token, 'type' | 'value' | 'start' | 'end'>[] {
  const lexer = new Lexer(source)
  const out: Pick<Token, 'type' | 'value' | 'start' | 'end'>[] = []
  for (;;) {
    const { type, value, start, end } = lexer.next()
    out.push({ type, value, start, end })
    if (type === 'end') return out
  }
}

describe('Lexer', () => {
  it('splits operators, punctuation, words and strings with their offsets', () => {
    expect(tokens('"a\\"b".c>=1.5,(x!=y)')).toEqual([
      { type: 'string', value: 'a"b', start: 0, end: 6 },
      { type: 'dot', value: '.', start: 6, end: 7 },
      { type: 'word', value: 'c', start: 7, end: 8 },
      { type: 'operator', value: '>=', start: 8, end: 10 },
      { type: 'word', value: '1.5', start: 10, end: 13 },
      { type: 'comma', value: ',', start: 13, end: 14 },
      { type: 'lparen', value: '(', start: 14, end: 15 },
      { type: 'word', value: 'x', start: 15, end: 16 },
      { type: 'operator', value: '!=', start: 16, end: 18 },
      { type: 'word', value: 'y', start: 18, end: 19 },
      { type: 'rparen', value: ')', start: 19, end: 20 },
      { type: 'end', value: '', start: 20, end: 20 },
    ])
  })

  it('keeps a dot inside a word only between word characters', () => {
    expect(tokens('a.b. c."d"').map((t) => t.value)).toEqual(['a.b', '.', 'c', '.', 'd', ''])
  })

  it('reads O’Brien-style apostrophes and other symbols as word characters', () => {
    expect(tokens("O'Brien 10:30 a@b.c -2h").map((t) => t.value)).toEqual([
      "O'Brien",
      '10:30',
      'a@b.c',
      '-2h',
      '',
    ])
  })
})

describe('suggestions', () => {
  it('measures edit distance on code points', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3)
    expect(levenshtein('', 'abc')).toBe(3)
    expect(levenshtein('😀a', '😀b')).toBe(1)
  })

  it('suggests the closest name case-insensitively, alphabetically first on ties, none when far', () => {
    expect(closestName('nmae', ['Owner', 'Name', 'Rack'])).toBe('Name')
    expect(closestName('SERVR', ['Server'])).toBe('Server')
    expect(closestName('cat', ['bat', 'act', 'hat'])).toBe('bat')
    expect(closestName('Name', ['Qwertyuiop'])).toBeNull()
    expect(closestName('Name', [])).toBeNull()
  })
})
