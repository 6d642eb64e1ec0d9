/**
 * Provenance in the engine (docs/provenance.md): the execution's write origin, who wrote the values it would change,
 * and the precedence rule between them. Objects created by the execution carry only their origin id (one integer
 * per row); an update records the origin of the attributes it changed. Precedence is looked at only for attributes
 * whose writer is another source or a manual write; the writers of an execution's origins are read once and kept.
 */
import {
  mayOverwrite,
  precedenceSetting,
  type CurrentWriter,
  type OverwriteDecision,
  type PrecedenceSetting,
} from '../domain/provenance/precedence.js'
import { decodeProvenance, originOf, writeProvenance } from '../domain/provenance/provenance-map.js'
import type { AttributeDef } from '../domain/schema/types.js'
import type { EntryProblem } from './engine-types.js'
import type { ImportTx } from './ports.js'

interface Kept {
  typeId: number
  attribute: string
  why: string
  count: number
  firstKey: string
}

export class EngineProvenance {
  readonly #writers = new Map<number, CurrentWriter>()
  readonly #kept = new Map<string, Kept>()
  /** Per type id: attribute values kept because another writer takes precedence (attributesKeptByPrecedence). */
  readonly keptByType = new Map<number, number>()

  private constructor(
    private readonly tx: ImportTx,
    private readonly sourceId: string,
    /** This execution's write_origin id. */
    readonly origin: number,
    readonly setting: PrecedenceSetting,
  ) {
    this.#writers.set(origin, { kind: 'self' })
  }

  static async start(
    tx: ImportTx,
    input: { workspaceId: string; importSourceId: string; executionId: string },
    now: string,
    precedence: Partial<PrecedenceSetting> | null | undefined,
  ): Promise<EngineProvenance> {
    const origin = await tx.createOrigin({
      workspaceId: input.workspaceId,
      importSourceId: input.importSourceId,
      executionId: input.executionId,
      createdAt: now,
    })
    return new EngineProvenance(tx, input.importSourceId, origin, precedenceSetting(precedence))
  }

  /** Reads the writers of origins not seen yet (one query for a batch; most batches need none). */
  async load(stored: Iterable<{ origin: number | null; provenance: string | null }>): Promise<void> {
    const unknown = new Set<number>()
    for (const s of stored) {
      if (s.origin !== null && !this.#writers.has(s.origin)) unknown.add(s.origin)
      if (s.provenance)
        for (const o of decodeProvenance(s.provenance).values()) if (!this.#writers.has(o)) unknown.add(o)
    }
    if (unknown.size === 0) return
    for (const w of await this.tx.originWriters([...unknown])) {
      this.#writers.set(
        w.id,
        w.import_source_id === null
          ? { kind: 'manual' }
          : w.import_source_id === this.sourceId
            ? { kind: 'self' }
            : {
                kind: 'source',
                sourceId: w.import_source_id,
                ...(w.name === null ? {} : { name: w.name }),
                precedence: precedenceSetting(storedPrecedence(w.settings)),
              },
      )
    }
  }

  /**
   * Whether this execution may change an attribute of an object (its stored origin and provenance); a refusal is
   * counted and reported.
   */
  allows(
    typeId: number,
    typeName: string,
    attribute: Pick<AttributeDef, 'id' | 'name'>,
    stored: { origin: number | null; provenance: string | null },
    objectKey: string,
  ): boolean {
    const origin = originOf(attribute.id, stored.origin, decodeProvenance(stored.provenance))
    // Objects written before provenance existed, or by a writer that is gone, have no known writer: as before.
    const writer = origin === null ? undefined : this.#writers.get(origin)
    if (writer === undefined || writer.kind === 'self') return true
    const decision = mayOverwrite(writer, this.setting, typeName, attribute)
    if (decision.overwrite) return true
    this.#keep(typeId, attribute.name, writer, decision, objectKey)
    return false
  }

  /** The stored provenance after this execution wrote `attributeIds`. */
  written(
    stored: { origin: number | null; provenance: string | null },
    attributeIds: number[],
  ): string | null {
    return writeProvenance(stored.provenance, stored.origin, attributeIds, this.origin)
  }

  #keep(
    typeId: number,
    attribute: string,
    writer: CurrentWriter,
    decision: Exclude<OverwriteDecision, { overwrite: true }>,
    objectKey: string,
  ): void {
    this.keptByType.set(typeId, (this.keptByType.get(typeId) ?? 0) + 1)
    const why =
      decision.reason === 'manual'
        ? 'it was written through the object API (manual) and overwriteManual is false'
        : `import source ${writer.kind === 'source' ? JSON.stringify(writer.name ?? writer.sourceId) : ''} wrote it with precedence ${decision.theirs} > ${decision.ours}`
    const key = `${typeId}\u0000${attribute}\u0000${why}`
    const k = this.#kept.get(key)
    if (k) k.count++
    else this.#kept.set(key, { typeId, attribute, why, count: 1, firstKey: objectKey })
  }

  /** One problem per (type, attribute, winning writer): how many values were kept, and the first object. */
  problems(): EntryProblem[] {
    return [...this.#kept.values()].map((k) => ({
      objectTypeId: k.typeId,
      location: k.count === 1 ? k.firstKey : `${k.firstKey} and ${k.count - 1} more`,
      code: 'KEPT_BY_PRECEDENCE',
      message: `${k.attribute}: ${k.count} value${k.count === 1 ? '' : 's'} not changed because ${k.why}`,
      attribute: k.attribute,
    }))
  }
}

function storedPrecedence(settings: string | null): Partial<PrecedenceSetting> | null {
  if (!settings) return null
  const parsed = JSON.parse(settings) as { precedence?: Partial<PrecedenceSetting> | null }
  return parsed.precedence ?? null
}
