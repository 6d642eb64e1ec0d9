import { describe, expect, it } from 'vitest'
import { coercePlainString, coerceValue, type CoerceOptions } from '../../../src/domain/mapping/coerce.js'
import { ATTRIBUTE_KINDS, type AttributeKind } from '../../../src/domain/schema/types.js'
import { seededRandom } from '../../helpers/seeded-random.js'

/** Characters each kind's rules treat specially: padding, separators, case, escapes, surrogates, NUL. */
const ALPHABET = [
  ...'0123456789',
  ...'azAZ',
  ...'@.-_+|!#"\\[]:/ ',
  '\t',
  '\n',
  '\u0000',
  '\u00a0',
  '\ufeff',
  'é',
  '\ud800',
  '\udc00',
  '😀',
]

function randomText(next: () => number, maxLength: number): string {
  let s = ''
  const length = Math.floor(next() * (maxLength + 1))
  for (let i = 0; i < length; i++) s += ALPHABET[Math.floor(next() * ALPHABET.length)]!
  return s
}

const pick = <T>(next: () => number, list: readonly T[]): T => list[Math.floor(next() * list.length)]!

/** Strings near each plain shape: valid ones and one-character variations of them. */
function nearPlain(next: () => number): string {
  const n = () => String(Math.floor(next() * 300))
  const shapes = [
    `${n()}.${n()}.${n()}.${n()}`,
    `0${n()}.1.2.3`,
    `${n()}.${n()}.${n()}`,
    `${pick(next, ['user', 'a.b', '.a', 'a..b', 'x|y', 'Ü', "o'k", 'a@b'])}@${pick(next, ['example.com', 'Example.com', 'ex-ample.co', '-x.com', 'x-.com', 'x.123', 'x.c0m', 'localhost', 'a..b', '[1.2.3.4]'])}`,
    `${'a'.repeat(Math.floor(next() * 70))}@x.io`,
    `u@${'d'.repeat(Math.floor(next() * 70))}.io`,
    `${2000 + Math.floor(next() * 30)}-${String(Math.floor(next() * 14)).padStart(2, '0')}-${String(Math.floor(next() * 33)).padStart(2, '0')}`,
    `0000-01-01`,
    `${Math.floor(next() * 1e17)}`,
    `${'9'.repeat(1 + Math.floor(next() * 20))}`,
    `${'x'.repeat(250 + Math.floor(next() * 10))}`,
  ]
  const s = pick(next, shapes)
  if (next() < 0.5) return s
  const at = Math.floor(next() * (s.length + 1))
  return s.slice(0, at) + pick(next, ALPHABET) + s.slice(at + (next() < 0.5 ? 1 : 0))
}

const OPTIONS: CoerceOptions[] = [{}, { dateFormat: 'dd.MM.yyyy' }, { zone: 'Europe/Berlin' }]

function expectSameAsCoerceValue(kind: AttributeKind, text: string, options: CoerceOptions): boolean {
  const plain = coercePlainString(kind, text, options)
  if (plain === undefined) return false
  const general = coerceValue(kind, text, options)
  expect({ kind, text, general }).toEqual({ kind, text, general: { ok: true, value: plain } })
  return true
}

describe('coercePlainString', () => {
  it('answers only what coerceValue answers, for generated strings of every kind', () => {
    const next = seededRandom(11)
    let answered = 0
    for (let i = 0; i < 20_000; i++) {
      const text = i % 2 === 0 ? randomText(next, 20) : nearPlain(next)
      for (const kind of ATTRIBUTE_KINDS)
        for (const options of OPTIONS) if (expectSameAsCoerceValue(kind, text, options)) answered++
    }
    // The generators reach the plain shapes often enough for the comparison to mean something.
    expect(answered).toBeGreaterThan(10_000)
  })

  it('answers the plain shape of each kind it knows without the general path', () => {
    const plain: [AttributeKind, string, unknown][] = [
      ['text', 'asset-1', 'asset-1'],
      ['text', 'Device 12 (rack 4)', 'Device 12 (rack 4)'],
      ['textarea', 'line 1\nline 2', 'line 1\nline 2'],
      ['integer', '2777051219', 2777051219],
      ['integer', '007', 7],
      ['double', '42', 42],
      ['date', '2024-02-29', '2024-02-29'],
      ['email', "o'brien.j+it@mail.example-corp.com", "o'brien.j+it@mail.example-corp.com"],
      ['ipaddress', '10.0.255.0', '10.0.255.0'],
    ]
    for (const [kind, text, value] of plain) {
      expect(coercePlainString(kind, text, {})).toBe(value)
      expect(expectSameAsCoerceValue(kind, text, {})).toBe(true)
    }
  })

  it('leaves every other string to coerceValue', () => {
    const other: [AttributeKind, string, CoerceOptions?][] = [
      ['text', ' padded'],
      ['text', 'x'.repeat(256)],
      ['text', 'nul \u0000 inside'],
      ['text', 'pair 😀 inside'],
      ['text', '\u00a0nbsp'],
      ['integer', '-1'],
      ['integer', '1e3'],
      ['integer', '1234567890123456'],
      ['date', '2023-02-29'],
      ['date', '2024-05-01', { dateFormat: 'yyyy-MM-dd' }],
      ['date', '2024-05-01T10:00:00Z'],
      ['email', 'Ops@Example.com'],
      ['email', 'a..b@example.com'],
      ['email', 'user@123.456'],
      ['email', 'user@[10.0.0.1]'],
      ['ipaddress', '10.0.0.01'],
      ['ipaddress', '::1'],
      ['select', 'Dell'],
      ['status', 'Retired'],
      ['boolean', 'true'],
      ['url', 'https://example.com'],
    ]
    for (const [kind, text, options] of other)
      expect(coercePlainString(kind, text, options ?? {})).toBeUndefined()
  })
})
