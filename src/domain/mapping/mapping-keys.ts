/**
 * The keys a mapping names object types and attributes by: their externalId, or a key made of the id for those
 * without one (created through the repository API), so that upload jobs can map every type.
 */

export function objectTypeKey(type: { id: number; externalId: string | null }): string {
  return type.externalId ?? `intake:object-type/${type.id}`
}

export function attributeKey(attribute: { id: number; externalId: string | null }): string {
  return attribute.externalId ?? `intake:attribute/${attribute.id}`
}
