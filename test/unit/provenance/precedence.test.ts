import { describe, expect, it } from 'vitest'
import {
  mayOverwrite,
  precedenceOf,
  precedenceProblems,
  precedenceSetting,
} from '../../../src/domain/provenance/precedence.js'
import {
  decodeProvenance,
  encodeProvenance,
  originOf,
  writeProvenance,
} from '../../../src/domain/provenance/provenance-map.js'

const owner = { id: 12, name: 'Owner' }
const hr = precedenceSetting({ attributes: { 'Host.Owner': 10 } })
const discovery = precedenceSetting({ default: 1, attributes: { '12': 3 } })

describe('precedence rule', () => {
  it('reads an attribute by id first, then by "Type.attribute" case-insensitively, else the default', () => {
    expect(precedenceOf(hr, 'Host', owner)).toBe(10)
    expect(precedenceOf(hr, 'host', { id: 12, name: 'OWNER' })).toBe(10)
    expect(precedenceOf(hr, 'Laptop', owner)).toBe(0)
    expect(precedenceOf(discovery, 'Host', owner)).toBe(3)
    expect(precedenceOf(discovery, 'Host', { id: 13, name: 'Location' })).toBe(1)
  })

  it('keeps a value only when its writer has a higher precedence; equal means the last writer wins', () => {
    const writtenBy = (precedence: ReturnType<typeof precedenceSetting>) =>
      ({ kind: 'source', sourceId: 's', precedence }) as const
    expect(mayOverwrite(writtenBy(hr), discovery, 'Host', owner)).toEqual({
      overwrite: false,
      reason: 'precedence',
      theirs: 10,
      ours: 3,
    })
    expect(mayOverwrite(writtenBy(discovery), hr, 'Host', owner)).toEqual({ overwrite: true })
    expect(mayOverwrite(writtenBy(discovery), discovery, 'Host', owner)).toEqual({ overwrite: true })
    expect(mayOverwrite({ kind: 'self' }, precedenceSetting({ default: -5 }), 'Host', owner)).toEqual({
      overwrite: true,
    })
  })

  it('overwrites manual values unless overwriteManual is false', () => {
    expect(mayOverwrite({ kind: 'manual' }, hr, 'Host', owner)).toEqual({ overwrite: true })
    expect(
      mayOverwrite({ kind: 'manual' }, precedenceSetting({ overwriteManual: false }), 'Host', owner),
    ).toEqual({
      overwrite: false,
      reason: 'manual',
    })
  })

  it('names each malformed member of a setting', () => {
    expect(precedenceProblems(null, 'p')).toEqual([])
    expect(precedenceProblems({ default: 1, attributes: { 'Host.Owner': 2, '7': 1 } }, 'p')).toEqual([])
    const fields = precedenceProblems(
      { default: 1.5, attributes: { Owner: 'x' }, overwriteManual: 'no', matchObjectsOf: ['nope'], extra: 1 },
      'p',
    ).map((x) => x.field)
    expect(fields.sort()).toEqual(
      [
        'p.attributes',
        'p.attributes.Owner',
        'p.default',
        'p.extra',
        'p.matchObjectsOf',
        'p.overwriteManual',
      ].sort(),
    )
  })
})

describe('stored provenance', () => {
  it('names only attributes whose writer is not the object origin', () => {
    expect(writeProvenance(null, 1, [12, 13], 1)).toBeNull()
    const once = writeProvenance(null, 1, [12], 2)
    expect(once).toBe('{"12":2}')
    const twice = writeProvenance(once, 1, [13, 12], 1)
    expect(twice).toBeNull()
    expect(
      encodeProvenance(
        new Map([
          [5, 3],
          [4, 1],
          [2, 3],
        ]),
        1,
      ),
    ).toBe('{"2":3,"5":3}')
    const map = decodeProvenance('{"12":2}')
    expect(originOf(12, 1, map)).toBe(2)
    expect(originOf(13, 1, map)).toBe(1)
  })
})
