import { describe, expect, it } from 'vitest'
import { prepareAql } from '../../../src/domain/aql/aql.js'
import { CatalogIndex } from '../../../src/domain/aql/catalog.js'
import { conjuncts, driverRank } from '../../../src/store/aql/drivers.js'
import { CATALOG, NOW } from '../aql/fixtures.js'

const refs = new Set(new CatalogIndex(CATALOG).referenceAttributeIds())
const indexed = () => true
const ranks = (text: string): number[] =>
  conjuncts(prepareAql(text, { catalog: CATALOG, now: NOW }).where).map((c) => driverRank(c, refs, indexed))

describe('driver ranks: which conjunct a statement is read from', () => {
  it.each([
    ['Serial = "SN-1"', [0]],
    ['Serial in ("a", "b")', [1]],
    ['"Belongs to Department".Code = HR', [2]],
    ['"Belongs to Department" = HR', [4]],
    ['object having inboundReferences(Name = x)', [5]],
    ['Price > 4', [6]],
    ['Cores > 4', [-1]], // an integer in some types and text in another: two targets
    ['Serial startswith "SN-"', [6]],
    // Not keyed: text order, substrings, emptiness, built-ins of the row, having anything, negations.
    ['Serial > "a"', [-1]],
    ['Serial like "a"', [-1]],
    ['Serial is not EMPTY', [-1]],
    ['label = x', [-1]],
    ['objectType = Server', [-1]],
    ['object having outR()', [-1]],
    ['Serial != "a"', [-1]],
    ['Owner is not EMPTY', [-1]],
  ])('%s → %j', (text, expected) => {
    expect(ranks(text)).toEqual(expected)
  })

  it('never drives from an attribute without usable index rows, directly or through references', () => {
    const unindexed = (text: string): number[] =>
      conjuncts(prepareAql(text, { catalog: CATALOG, now: NOW }).where).map((c) =>
        driverRank(c, refs, () => false),
      )
    expect(unindexed('Serial = "SN-1"')).toEqual([-1])
    expect(unindexed('Price > 4')).toEqual([-1])
    expect(unindexed('"Belongs to Department".Code = HR')).toEqual([-1])
    // A label reached through a reference is read from the object row's label: it still drives.
    expect(unindexed('"Belongs to Department" = HR')).toEqual([4])
  })

  it('ranks each conjunct of an AND, and nothing inside an OR', () => {
    expect(ranks('objectType = Server AND Price > 4 AND Serial = "x"')).toEqual([-1, 6, 0])
    expect(ranks('Serial = "x" OR Price > 4')).toEqual([-1])
  })
})
