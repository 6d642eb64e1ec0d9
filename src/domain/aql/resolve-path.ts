import type { PathNode, PathSegment } from './ast.js'
import { AqlNotAReferenceError, AqlUnknownAttributeError } from './aql-errors.js'
import type { BoundHop } from './bound.js'
import type { AqlAttribute, AqlObjectType, CatalogIndex } from './catalog.js'
import { printPath } from './print.js'
import { closestName } from './suggest.js'

/** Properties every object has. The first seven are AQL keywords; Created / Updated are found by name. */
export type Builtin =
  | 'objectType'
  | 'objectTypeId'
  | 'objectSchema'
  | 'objectSchemaId'
  | 'objectId'
  | 'Key'
  | 'label'
  | 'Created'
  | 'Updated'

const BUILTINS = new Map<string, Builtin>(
  (
    [
      'objectType',
      'objectTypeId',
      'objectSchema',
      'objectSchemaId',
      'objectId',
      'Key',
      'label',
      'Created',
      'Updated',
    ] as const
  ).map((b) => [b.toLowerCase(), b]),
)

export type Leaf =
  | { readonly type: 'attributes'; readonly attributes: readonly AqlAttribute[] }
  | { readonly type: 'builtin'; readonly builtin: Builtin }

export interface ResolvedPath {
  readonly via: readonly BoundHop[]
  readonly leaf: Leaf
  /** The path as written, for messages. */
  readonly text: string
}

const segmentText = (segment: PathSegment): string =>
  segment.type === 'name' ? segment.name : segment.keyword

/**
 * Resolves a dot path from a set of object types. Names match attributes case-insensitively; a quoted or
 * unreserved name that matches no attribute but a built-in property (Key, label, Created…) means that property.
 * Every segment but the last must be a referenced_object attribute; its targets (with their descendants) are the
 * types the next segment is looked up in.
 */
export function resolvePath(
  path: PathNode,
  start: readonly AqlObjectType[],
  index: CatalogIndex,
): ResolvedPath {
  const via: BoundHop[] = []
  let scope = start
  const text = printPath(path)
  for (const [i, segment] of path.segments.entries()) {
    const last = i === path.segments.length - 1
    const name = segmentText(segment)
    const attributes =
      segment.type === 'keyword'
        ? []
        : scope.flatMap((t) => t.attributes.filter((a) => a.name.toLowerCase() === name.toLowerCase()))
    const builtin = attributes.length === 0 ? BUILTINS.get(name.toLowerCase()) : undefined
    if (attributes.length === 0 && builtin === undefined) {
      const candidates = [...scope.flatMap((t) => t.attributes.map((a) => a.name)), ...BUILTINS.values()]
      throw AqlUnknownAttributeError({
        position: segment.span.start,
        attribute: name,
        objectTypes: scope.length === 1 ? [scope[0]!.name] : [],
        suggestion: closestName(name, candidates),
      })
    }
    if (last) {
      return builtin === undefined
        ? { via, leaf: { type: 'attributes', attributes: unique(attributes) }, text }
        : { via, leaf: { type: 'builtin', builtin }, text }
    }
    const references = unique(attributes.filter((a) => a.kind === 'referenced_object'))
    if (references.length === 0)
      throw AqlNotAReferenceError({ position: segment.span.start, attribute: name })
    via.push({ attributeIds: references.map((a) => a.id) })
    scope = index.referenceScope(references.map((a) => a.referenceObjectTypeId))
  }
  throw new Error('A path has at least one segment')
}

/** An attribute can appear in several types of a scope (inherited); keep one of each id. */
function unique(attributes: readonly AqlAttribute[]): AqlAttribute[] {
  const byId = new Map(attributes.map((a) => [a.id, a]))
  return [...byId.values()]
}
