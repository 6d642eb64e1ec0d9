import type { NormalizedDocument, NormalizedObjectType } from './document.types.js'

/** Whether a stored schema + mapping document declares an object type or an attribute with this externalId. */
export function documentDeclares(document: NormalizedDocument, externalId: string): boolean {
  const visit = (types: readonly NormalizedObjectType[]): boolean =>
    types.some(
      (t) =>
        t.externalId === externalId ||
        t.attributes.some((a) => a.externalId === externalId) ||
        visit(t.children),
    )
  return visit(document.objectTypes)
}

/** Every externalId a stored document declares (object types and attributes). */
export function declaredExternalIds(document: NormalizedDocument): Set<string> {
  const out = new Set<string>()
  const visit = (types: readonly NormalizedObjectType[]): void => {
    for (const t of types) {
      out.add(t.externalId)
      for (const a of t.attributes) out.add(a.externalId)
      visit(t.children)
    }
  }
  visit(document.objectTypes)
  return out
}
