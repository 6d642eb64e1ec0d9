/**
 * Which attributes an import looks references up by: the attribute a simple `objectMappingIQL` (`"Asset ID" =
 * ${parent}`) names on the referenced type and on the types below it. Those lookups run once per 10,000 staged
 * references, so an attribute answered by a scan of its type's objects would make a large import's reference pass
 * scan that type again and again; applying a mapping therefore flags them `indexed`, as the label and unique
 * attributes always are (docs/aql.md).
 */
import { foldCase } from '../domain/aql/compare.js'
import type { NormalizedDocument, NormalizedObjectType } from '../domain/mapping/document.types.js'
import { parseSimpleReferenceQuery } from './reference-query.js'

/**
 * External ids of the document's attributes that the mapping's reference queries look values up by. Lenient with
 * documents stored by earlier versions (migration 0017 reads them): a missing list is an empty one.
 */
export function referenceLookupAttributes(document: NormalizedDocument): Set<string> {
  const types = new Map<string, NormalizedObjectType>()
  const visit = (t: NormalizedObjectType): void => {
    types.set(t.externalId, t)
    ;(t.children ?? []).forEach(visit)
  }
  ;(document.objectTypes ?? []).forEach(visit)
  const attributes = new Map(
    [...types.values()].flatMap((t) => t.attributes.map((a) => [a.externalId, a] as const)),
  )
  const out = new Set<string>()
  for (const mapping of document.objectTypeMappings ?? []) {
    if (mapping.disabled) continue
    for (const am of mapping.attributesMapping ?? []) {
      if (!am.objectMappingIQL) continue
      const target = attributes.get(am.attributeExternalId)?.referenceObjectTypeExternalId
      const query = parseSimpleReferenceQuery(am.objectMappingIQL)
      if (target == null || query?.target.kind !== 'attribute') continue
      const name = foldCase(query.target.name)
      const below = (t: NormalizedObjectType | undefined): void => {
        if (!t) return
        for (const a of t.attributes) if (foldCase(a.name) === name) out.add(a.externalId)
        ;(t.children ?? []).forEach(below)
      }
      below(types.get(target))
    }
  }
  return out
}
