import type { ExprNode, LiteralNode, OrderByNode, QueryNode, TypeAndChildrenNode } from './ast.js'
import { AqlAmbiguousAttributeError, AqlInvalidValueError, AqlUnknownObjectTypeError } from './aql-errors.js'
import type { BoundExpr, BoundOrder, BoundQuery, BoundTarget, BoundTest, ValueType } from './bound.js'
import type { AqlCatalog, AqlObjectType } from './catalog.js'
import { CatalogIndex, valueTypeOf } from './catalog.js'
import { builtinCondition, builtinSource } from './check-builtins.js'
import type { Requirement } from './check-tests.js'
import { buildTest, requirementOf, unsupported } from './check-tests.js'
import type { TimeContext } from './coerce.js'
import { timeContext } from './coerce.js'
import type { ResolvedPath } from './resolve-path.js'
import { resolvePath } from './resolve-path.js'
import { closestName } from './suggest.js'

export interface CheckOptions {
  readonly catalog: AqlCatalog
  /** The instant date functions are relative to. */
  readonly now: Date
  /** IANA zone for date functions and for dates written without an offset; default UTC. */
  readonly zone?: string
  /**
   * Resolve attribute names on this object type only (import filters, reference lookups). Without it, a name
   * means every attribute of that name in the catalog.
   */
  readonly objectTypeId?: number
}

/** Checks a parsed query against the catalog and binds it; throws the AQL_* errors of aql-errors.ts. */
export function checkAql(query: QueryNode, options: CheckOptions): BoundQuery {
  const index = new CatalogIndex(options.catalog)
  const time = timeContext(options.now, options.zone)
  let scope: readonly AqlObjectType[] = options.catalog.objectTypes
  if (options.objectTypeId !== undefined) {
    const type = index.type(options.objectTypeId)
    if (type === undefined) {
      throw AqlUnknownObjectTypeError({
        position: 0,
        objectType: String(options.objectTypeId),
        suggestion: null,
      })
    }
    scope = [type]
  }
  const checker = new Checker(index, time)
  return {
    where: checker.expr(query.where, scope),
    orderBy: query.orderBy === null ? null : checker.order(query.orderBy, scope),
  }
}

const not = (operand: BoundExpr): BoundExpr => ({ type: 'not', operand })

class Checker {
  readonly #index: CatalogIndex
  readonly #time: TimeContext

  constructor(index: CatalogIndex, time: TimeContext) {
    this.#index = index
    this.#time = time
  }

  expr(node: ExprNode, scope: readonly AqlObjectType[]): BoundExpr {
    switch (node.type) {
      case 'And':
        return { type: 'and', operands: node.operands.map((o) => this.expr(o, scope)) }
      case 'Or':
        return { type: 'or', operands: node.operands.map((o) => this.expr(o, scope)) }
      case 'Not':
        return not(this.expr(node.operand, scope))
      case 'Having': {
        const query = node.query === null ? null : this.expr(node.query, this.#index.catalog.objectTypes)
        const having: BoundExpr = { type: 'having', direction: node.direction, query }
        return node.negated ? not(having) : having
      }
      case 'TypeAndChildren':
        return this.#typeAndChildren(node, scope)
      default: {
        const requirement = requirementOf(node)
        const path = resolvePath(node.path, scope, this.#index)
        const bound =
          path.leaf.type === 'builtin'
            ? builtinCondition(path, path.leaf.builtin, requirement, this.#index, this.#time)
            : this.#attributeCondition(path, requirement)
        return requirement.negate ? not(bound) : bound
      }
    }
  }

  order(node: OrderByNode, scope: readonly AqlObjectType[]): BoundOrder {
    const path = resolvePath(node.path, scope, this.#index)
    const sortable = this.#sortable(path, node)
    return { ...sortable, direction: node.direction }
  }

  #sortable(path: ResolvedPath, node: OrderByNode): Omit<BoundOrder, 'direction'> {
    const position = node.path.span.start
    if (path.leaf.type === 'builtin') {
      const direct = builtinSource(path.leaf.builtin)
      if (direct === undefined) {
        const requirement: Requirement = { kind: 'exists', negate: false, operator: 'order by', position }
        return unsupported(
          requirement,
          path.text,
          path.leaf.builtin === 'objectType' ? 'object type names' : 'object schema names',
        )
      }
      return { via: path.via, ...direct }
    }
    const groups = this.#groups(path)
    const kinds = [...groups.keys()]
    if (kinds.length !== 1) {
      throw AqlAmbiguousAttributeError({ position, attribute: path.text, valueTypes: kinds })
    }
    const [kind, attributeIds] = [...groups.entries()][0]!
    if (kind === 'reference') {
      return {
        via: [...path.via, { attributeIds }],
        source: { type: 'field', field: 'label' },
        valueType: 'text',
      }
    }
    return { via: path.via, source: { type: 'attribute', attributeIds }, valueType: kind }
  }

  /** Attribute ids of the leaf, grouped by how their values compare; references form their own group. */
  #groups(path: ResolvedPath): Map<ValueType | 'reference', number[]> {
    const groups = new Map<ValueType | 'reference', number[]>()
    if (path.leaf.type !== 'attributes') return groups
    for (const attribute of path.leaf.attributes) {
      const key = attribute.kind === 'referenced_object' ? 'reference' : valueTypeOf(attribute.kind)
      groups.set(key, [...(groups.get(key) ?? []), attribute.id])
    }
    return groups
  }

  #attributeCondition(path: ResolvedPath, requirement: Requirement): BoundExpr {
    const groups = this.#groups(path)
    if (requirement.kind === 'exists') {
      const targets: BoundTarget[] = [...groups.entries()].map(([kind, attributeIds]) => ({
        source: { type: 'attribute', attributeIds },
        valueType: kind === 'reference' ? 'number' : kind,
        test: { op: 'exists' },
      }))
      return { type: 'condition', via: path.via, targets }
    }
    const conditions: BoundExpr[] = []
    const direct: BoundTarget[] = []
    for (const [kind, attributeIds] of groups) {
      if (kind === 'reference') {
        const test = this.#test(requirement, 'text', `${path.text}.label`)
        const target: BoundTarget = { source: { type: 'field', field: 'label' }, valueType: 'text', test }
        conditions.push({ type: 'condition', via: [...path.via, { attributeIds }], targets: [target] })
      } else {
        const test = this.#test(requirement, kind, path.text)
        direct.push({ source: { type: 'attribute', attributeIds }, valueType: kind, test })
      }
    }
    if (direct.length > 0) conditions.unshift({ type: 'condition', via: path.via, targets: direct })
    return conditions.length === 1 ? conditions[0]! : { type: 'or', operands: conditions }
  }

  #test(requirement: Requirement, valueType: ValueType, subject: string): BoundTest {
    return buildTest(requirement, valueType, subject, this.#time)
  }

  #typeAndChildren(node: TypeAndChildrenNode, scope: readonly AqlObjectType[]): BoundExpr {
    const path = resolvePath(node.path, scope, this.#index)
    const leaf = path.leaf
    if (leaf.type !== 'builtin' || (leaf.builtin !== 'objectType' && leaf.builtin !== 'objectTypeId')) {
      throw AqlInvalidValueError({
        position: node.target.span.start,
        value: node.target.value,
        attribute: path.text,
        reason: 'objectTypeAndChildren() can only be used with objectType or objectTypeId',
      })
    }
    const ids = this.#typeIdsAndChildren(node.target)
    const target: BoundTarget = {
      source: { type: 'field', field: 'objectTypeId' },
      valueType: 'number',
      test: { op: 'in', values: ids },
    }
    const condition: BoundExpr = { type: 'condition', via: path.via, targets: [target] }
    return node.negated ? not(condition) : condition
  }

  /** By name (case-insensitive, every type of that name), else by id. */
  #typeIdsAndChildren(target: LiteralNode): number[] {
    const types = this.#index.catalog.objectTypes
    let roots = types.filter((t) => t.name.toLowerCase() === target.value.toLowerCase()).map((t) => t.id)
    if (roots.length === 0 && /^\d+$/u.test(target.value) && this.#index.type(Number(target.value))) {
      roots = [Number(target.value)]
    }
    if (roots.length === 0) {
      throw AqlUnknownObjectTypeError({
        position: target.span.start,
        objectType: target.value,
        suggestion: closestName(
          target.value,
          types.map((t) => t.name),
        ),
      })
    }
    const ids = new Set(roots.flatMap((id) => this.#index.typeAndDescendants(id)))
    return [...ids].sort((a, b) => a - b)
  }
}
