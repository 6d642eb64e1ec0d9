import { describe, expect, it } from 'vitest'
import { compileAttributeShaping } from '../../../src/domain/mapping/attribute-shaping.js'
import type { AttributeShaping, TransformStep } from '../../../src/domain/mapping/shaping.types.js'
import type { StepContext } from '../../../src/domain/mapping/transform-steps.js'
import { compileSteps, TransformFailure } from '../../../src/domain/mapping/transform-steps.js'
import { compileLocator } from '../../../src/engine/selector.js'

const CX: StepContext = { concatenator: '-', zone: 'UTC', locator: compileLocator }

function run(steps: TransformStep[], value: unknown, entry: Record<string, unknown> = {}): unknown {
  return compileSteps(steps, CX)(value, entry)
}

function failure(steps: TransformStep[], value: unknown): TransformFailure {
  try {
    run(steps, value)
  } catch (error) {
    if (error instanceof TransformFailure) return error
    throw error
  }
  return expect.fail('expected the steps to fail')
}

describe('transformation steps on unit inputs', () => {
  it('trim, lower and upper work on Unicode text, each value of a multi-value, and leave nothing as nothing', () => {
    expect(run([{ type: 'trim' }], '\u00a0 Zoë \u2003')).toBe('Zoë')
    expect(run([{ type: 'lower' }], 'ÄRGER İ')).toBe('ärger i̇')
    expect(run([{ type: 'upper' }], 'straße')).toBe('STRASSE')
    expect(run([{ type: 'trim' }, { type: 'upper' }], [' a ', 'b ', null])).toEqual(['A', 'B', null])
    expect(run([{ type: 'trim' }], '')).toBe('')
    expect(run([{ type: 'trim' }], null)).toBeNull()
    expect(run([{ type: 'lower' }], undefined)).toBeUndefined()
    expect(run([{ type: 'lower' }], 42)).toBe('42')
  })

  it('replace: literal text everywhere or once, case-insensitive, and regular expressions with groups', () => {
    expect(run([{ type: 'replace', find: '.', replacement: '-' }], 'a.b.c')).toBe('a-b-c')
    expect(run([{ type: 'replace', find: '.', replacement: '-', all: false }], 'a.b.c')).toBe('a-b.c')
    expect(run([{ type: 'replace', find: '$&', replacement: '$1' }], 'x$&y')).toBe('x$1y')
    expect(run([{ type: 'replace', find: 'corp', replacement: 'Corp', ignoreCase: true }], 'CORP.corp')).toBe(
      'Corp.Corp',
    )
    const swap: TransformStep = {
      type: 'replace',
      find: '^(\\w+), (\\w+)$',
      replacement: '$2 $1',
      regex: true,
    }
    expect(run([swap], 'Lovelace, Ada')).toBe('Ada Lovelace')
    expect(
      run([{ type: 'replace', find: '\\s+', replacement: ' ', regex: true }], ['a   b', 'ç\t\td']),
    ).toEqual(['a b', 'ç d'])
    expect(run([{ type: 'replace', find: 'x', regex: true }], '')).toBe('')
  })

  it('a regular expression step refuses texts longer than its pattern may read, naming the step', () => {
    const steps: TransformStep[] = [{ type: 'trim' }, { type: 'replace', find: '.*=.*', regex: true }]
    const error = failure(steps, 'a'.repeat(301))
    expect(error).toMatchObject({ step: 1, stepType: 'replace' })
    expect(error.message).toMatch(/301 characters long; this pattern reads at most 300/)
  })

  it('split makes a multi-value, join makes one text of it', () => {
    expect(run([{ type: 'split', separator: ';' }], 'a;b;;c')).toEqual(['a', 'b', '', 'c'])
    expect(run([{ type: 'split', separator: ',' }, { type: 'trim' }], 'Lovelace, Ada')).toEqual([
      'Lovelace',
      'Ada',
    ])
    expect(run([{ type: 'join', separator: ' / ' }], ['x', '', null, 'y'])).toBe('x / y')
    expect(run([{ type: 'join', separator: ',' }], 'single')).toBe('single')
    expect(run([{ type: 'split', separator: ',' }], null)).toBeNull()
  })

  it('substring and pad count characters, not UTF-16 units', () => {
    expect(run([{ type: 'substring', start: 0, length: 3 }], 'ABCDEF')).toBe('ABC')
    expect(run([{ type: 'substring', start: -2 }], 'ABCDEF')).toBe('EF')
    expect(run([{ type: 'substring', start: 1, length: 2 }], '😀😁😂')).toBe('😁😂')
    expect(run([{ type: 'substring', start: 10 }], 'abc')).toBe('')
    expect(run([{ type: 'pad', length: 5, fill: '0' }], '42')).toBe('00042')
    expect(run([{ type: 'pad', length: 4, fill: '·', side: 'end' }], '😀')).toBe('😀···')
    expect(run([{ type: 'pad', length: 2 }], 'long')).toBe('long')
  })

  it('lookup maps values through a table, with or without a fallback, case-insensitively when asked', () => {
    const table = { Y: 'Active', N: 'Inactive' }
    expect(run([{ type: 'lookup', table }], ['Y', 'N', 'maybe'])).toEqual(['Active', 'Inactive', 'maybe'])
    expect(run([{ type: 'lookup', table, fallback: 'Unknown' }], 'maybe')).toBe('Unknown')
    expect(run([{ type: 'lookup', table, ignoreCase: true }], 'y')).toBe('Active')
    expect(run([{ type: 'lookup', table, fallback: 'Unknown' }], '')).toBe('')
    expect(run([{ type: 'lookup', table: { Ünïcode: 'ok' } }], 'Ünïcode')).toBe('ok')
  })

  it('number re-reads separators and rounds; text that is no number fails the step', () => {
    const german: TransformStep = { type: 'number', decimalSeparator: ',', groupSeparator: '.' }
    expect(run([german], '1.234,5')).toBe('1234.5')
    expect(run([{ ...german, decimals: 2 }], ['1.234,5', '-0,125'])).toEqual(['1234.50', '-0.13'])
    expect(run([{ type: 'number', decimals: 0 }], 2.5)).toBe('3')
    expect(run([{ type: 'number' }], '')).toBe('')
    expect(failure([{ type: 'number' }], 'twelve').message).toBe('"twelve" is not a number')
  })

  it('date re-formats between patterns; text that does not match fails the step', () => {
    expect(run([{ type: 'date', from: 'dd/MM/yyyy' }], '24/12/2026')).toBe('2026-12-24')
    expect(run([{ type: 'date', from: 'dd/MM/yyyy', to: 'MMM d, yyyy' }], '04/07/2026')).toBe('Jul 4, 2026')
    expect(run([{ type: 'date', from: 'yyyy-MM-dd HH:mm', zone: 'Europe/Berlin' }], '2026-06-01 12:00')).toBe(
      '2026-06-01T10:00:00.000Z',
    )
    expect(failure([{ type: 'date', from: 'dd/MM/yyyy' }], '2026-12-24').message).toMatch(/does not match/)
  })

  it('template combines several locators of the entry, the value so far and literal braces', () => {
    const entry = { first: 'Ada', last: 'Lovelace', tags: ['a', 'b'], dims: { w: 3 } }
    expect(run([{ type: 'template', template: '{first} {last}' }], undefined, entry)).toBe('Ada Lovelace')
    expect(run([{ type: 'template', template: '{{{}}} {tags} {dims.w}' }], 'v', entry)).toBe('{v} a-b 3')
    expect(run([{ type: 'template', template: '{missing}' }], 'v', entry)).toBe('')
  })
})

describe('an attribute shaper', () => {
  const shape = (shaping: AttributeShaping, raw: unknown, entry: Record<string, unknown> = {}) =>
    compileAttributeShaping(shaping, CX)!(raw, entry)

  it('is null without shaping members, so the value is used as read', () => {
    expect(compileAttributeShaping({}, CX)).toBeNull()
  })

  it('uses the default value when the locators read nothing or the steps leave nothing', () => {
    expect(shape({ defaultValue: 'DC1' }, undefined)).toBe('DC1')
    expect(shape({ defaultValue: 'DC1' }, '')).toBe('DC1')
    expect(shape({ defaultValue: ['a', 'b'] }, [])).toEqual(['a', 'b'])
    expect(shape({ defaultValue: 'DC1', transformations: [{ type: 'trim' }] }, '   ')).toBe('DC1')
    expect(shape({ defaultValue: 'DC1' }, 'DC2')).toBe('DC2')
  })

  it('takes the first conditional value whose condition matches, before the locators and steps', () => {
    const shaping: AttributeShaping = {
      conditionalValues: [
        { when: "state = 'retired'", value: 'Retired' },
        { when: 'size > 100 OR state = retired', value: 'Large' },
      ],
      transformations: [{ type: 'upper' }],
      defaultValue: 'none',
    }
    expect(shape(shaping, 'x', { state: 'RETIRED', size: 500 })).toBe('Retired')
    expect(shape(shaping, 'x', { state: 'active', size: '500' })).toBe('Large')
    expect(shape(shaping, 'x', { state: 'active', size: 5 })).toBe('X')
    expect(shape(shaping, '', { state: 'active' })).toBe('none')
  })
})
