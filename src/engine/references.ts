import { foldCase } from '../domain/aql/compare.js'
import { storedKeyFor } from '../domain/aql/key-equality.js'
import { valueText } from '../domain/schema/content-hash.js'
import { answeredFromLabel, indexUsable } from '../domain/schema/indexed-attributes.js'
import { decodeValues } from '../domain/schema/stored-values.js'
import { interpolate } from '../domain/aql/placeholders.js'
import { AppError } from '../domain/errors.js'
import type { AttributeDef, ObjectTypeDef } from '../domain/schema/types.js'
import type { Db } from '../store/create-store.js'
import type { EntryProblem } from './engine-types.js'
import { parseSimpleReferenceQuery, type SimpleReferenceQuery } from './reference-query.js'
import { breathe } from './breathe.js'
import { IdBitmap } from './seen-sets.js'
import type { LabelTargets, StagedReference, Tuple } from './ports.js'
import { timed, type PlannedChange } from './result.js'
import type { PendingReference, TypeState, WriteContext } from './run-context.js'

/**
 * Evaluates a whole AQL query against objects of the given types (the general, slower path), on the execution's
 * own transaction so that objects created by this execution are found.
 */
export type AqlResolver = (db: Db, query: string, objectTypeIds: number[]) => Promise<number[]>

export interface ReferenceContext {
  types: ObjectTypeDef[]
  attributesByType: Map<number, AttributeDef[]>
  resolveAql: AqlResolver | null
  problems: EntryProblem[]
}

/**
 * The second pass: after every object of the execution exists, turn each entry's reference texts into object ids.
 * Simple queries (`Name = ${x}`, `Key = ${x}`, `"Name" IN (${xs${0}})`, `Name like ${x}`) are answered for all
 * entries at once from the value index — a few queries per thousand distinct values, never one per entry. Before
 * that, the references of created objects that need nothing but their row are written by one set statement per
 * range of the stage (singleTargets); only the rows it leaves are read back.
 */
export async function resolveReferences(
  ctx: WriteContext,
  states: Map<number, TypeState>,
  rc: ReferenceContext,
): Promise<void> {
  const started = performance.now()
  await stagePending(ctx)
  // objectsWithUpdatedReferences counts objects: one whose two reference attributes change counts once. A bitmap
  // of ids: a million relinked objects take ~128 KiB instead of a Set's tens of MB.
  const relinked = new IdBitmap()
  const attributeIds = await ctx.tx.refStageAttributes()
  // Time of the pass not yet counted for a type (which type a page belongs to is known once it is read): given to
  // the next page's type, or to the first type at the end, so that every moment of the pass is counted once.
  let uncounted = performance.now() - started
  const staged = stagedOf(ctx)
  // One staged attribute: an object the set statement links is linked by it alone (one row per object and
  // attribute; the pages leave its row out), so its count is the number of objects, and no id need come back.
  const countOnly = attributeIds.length === 1
  for (const attributeId of attributeIds) {
    const counts = staged.get(attributeId)
    const single = counts && singleTargets(ctx, states, attributeId, counts, rc)
    // The ranges of seq read in pages (afterSeq, lastSeq]: the whole stage, or where the set statement left rows.
    let ranges: [number, number | undefined][] = [[0, undefined]]
    if (single) {
      const { state, targetAttributeIds, labels } = single
      state.result.postFunctionTimeInMs += uncounted
      uncounted = 0
      ranges = []
      // By ranges of seq, pausing for the event loop between them as between pages.
      for (let k = 0; k < counts.ranges.length; k++) {
        const rows = counts.ranges[k] ?? 0
        if (rows === 0) continue
        const span = setSeqs(ctx)
        const afterSeq = counts.firstSeq - 1 + k * span
        const lastSeq = Math.min(afterSeq + span, counts.lastSeq)
        await timed(state.result, 'postFunctionTimeInMs', async () => {
          await breathe()
          const ids = await ctx.tx.resolveStagedSingle(
            attributeId,
            targetAttributeIds,
            afterSeq,
            lastSeq,
            countOnly,
            labels,
          )
          let written: number
          if (typeof ids === 'number') {
            written = ids
            state.result.objectsWithUpdatedReferences += written
          } else {
            written = ids.length
            for (const id of ids) {
              if (relinked.has(id)) continue
              relinked.add(id)
              state.result.objectsWithUpdatedReferences++
            }
          }
          if (written < rows) ranges.push([afterSeq, lastSeq])
        })
      }
    }
    for (const [from, lastSeq] of ranges) {
      let after = from
      for (;;) {
        const read = performance.now()
        await breathe()
        const page = await ctx.tx.refStagePage(attributeId, after, REF_PAGE, lastSeq)
        if (page.length === 0) {
          uncounted += performance.now() - read
          break
        }
        after = page[page.length - 1]!.seq
        const pending = page.map(toPending)
        const state = states.get(pending[0]!.typeId)!
        state.result.postFunctionTimeInMs += uncounted + performance.now() - read
        uncounted = 0
        await timed(state.result, 'postFunctionTimeInMs', () =>
          resolveGroup(ctx, state, attributeId, pending, rc, relinked),
        )
      }
    }
  }
  const first = states.values().next().value
  if (first) first.result.postFunctionTimeInMs += uncounted
}

const REF_PAGE = 10_000
// Orders staged references; only increases, so it may be shared by executions (each has its own stage table).
let stagedSeq = 0

/** What the execution staged of one reference attribute: where its rows are, and their type (null: several). */
interface StagedCounts {
  typeId: number | null
  firstSeq: number
  lastSeq: number
  /** Rows staged in each range of SET_SEQS seqs from firstSeq: a range the set statement resolved is not read. */
  ranges: number[]
}

/** The seqs (of all attributes) one set statement goes through: ~40 ms on SQLite between two pauses. */
const SET_SEQS = 20_000

/**
 * The seqs one set statement goes through. PostgreSQL: the whole stage in one statement (the server works while the
 * event loop runs; one hash join reads the targets' value index once, where ranges of 20,000 each read most of it:
 * docs/benchmarks.md, issue 11 ninth pass, pgpost).
 */
function setSeqs(ctx: WriteContext): number {
  return ctx.tx.dialect === 'postgres' ? Number.MAX_SAFE_INTEGER : SET_SEQS
}

const stagedByRun = new WeakMap<WriteContext, Map<number, StagedCounts>>()

function stagedOf(ctx: WriteContext): Map<number, StagedCounts> {
  let staged = stagedByRun.get(ctx)
  if (!staged) stagedByRun.set(ctx, (staged = new Map()))
  return staged
}

/** Moves the references queued by the last batches into the stage table (called after every batch). */
export async function stagePending(ctx: WriteContext): Promise<void> {
  if (ctx.pending.length === 0) return
  const staged = stagedOf(ctx)
  const keyless = ctx.tx.dialect === 'sqlite'
  const span = setSeqs(ctx)
  const rows: Tuple[] = ctx.pending.map((p) => {
    const seq = ++stagedSeq
    const counts = staged.get(p.attributeId)
    if (!counts) staged.set(p.attributeId, { typeId: p.typeId, firstSeq: seq, lastSeq: seq, ranges: [1] })
    else {
      const k = Math.floor((seq - counts.firstSeq) / span)
      counts.ranges[k] = (counts.ranges[k] ?? 0) + 1
      counts.lastSeq = seq
      if (counts.typeId !== p.typeId) counts.typeId = null
    }
    // What resolveStagedSingle joins on: the folded text of a created object's reference with one text.
    const single = p.created && p.texts.length === 1 ? p.texts[0]! : null
    const textCi = single === null ? null : foldCase(single)
    // Such a row, the most common (every reference of a first load with one text), is staged slim: most are
    // resolved by the set statement and never read back. Its one text is stored as it is, and not at all when
    // folding leaves it unchanged; on SQLite its object's key is read from the object by the page that reads it
    // (refStagePageQuery; PostgreSQL, which reads every row back, keeps it). ~25 bytes and a JSON text less per
    // row (docs/benchmarks.md, issue 11 ninth pass, sqlpost).
    return [
      seq,
      p.attributeId,
      p.objectId,
      single === null || !keyless ? p.objectKey : null,
      p.typeId,
      p.created ? 1 : 0,
      single === null ? JSON.stringify(p.texts) : single === textCi ? null : single,
      p.placeholders.size ? JSON.stringify(Object.fromEntries(p.placeholders)) : null,
      p.location,
      textCi,
    ]
  })
  ctx.pending = []
  await ctx.tx.stageReferences(rows)
}

const NO_PLACEHOLDERS: ReadonlyMap<string, string[]> = new Map()
/** No targets; shared, never mutated (like the hit lists of lookup). */
const NONE: readonly number[] = []

function toPending(r: StagedReference): PendingReference {
  return {
    objectId: r.object_id,
    objectKey: r.object_key,
    typeId: r.type_id,
    attributeId: r.attribute_id,
    // A slim row (stagePending): text_ci is set, texts is its one text when folding changed it.
    texts: r.text_ci === null ? (JSON.parse(r.texts!) as string[]) : [r.texts ?? r.text_ci],
    placeholders:
      r.placeholders === null
        ? NO_PLACEHOLDERS
        : new Map(Object.entries(JSON.parse(r.placeholders) as Record<string, string[]>)),
    location: r.location,
    created: r.created === 1,
  }
}

/**
 * Whether the attribute's staged references of created objects can be resolved by one statement
 * (resolveStagedSingle) with exactly the outcome the pages would give them, and through which attributes. Only
 * when nothing but the reference rows is to be written: `=` / `in` on attributes whose value index is complete (no
 * `==` text comparison, no `like`, no key or scan), all rows from one type (the counters go to it), no plan to
 * describe each change, at least one target allowed. A row matching no object or several is left to the pages,
 * which report it; so is every row of an object that existed (its stored references are compared and logged).
 */
function singleTargets(
  ctx: WriteContext,
  states: Map<number, TypeState>,
  attributeId: number,
  counts: StagedCounts,
  rc: ReferenceContext,
): { state: TypeState; targetAttributeIds: number[]; labels?: LabelTargets } | null {
  if (ctx.planning || counts.typeId === null) return null
  const state = states.get(counts.typeId)
  if (!state) return null
  const attr = state.plan.allAttributes.get(attributeId)
  if (!attr || attr.maximumCardinality === 0 || attr.referenceObjectTypeId == null) return null
  const simple = parseSimpleReferenceQuery(referenceQueryOf(state, attributeId))
  if (!simple || simple.target.kind !== 'attribute' || (simple.operator !== '=' && simple.operator !== 'in'))
    return null
  const name = foldCase(simple.target.name)
  const typeIds = descendants(rc.types, attr.referenceObjectTypeId)
  const targets = typeIds.flatMap((t) =>
    (rc.attributesByType.get(t) ?? []).filter((a) => foldCase(a.name) === name),
  )
  // A quoted "Key" the types do not have is the object key (lookup); an unknown attribute is reported by the pages.
  if (targets.length === 0) return null
  const targetAttributeIds = targets.map((a) => a.id)
  // Targets answered from their labels (no index rows): the statement matches label_ci, when all are.
  if (targets.every((a) => answeredFromLabel(a)))
    return { state, targetAttributeIds, labels: labelTargets(ctx, targets) }
  if (!targets.every((a) => indexUsable(a))) return null
  return { state, targetAttributeIds }
}

function labelTargets(ctx: WriteContext, attributes: readonly AttributeDef[]): LabelTargets {
  return {
    workspaceId: ctx.workspaceId,
    attributeIds: attributes.map((a) => a.id),
    typeIds: [...new Set(attributes.map((a) => a.objectTypeId))],
  }
}

function referenceQueryOf(state: TypeState, attributeId: number): string {
  return (
    state.plan.attributes.find((a) => a.attribute.id === attributeId)?.referenceQuery ?? 'label = ${__self}'
  )
}

async function resolveGroup(
  ctx: WriteContext,
  state: TypeState,
  attributeId: number,
  pending: PendingReference[],
  rc: ReferenceContext,
  relinked: IdBitmap,
): Promise<void> {
  const attr = state.plan.allAttributes.get(attributeId)!
  const query = referenceQueryOf(state, attributeId)
  const targetTypes = descendants(rc.types, attr.referenceObjectTypeId!)
  const simple = parseSimpleReferenceQuery(query)
  // The resolved entries and their targets, in the order of `pending` (parallel lists: no map per group).
  const resolved: PendingReference[] = []
  const targetLists: (readonly number[])[] = []
  const dirty: number[] = []
  const problem = (p: PendingReference, code: string, message: string, value?: string): void => {
    rc.problems.push({
      objectTypeId: p.typeId,
      location: p.location,
      code,
      message: `${attr.name}: ${message}`,
      attribute: attr.name,
      ...(value === undefined ? {} : { value }),
    })
  }
  // queueReferences already put the simple query's placeholder values into `texts`.
  const lookupTexts = (p: PendingReference, _placeholder: string): string[] => p.texts

  const target = simple?.target
  const unknownAttribute =
    target?.kind === 'attribute' &&
    !targetTypes.some((t) =>
      (rc.attributesByType.get(t) ?? []).some((a) => foldCase(a.name) === foldCase(target.name)),
    )
  if (unknownAttribute) {
    // A configuration mistake, reported on every entry that needs it (and retried on the next run once fixed).
    for (const p of pending) {
      problem(p, 'INVALID_REFERENCE_QUERY', `${query}: the referenced type has no attribute "${target.name}"`)
      dirty.push(p.objectId)
    }
  } else if (simple) {
    const wanted = new Set<string>()
    for (const p of pending) for (const t of lookupTexts(p, simple.placeholder)) wanted.add(t)
    const found = await lookup(ctx, simple, targetTypes, rc, [...wanted])
    for (const p of pending) {
      if (p.texts.length === 1) {
        // The usual case, one text: its hit list is already distinct and sorted, and is used as it is.
        const t = p.texts[0]!
        const hits = found(t)
        resolved.push(p)
        if (hits.length === 0) {
          problem(p, 'UNRESOLVED_REFERENCE', `no object matches ${query} for ${JSON.stringify(t)}`, t)
          dirty.push(p.objectId)
          targetLists.push(NONE)
        } else if (hits.length > 1 && attr.maximumCardinality === 1) {
          problem(
            p,
            'AMBIGUOUS_REFERENCE',
            `${hits.length} objects match ${query} for ${JSON.stringify(t)}`,
            t,
          )
          dirty.push(p.objectId)
          targetLists.push(NONE)
        } else targetLists.push(hits)
        continue
      }
      const ids = new Set<number>()
      let unresolved = false
      for (const t of lookupTexts(p, simple.placeholder)) {
        const hits = found(t)
        if (hits.length === 0) {
          problem(p, 'UNRESOLVED_REFERENCE', `no object matches ${query} for ${JSON.stringify(t)}`, t)
          unresolved = true
        } else if (hits.length > 1 && attr.maximumCardinality === 1) {
          problem(
            p,
            'AMBIGUOUS_REFERENCE',
            `${hits.length} objects match ${query} for ${JSON.stringify(t)}`,
            t,
          )
          unresolved = true
        } else hits.forEach((h) => ids.add(h))
      }
      if (unresolved) dirty.push(p.objectId)
      resolved.push(p)
      targetLists.push([...ids])
    }
  } else {
    const cache = new Map<string, number[]>()
    for (const p of pending) {
      if (!rc.resolveAql) {
        problem(
          p,
          'UNSUPPORTED_REFERENCE_QUERY',
          `the query ${query} needs the AQL evaluator, which is not available here`,
        )
        dirty.push(p.objectId)
        continue
      }
      let text: string
      try {
        text = interpolate(query, (name) => p.placeholders.get(name) ?? null)
      } catch (error) {
        // A ${x} placeholder given several values by this entry: a problem of the entry, not of the execution.
        if (!(error instanceof AppError && error.code === 'AQL_PLACEHOLDER_MULTIPLE_VALUES')) throw error
        problem(p, 'TOO_MANY_VALUES', error.message)
        dirty.push(p.objectId)
        continue
      }
      let hits = cache.get(text)
      if (!hits) {
        try {
          hits = await rc.resolveAql(ctx.tx.db, text, targetTypes)
        } catch (error) {
          // A query the schema cannot answer (unknown attribute, bad value) is this entry's problem, not a crash.
          if (!(error instanceof AppError) || error.status !== 400) throw error
          problem(p, 'INVALID_REFERENCE_QUERY', `${text}: ${error.message}`)
          dirty.push(p.objectId)
          continue
        }
        cache.set(text, hits)
      }
      if (hits.length === 0 || (hits.length > 1 && attr.maximumCardinality === 1)) {
        problem(
          p,
          hits.length === 0 ? 'UNRESOLVED_REFERENCE' : 'AMBIGUOUS_REFERENCE',
          `${hits.length} objects match ${text}`,
        )
        dirty.push(p.objectId)
      }
      resolved.push(p)
      targetLists.push(hits.length > 1 && attr.maximumCardinality === 1 ? NONE : hits)
    }
  }
  await writeReferences(ctx, state, attr, resolved, targetLists, relinked)
  if (dirty.length) await ctx.tx.markDirty(dirty)
}

async function writeReferences(
  ctx: WriteContext,
  state: TypeState,
  attr: AttributeDef,
  resolved: PendingReference[],
  targetLists: (readonly number[])[],
  relinked: IdBitmap,
): Promise<void> {
  const max = attr.maximumCardinality
  // Objects created by this execution have no references yet: only the others' are read and compared.
  const existingIds: number[] = []
  for (const p of resolved) if (!p.created) existingIds.push(p.objectId)
  const existing = new Map<number, number[]>()
  if (existingIds.length) {
    for (const r of await ctx.tx.references(existingIds, [attr.id])) {
      const list = existing.get(r.object_id)
      if (list) list.push(r.target_object_id)
      else existing.set(r.object_id, [r.target_object_id])
    }
  }
  const replace: number[] = []
  const rows: Tuple[] = []
  const changing: { p: PendingReference; before: readonly number[]; targets: readonly number[] }[] = []
  const changedExisting: number[] = []
  for (let i = 0; i < resolved.length; i++) {
    const p = resolved[i]!
    const ids = targetLists[i]!
    const targets = max === -1 || ids.length <= max ? ids : ids.slice(0, max)
    const before = existing.get(p.objectId) ?? NONE
    if (before.length === targets.length && before.every((t, j) => t === targets[j])) continue
    changing.push({ p, before, targets })
    if (!p.created) changedExisting.push(p.objectId)
  }
  const provenance = await referenceProvenance(ctx, changedExisting)
  const provenanceRows: Tuple[] = []
  const keptIds: number[] = []
  for (const { p, before, targets } of changing) {
    const stored = provenance.get(p.objectId)
    if (stored && ctx.provenance) {
      if (!ctx.provenance.allows(p.typeId, state.plan.type.name, attr, stored, p.objectKey)) {
        // Kept by precedence: the next run compares the object again instead of trusting its hash.
        keptIds.push(p.objectId)
        continue
      }
      const written = ctx.provenance.written(stored, [attr.id])
      if (written !== stored.provenance) {
        provenanceRows.push([p.objectId, written])
        stored.provenance = written
      }
    }
    if (!p.created) replace.push(p.objectId)
    for (let i = 0; i < targets.length; i++) rows.push([p.objectId, attr.id, i, targets[i]])
    if (!relinked.has(p.objectId)) {
      relinked.add(p.objectId)
      state.result.objectsWithUpdatedReferences++
    }
    const planned = ctx.planning
      ? (): PlannedChange => ({
          operation: 'references',
          objectKey: p.objectKey,
          identity: null,
          differences: { [attr.name]: { before, after: targets } },
        })
      : undefined
    // The references of an object this execution created are part of its creation (logged by id range): a revert
    // deletes the object with them, and its history shows the creation. Only the plan lists them.
    if (p.created) {
      if (planned) await ctx.log.planOnly(p.typeId, p.objectId, planned)
      continue
    }
    await ctx.log.record(
      p.typeId,
      'references',
      {
        objectId: p.objectId,
        key: p.objectKey,
        before: { [attr.id]: before },
        after: { [attr.id]: targets },
      },
      planned,
    )
  }
  await ctx.tx.deleteReferences(replace, attr.id)
  await ctx.tx.insertReferences(rows)
  await ctx.tx.updateProvenance(provenanceRows)
  if (keptIds.length) await ctx.tx.markDirty(keptIds)
}

/** Origin and provenance of existing objects whose references change (their writers loaded for the rule). */
async function referenceProvenance(
  ctx: WriteContext,
  ids: number[],
): Promise<Map<number, { origin: number | null; provenance: string | null }>> {
  if (!ctx.provenance || ids.length === 0) return new Map()
  const stored = await ctx.tx.provenanceOf(ids)
  await ctx.provenance.load(stored.values())
  return stored
}

/** Answers, for each wanted text, the ids of target objects matching the simple query. */
async function lookup(
  ctx: WriteContext,
  q: SimpleReferenceQuery,
  typeIds: number[],
  rc: ReferenceContext,
  wanted: string[],
): Promise<(text: string) => readonly number[]> {
  const byFolded = new Map<string, { id: number; text: string }[]>()
  const add = (folded: string, id: number, text: string): void => {
    const list = byFolded.get(folded) ?? []
    if (!list.some((x) => x.id === id)) list.push({ id, text })
    byFolded.set(folded, list)
  }
  const folded = [...new Set(wanted.map(foldCase))]
  // As in AQL: bare Key is the object key; quoted "Key" is the type's own attribute Key, or the object key when the
  // type has no such attribute.
  const quotedKey = q.target.kind === 'attribute' && foldCase(q.target.name) === 'key'
  const byObjectKey =
    q.target.kind === 'key' ||
    (quotedKey &&
      !typeIds.some((t) => (rc.attributesByType.get(t) ?? []).some((a) => foldCase(a.name) === 'key')))
  if (byObjectKey) {
    // The one stored key each text can match, read through (workspace_no, object_key) (key-equality.ts).
    const stored = [...new Set(folded.map(storedKeyFor).filter((k): k is string => k !== null))]
    for (let i = 0; i < stored.length; i += 900) {
      const keys = stored.slice(i, i + 900)
      for (const r of await ctx.tx.objectsByKey(ctx.workspaceId, typeIds, keys))
        add(foldCase(r.object_key), r.id, r.object_key)
    }
  } else {
    const name = q.target.kind === 'attribute' ? foldCase(q.target.name) : null
    const targets = typeIds.flatMap((t) =>
      (rc.attributesByType.get(t) ?? []).filter((a) => (name === null ? a.label : foldCase(a.name) === name)),
    )
    // Attributes without complete index rows are read from their objects' values (indexed-attributes.ts); those
    // answered from their objects' labels, from the labels.
    const attributeIds = targets.filter((a) => indexUsable(a)).map((a) => a.id)
    const onLabel = targets.filter((a) => answeredFromLabel(a))
    const scanned = targets.filter((a) => !indexUsable(a) && !answeredFromLabel(a))
    const likeHits =
      scanned.length > 0 ? await scanLookup(ctx, scanned, new Set(folded), q.operator === 'like', add) : null
    const labels = onLabel.length > 0 ? labelTargets(ctx, onLabel) : null
    if (labels !== null) {
      for (let i = 0; i < folded.length; i += 900) {
        for (const r of await ctx.tx.labelsMatching(labels, folded.slice(i, i + 900)))
          add(r.value_ci, Number(r.object_id), r.value_text)
      }
    }
    if (attributeIds.length) {
      // PostgreSQL takes the texts as one array parameter: a page's texts in one statement (SQLite: 900 parameters).
      const step = ctx.tx.dialect === 'postgres' ? REF_PAGE : 900
      for (let i = 0; i < folded.length; i += step) {
        for (const r of await ctx.tx.valuesMatching(attributeIds, folded.slice(i, i + step)))
          add(r.value_ci, Number(r.object_id), r.value_text)
      }
    }
    if (q.operator === 'like' && (attributeIds.length > 0 || labels !== null)) {
      for (const f of folded.filter((x) => !byFolded.has(x))) {
        const pattern = `%${f.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
        if (attributeIds.length > 0)
          for (const r of await ctx.tx.valuesLike(attributeIds, pattern, 2)) add(f, r.object_id, r.value_text)
        if (labels !== null)
          for (const r of await ctx.tx.labelsLike(labels, pattern, 2)) add(f, r.object_id, r.value_text)
      }
    }
    // `like` on scanned attributes: the values without an exact hit in either.
    const unmatched = [...(likeHits ?? [])].filter(([f]) => !byFolded.has(f))
    for (const [f, hits] of unmatched) for (const h of hits) add(f, h.id, h.text)
  }
  // The lists answered are shared and never mutated by the caller.
  return (text) => {
    const hits = byFolded.get(foldCase(text))
    if (hits === undefined) return NONE
    if (hits.length === 1) return q.operator === '==' && hits[0]!.text !== text ? NONE : [hits[0]!.id]
    return (q.operator === '==' ? hits.filter((h) => h.text === text) : hits)
      .map((h) => h.id)
      .sort((a, b) => a - b)
  }
}

/**
 * The lookup of attributes without usable index rows: a pass over their types' objects, comparing folded values
 * as the index would. Exact hits are added; for `like`, the first objects containing each folded value are
 * returned, to be used for the values without exact hits.
 */
async function scanLookup(
  ctx: WriteContext,
  attributes: AttributeDef[],
  folded: ReadonlySet<string>,
  like: boolean,
  add: (folded: string, id: number, text: string) => void,
): Promise<Map<string, { id: number; text: string }[]>> {
  const likeHits = new Map<string, { id: number; text: string }[]>()
  const typeIds = [...new Set(attributes.map((a) => a.objectTypeId))]
  let after = 0
  for (;;) {
    const rows = await ctx.tx.valuesPage(ctx.workspaceId, typeIds, after, 2000)
    if (rows.length === 0) return likeHits
    for (const row of rows) {
      const id = Number(row.id)
      const values = decodeValues(row.attribute_values)
      for (const a of attributes) {
        for (const value of values.get(a.id) ?? []) {
          const text = valueText(value)
          const f = foldCase(text)
          if (folded.has(f)) add(f, id, text)
          if (!like) continue
          for (const wanted of folded) {
            const hits = likeHits.get(wanted) ?? []
            if (hits.length < 2 && f.includes(wanted) && !hits.some((h) => h.id === id)) {
              hits.push({ id, text })
              likeHits.set(wanted, hits)
            }
          }
        }
      }
    }
    after = Number(rows[rows.length - 1]!.id)
  }
}

function descendants(types: ObjectTypeDef[], root: number): number[] {
  const ids = [root]
  for (let i = 0; i < ids.length; i++)
    for (const t of types) if (t.parentObjectTypeId === ids[i]) ids.push(t.id)
  return ids
}
