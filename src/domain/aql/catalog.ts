import type { AttributeKind } from '../schema/types.js'
import type { ValueType } from './bound.js'

/**
 * What the checker needs to know about the schema. The fields are named as in domain/schema/types.ts, so an
 * AttributeDef, ObjectTypeDef (plus its attributes) or ObjectSchemaDef can be passed as they are.
 */
export interface AqlAttribute {
  readonly id: number
  readonly name: string
  readonly kind: AttributeKind
  /** Target object type of a referenced_object attribute (null: any type). */
  readonly referenceObjectTypeId: number | null
}

export interface AqlObjectType {
  readonly id: number
  readonly name: string
  readonly parentObjectTypeId: number | null
  readonly objectSchemaId: number
  /** Every attribute an object of this type can have, inherited ones included. */
  readonly attributes: readonly AqlAttribute[]
}

export interface AqlObjectSchema {
  readonly id: number
  readonly name: string
}

export interface AqlCatalog {
  readonly objectSchemas: readonly AqlObjectSchema[]
  readonly objectTypes: readonly AqlObjectType[]
}

export function valueTypeOf(kind: Exclude<AttributeKind, 'referenced_object'>): ValueType {
  switch (kind) {
    case 'integer':
    case 'double':
      return 'number'
    case 'boolean':
    case 'date':
    case 'time':
    case 'date_time':
      return kind
    default:
      return 'text'
  }
}

/** Lookups over a catalog, built once per check. */
export class CatalogIndex {
  readonly catalog: AqlCatalog
  readonly #types = new Map<number, AqlObjectType>()
  readonly #children = new Map<number, number[]>()

  constructor(catalog: AqlCatalog) {
    this.catalog = catalog
    for (const type of catalog.objectTypes) {
      this.#types.set(type.id, type)
      if (type.parentObjectTypeId !== null) {
        const siblings = this.#children.get(type.parentObjectTypeId) ?? []
        siblings.push(type.id)
        this.#children.set(type.parentObjectTypeId, siblings)
      }
    }
  }

  type(id: number): AqlObjectType | undefined {
    return this.#types.get(id)
  }

  /** The type and all its descendants (cycles in parent links are tolerated). */
  typeAndDescendants(id: number): number[] {
    const seen = new Set<number>()
    const stack = [id]
    while (stack.length > 0) {
      const next = stack.pop()!
      if (seen.has(next)) continue
      seen.add(next)
      stack.push(...(this.#children.get(next) ?? []))
    }
    return [...seen]
  }

  /** Types reached by references to `targetIds` (null = any type), descendants included. */
  referenceScope(targetIds: readonly (number | null)[]): readonly AqlObjectType[] {
    if (targetIds.includes(null)) return this.catalog.objectTypes
    const ids = new Set(targetIds.flatMap((id) => (id === null ? [] : this.typeAndDescendants(id))))
    return this.catalog.objectTypes.filter((t) => ids.has(t.id))
  }

  /** Ids of the referenced_object attributes of the whole catalog. */
  referenceAttributeIds(): number[] {
    return this.catalog.objectTypes.flatMap((t) =>
      t.attributes.filter((a) => a.kind === 'referenced_object').map((a) => a.id),
    )
  }
}
