import { describe, expect, it } from 'vitest'
import { attribute, mapOne, mapped, plan } from './plan-builder.js'

const id = attribute('Id', 'text')

function withAttribute(
  max: number,
  kind: 'ipaddress' | 'text' | 'integer' | 'referenced_object' = 'ipaddress',
) {
  const target = attribute('Values', kind, { maximumCardinality: max })
  const p = plan([
    { attribute: id, locators: ['id'], identity: true },
    { attribute: target, locators: ['v'] },
  ])
  return { p, target }
}

describe('multi-values', () => {
  it('an array gives one value per element, in order', () => {
    const { p, target } = withAttribute(-1)
    const run = mapOne(p, { id: 'x', v: ['10.0.0.2', '10.0.0.1'] })
    expect(mapped(run).values.get(target.id)).toEqual(['10.0.0.2', '10.0.0.1'])
  })

  it('a string with || gives one value per part, trimmed, empty parts dropped', () => {
    const { p, target } = withAttribute(-1)
    const run = mapOne(p, { id: 'x', v: '10.0.0.1 || 10.0.0.2|| ||10.0.0.3' })
    expect(mapped(run).values.get(target.id)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3'])
  })

  it('null and blank elements of an array are skipped', () => {
    const { p, target } = withAttribute(-1, 'text')
    const run = mapOne(p, { id: 'x', v: ['a', null, '  ', 'b'] })
    expect(mapped(run).values.get(target.id)).toEqual(['a', 'b'])
  })

  it('repeated values count once (after coercion)', () => {
    const { p, target } = withAttribute(-1, 'integer')
    const run = mapOne(p, { id: 'x', v: [1, '1', 2, '02'] })
    expect(mapped(run).values.get(target.id)).toEqual([1, 2])
    expect(run.problems).toEqual([])
  })

  it('up to the maximum cardinality, no problem', () => {
    const { p, target } = withAttribute(3)
    const run = mapOne(p, { id: 'x', v: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] })
    expect(mapped(run).values.get(target.id)).toHaveLength(3)
    expect(run.problems).toEqual([])
  })

  it('beyond the maximum cardinality: TOO_MANY_VALUES, the first values are kept', () => {
    const { p, target } = withAttribute(2)
    const run = mapOne(p, { id: 'x', v: '10.0.0.1||10.0.0.2||10.0.0.3' })
    expect(mapped(run).values.get(target.id)).toEqual(['10.0.0.1', '10.0.0.2'])
    expect(run.problems).toEqual([
      expect.objectContaining({
        code: 'TOO_MANY_VALUES',
        attribute: 'Values',
        location: 'items[0]',
        message: 'Values: takes at most 2 value(s), got 3; the first 2 are kept',
      }),
    ])
  })

  it('a single-valued attribute given two values keeps the first and reports TOO_MANY_VALUES', () => {
    const { p, target } = withAttribute(1, 'text')
    const run = mapOne(p, { id: 'x', v: ['first', 'second'] })
    expect(mapped(run).values.get(target.id)).toEqual(['first'])
    expect(run.problems.map((x) => x.code)).toEqual(['TOO_MANY_VALUES'])
  })

  it('a bad element is dropped alone; the good ones stay', () => {
    const { p, target } = withAttribute(-1)
    const run = mapOne(p, { id: 'x', v: ['10.0.0.1', 'not-an-ip', '10.0.0.2'] })
    expect(mapped(run).values.get(target.id)).toEqual(['10.0.0.1', '10.0.0.2'])
    expect(run.problems.map((x) => [x.code, x.value])).toEqual([['INVALID_VALUE', 'not-an-ip']])
  })

  it('a single-valued reference given two texts reports TOO_MANY_VALUES (repeats count once)', () => {
    const { p, target } = withAttribute(1, 'referenced_object')
    const run = mapOne(p, { id: 'x', v: ['Windows', 'Linux'] })
    expect(run.problems.map((x) => [x.code, x.message])).toEqual([
      ['TOO_MANY_VALUES', 'Values: takes at most 1 value(s), got 2; the first 1 are kept'],
    ])
    expect(mapped(run).references.get(target.id)).toEqual(['Windows', 'Linux'])
    expect(mapOne(p, { id: 'x', v: 'Linux||Linux' }).problems).toEqual([])
  })

  it('reference texts are split the same way and kept for the reference pass', () => {
    const { p, target } = withAttribute(-1, 'referenced_object')
    const run = mapOne(p, { id: 'x', v: 'Windows || Linux' })
    expect(mapped(run).references.get(target.id)).toEqual(['Windows', 'Linux'])
    expect(mapped(run).values.has(target.id)).toBe(false)
  })
})
