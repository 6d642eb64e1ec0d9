import { sql, type SqlBool } from 'kysely'
import type { BoundQuery } from '../../domain/aql/bound.js'
import { WhereCompiler, type AqlSqlContext } from './compile-where.js'
import { conjuncts } from './drivers.js'
import { col, objectsOf, type Sql } from './sql-fragments.js'
import { numberOf } from '../repositories/id-number.repository.js'

/** What a compiled query reads besides the bound query (compile-where.ts says what each member is). */
export type AqlScope = AqlSqlContext

/** How a statement reads the objects: from the ids of one conjunct (its index), or from every object (null). */
export interface AqlPlan {
  readonly driver: number | null
  /** Without a driver, on SQLite: read the table in rowid order (`NOT INDEXED`, see scan-order.ts). */
  readonly rowidScan?: boolean
}

/** Below this many ids a candidate driver counts as selective; probes stop there. */
export const PROBE_LIMIT = 20_000

/**
 * The parts every AQL statement of one workspace shares: `from <objects> where <scope and tests>`, <objects>
 * being `object as o`, or the objects of the driver's ids (see drivers.ts).
 */
export function compileQuery(scope: AqlScope, query: BoundQuery, plan: AqlPlan) {
  const compiler = new WhereCompiler(scope)
  const o = 'o'
  const driver = plan.driver === null ? null : compiler.driverAt(query.where, plan.driver)
  const driven = driver === null ? null : objectsOf(scope.caps, driver.set, o, 'd')
  const rowidScan = driven === null && plan.rowidScan === true && scope.caps.dialect === 'sqlite'
  const from = driven?.from ?? sql`object as ${sql.id(o)}${rowidScan ? sql` not indexed` : sql``}`
  const joined = driven === null ? sql`` : sql`${driven.on} and `
  const test = compiler.expr(driver === null ? query.where : driver.rest, o)
  const where = sql<SqlBool>`${joined}${col(o, 'workspace_no')} = ${numberOf(scope.workspaceId)} and ${test}`
  return { compiler, o, from, where }
}

/**
 * The driver candidates worth measuring before choosing, each with a statement counting its ids up to
 * PROBE_LIMIT: the ones on the objects' own values (a keyed range read, cheap), when there are several. Through
 * references a candidate's set may cost a scan to build, so those are taken in rank order without probing.
 */
export function driverProbes(
  scope: AqlScope,
  query: BoundQuery,
): { candidates: number[]; probes: { index: number; statement: Sql<{ n: number | string }> }[] } {
  const compiler = new WhereCompiler(scope)
  const candidates = compiler.driverCandidates(query.where)
  const operands = conjuncts(query.where)
  const direct = candidates.filter((i) => {
    const operand = operands[i]!
    return operand.type === 'condition' && operand.via.length === 0
  })
  if (direct.length < 2) return { candidates, probes: [] }
  const probes = direct.map((index) => {
    const { probe } = compiler.driverAt(query.where, index)
    return {
      index,
      statement: sql<{
        n: number | string
      }>`select count(*) as n from (select 1 as one from (${probe}) as p limit ${PROBE_LIMIT}) as q`,
    }
  })
  return { candidates, probes }
}
