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
