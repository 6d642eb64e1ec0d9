/**
 * The map phase alone, in process and without a database: the engine benchmark's hardware rows (as the CSV
 * connector hands them: strings) through mapEntry and the content hash, as the engine calls them. µs per entry,
 * best of several passes (the machine is shared; noise only ever adds time). `npx tsx bench/map-only.ts`.
 */
import { validateDocument } from '../../src/domain/mapping/validate-document.js'
import type { NormalizedDocument } from '../../src/domain/mapping/document.types.js'
import type { AttributeDef, ObjectTypeDef } from '../../src/domain/schema/types.js'
import { DEFAULT_ENGINE_SETTINGS, type EntryProblem } from '../../src/engine/engine-types.js'
import { mapEntry, type MapContext, type MappedEntry } from '../../src/engine/map-entry.js'
import { compilePlans, type TypePlan } from '../../src/engine/type-plan.js'
import { entryHash } from '../../src/engine/type-writer.js'
import { HEADER, row, STATUSES } from './hardware-data.js'

const BATCH = 5000

export function normalizedDocument(document: unknown): NormalizedDocument {
  const result = validateDocument(document, { importSourceId: '00000000-0000-4000-8000-000000000001' })
  if (!result.ok) throw new Error(JSON.stringify(result.problems))
  return result.document
}

/** The plan of the document's first type over a made-up catalog (type id 1, attribute ids from 100). */
export function benchPlan(document: NormalizedDocument): TypePlan {
  return compilePlans(document, benchCatalog(document), DEFAULT_ENGINE_SETTINGS)[0]!
}

/** The made-up catalog of benchPlan: plain data (a worker thread can compile the same plan from a copy). */
export function benchCatalog(document: NormalizedDocument): {
  typesByExternalId: Map<string, ObjectTypeDef>
  attributesByType: Map<number, AttributeDef[]>
} {
  const type = document.objectTypes[0]!
  const typeDef: ObjectTypeDef = {
    id: 1,
    objectSchemaId: 1,
    parentObjectTypeId: null,
    externalId: type.externalId,
    name: type.name,
    description: '',
    iconKey: null,
    position: 0,
  }
  const attributes: AttributeDef[] = type.attributes.map((a, i) => ({
    id: 100 + i,
    objectTypeId: 1,
    externalId: a.externalId,
    name: a.name,
    description: '',
    kind: a.type,
    label: a.label,
    minimumCardinality: a.minimumCardinality,
    maximumCardinality: a.maximumCardinality,
    unique: a.unique,
    indexed: a.indexed ?? false,
    indexState: 'ready',
    referenceObjectTypeId: a.type === 'referenced_object' ? 1 : null,
    allowedValues: a.typeValues,
    position: i,
  }))
  return {
    typesByExternalId: new Map([[type.externalId, typeDef]]),
    attributesByType: new Map([[1, attributes]]),
  }
}

/** n hardware rows as entries of strings, as the CSV connector reads them. */
export function hardwareEntries(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => {
    const values = row(i)
    return Object.fromEntries(HEADER.map((h, c) => [h, values[c]!]))
  })
}

export function benchContext(problems: EntryProblem[] = []): MapContext {
  return {
    settings: DEFAULT_ENGINE_SETTINGS,
    concatenator: '-',
    coerceOptions: {},
    statusNames: STATUSES,
    problems,
  }
}

/** µs per entry of mapping (and hashing) `entries`: the best of `passes` passes after a warm-up pass. */
export function timeMapAndHash(
  plan: TypePlan,
  entries: Record<string, unknown>[],
  passes: number,
): { mapUs: number; hashUs: number } {
  const ctx = benchContext()
  let mapUs = Infinity
  let hashUs = Infinity
  // In batches of the engine's size: mapped entries live until their batch is hashed (and written), then go.
  const mapped: MappedEntry[] = new Array<MappedEntry>(BATCH)
  let sink = 0
  for (let pass = 0; pass <= passes; pass++) {
    let mapMs = 0
    let hashMs = 0
    for (let from = 0; from < entries.length; from += BATCH) {
      const to = Math.min(entries.length, from + BATCH)
      let start = performance.now()
      for (let i = from; i < to; i++) {
        const outcome = mapEntry(plan, entries[i]!, 'x', ctx)
        if (outcome.kind !== 'mapped') throw new Error(`entry ${i} was not mapped: ${outcome.kind}`)
        mapped[i - from] = outcome.mapped
      }
      mapMs += performance.now() - start
      start = performance.now()
      for (let i = 0; i < to - from; i++) sink += entryHash(plan, mapped[i]!).length
      hashMs += performance.now() - start
    }
    if (pass > 0) {
      mapUs = Math.min(mapUs, (mapMs * 1000) / entries.length)
      hashUs = Math.min(hashUs, (hashMs * 1000) / entries.length)
    }
  }
  if (sink === 0 || ctx.problems.length)
    throw new Error(`mapping problems: ${JSON.stringify(ctx.problems.slice(0, 3))}`)
  return { mapUs, hashUs }
}
