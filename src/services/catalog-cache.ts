import type { AttributeDef, ObjectTypeDef, StatusDef } from '../domain/schema/types.js'
import type { Db } from '../store/create-store.js'
import { objectSchemaRepository as repo } from '../store/repositories/object-schema.repository.js'
import { NotFoundError } from '../domain/errors.js'
import { toAttribute, toStatus, toType } from './schema-rows.js'

/** An object type as object resources embed it, without its objectCount (which the caller reads). */
export interface CachedType extends ObjectTypeDef {
  created: string
  updated: string
}

/** A load, and its result once it has arrived (read without an await). */
interface Slot<T> {
  promise: Promise<T>
  loaded: boolean
  value?: T
}

interface Entry {
  version: number
  types: Map<number, Slot<CachedType>>
  attributes: Map<number, Slot<AttributeDef[]>>
  statuses: Map<number, Slot<StatusDef[]>>
}

/** What an object's resource needs of the catalog. */
export interface CatalogOfObject {
  type: CachedType
  attributes: AttributeDef[]
  statuses: StatusDef[]
}

/**
 * The catalog rows object resources need (object types, their attributes, the statuses of a schema), kept per
 * workspace for as long as the workspace's catalog_version is the one the caller read with its object: every write
 * of a schema, type, attribute or status bumps it (triggers, migration 0022), in the writer's transaction and
 * whichever process writes. The caller reads the version before the rows are loaded, so rows kept under a
 * version are never older than it.
 */
export class CatalogCache {
  readonly #entries = new Map<string, Entry>()

  constructor(private readonly db: Db) {}

  type(workspaceId: string, version: number, typeId: number): Promise<CachedType> {
    return this.#load(this.#entry(workspaceId, version).types, typeId, async () => {
      const row = await repo.findType(this.db, workspaceId, typeId)
      if (!row) throw NotFoundError({ entity: 'Object type', id: typeId })
      return { ...toType(row), created: row.created_at, updated: row.updated_at }
    })
  }

  /** The attributes of a type, in their order. */
  attributes(workspaceId: string, version: number, typeId: number): Promise<AttributeDef[]> {
    return this.#load(this.#entry(workspaceId, version).attributes, typeId, async () =>
      (await repo.listAttributes(this.db, [typeId])).map(toAttribute),
    )
  }

  /** The statuses of a schema and the global ones. */
  statuses(workspaceId: string, version: number, schemaId: number): Promise<StatusDef[]> {
    return this.#load(this.#entry(workspaceId, version).statuses, schemaId, async () =>
      (await repo.listStatuses(this.db, workspaceId, schemaId)).map(toStatus),
    )
  }

  /**
   * The type, attributes and statuses of an object at once when all three are loaded under this version; undefined
   * when one must still be loaded (type(), attributes() and statuses() do).
   */
  known(workspaceId: string, version: number, typeId: number, schemaId: number): CatalogOfObject | undefined {
    const entry = this.#entries.get(workspaceId)
    if (!entry || entry.version !== version) return undefined
    const type = entry.types.get(typeId)
    const attributes = entry.attributes.get(typeId)
    const statuses = entry.statuses.get(schemaId)
    if (!type?.loaded || !attributes?.loaded || !statuses?.loaded) return undefined
    return { type: type.value!, attributes: attributes.value!, statuses: statuses.value! }
  }

  #entry(workspaceId: string, version: number): Entry {
    let entry = this.#entries.get(workspaceId)
    if (!entry || entry.version !== version) {
      entry = { version, types: new Map(), attributes: new Map(), statuses: new Map() }
      this.#entries.set(workspaceId, entry)
    }
    return entry
  }

  #load<T>(map: Map<number, Slot<T>>, key: number, load: () => Promise<T>): Promise<T> {
    let slot = map.get(key)
    if (!slot) {
      const loading: Slot<T> = { promise: load(), loaded: false }
      map.set(key, (slot = loading))
      loading.promise.then(
        (value) => {
          loading.value = value
          loading.loaded = true
        },
        // A failed load is not kept: the next request tries again.
        () => map.get(key) === loading && map.delete(key),
      )
    }
    return slot.promise
  }
}
