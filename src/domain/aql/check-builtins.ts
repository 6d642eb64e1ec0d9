import type { ValueNode } from './ast.js'
import { AqlInvalidValueError, AqlUnknownObjectSchemaError, AqlUnknownObjectTypeError } from './aql-errors.js'
import type { BoundCondition, BoundSource, ValueType } from './bound.js'
import type { CatalogIndex } from './catalog.js'
import type { Requirement } from './check-tests.js'
import { buildTest, unsupported } from './check-tests.js'
import type { TimeContext } from './coerce.js'
import type { Builtin, ResolvedPath } from './resolve-path.js'
import { closestName } from './suggest.js'

const SOURCES: Readonly<Partial<Record<Builtin, { source: BoundSource; valueType: ValueType }>>> = {
  objectId: { source: { type: 'field', field: 'id' }, valueType: 'number' },
  objectTypeId: { source: { type: 'field', field: 'objectTypeId' }, valueType: 'number' },
  objectSchemaId: { source: { type: 'field', field: 'objectSchemaId' }, valueType: 'number' },
  Key: { source: { type: 'field', field: 'key' }, valueType: 'text' },
  label: { source: { type: 'field', field: 'label' }, valueType: 'text' },
  Created: { source: { type: 'field', field: 'created' }, valueType: 'date_time' },
  Updated: { source: { type: 'field', field: 'updated' }, valueType: 'date_time' },
}

/** The field a built-in reads, or undefined for objectType / objectSchema, which compare by name. */
export function builtinSource(builtin: Builtin): { source: BoundSource; valueType: ValueType } | undefined {
  return SOURCES[builtin]
}

/**
 * A condition on a built-in property. objectType / objectSchema conditions are decided on the catalog's names
 * and become `objectTypeId in (…)` / `objectSchemaId in (…)`; `=`, `==` and `in` name types that must exist.
 */
export function builtinCondition(
  path: ResolvedPath,
  builtin: Builtin,
  requirement: Requirement,
  index: CatalogIndex,
  time: TimeContext,
): BoundCondition {
  const direct = builtinSource(builtin)
  if (direct !== undefined) {
    const test = buildTest(requirement, direct.valueType, path.text, time)
    return { type: 'condition', via: path.via, targets: [{ ...direct, test }] }
  }
  const bySchema = builtin === 'objectSchema'
  const field = bySchema ? 'objectSchemaId' : 'objectTypeId'
  const source: BoundSource = { type: 'field', field }
  if (requirement.kind === 'exists') {
    return {
      type: 'condition',
      via: path.via,
      targets: [{ source, valueType: 'number', test: { op: 'exists' } }],
    }
  }
  const entries = bySchema ? index.catalog.objectSchemas : index.catalog.objectTypes
  const ids = new Set<number>()
  const named = (value: ValueNode, caseSensitive: boolean): void => {
    const name = literal(value, path.text)
    const found = entries.filter((e) =>
      caseSensitive ? e.name === name : e.name.toLowerCase() === name.toLowerCase(),
    )
    if (found.length === 0) {
      const suggestion = closestName(
        name,
        entries.map((e) => e.name),
      )
      const position = value.span.start
      throw bySchema
        ? AqlUnknownObjectSchemaError({ position, objectSchema: name, suggestion })
        : AqlUnknownObjectTypeError({ position, objectType: name, suggestion })
    }
    for (const e of found) ids.add(e.id)
  }
  if (requirement.kind === 'in') requirement.values.forEach((v) => named(v, false))
  else if (requirement.op === 'eq') named(requirement.value, requirement.caseSensitive)
  else if (
    requirement.op === 'contains' ||
    requirement.op === 'startsWith' ||
    requirement.op === 'endsWith'
  ) {
    const part = literal(requirement.value, path.text).toLowerCase()
    const test = { contains: 'includes', startsWith: 'startsWith', endsWith: 'endsWith' } as const
    const method = test[requirement.op]
    for (const e of entries) if (e.name.toLowerCase()[method](part)) ids.add(e.id)
  } else unsupported(requirement, path.text, bySchema ? 'object schema names' : 'object type names')
  const values = [...ids].sort((a, b) => a - b)
  return {
    type: 'condition',
    via: path.via,
    targets: [{ source, valueType: 'number', test: { op: 'in', values } }],
  }
}

function literal(value: ValueNode, subject: string): string {
  if (value.type === 'Literal') return value.value
  throw AqlInvalidValueError({
    position: value.span.start,
    value: `${value.name}()`,
    attribute: subject,
    reason: 'expected a name, not a date function',
  })
}
