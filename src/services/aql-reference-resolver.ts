import type { AqlResolver } from '../engine/references.js'
import type { DialectCapabilities } from '../store/capabilities.js'
import { AqlService } from './aql.service.js'

/** Most objects one reference query may match; more is reported, never silently cut. */
const LIMIT = 1000

/**
 * The engine's general reference resolver: the interpolated `objectMappingIQL`, restricted to the referenced type
 * and its children, evaluated by the AQL compiler on the execution's transaction.
 */
export function aqlReferenceResolver(caps: DialectCapabilities, workspaceId: string): AqlResolver {
  return async (db, query, objectTypeIds) => {
    const service = new AqlService(db, caps)
    const root = objectTypeIds[0]!
    const prepared = await service.prepare(
      workspaceId,
      `objectType in objectTypeAndChildren(${root}) AND (${query})`,
      {
        objectTypeId: root,
      },
    )
    const { rows } = await service.run(workspaceId, prepared, { startAt: 0, maxResults: LIMIT })
    return rows.map((r) => Number(r.id))
  }
}
