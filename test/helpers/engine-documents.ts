import { randomUUID } from 'node:crypto'
import type { ImportResult, TypeResult } from '../../src/engine/result.js'
import type { AttributeKind } from '../../src/domain/schema/types.js'
import type { Services } from '../../src/services/services.js'
import { sourceWithMapping } from './engine-fixtures.js'

/**
 * Schema + mapping documents for engine tests, written compactly. Every document gets its own externalIds and
 * schema name (a tag), so that many import sources can live in one test database.
 */

export interface AttributeSpec {
  name: string
  type: AttributeKind
  locators?: string[]
  label?: boolean
  identity?: boolean
  min?: number
  max?: number
  typeValues?: string[]
  /** Key of the referenced type (a TypeSpec key). */
  ref?: string
  iql?: string
  /** Searchable by index (the label is regardless): the writers keep its object_value rows. */
  indexed?: boolean
  /** A value may be held by one object of the type only. */
  unique?: boolean
}

export interface TypeSpec {
  key: string
  name: string
  selector: string
  attributes: AttributeSpec[]
  /** Intake's mapping extensions: selectorQlQuery, missingObjects, emptyValues, unknownValues, … */
  options?: Record<string, unknown>
  /** Leave the type out of the mapping (schema only). */
  unmapped?: boolean
}

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-')

export function engineDocument(
  tag: string,
  types: TypeSpec[],
  statuses: { name: string; category?: string }[] = [],
): Record<string, unknown> {
  const typeId = (key: string) => `${tag}/type/${key}`
  const attrId = (t: TypeSpec, a: AttributeSpec) => `${tag}/attr/${t.key}/${slug(a.name)}`
  return {
    schema: {
      objectSchema: {
        name: `Engine ${tag}`,
        description: '',
        objectTypes: types.map((t) => ({
          externalId: typeId(t.key),
          name: t.name,
          description: '',
          attributes: t.attributes.map((a) => ({
            externalId: attrId(t, a),
            name: a.name,
            description: '',
            type: a.type,
            label: a.label === true,
            minimumCardinality: a.min ?? 0,
            maximumCardinality: a.max ?? 1,
            unique: a.unique === true,
            ...(a.indexed !== undefined ? { indexed: a.indexed } : {}),
            ...(a.typeValues ? { typeValues: a.typeValues } : {}),
            ...(a.ref ? { referenceObjectTypeExternalId: typeId(a.ref) } : {}),
          })),
        })),
      },
      ...(statuses.length
        ? {
            statusSchema: {
              statuses: statuses.map((s) => ({
                name: s.name,
                description: '',
                category: s.category ?? 'active',
              })),
            },
          }
        : {}),
    },
    mapping: {
      objectTypeMappings: types
        .filter((t) => !t.unmapped)
        .map((t) => ({
          objectTypeExternalId: typeId(t.key),
          objectTypeName: t.name,
          selector: t.selector,
          description: '',
          attributesMapping: t.attributes
            .filter((a) => a.locators)
            .map((a) => ({
              attributeExternalId: attrId(t, a),
              attributeName: a.name,
              attributeLocators: a.locators,
              externalIdPart: a.identity === true,
              ...(a.iql ? { objectMappingIQL: a.iql } : {}),
            })),
          ...(t.options ?? {}),
        })),
    },
  }
}

/** A fresh tag for a document. */
export function tag(): string {
  return `t${randomUUID().slice(0, 8)}`
}

/** Creates a source with the document applied and answers it with the ids of its types and attributes. */
export async function engineSource(
  services: Services,
  workspaceId: string,
  types: TypeSpec[],
  options: { settings?: Record<string, unknown>; statuses?: { name: string; category?: string }[] } = {},
) {
  const t = tag()
  const source = await sourceWithMapping(
    services,
    workspaceId,
    engineDocument(t, types, options.statuses ?? []),
    options.settings ?? {},
  )
  const schemaTypes = await services.schemas.listTypes(workspaceId, source.objectSchemaId!)
  const typeIds = new Map(schemaTypes.map((x) => [x.name, x.id]))
  const attributes = await services.schemas.attributesOfTypes([...typeIds.values()])
  const attributeIds = new Map(
    attributes.map((a) => [`${schemaTypes.find((x) => x.id === a.objectTypeId)!.name}.${a.name}`, a.id]),
  )
  return {
    source,
    tag: t,
    schemaId: source.objectSchemaId!,
    typeId: (name: string) => typeIds.get(name)!,
    attributeId: (qualified: string) => attributeIds.get(qualified)!,
    attribute: (qualified: string) =>
      attributes.find(
        (a) => `${schemaTypes.find((x) => x.id === a.objectTypeId)!.name}.${a.name}` === qualified,
      )!,
  }
}

/** The result of one type, by type name. */
export function typeResult(result: ImportResult, name: string): TypeResult {
  const found = Object.values(result.objectTypeResultMap).find((t) => t.objectTypeName === name)
  if (!found) throw new Error(`no result for ${name}`)
  return found
}

/** The counters of one type without the timings, for exact comparisons. */
export function counters(result: ImportResult, name: string) {
  const r = typeResult(result, name)
  return {
    entriesInSource: r.entriesInSource,
    emptyExternalIdEntries: r.emptyExternalIdEntries,
    duplicateEnries: r.duplicateEnries,
    objectsFilteredWithQlQuery: r.objectsFilteredWithQlQuery,
    emptyLabelEntries: r.emptyLabelEntries,
    objectsCreated: r.objectsCreated,
    objectsUpdated: r.objectsUpdated,
    objectsIdentical: r.objectsIdentical,
    objectsMissingUpdated: r.objectsMissingUpdated,
    objectsMissingDeleted: r.objectsMissingDeleted,
    objectsWithUpdatedReferences: r.objectsWithUpdatedReferences,
    entriesWithProblems: r.entriesWithProblems,
  }
}

export const ZERO_COUNTERS = {
  entriesInSource: 0,
  emptyExternalIdEntries: 0,
  duplicateEnries: 0,
  objectsFilteredWithQlQuery: 0,
  emptyLabelEntries: 0,
  objectsCreated: 0,
  objectsUpdated: 0,
  objectsIdentical: 0,
  objectsMissingUpdated: 0,
  objectsMissingDeleted: 0,
  objectsWithUpdatedReferences: 0,
  entriesWithProblems: 0,
}

/** Objects of a type as the engine stored them: label, identity, values by attribute id, missing tracking. */
export async function storedObjects(services: Services, typeId: number) {
  const rows = await services.store.db
    .selectFrom('object')
    .selectAll()
    .where('object_type_id', '=', typeId)
    .orderBy('id')
    .execute()
  return rows.map((r) => ({
    id: Number(r.id),
    key: r.object_key,
    label: r.label,
    identity: r.identity,
    values: JSON.parse(r.attribute_values) as Record<string, unknown[]>,
    missingRuns: Number(r.missing_runs),
    missingSince: r.missing_since,
    contentHash: r.content_hash,
  }))
}

/** The stored object with this identity (fails the test when there is none). */
export async function objectByIdentity(services: Services, typeId: number, identity: string) {
  const found = (await storedObjects(services, typeId)).find((o) => o.identity === identity)
  if (!found) throw new Error(`no object ${identity}`)
  return found
}

/** Outbound references of an object through one attribute, as target ids in position order. */
export async function referenceTargets(services: Services, objectId: number, attributeId: number) {
  const rows = await services.store.db
    .selectFrom('object_reference')
    .select(['target_object_id'])
    .where('object_id', '=', objectId)
    .where('attribute_id', '=', attributeId)
    .orderBy('position')
    .execute()
  return rows.map((r) => Number(r.target_object_id))
}

/** The entry problems an execution stored, in order. */
export async function storedProblems(services: Services, executionId: string) {
  return services.store.db
    .selectFrom('execution_problem')
    .selectAll()
    .where('execution_id', '=', executionId)
    .orderBy('seq')
    .execute()
}

/** The search-index rows of one attribute (value text by object id). */
export async function indexRowsOf(services: Services, attributeId: number) {
  const rows = await services.store.db
    .selectFrom('object_value')
    .select(['object_id', 'value_text', 'position'])
    .where('attribute_id', '=', attributeId)
    .orderBy('object_id')
    .orderBy('position')
    .execute()
  return rows.map((r) => [Number(r.object_id), r.value_text] as const)
}

/** Ids of the objects the engine marked for its next import (object_mark, migration 0031), ascending. */
export async function markedIds(services: Services): Promise<number[]> {
  const rows = await services.store.db
    .selectFrom('object_mark')
    .select('object_id')
    .orderBy('object_id')
    .execute()
  return rows.map((r) => Number(r.object_id))
}
