import { sql, type SqlBool } from 'kysely'
import type { BoundCondition, BoundExpr, BoundHaving, BoundHop, BoundTarget } from '../../domain/aql/bound.js'
import type { DialectCapabilities } from '../capabilities.js'
import { fieldColumns, presentSql, testSql, valueColumns } from './compile-test.js'
import { conjuncts, driverRank } from './drivers.js'
import { jsonColumns, jsonElements, jsonTextPrefilter } from './json-keys.js'
import { labelColumns, labelValuePresent } from './label-row.js'
import { and, col, inList, not, objectsOf, or, type Predicate, type Sql } from './sql-fragments.js'
import { numberOf } from '../repositories/id-number.repository.js'

/** What the compiler needs besides the query: the dialect, the workspace and which attributes are references. */
export interface AqlSqlContext {
  readonly caps: DialectCapabilities
  readonly workspaceId: string
  /** referenced_object attributes: their values are rows of object_reference, not object_value. */
  readonly referenceAttributeIds: ReadonlySet<number>
  /**
   * Value attributes whose search-index rows (object_value) are kept and complete: tests on them read the index.
   * Any other value attribute is answered from its objects' attribute_values (json-keys.ts).
   */
  readonly indexedAttributeIds: ReadonlySet<number>
  /**
   * The attributes of indexedAttributeIds answered from the object row's label instead of index rows (index state
   * `label`: single-valued text labels, label-row.ts).
   */
  readonly labelAttributeIds: ReadonlySet<number>
  /** The object types whose objects hold each attribute (its own type: Intake has no inheritance yet). */
  readonly attributeTypes: ReadonlyMap<number, readonly number[]>
}

/**
 * Compiles a bound condition into a predicate on the object row `alias`. ANY-semantics are set membership:
 * `alias.id in (<ids of objects with a passing value>)`, with the sets as uncorrelated subqueries over
 * object_value (keyed by attribute and folded value), object_reference and object. Every predicate is
 * two-valued (no column compared directly is nullable, and the sets hold no nulls), so NOT is plain negation.
 */
export class WhereCompiler {
  readonly #ctx: AqlSqlContext
  #aliases = 0

  constructor(ctx: AqlSqlContext) {
    this.#ctx = ctx
  }

  /** A fresh alias, unique within the statement. */
  alias(prefix: string): string {
    this.#aliases += 1
    return `${prefix}${this.#aliases}`
  }

  /** Whether every value attribute of `ids` is answered from the search index. */
  indexed(ids: readonly number[]): boolean {
    const { referenceAttributeIds, indexedAttributeIds } = this.#ctx
    return ids.every((id) => referenceAttributeIds.has(id) || indexedAttributeIds.has(id))
  }

  /**
   * `select object_id, k` for the attributes of `attributeIds` answered from the object row's label: the folded
   * label of the objects holding a value (k as object_value's value_ci), or null when none is.
   */
  labelKeys(attributeIds: readonly number[]): { keys: Sql; others: number[] } | null {
    const labels = attributeIds.filter((id) => this.#ctx.labelAttributeIds.has(id))
    if (labels.length === 0) return null
    const x = this.alias('x')
    const exists: BoundTarget = {
      source: { type: 'attribute', attributeIds: labels },
      valueType: 'text',
      test: { op: 'exists' },
    }
    const scoped = sql`${col(x, 'workspace_no')} = ${numberOf(this.#ctx.workspaceId)}`
    return {
      keys: sql`select ${col(x, 'id')} as object_id, ${col(x, 'label_ci')} as k from object as ${sql.id(x)} where ${scoped} and ${this.#labelTest(exists, labels, x)}`,
      others: attributeIds.filter((id) => !this.#ctx.labelAttributeIds.has(id)),
    }
  }

  /** Conjuncts of `expr` that could drive the statement (see drivers.ts), best first, by index. */
  driverCandidates(expr: BoundExpr): number[] {
    const indexed = (ids: readonly number[]) => this.indexed(ids)
    return conjuncts(expr)
      .map((operand, index) => ({
        index,
        rank: driverRank(operand, this.#ctx.referenceAttributeIds, indexed),
      }))
      .filter((c) => c.rank >= 0)
      .sort((a, b) => a.rank - b.rank || a.index - b.index)
      .map((c) => c.index)
  }

  /**
   * Conjunct `index` of `expr` as a driver: `set` its distinct object ids, `probe` the same ids undeduplicated
   * (to measure it cheaply with a LIMIT), `rest` what remains to test on the rows read.
   */
  driverAt(expr: BoundExpr, index: number): { set: Sql; probe: Sql; rest: BoundExpr } {
    const operands = conjuncts(expr)
    const chosen = operands[index] as BoundCondition | BoundHaving
    const probe =
      chosen.type === 'having'
        ? this.#havingSet(chosen)
        : chosen.via.length === 0
          ? this.#valueSets(chosen.targets[0]!)[0]!
          : this.#reached(chosen.via, this.#objectsWhere(chosen.targets))
    const s = this.alias('s')
    return {
      set: sql`select distinct ${col(s, 'object_id')} as object_id from (${probe}) as ${sql.id(s)}`,
      probe,
      rest: { type: 'and', operands: operands.filter((_, i) => i !== index) },
    }
  }

  /** The best-ranked driver of `expr`, if any. */
  driver(expr: BoundExpr): { set: Sql; rest: BoundExpr } | null {
    const [best] = this.driverCandidates(expr)
    return best === undefined ? null : this.driverAt(expr, best)
  }

  expr(expr: BoundExpr, o: string): Predicate {
    switch (expr.type) {
      case 'and':
        return and(expr.operands.map((operand) => this.expr(operand, o)))
      case 'or':
        return or(expr.operands.map((operand) => this.expr(operand, o)))
      case 'not':
        return not(this.expr(expr.operand, o))
      case 'condition':
        if (expr.via.length === 0) return or(expr.targets.map((t) => this.#target(t, o)))
        return sql<SqlBool>`${col(o, 'id')} in (${this.#reached(expr.via, this.#objectsWhere(expr.targets))})`
      case 'having':
        return sql<SqlBool>`${col(o, 'id')} in (${this.#havingSet(expr)})`
    }
  }

  /** Ids (as object_id) of the objects referenced by (inbound) or referencing (outbound) a matching object. */
  #havingSet(expr: BoundHaving): Sql {
    const r = this.alias('r')
    const others = expr.query === null ? null : this.#objectsMatching(expr.query)
    const [self, other] =
      expr.direction === 'inbound' ? ['target_object_id', 'object_id'] : ['object_id', 'target_object_id']
    const filter = others === null ? sql`` : sql` where ${col(r, other)} in (${others})`
    return sql`select ${col(r, self)} as object_id from object_reference as ${sql.id(r)}${filter}`
  }

  /** Whether some value of the target on the object row `o` passes its test. */
  #target(target: BoundTarget, o: string): Predicate {
    const { caps } = this.#ctx
    if (target.source.type === 'field')
      return testSql(caps, fieldColumns(caps, o, target.source.field), target.test)
    const sets = this.#valueSets(target, false)
    const scanned = this.#unindexedIds(target)
    const labels = this.#labelIds(target)
    return or([
      ...sets.map((set) => sql<SqlBool>`${col(o, 'id')} in (${set})`),
      ...(labels.length > 0 ? [this.#labelTest(target, labels, o)] : []),
      ...(scanned.length > 0 ? [this.#rowTest(target, scanned, o)] : []),
    ])
  }

  /** The value attributes of an attribute target answered from the object row's label. */
  #labelIds(target: BoundTarget): number[] {
    if (target.source.type !== 'attribute') return []
    const { labelAttributeIds } = this.#ctx
    return target.source.attributeIds.filter((id) => labelAttributeIds.has(id))
  }

  /**
   * Whether the object row `o` holds a passing value of one of the label attributes `attributeIds`: one of their
   * types, a value there (not the key or identity an object without one has as label), and its label passing.
   */
  #labelTest(target: BoundTarget, attributeIds: readonly number[], o: string): Predicate {
    const { caps, attributeTypes } = this.#ctx
    const types = [...new Set(attributeIds.flatMap((id) => attributeTypes.get(id) ?? []))]
    return and([
      inList(col(o, 'object_type_id'), types),
      labelValuePresent(caps.dialect, o, attributeIds),
      testSql(caps, labelColumns(o), target.test),
    ])
  }

  /** The value attributes of an attribute target that have no usable index rows. */
  #unindexedIds(target: BoundTarget): number[] {
    if (target.source.type !== 'attribute') return []
    const { referenceAttributeIds, indexedAttributeIds, labelAttributeIds } = this.#ctx
    return target.source.attributeIds.filter(
      (id) => !referenceAttributeIds.has(id) && !indexedAttributeIds.has(id) && !labelAttributeIds.has(id),
    )
  }

  /**
   * Whether the object row `o` holds a passing value of one of `attributeIds` in its attribute_values: restricted
   * to the attributes' types (an index on the object row serves that), then a look at the row's JSON.
   */
  #rowTest(target: BoundTarget, attributeIds: readonly number[], o: string): Predicate {
    const { caps, attributeTypes } = this.#ctx
    const types = [...new Set(attributeIds.flatMap((id) => attributeTypes.get(id) ?? []))]
    const tests = attributeIds.map((id) => {
      const j = this.alias('j')
      const columns = jsonColumns(caps, j, target.valueType)
      const passing = and([presentSql(columns), testSql(caps, columns, target.test)])
      return sql<SqlBool>`exists (select 1 from ${jsonElements(caps, o, id, j)} where ${passing})`
    })
    const prefilter = target.valueType === 'text' ? jsonTextPrefilter(caps, o, target.test) : null
    return and([inList(col(o, 'object_type_id'), types), ...(prefilter ? [prefilter] : []), or(tests)])
  }

  /**
   * Ids of the objects holding a passing value of an attribute target in the index (values and references apart):
   * index rows, and — with `labels` — the rows of the objects whose label answers (through the object row's
   * (workspace, type, label_ci) index), in the same set.
   */
  #valueSets(target: BoundTarget, labels = true): Sql[] {
    if (target.source.type !== 'attribute') throw new Error('an attribute target')
    const refs = this.#ctx.referenceAttributeIds
    const indexed = this.#ctx.indexedAttributeIds
    const onLabel = this.#ctx.labelAttributeIds
    const valueIds = target.source.attributeIds.filter(
      (id) => !refs.has(id) && indexed.has(id) && !onLabel.has(id),
    )
    const labelIds = labels ? this.#labelIds(target) : []
    const referenceIds = target.source.attributeIds.filter((id) => refs.has(id))
    const sets: Sql[] = []
    const values: Sql[] = []
    if (valueIds.length > 0) {
      const v = this.alias('v')
      const test = testSql(this.#ctx.caps, valueColumns(v, target.valueType), target.test)
      values.push(
        sql`select ${col(v, 'object_id')} from object_value as ${sql.id(v)} where ${inList(col(v, 'attribute_id'), valueIds)} and ${test}`,
      )
    }
    if (labelIds.length > 0) {
      const x = this.alias('x')
      const scoped = sql`${col(x, 'workspace_no')} = ${numberOf(this.#ctx.workspaceId)}`
      values.push(
        sql`select ${col(x, 'id')} as object_id from object as ${sql.id(x)} where ${scoped} and ${this.#labelTest(target, labelIds, x)}`,
      )
    }
    if (values.length > 0) sets.push(values.length === 1 ? values[0]! : sql.join(values, sql` union all `))
    if (referenceIds.length > 0) {
      // A reference attribute is only ever tested for having a value; its values are object ids.
      if (target.test.op !== 'exists') throw new Error('references are compared through their labels')
      const r = this.alias('r')
      sets.push(
        sql`select ${col(r, 'object_id')} from object_reference as ${sql.id(r)} where ${inList(col(r, 'attribute_id'), referenceIds)}`,
      )
    }
    return sets
  }

  /** Ids of the objects passing some target: a value set itself when there is only that, else a scan of object. */
  #objectsWhere(targets: readonly BoundTarget[]): Sql {
    const only = targets.length === 1 ? targets[0]! : undefined
    if (only !== undefined && only.source.type === 'attribute' && this.#unindexedIds(only).length === 0) {
      const sets = this.#valueSets(only)
      if (sets.length === 1) return sets[0]!
    }
    return this.#objects((x) => or(targets.map((t) => this.#target(t, x))))
  }

  /** Ids of the workspace's objects matching `expr`, driven by a selective equality where there is one. */
  #objectsMatching(expr: BoundExpr): Sql {
    const driver = this.driver(expr)
    if (driver === null) return this.#objects((x) => this.expr(expr, x))
    const x = this.alias('x')
    const { from, on } = objectsOf(this.#ctx.caps, driver.set, x, this.alias('d'))
    const scoped = sql`${on} and ${col(x, 'workspace_no')} = ${numberOf(this.#ctx.workspaceId)}`
    return sql`select ${col(x, 'id')} from ${from} where ${scoped} and ${this.expr(driver.rest, x)}`
  }

  /** `select id from object where workspace and predicate`. */
  #objects(predicate: (alias: string) => Predicate): Sql {
    const x = this.alias('x')
    const scoped = sql`${col(x, 'workspace_no')} = ${numberOf(this.#ctx.workspaceId)}`
    return sql`select ${col(x, 'id')} from object as ${sql.id(x)} where ${scoped} and ${predicate(x)}`
  }

  /** Ids of the objects from which the hops lead to some object in `targets` (a set of ids). */
  #reached(via: readonly BoundHop[], targets: Sql): Sql {
    let set = targets
    for (const hop of [...via].reverse()) {
      const r = this.alias('r')
      set = sql`select ${col(r, 'object_id')} from object_reference as ${sql.id(r)} where ${inList(col(r, 'attribute_id'), hop.attributeIds)} and ${col(r, 'target_object_id')} in (${set})`
    }
    return set
  }
}
