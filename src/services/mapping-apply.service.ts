import { ObjectSchemaNameInUseError } from '../domain/import-source/import-source-errors.js'
import { deriveSchemaKey } from '../domain/import-source/schema-key.js'
import type {
  NormalizedAttribute,
  NormalizedDocument,
  NormalizedObjectType,
} from '../domain/mapping/document.types.js'
import type { AttributeDef, ObjectTypeDef } from '../domain/schema/types.js'
import { referenceLookupAttributes } from '../engine/reference-lookups.js'
import type { Db } from '../store/create-store.js'
import { importSourceRepository } from '../store/repositories/import-source.repository.js'
import { uniqueLockRepository } from '../store/repositories/unique-lock.repository.js'
import type { ObjectSchemaService } from './object-schema.service.js'

/**
 * Brings the repository in line with a validated schema + mapping document, inside the caller's transaction:
 * the object schema (created with a derived key on the first mapping), the type tree, attributes and the
 * schema's statuses. Types are created before attributes, so references to types declared later in the
 * document, or to the type itself, resolve. Nothing is deleted: what the document leaves out stays.
 */
export class MappingApplier {
  constructor(private readonly schemas: ObjectSchemaService) {}

  /** Applies `document`; answers the id of the object schema. */
  async apply(
    trx: Db,
    workspaceId: string,
    schemaId: number | null,
    document: NormalizedDocument,
    /** externalIds the document adopts from the schema (existing-schema.ts): their index flag is only raised. */
    adopted: ReadonlySet<string> = new Set(),
  ): Promise<number> {
    const schemas = this.schemas.in(trx)
    if (schemaId !== null) await this.lockUniqueSwitches(trx, schemas, workspaceId, schemaId, document)
    const id = await this.ensureSchema(trx, schemas, workspaceId, schemaId, document)
    const typeIds = await this.applyTypes(schemas, workspaceId, id, document.objectTypes)
    await this.applyAttributes(schemas, workspaceId, document, typeIds, adopted)
    await this.applyStatuses(schemas, workspaceId, id, document)
    return id
  }

  /**
   * Attributes the document switches `unique` on for wait, before anything else this transaction writes, for the
   * executions and API requests writing their values (unique-lock.repository.ts): the duplicate check that
   * attribute.service.ts makes then sees their values, and they see the flag. All at once and in id order, so that
   * no writer holding one of them waits for another this transaction took first.
   */
  private async lockUniqueSwitches(
    trx: Db,
    schemas: ObjectSchemaService,
    workspaceId: string,
    schemaId: number,
    document: NormalizedDocument,
  ): Promise<void> {
    const wanted = new Set<string>()
    const visit = (type: NormalizedObjectType): void => {
      for (const a of type.attributes) if (a.unique) wanted.add(a.externalId)
      type.children.forEach(visit)
    }
    document.objectTypes.forEach(visit)
    if (wanted.size === 0) return
    const types = await schemas.listTypes(workspaceId, schemaId)
    const switching = (await schemas.attributesOfTypes(types.map((t) => t.id))).filter(
      (a) => a.externalId !== null && wanted.has(a.externalId) && !a.unique,
    )
    await uniqueLockRepository.lockForUniqueSwitch(
      trx,
      switching.map((a) => a.id),
    )
  }

  private async ensureSchema(
    trx: Db,
    schemas: ObjectSchemaService,
    workspaceId: string,
    schemaId: number | null,
    document: NormalizedDocument,
  ): Promise<number> {
    const { name, description } = document.objectSchema
    if (schemaId !== null) {
      const schema = await schemas.getSchema(workspaceId, schemaId)
      if (schema.description !== description)
        await schemas.updateSchema(workspaceId, schemaId, { description })
      return schemaId
    }
    if ((await importSourceRepository.schemaNamed(trx, workspaceId, name.trim())) !== undefined) {
      throw ObjectSchemaNameInUseError({ name })
    }
    const objectSchemaKey = deriveSchemaKey(name, await importSourceRepository.schemaKeys(trx, workspaceId))
    return (await schemas.createSchema(workspaceId, { name, objectSchemaKey, description })).id
  }

  /** Creates or updates every type of the tree, parents first; answers type ids by externalId. */
  private async applyTypes(
    schemas: ObjectSchemaService,
    workspaceId: string,
    schemaId: number,
    roots: NormalizedObjectType[],
  ): Promise<Map<string, number>> {
    const stored = new Map<string, ObjectTypeDef>()
    for (const type of await schemas.listTypes(workspaceId, schemaId)) {
      if (type.externalId !== null) stored.set(type.externalId, type)
    }
    const ids = new Map<string, number>()
    const visit = async (type: NormalizedObjectType, parentId: number | null): Promise<void> => {
      const existing = stored.get(type.externalId)
      let id: number
      if (existing) {
        id = existing.id
        if (existing.description !== type.description || existing.iconKey !== type.iconKey) {
          await schemas.updateType(workspaceId, id, { description: type.description, iconKey: type.iconKey })
        }
      } else {
        id = (
          await schemas.createType(workspaceId, {
            objectSchemaId: schemaId,
            name: type.name,
            description: type.description,
            parentObjectTypeId: parentId,
            externalId: type.externalId,
            iconKey: type.iconKey,
          })
        ).id
      }
      ids.set(type.externalId, id)
      for (const child of type.children) await visit(child, id)
    }
    for (const root of roots) await visit(root, null)
    return ids
  }

  private async applyAttributes(
    schemas: ObjectSchemaService,
    workspaceId: string,
    document: NormalizedDocument,
    typeIds: Map<string, number>,
    adopted: ReadonlySet<string>,
  ): Promise<void> {
    // An attribute the mapping's references are looked up by is indexed, whatever the document says of it.
    const lookups = referenceLookupAttributes(document)
    const indexed = (a: NormalizedAttribute): boolean => a.indexed === true || lookups.has(a.externalId)
    const stored = new Map<string, AttributeDef>()
    for (const attribute of await schemas.attributesOfTypes([...typeIds.values()])) {
      if (attribute.externalId !== null) stored.set(attribute.externalId, attribute)
    }
    const visit = async (type: NormalizedObjectType): Promise<void> => {
      const typeId = typeIds.get(type.externalId)!
      for (const attribute of type.attributes) {
        const existing = stored.get(attribute.externalId)
        // An adopted attribute keeps the index the other source's mapping may rely on.
        const keep = existing !== undefined && existing.indexed && adopted.has(attribute.externalId)
        if (existing)
          await updateAttribute(schemas, workspaceId, existing, attribute, keep || indexed(attribute))
        else await createAttribute(schemas, workspaceId, typeId, attribute, indexed(attribute), typeIds)
      }
      for (const child of type.children) await visit(child)
    }
    for (const root of document.objectTypes) await visit(root)
  }

  /** statusSchema statuses become statuses of the schema; a global status of the same name is used as is. */
  private async applyStatuses(
    schemas: ObjectSchemaService,
    workspaceId: string,
    schemaId: number,
    document: NormalizedDocument,
  ): Promise<void> {
    const visible = await schemas.listStatuses(workspaceId, schemaId)
    for (const status of document.statuses) {
      const existing = visible.find((s) => s.name.toLowerCase() === status.name.toLowerCase())
      if (existing === undefined) {
        await schemas.createStatus(workspaceId, { objectSchemaId: schemaId, ...status })
      } else if (
        existing.objectSchemaId === schemaId &&
        (existing.description !== status.description || existing.category !== status.category)
      ) {
        await schemas.updateStatus(workspaceId, existing.id, {
          description: status.description,
          category: status.category,
        })
      }
    }
  }
}

function allowedValues(attribute: NormalizedAttribute): string[] {
  return attribute.type === 'status' ? attribute.typeValues : []
}

async function createAttribute(
  schemas: ObjectSchemaService,
  workspaceId: string,
  typeId: number,
  attribute: NormalizedAttribute,
  indexed: boolean,
  typeIds: Map<string, number>,
): Promise<void> {
  const target = attribute.referenceObjectTypeExternalId
  await schemas.createAttribute(workspaceId, typeId, {
    name: attribute.name,
    description: attribute.description,
    kind: attribute.type,
    externalId: attribute.externalId,
    label: attribute.label,
    minimumCardinality: attribute.minimumCardinality,
    maximumCardinality: attribute.maximumCardinality,
    unique: attribute.unique,
    indexed,
    referenceObjectTypeId: target === null ? null : (typeIds.get(target) ?? null),
    allowedValues: allowedValues(attribute),
  })
}

/** Only what a PATCH may change: description, label, cardinality, unique and a status attribute's values. */
async function updateAttribute(
  schemas: ObjectSchemaService,
  workspaceId: string,
  existing: AttributeDef,
  attribute: NormalizedAttribute,
  indexed: boolean,
): Promise<void> {
  const values = allowedValues(attribute)
  const valuesChanged =
    attribute.type === 'status' && JSON.stringify(existing.allowedValues) !== JSON.stringify(values)
  const changed =
    existing.description !== attribute.description ||
    existing.label !== attribute.label ||
    existing.minimumCardinality !== attribute.minimumCardinality ||
    existing.maximumCardinality !== attribute.maximumCardinality ||
    existing.unique !== attribute.unique ||
    existing.indexed !== indexed ||
    valuesChanged
  if (!changed) return
  await schemas.updateAttribute(workspaceId, existing.id, existing.objectTypeId, {
    description: attribute.description,
    label: attribute.label,
    minimumCardinality: attribute.minimumCardinality,
    maximumCardinality: attribute.maximumCardinality,
    unique: attribute.unique,
    indexed,
    ...(attribute.type === 'status' && { allowedValues: values }),
  })
}
