import { describe, expect, it } from 'vitest'
import { EntryProblemFailure } from '../../../src/engine/map-entry.js'
import { attribute, mapOne, mapped, plan } from './plan-builder.js'

const serial = attribute('Serial', 'text')
const size = attribute('Size', 'integer')
const ip = attribute('IP', 'ipaddress')
const required = attribute('Model', 'text', { minimumCardinality: 1 })

const base = plan(
  [
    { attribute: serial, locators: ['serial'], identity: true },
    { attribute: size, locators: ['size'] },
    { attribute: ip, locators: ['ip'] },
  ],
  { emptyValues: 'REMOVE' },
)
const bad = { serial: 'SN-1', size: 'huge', ip: '10.0.0.1' }

describe('entry problems', () => {
  it('SKIP_VALUE drops the bad value, keeps the rest of the entry and reports where it came from', () => {
    const run = mapOne(base, bad, { entryProblems: 'SKIP_VALUE' })
    const m = mapped(run)
    expect(m.values.has(size.id)).toBe(false)
    expect(m.values.get(ip.id)).toEqual(['10.0.0.1'])
    expect(run.problems).toEqual([
      {
        objectTypeId: 10,
        location: 'items[0]',
        code: 'INVALID_VALUE',
        message: 'Size: not a number',
        attribute: 'Size',
        value: 'huge',
      },
    ])
  })

  it('SKIP_VALUE leaves the attribute alone: a bad value is not an empty value, even under emptyValues REMOVE', () => {
    const m = mapped(mapOne(base, bad, { entryProblems: 'SKIP_VALUE' }))
    expect(m.empty.has(size.id)).toBe(false)
  })

  it('SKIP_ENTRY skips the whole entry and still reports the problem', () => {
    const run = mapOne(base, bad, { entryProblems: 'SKIP_ENTRY' })
    expect(run.outcome).toEqual({ kind: 'skipped', identity: 'SN-1' })
    expect(run.problems.map((p) => [p.code, p.attribute])).toEqual([['INVALID_VALUE', 'Size']])
  })

  it('SKIP_ENTRY reports every problem of the entry, not only the first', () => {
    const run = mapOne(base, { serial: 'SN-1', size: 'huge', ip: 'nowhere' }, { entryProblems: 'SKIP_ENTRY' })
    expect(run.problems.map((p) => p.attribute)).toEqual(['Size', 'IP'])
  })

  it('FAIL throws the first problem and records none', () => {
    let thrown: unknown
    const problems = (() => {
      try {
        return mapOne(base, bad, { entryProblems: 'FAIL' }).problems
      } catch (error) {
        thrown = error
        return null
      }
    })()
    expect(problems).toBeNull()
    expect(thrown).toBeInstanceOf(EntryProblemFailure)
    expect((thrown as EntryProblemFailure).problem).toMatchObject({
      code: 'INVALID_VALUE',
      attribute: 'Size',
      location: 'items[0]',
    })
    expect((thrown as Error).message).toBe('items[0]: Size: not a number')
  })

  it('a clean entry is mapped with no problem under every policy', () => {
    for (const entryProblems of ['SKIP_VALUE', 'SKIP_ENTRY', 'FAIL'] as const) {
      const run = mapOne(base, { serial: 'SN-1', size: '7', ip: '10.0.0.1' }, { entryProblems })
      expect(run.problems).toEqual([])
      expect(mapped(run).values.get(size.id)).toEqual([7])
    }
  })

  it('a missing required value skips the entry as MISSING_REQUIRED_VALUE, even under SKIP_VALUE', () => {
    const p = plan([
      { attribute: serial, locators: ['serial'], identity: true },
      { attribute: required, locators: ['model'] },
    ])
    const run = mapOne(p, { serial: 'SN-1' }, { entryProblems: 'SKIP_VALUE' })
    expect(run.outcome).toEqual({ kind: 'skipped', identity: 'SN-1' })
    expect(run.problems).toEqual([
      expect.objectContaining({
        code: 'MISSING_REQUIRED_VALUE',
        attribute: 'Model',
        message: 'Model: needs at least 1 value(s); the entry is skipped',
      }),
    ])
    expect(() => mapOne(p, { serial: 'SN-1' }, { entryProblems: 'FAIL' })).toThrow(EntryProblemFailure)
  })

  it('a required value that is present but invalid is INVALID_VALUE then MISSING_REQUIRED_VALUE', () => {
    const model = attribute('Count', 'integer', { minimumCardinality: 1 })
    const p = plan([
      { attribute: serial, locators: ['serial'], identity: true },
      { attribute: model, locators: ['n'] },
    ])
    const run = mapOne(p, { serial: 'SN-1', n: 'x' })
    expect(run.outcome).toEqual({ kind: 'skipped', identity: 'SN-1' })
    expect(run.problems.map((p) => p.code)).toEqual(['INVALID_VALUE', 'MISSING_REQUIRED_VALUE'])
  })

  it('long values are cut to 200 characters in the problem', () => {
    const run = mapOne(base, { serial: 'SN-1', size: 'x'.repeat(500) })
    expect(run.problems[0]!.value).toHaveLength(200)
  })
})
