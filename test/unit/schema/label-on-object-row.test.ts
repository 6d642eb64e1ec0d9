import { describe, expect, it } from 'vitest'
import {
  indexUsable,
  keepsIndexRows,
  labelOnRowEligible,
  nextIndexState,
  reportedIndexed,
} from '../../../src/domain/schema/indexed-attributes.js'
import type { AttributeDef } from '../../../src/domain/schema/types.js'

type Flags = Pick<AttributeDef, 'kind' | 'label' | 'unique' | 'indexed' | 'maximumCardinality'>
const label: Flags = { kind: 'text', label: true, unique: false, indexed: false, maximumCardinality: 1 }

describe('single-valued text labels answered from the object row (index state label)', () => {
  it('qualify when the label, text-compared, single-valued and not unique', () => {
    expect(labelOnRowEligible(label)).toBe(true)
    for (const kind of ['textarea', 'url', 'email', 'select', 'ipaddress', 'status'] as const)
      expect(labelOnRowEligible({ ...label, kind }), kind).toBe(true)
    for (const kind of [
      'integer',
      'double',
      'boolean',
      'date',
      'time',
      'date_time',
      'referenced_object',
    ] as const)
      expect(labelOnRowEligible({ ...label, kind }), kind).toBe(false)
    expect(labelOnRowEligible({ ...label, maximumCardinality: -1 })).toBe(false)
    expect(labelOnRowEligible({ ...label, maximumCardinality: 2 })).toBe(false)
    expect(labelOnRowEligible({ ...label, unique: true })).toBe(false)
    expect(labelOnRowEligible({ ...label, label: false })).toBe(false)
  })

  it('a new qualifying attribute starts answered from the label and keeps no rows; an indexed flag changes nothing', () => {
    expect(nextIndexState({ ...label, indexState: null })).toBe('label')
    expect(nextIndexState({ ...label, indexed: true, indexState: null })).toBe('label')
    expect(nextIndexState({ ...label, indexed: true, indexState: 'label' })).toBe('label')
    const a = { ...label, indexState: 'label' as const }
    expect(keepsIndexRows(a)).toBe(false)
    expect(indexUsable(a)).toBe(false)
    expect(reportedIndexed(a)).toBe(true)
  })

  it('a new label that does not qualify keeps rows as before', () => {
    expect(nextIndexState({ ...label, maximumCardinality: -1, indexState: null })).toBe('ready')
    expect(nextIndexState({ ...label, kind: 'integer', indexState: null })).toBe('ready')
    expect(nextIndexState({ ...label, unique: true, indexState: null })).toBe('ready')
  })

  it('losing the qualification builds rows when still wanted, else holds none', () => {
    expect(nextIndexState({ ...label, maximumCardinality: 3, indexState: 'label' })).toBe('building')
    expect(nextIndexState({ ...label, unique: true, indexState: 'label' })).toBe('building')
    expect(nextIndexState({ ...label, label: false, indexed: true, indexState: 'label' })).toBe('building')
    expect(nextIndexState({ ...label, label: false, indexState: 'label' })).toBe('none')
  })

  it('an existing attribute becoming a qualifying label keeps its rows (its objects labels may be another attribute)', () => {
    expect(nextIndexState({ ...label, indexState: 'none' })).toBe('building')
    expect(nextIndexState({ ...label, indexState: 'ready' })).toBe('ready')
    expect(nextIndexState({ ...label, indexState: 'dropping' })).toBe('building')
    expect(keepsIndexRows({ ...label, indexState: 'ready' })).toBe(true)
  })
})
