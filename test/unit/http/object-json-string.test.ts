import { expect, it } from 'vitest'
import { jsonString } from '../../../src/http/presenters/object-json.js'

/** GET object/{id} quotes most strings itself instead of calling JSON.stringify: the text must be the same. */
it('writes every string exactly as JSON.stringify does, escapes and surrogates included', () => {
  const samples = [
    '',
    'plain ascii 123',
    'quote " and backslash \\',
    'line\nfeed\ttab\rreturn\b\f',
    '\u0000\u0001\u001f\u007f',
    'ünï Ångström 東京',
    'pair 😀',
    'lone high \ud83d end',
    'lone low \ude00 end',
    '\u2028\u2029 separators',
    '</script>',
  ]
  // Every code unit, alone and between letters.
  for (let c = 0; c <= 0xffff; c++) samples.push(String.fromCharCode(c), `a${String.fromCharCode(c)}b`)
  for (const s of samples) expect(jsonString(s)).toBe(JSON.stringify(s))
})
