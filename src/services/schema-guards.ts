import { ConflictError } from '../domain/errors.js'
import { documentDeclares } from '../domain/mapping/document-holds.js'
import type { NormalizedDocument } from '../domain/mapping/document.types.js'
import type { Db } from '../store/create-store.js'
import { schemaUsageRepository as usage } from '../store/repositories/schema-usage.repository.js'

/**
 * Refuses (409) to rename or delete a type or attribute that an import source's schema + mapping declares: the
 * next PATCH of that mapping would recreate or contradict it. Such elements change through the mapping.
 */
export async function assertNotMapped(
  db: Db,
  workspaceId: string,
  schemaId: number,
  element: { entity: string; name: string; externalId: string | null },
  action: string,
): Promise<void> {
  if (element.externalId === null) return
  for (const source of await usage.sourcesOfSchema(db, workspaceId, schemaId)) {
    if (source.mapping === null) continue
    if (documentDeclares(JSON.parse(source.mapping) as NormalizedDocument, element.externalId)) {
      throw ConflictError({
        entity: element.entity,
        reason:
          `cannot ${action} "${element.name}": the schema and mapping of import source "${source.name}" ` +
          `(${source.id}) declares it; change it with PATCH importsource/${source.id}/mapping`,
      })
    }
  }
}
