import fc from 'fast-check'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { prepareAql } from '../../../src/domain/aql/aql.js'
import { CatalogIndex } from '../../../src/domain/aql/catalog.js'
import { quoteAql } from '../../../src/domain/aql/print.js'
import { compileOrder, DEFAULT_ORDER } from '../../../src/store/aql/compile-order.js'
import { compileQuery, type AqlPlan } from '../../../src/store/aql/compile-query.js'
import { WhereCompiler } from '../../../src/store/aql/compile-where.js'
import { CATALOG, NOW } from '../aql/fixtures.js'
import { compileFor, DIALECTS } from './compile-only.js'

/**
 * Whatever a value holds, it reaches the database as a bound parameter: the SQL text of every statement the
 * compiler makes is the same for any value, and the value is among the parameters.
 */

const MARK = 'ZQX'
const hostile = fc
  .tuple(
    fc.constantFrom(
      "'",
      '"',
      '\\',
      '%',
      '_',
      ';',
      '--',
      '/*',
      ')',
      '$1',
      '?',
      "' OR '1'='1",
      '\u0000'.slice(1),
    ),
    fc.string({ maxLength: 6 }),
  )
  .map(([nasty, rest]) => `${MARK}${nasty}${rest} drop table object`)

const TEMPLATES = [
  (v: string) => `Name = ${quoteAql(v)}`,
  (v: string) => `Name == ${quoteAql(v)}`,
  (v: string) => `Name like ${quoteAql(v)} order by Rack desc`,
  (v: string) => `Serial startswith ${quoteAql(v)} AND Serial endswith ${quoteAql(v)}`,
  (v: string) => `label != ${quoteAql(v)} OR Key in (${quoteAql(v)}, "x")`,
  (v: string) => `"Belongs to Department".Name < ${quoteAql(v)} order by "Belongs to Department".Code`,
  (v: string) => `object having inboundReferences(Code = ${quoteAql(v)}) order by Age`,
]

/** Attribute ids and their types; every statement is compiled with all of them indexed and with none. */
const attributeTypes = new Map(CATALOG.objectTypes.flatMap((t) => t.attributes.map((a) => [a.id, [t.id]])))
const LABELS: ReadonlySet<number> = new Set(
  CATALOG.objectTypes.flatMap((t) => t.attributes.filter((a) => a.name === 'Name').map((a) => a.id)),
)

function statements(text: string, drive: boolean) {
  const query = prepareAql(text, { catalog: CATALOG, now: NOW })
  const referenceAttributeIds = new Set(new CatalogIndex(CATALOG).referenceAttributeIds())
  // All indexed, none, and all indexed with the label attributes answered from the object row's label.
  const layouts: [ReadonlySet<number>, ReadonlySet<number>][] = [
    [new Set(attributeTypes.keys()), new Set<number>()],
    [new Set<number>(), new Set<number>()],
    [new Set(attributeTypes.keys()), LABELS],
  ]
  return layouts.flatMap(([indexedAttributeIds, labelAttributeIds]) =>
    DIALECTS.map((dialect) =>
      statement(dialect, drive, query, referenceAttributeIds, indexedAttributeIds, labelAttributeIds),
    ),
  )
}

function statement(
  dialect: (typeof DIALECTS)[number],
  drive: boolean,
  query: ReturnType<typeof prepareAql>,
  referenceAttributeIds: ReadonlySet<number>,
  indexedAttributeIds: ReadonlySet<number>,
  labelAttributeIds: ReadonlySet<number>,
) {
  return compileFor(dialect, (caps) => {
    const scope = {
      caps,
      workspaceId: `${MARK}' workspace`,
      referenceAttributeIds,
      indexedAttributeIds,
      labelAttributeIds,
      attributeTypes,
    }
    const plan: AqlPlan = {
      driver: drive ? (new WhereCompiler(scope).driverCandidates(query.where)[0] ?? null) : null,
    }
    const { compiler, o, from, where } = compileQuery(scope, query, plan)
    const order = compileOrder(caps, query.orderBy ?? DEFAULT_ORDER, o, compiler)
    return sql`select ${sql.ref(o)}.id from ${from}${order.joins} where ${where} order by ${order.orderBy}`
  })
}

describe('compiled AQL binds every value', () => {
  it('never puts a value into the SQL text, on either dialect, driven or not', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TEMPLATES), hostile, fc.boolean(), (template, value, drive) => {
        const text = template(value)
        for (const compiled of statements(text, drive)) {
          expect(compiled.sql.toUpperCase()).not.toContain(MARK)
          expect(compiled.sql).not.toContain('drop table')
          const bound = compiled.parameters.filter(
            (p) => typeof p === 'string' && p.toUpperCase().includes(MARK),
          )
          expect(bound.length).toBeGreaterThan(0)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('gives the same SQL text for different values', () => {
    for (const template of TEMPLATES) {
      for (const drive of [false, true]) {
        const a = statements(template(`${MARK}a`), drive)
        const b = statements(template(`${MARK}'); drop table object; --`), drive)
        expect(a.map((s) => s.sql)).toEqual(b.map((s) => s.sql))
      }
    }
  })
})
