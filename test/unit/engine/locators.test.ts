import { describe, expect, it } from 'vitest'
import { compileLocator } from '../../../src/engine/selector.js'
import { attribute, mapOne, mappedValues, plan } from './plan-builder.js'

describe('locators', () => {
  it('read a key of the entry', () => {
    expect(compileLocator('name')({ name: 'disk', other: 1 })).toBe('disk')
  })

  it('read nothing for a key the entry lacks, including inherited properties', () => {
    expect(compileLocator('name')({ other: 1 })).toBeUndefined()
    expect(compileLocator('constructor')({})).toBeUndefined()
    expect(compileLocator('toString.length')({})).toBeUndefined()
  })

  it('walk dotted paths into nested objects', () => {
    const read = compileLocator('dimensions.size.bytes')
    expect(read({ dimensions: { size: { bytes: 512 } } })).toBe(512)
    expect(read({ dimensions: { size: null } })).toBeUndefined()
    expect(read({ dimensions: 'flat' })).toBeUndefined()
    expect(read({})).toBeUndefined()
  })

  it('yield the values of every element of an array met on the way', () => {
    const entry = {
      nics: [{ ip: '10.0.0.1' }, { ip: null }, { mac: 'x' }, { ip: ['10.0.0.2', '10.0.0.3'] }],
    }
    expect(compileLocator('nics.ip')(entry)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3'])
  })

  it('flatten arrays nested in arrays', () => {
    const entry = { racks: [{ hosts: [{ n: 'a' }, { n: 'b' }] }, { hosts: [{ n: 'c' }] }] }
    expect(compileLocator('racks.hosts.n')(entry)).toEqual(['a', 'b', 'c'])
  })

  it('prefer a literal key containing dots over the nested reading', () => {
    const read = compileLocator('os.name')
    expect(read({ 'os.name': 'literal', os: { name: 'nested' } })).toBe('literal')
    expect(read({ os: { name: 'nested' } })).toBe('nested')
  })

  it('return an array value itself when the locator ends on it', () => {
    expect(compileLocator('tags')({ tags: ['a', 'b'] })).toEqual(['a', 'b'])
  })
})

describe('several locators on one attribute', () => {
  const fullName = attribute('Full name', 'text', { label: true })
  const id = attribute('Id', 'text')
  const p = plan([
    { attribute: id, locators: ['id'], identity: true },
    { attribute: fullName, locators: ['first', 'last'] },
  ])

  it('are joined with the concatenator', () => {
    const run = mapOne(p, { id: '1', first: 'Mathias', last: 'Edblom' }, { concatenator: ' ' })
    expect(mappedValues(run).get(fullName.id)).toEqual(['Mathias Edblom'])
  })

  it('use the concatenator as given (several characters)', () => {
    const run = mapOne(p, { id: '1', first: 'a', last: 'b' }, { concatenator: ' / ' })
    expect(mappedValues(run).get(fullName.id)).toEqual(['a / b'])
  })

  it('skip locators that read nothing, so no dangling concatenator remains', () => {
    for (const last of [undefined, null, '']) {
      const run = mapOne(p, { id: '1', first: 'Mathias', last }, { concatenator: ' ' })
      expect(mappedValues(run).get(fullName.id)).toEqual(['Mathias'])
    }
  })

  it('read nested paths and numbers too', () => {
    const q = plan([
      { attribute: id, locators: ['id'], identity: true },
      { attribute: fullName, locators: ['model.vendor', 'model.number'] },
    ])
    const run = mapOne(q, { id: '1', model: { vendor: 'Dell', number: 7490 } }, { concatenator: '-' })
    expect(mappedValues(run).get(fullName.id)).toEqual(['Dell-7490'])
  })

  it('make an empty attribute when every locator reads nothing', () => {
    const notes = attribute('Notes', 'text')
    const q = plan([
      { attribute: id, locators: ['id'], identity: true },
      { attribute: notes, locators: ['a', 'b'] },
    ])
    const run = mapOne(q, { id: '1' })
    expect(run.outcome.kind).toBe('mapped')
    if (run.outcome.kind === 'mapped') {
      expect(run.outcome.mapped.values.has(notes.id)).toBe(false)
      expect(run.outcome.mapped.empty.has(notes.id)).toBe(true)
    }
  })
})
