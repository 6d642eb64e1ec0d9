import { describe, expect, it } from 'vitest'
import { attribute, mapOne, mapped, plan } from './plan-builder.js'

describe('identity', () => {
  const serial = attribute('Serial', 'text')
  const name = attribute('Name', 'text', { label: true })
  const size = attribute('Size', 'integer')

  it('is the text of the externalIdPart value', () => {
    const p = plan([
      { attribute: serial, locators: ['serial'], identity: true },
      { attribute: name, locators: ['name'] },
    ])
    expect(mapped(mapOne(p, { serial: 'SN-1', name: 'Disk' })).identity).toBe('SN-1')
  })

  it('of a number is its decimal text', () => {
    const p = plan([{ attribute: size, locators: ['n'], identity: true }])
    expect(mapped(mapOne(p, { n: '0042' })).identity).toBe('42')
  })

  it('keeps case unless matchIdentifierIgnoreCase, which folds it (the label keeps the source spelling)', () => {
    const mappedAttrs = [
      { attribute: serial, locators: ['serial'], identity: true },
      { attribute: name, locators: ['name'] },
    ]
    const entry = { serial: 'SN-Ab', name: 'Disk Ä' }
    expect(mapped(mapOne(plan(mappedAttrs), entry)).identity).toBe('SN-Ab')
    const folded = mapped(mapOne(plan(mappedAttrs, { ignoreCase: true }), entry))
    expect(folded.identity).toBe('sn-ab')
    expect(folded.label).toBe('Disk Ä')
  })

  it('folds non-ASCII letters too, so ÄBC and äbc are one object', () => {
    const p = plan([{ attribute: name, locators: ['name'], identity: true }], { ignoreCase: true })
    expect(mapped(mapOne(p, { name: 'ÄBC' })).identity).toBe(mapped(mapOne(p, { name: 'äbc' })).identity)
  })

  it('of several parts joins them unambiguously (a-b + c differs from a + b-c)', () => {
    const p = plan([
      { attribute: serial, locators: ['s'], identity: true },
      { attribute: name, locators: ['n'], identity: true },
    ])
    const one = mapped(mapOne(p, { s: 'a-b', n: 'c' })).identity
    const two = mapped(mapOne(p, { s: 'a', n: 'b-c' })).identity
    expect(one).not.toBe(two)
    expect(one).toBe(JSON.stringify(['a-b', 'c']))
  })

  it('may come from a reference attribute (its lookup text)', () => {
    const owner = attribute('Owner', 'referenced_object')
    const p = plan([
      { attribute: owner, locators: ['owner'], identity: true },
      { attribute: size, locators: ['n'] },
    ])
    expect(mapped(mapOne(p, { owner: 'alice', n: 1 })).identity).toBe('alice')
  })

  it('uses the first value of a multi-valued identity attribute', () => {
    const tags = attribute('Tags', 'text', { maximumCardinality: -1 })
    const p = plan([{ attribute: tags, locators: ['t'], identity: true }])
    expect(mapped(mapOne(p, { t: ['x', 'y'] })).identity).toBe('x')
  })
})

describe('empty identity and empty label', () => {
  const serial = attribute('Serial', 'text')
  const name = attribute('Name', 'text', { label: true })
  const p = plan([
    { attribute: serial, locators: ['serial'], identity: true },
    { attribute: name, locators: ['name'] },
  ])

  it.each([
    [{ name: 'Disk' }],
    [{ serial: null, name: 'Disk' }],
    [{ serial: '   ', name: 'Disk' }],
    [{ serial: [] }],
  ])('an entry without an identity value (%j) is emptyExternalId', (entry) => {
    expect(mapOne(p, entry).outcome).toEqual({ kind: 'emptyExternalId' })
  })

  it('an entry missing one of several identity parts is emptyExternalId', () => {
    const q = plan([
      { attribute: serial, locators: ['serial'], identity: true },
      { attribute: name, locators: ['name'], identity: true },
    ])
    expect(mapOne(q, { serial: 'SN-1' }).outcome).toEqual({ kind: 'emptyExternalId' })
  })

  it('a mapping with no externalIdPart at all makes every entry emptyExternalId', () => {
    const q = plan([{ attribute: name, locators: ['name'] }])
    expect(mapOne(q, { name: 'Disk' }).outcome).toEqual({ kind: 'emptyExternalId' })
  })

  it('an identity value that fails coercion counts as no identity', () => {
    const n = attribute('N', 'integer')
    const q = plan([{ attribute: n, locators: ['n'], identity: true }])
    const run = mapOne(q, { n: 'abc' })
    expect(run.outcome).toEqual({ kind: 'emptyExternalId' })
    expect(run.problems.map((x) => x.code)).toEqual(['INVALID_VALUE'])
  })

  it('an entry with an identity but an empty mapped label is emptyLabel', () => {
    expect(mapOne(p, { serial: 'SN-1' }).outcome).toEqual({ kind: 'emptyLabel', identity: 'SN-1' })
    expect(mapOne(p, { serial: 'SN-1', name: ' ' }).outcome).toEqual({ kind: 'emptyLabel', identity: 'SN-1' })
  })

  it('an empty identity wins over an empty label', () => {
    expect(mapOne(p, {}).outcome).toEqual({ kind: 'emptyExternalId' })
  })

  it('when the label attribute is not mapped the label is the identity text (in source case)', () => {
    const unmappedLabel = attribute('Title', 'text', { label: true })
    const q = plan([{ attribute: serial, locators: ['serial'], identity: true }], {
      unmapped: [unmappedLabel],
      ignoreCase: true,
    })
    const m = mapped(mapOne(q, { serial: 'SN-Ab' }))
    expect(m.label).toBe('SN-Ab')
    expect(m.identity).toBe('sn-ab')
  })
})
