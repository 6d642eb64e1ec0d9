import { valueText } from '../domain/schema/content-hash.js'
import {
  historyEntries,
  type HistoryActor,
  type HistoryEntry,
  type ObjectChange,
} from '../domain/schema/object-history.js'
import type { CanonicalValue } from '../domain/schema/types.js'
import type { Db } from '../store/create-store.js'
import { objectHistoryRepository as repo } from '../store/repositories/object-history.repository.js'
import { objectRepository } from '../store/repositories/object.repository.js'
import type { ObjectService } from './object.service.js'
import type { ObjectSchemaService } from './object-schema.service.js'

/** Changes logged by imports as JSON text: `[{objectId, key, before, after}, …]`. */
interface LoggedChange {
  objectId: number
  before: Record<string, unknown[]> | null
  after: Record<string, unknown[]> | null
}

/** `GET object/{id}/history`: the object's writes by imports (change log) and by the object API, oldest first. */
export class ObjectHistoryService {
  constructor(
    private readonly db: Db,
    private readonly objects: ObjectService,
    private readonly schemas: ObjectSchemaService,
  ) {}

  async list(workspaceId: string, objectId: number, options: { asc: boolean }): Promise<HistoryEntry[]> {
    const object = await this.objects.get(workspaceId, objectId)
    const changes = [...(await this.apiChanges(objectId))]
    if (object.importSourceId !== null) {
      changes.push(
        ...(await this.importChanges({
          id: objectId,
          typeId: object.objectTypeId,
          sourceId: object.importSourceId,
        })),
      )
    }
    changes.sort((a, b) => a.created.localeCompare(b.created))
    const attrs = await this.schemas.attributesOfTypes([object.objectTypeId])
    const refIds = new Set<number>()
    for (const c of changes) {
      for (const side of [c.before, c.after]) {
        for (const [attrId, values] of Object.entries(side ?? {})) {
          if (attrs.find((a) => a.id === Number(attrId))?.kind === 'referenced_object') {
            for (const v of values) refIds.add(Number(v))
          }
        }
      }
    }
    const targets = new Map(
      (await objectRepository.findMany(this.db, workspaceId, [...refIds])).map((t) => [
        Number(t.id),
        t.label,
      ]),
    )
    const entries = historyEntries(objectId, changes, {
      attributeName: (id) => attrs.find((a) => a.id === id)?.name,
      display: (id, values) => {
        const isRef = attrs.find((a) => a.id === id)?.kind === 'referenced_object'
        return values
          .map((v) => (isRef ? (targets.get(Number(v)) ?? `#${String(v)}`) : valueText(v as CanonicalValue)))
          .join(', ')
      },
    })
    return options.asc ? entries : entries.reverse()
  }

  private async apiChanges(objectId: number): Promise<ObjectChange[]> {
    return (await repo.ofObject(this.db, objectId)).map((r) => ({
      id: `api-${r.id}`,
      created: r.created_at,
      actor: actorOf(r.actor, 'Object API'),
      operation: r.operation,
      before: r.before === null ? null : (JSON.parse(r.before) as Record<string, unknown[]>),
      after: JSON.parse(r.after) as Record<string, unknown[]>,
    }))
  }

  private async importChanges(object: {
    id: number
    typeId: number
    sourceId: string
  }): Promise<ObjectChange[]> {
    const out: ObjectChange[] = []
    // Creations are logged as id ranges (engine/change-log.ts): the object's values then are its row's, not a copy.
    for (const batch of await repo.importCreationsOf(this.db, object)) {
      const ranges = JSON.parse(batch.changes) as [number, number][]
      if (!ranges.some(([first, last]) => object.id >= first && object.id <= last)) continue
      out.push({
        id: `${batch.execution_id}-${batch.seq}-${object.id}`,
        created: batch.applied_at ?? '',
        actor: actorOf(batch.actor, `Import source "${batch.source_name}"`),
        operation: 'create',
        before: null,
        after: null,
      })
    }
    for (const batch of await repo.importBatchesOf(this.db, object)) {
      const logged = JSON.parse(batch.changes) as LoggedChange[]
      logged.forEach((c, i) => {
        if (c.objectId !== object.id) return
        out.push({
          id: `${batch.execution_id}-${batch.seq}-${i}`,
          created: batch.applied_at ?? '',
          actor: actorOf(batch.actor, `Import source "${batch.source_name}"`),
          operation: batch.operation,
          before: c.before,
          after: c.after,
        })
      })
    }
    return out
  }
}

function actorOf(actor: string | null, displayName: string): HistoryActor {
  const key = actor ?? 'intake'
  return { key, name: key, displayName }
}
