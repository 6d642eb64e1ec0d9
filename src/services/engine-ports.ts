import { loadEngineCatalog } from '../engine/engine-catalog.js'
import type { EngineCatalogPort } from '../engine/ports.js'
import type { AqlResolver } from '../engine/references.js'
import type { Store } from '../store/create-store.js'
import { importStore } from '../store/import-store.js'
import { objectSchemaRepository } from '../store/repositories/object-schema.repository.js'
import { aqlReferenceResolver } from './aql-reference-resolver.js'
import { ObjectSchemaService } from './object-schema.service.js'

/** The schema side of the engine: ObjectSchemaService reads, and its writes inside the execution's transaction. */
export function engineCatalogPort(store: Store): EngineCatalogPort {
  const schemas = new ObjectSchemaService(store.db)
  return {
    load: (workspaceId, schemaId) => loadEngineCatalog(schemas, workspaceId, schemaId),
    writer: (tx) => {
      const inTx = schemas.in(tx.db)
      return {
        reserveObjectNumbers: (schemaId, count) => inTx.reserveObjectNumbers(schemaId, count),
        setSelectOptions: (workspaceId, attribute, allowedValues) =>
          inTx.updateAttribute(workspaceId, attribute.id, attribute.objectTypeId, { allowedValues }),
        // Names were checked while mapping (STATUS_NAME_PATTERN) and against the known statuses: the rows are
        // written as they are, not through the API's request validation, which would fail the whole execution.
        addStatuses: async (workspaceId, schemaId, names) => {
          for (const name of names)
            await objectSchemaRepository.insertStatus(tx.db, {
              workspace_id: workspaceId,
              object_schema_id: schemaId,
              name,
              description: '',
              category: 'active',
            })
        },
      }
    },
  }
}

/** Everything runImport needs, over one store: its catalog, its writer and the AQL reference resolver. */
export function enginePorts(
  store: Store,
  workspaceId: string,
): { catalog: EngineCatalogPort; store: ReturnType<typeof importStore>; resolveAql: AqlResolver } {
  return {
    catalog: engineCatalogPort(store),
    store: importStore(store),
    resolveAql: aqlReferenceResolver(store.caps, workspaceId),
  }
}
