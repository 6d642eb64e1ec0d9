/**
 * In-memory evaluation of a checked AQL query over one record. The SQL compiler must give the same answers, so
 * the meaning is kept small and written down here:
 *
 * 1. Values. An attribute holds zero or more canonical values (CanonicalValue); an empty string, a value of the
 *    wrong JS type or NaN counts as no value. Fields: `objectId` = record.id, `Key` = key, `label` = label,
 *    `Created` / `Updated` = created / updated (date-times), objectTypeId, objectSchemaId. An empty label, key,
 *    created or updated is no value.
 * 2. Paths. `A.B.C` follows the values of reference attributes A, then B (ids, looked up with resolver.get;
 *    dangling ids lead nowhere) and reads C on every object reached. A comparison written directly on a
 *    referenced_object attribute compares the referenced objects' labels (`Owner = Ted` is `Owner.label = Ted`);
 *    `is EMPTY` on it asks whether it holds an id at all.
 * 3. Positive forms are existential: `=`, `==`, `<`, `<=`, `>`, `>=`, `like`, `startswith`, `endswith`, `in` and
 *    `is not EMPTY` are true when SOME value reached passes the test. Without any value they are false.
 * 4. Negative forms are the plain negation of their positive form: `!=` = NOT `=`, `not like` = NOT `like`,
 *    `not in` = NOT `in`, `is EMPTY` = NOT `is not EMPTY`. So `!=` is true when NO value equals (also when
 *    there is no value), and `A.B != x` is true when no object reached through A has B = x.
 * 5. Text (text, textarea, url, email, select, status, ipaddress, label, Key): `=` and `in` compare after
 *    foldCase (toLowerCase); `==` compares exactly; `like` is a case-insensitive substring test (no wildcards),
 *    `startswith` / `endswith` case-insensitive prefix / suffix; `<` `<=` `>` `>=` compare case-sensitively by
 *    Unicode code point.
 * 6. Numbers (integer, double, objectId, …Id) compare numerically; `==` is `=`. Booleans support `=`, `in` and
 *    emptiness. date ('YYYY-MM-DD'), time ('HH:mm:ss') and date_time (UTC ISO with milliseconds) are compared as
 *    canonical strings, which orders them chronologically; `=` on a date-time is the exact instant.
 * 7. objectType / objectSchema conditions were decided on the catalog names by the checker and are tests of
 *    objectTypeId / objectSchemaId; objectTypeAndChildren(X) includes every descendant type of X.
 * 8. `object having inboundReferences(Q)` is true when some object referencing this one (resolver.inbound)
 *    matches Q; `outboundReferences(Q)` when some object this one references (resolver.outbound) does; an empty
 *    Q matches any object. `not having` is the negation.
 * 9. AND, OR, NOT are two-valued boolean logic (no unknown / NULL state).
 */
import type {
  BoundCondition,
  BoundExpr,
  BoundHop,
  BoundQuery,
  BoundSource,
  Scalar,
  ValueType,
} from './bound.js'
import { asScalar, passes } from './compare.js'
import type { AqlRecord, AqlResolver } from './record.js'

/** Whether the record matches the query's condition (order by is sortRecords' business). */
export function matchesAql(query: BoundQuery, record: AqlRecord, resolver: AqlResolver): boolean {
  return evaluateBound(query.where, record, resolver)
}

export function evaluateBound(expr: BoundExpr, record: AqlRecord, resolver: AqlResolver): boolean {
  switch (expr.type) {
    case 'and':
      return expr.operands.every((operand) => evaluateBound(operand, record, resolver))
    case 'or':
      return expr.operands.some((operand) => evaluateBound(operand, record, resolver))
    case 'not':
      return !evaluateBound(expr.operand, record, resolver)
    case 'condition':
      return holds(expr, record, resolver)
    case 'having': {
      const related = expr.direction === 'inbound' ? resolver.inbound(record) : resolver.outbound(record)
      for (const other of related) {
        if (expr.query === null || evaluateBound(expr.query, other, resolver)) return true
      }
      return false
    }
  }
}

function holds(condition: BoundCondition, record: AqlRecord, resolver: AqlResolver): boolean {
  for (const reached of follow(record, condition.via, resolver)) {
    for (const target of condition.targets) {
      for (const value of valuesOf(reached, target.source, target.valueType)) {
        if (passes(value, target.test, target.valueType)) return true
      }
    }
  }
  return false
}

/** The objects reached from `record` through the hops (the record itself when there are none). */
export function follow(record: AqlRecord, via: readonly BoundHop[], resolver: AqlResolver): AqlRecord[] {
  let current = [record]
  for (const hop of via) {
    const next = new Map<number, AqlRecord>()
    for (const object of current) {
      for (const attributeId of hop.attributeIds) {
        for (const value of object.attributes.get(attributeId) ?? []) {
          const target = typeof value === 'number' ? resolver.get(value) : undefined
          if (target !== undefined) next.set(target.id, target)
        }
      }
    }
    current = [...next.values()]
  }
  return current
}

/** The present values of one source on one record, as `valueType`. */
export function valuesOf(record: AqlRecord, source: BoundSource, valueType: ValueType): Scalar[] {
  const raw =
    source.type === 'attribute'
      ? source.attributeIds.flatMap((id) => record.attributes.get(id) ?? [])
      : [FIELDS[source.field](record)]
  return raw.flatMap((value) => {
    const scalar = asScalar(value, valueType)
    return scalar === null ? [] : [scalar]
  })
}

const FIELDS: Readonly<Record<Extract<BoundSource, { type: 'field' }>['field'], (r: AqlRecord) => Scalar>> = {
  id: (r) => r.id,
  key: (r) => r.key,
  label: (r) => r.label,
  objectTypeId: (r) => r.objectTypeId,
  objectSchemaId: (r) => r.objectSchemaId,
  created: (r) => r.created,
  updated: (r) => r.updated,
}
