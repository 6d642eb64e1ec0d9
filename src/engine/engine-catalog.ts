import type { AqlCatalog } from '../domain/aql/catalog.js'
import { objectTypeKey } from '../domain/mapping/mapping-keys.js'
import type { AttributeDef, ObjectSchemaDef, ObjectTypeDef } from '../domain/schema/types.js'

/** What the engine reads of the repository before an execution: the schema, its types, attributes and statuses. */
export interface EngineCatalog {
  schema: ObjectSchemaDef
  types: ObjectTypeDef[]
  typesByExternalId: Map<string, ObjectTypeDef>
  attributesByType: Map<number, AttributeDef[]>
  statusNames: string[]
  aql: AqlCatalog
}

/** What the catalog is read from (ObjectSchemaService answers it). */
export interface CatalogSource {
  getSchema(workspaceId: string, schemaId: number): Promise<ObjectSchemaDef>
  listTypes(workspaceId: string, schemaId: number): Promise<ObjectTypeDef[]>
  attributesOfTypes(typeIds: number[]): Promise<AttributeDef[]>
  listStatuses(workspaceId: string, schemaId: number): Promise<{ name: string }[]>
}

export async function loadEngineCatalog(
  schemas: CatalogSource,
  workspaceId: string,
  schemaId: number,
): Promise<EngineCatalog> {
  const schema = await schemas.getSchema(workspaceId, schemaId)
  const types = await schemas.listTypes(workspaceId, schemaId)
  const attributes = await schemas.attributesOfTypes(types.map((t) => t.id))
  const attributesByType = new Map<number, AttributeDef[]>()
  for (const a of attributes)
    attributesByType.set(a.objectTypeId, [...(attributesByType.get(a.objectTypeId) ?? []), a])
  const statusNames = (await schemas.listStatuses(workspaceId, schemaId)).map((s) => s.name)
  return {
    schema,
    types,
    // Types without an externalId are named by their id (upload jobs map them too).
    typesByExternalId: new Map(types.map((t) => [objectTypeKey(t), t])),
    attributesByType,
    statusNames,
    aql: {
      objectSchemas: [{ id: schema.id, name: schema.name }],
      objectTypes: types.map((t) => ({
        id: t.id,
        name: t.name,
        parentObjectTypeId: t.parentObjectTypeId,
        objectSchemaId: t.objectSchemaId,
        attributes: (attributesByType.get(t.id) ?? []).map((a) => ({
          id: a.id,
          name: a.name,
          kind: a.kind,
          referenceObjectTypeId: a.referenceObjectTypeId,
        })),
      })),
    },
  }
}
