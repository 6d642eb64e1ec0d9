import { breathe } from './breathe.js'
import { foldCase } from '../domain/aql/compare.js'
import { coerceValue } from '../domain/mapping/coerce.js'
import { keepsIndexRows } from '../domain/schema/indexed-attributes.js'
import { decodeValues, encodeValues, indexRows } from '../domain/schema/stored-values.js'
import {
  importWriteRepository as repo,
  OBJECT_MISSING_UPDATE,
  OBJECT_UPDATE,
  VALUE_INDEX,
  VALUE_INDEX_KEY,
} from '../store/repositories/import-write.repository.js'
import { timed } from './result.js'
import type { TypeState, WriteContext } from './type-writer.js'

const PAGE = 5000
const DAY_MS = 86_400_000

/**
 * After every entry is written, before references: objects this source owns, of a mapped type, that this execution
 * did not see. Each one's missing run count and first-missed time are tracked; IGNORE only tracks, UPDATE sets an
 * attribute and REMOVE deletes — both only once the threshold (runs or days) is reached. A threshold of 0 or 1 run
 * acts at the first miss.
 */
export async function handleMissing(ctx: WriteContext, state: TypeState): Promise<void> {
  await timed(state.result, 'postFunctionTimeInMs', async () => {
    const { plan } = state
    const setting = plan.missing
    // A type of which no entry became an object (none received, or every one dropped: no identity, no label…) is
    // far more often a broken export or mapping than an emptied source: its objects are left alone (the result says
    // so) rather than all counted as missing.
    if (state.seenIdentities.size === 0) {
      state.missingSkipped = true
      return
    }
    const protectedObjects = await repo.findOwned(
      ctx.db,
      ctx.store.caps.dialect,
      plan.type.id,
      ctx.importSourceId,
      [...state.protectedIdentities],
    )
    for (const o of protectedObjects) state.seenIds.add(o.id)
    let after = ''
    for (;;) {
      await breathe()
      const page = await repo.ownedPage(ctx.db, plan.type.id, ctx.importSourceId, after, PAGE)
      if (page.length === 0) break
      after = page[page.length - 1]!.identity
      const missing = page.filter((o) => !state.seenIds.has(o.id))
      if (missing.length === 0) continue
      const tracked = missing.map((o) => ({
        ...o,
        missing_runs: o.missing_runs + 1,
        missing_since: o.missing_since ?? ctx.now,
      }))
      const due = tracked.filter((o) =>
        setting.thresholdType === 'DAYS'
          ? Date.parse(ctx.now) - Date.parse(o.missing_since) >= setting.threshold * DAY_MS
          : o.missing_runs >= Math.max(1, setting.threshold),
      )
      if (setting.policy === 'REMOVE' && due.length) await remove(ctx, state, due)
      else if (setting.policy === 'UPDATE' && due.length) await update(ctx, state, due)
      const removed = setting.policy === 'REMOVE' ? new Set(due.map((o) => o.id)) : new Set<number>()
      await ctx.bulk.updateByKey(
        ctx.db,
        'object',
        OBJECT_MISSING_UPDATE,
        tracked.filter((o) => !removed.has(o.id)).map((o) => [o.id, o.missing_since, o.missing_runs]),
      )
    }
  })
}

async function remove(
  ctx: WriteContext,
  state: TypeState,
  due: { id: number; object_key: string }[],
): Promise<void> {
  const ids = due.map((o) => o.id)
  const stored = await repo.storedValues(ctx.db, ids)
  const keys: unknown[][] = []
  for (const o of due) {
    const values = decodeValues(stored.get(o.id)!.values)
    for (const [attrId, vals] of values) {
      const attr = state.plan.allAttributes.get(attrId)
      if (attr && keepsIndexRows(attr))
        for (const r of indexRows(o.id, attr, vals)) keys.push([r.attribute_id, r.value_ci, r.object_id])
    }
    await ctx.log.record(
      ctx.db,
      state.plan.type.id,
      'delete',
      { objectId: o.id, key: o.object_key, before: Object.fromEntries(values), after: null },
      ctx.dryRun
        ? () => ({
            operation: 'delete',
            objectKey: o.object_key,
            identity: null,
            differences: {},
          })
        : undefined,
    )
  }
  await repo.markReferrersDirty(ctx.db, ids)
  await ctx.bulk.deleteByKeys(ctx.db, 'object_value', VALUE_INDEX_KEY, keys)
  await repo.deleteObjects(ctx.db, ids)
  state.result.objectsMissingDeleted += ids.length
}

async function update(
  ctx: WriteContext,
  state: TypeState,
  due: { id: number; object_key: string; missing_since: string; missing_runs: number }[],
): Promise<void> {
  const setting = state.plan.missing
  const attr = [...state.plan.allAttributes.values()].find(
    (a) =>
      a.externalId === setting.attributeExternalId ||
      a.name.toLowerCase() === (setting.attributeName ?? '').toLowerCase(),
  )
  if (!attr || setting.value === null) return
  const coerced = coerceValue(
    attr.kind,
    setting.value,
    attr.kind === 'select' ? { allowedValues: attr.allowedValues } : {},
  )
  if (!coerced.ok) return
  const stored = await repo.storedValues(
    ctx.db,
    due.map((o) => o.id),
  )
  const updates: unknown[][] = []
  const removeKeys: unknown[][] = []
  const add: unknown[][] = []
  for (const o of due) {
    const s = stored.get(o.id)!
    const values = decodeValues(s.values)
    const prev = values.get(attr.id) ?? []
    if (prev.length === 1 && prev[0] === coerced.value) continue
    values.set(attr.id, [coerced.value])
    updates.push([
      o.id,
      s.label,
      `missing:${o.id}`,
      encodeValues(values, () => false),
      ctx.now,
      o.missing_since,
      o.missing_runs,
      foldCase(s.label),
    ])
    if (keepsIndexRows(attr)) {
      for (const r of indexRows(o.id, attr, prev)) removeKeys.push([r.attribute_id, r.value_ci, r.object_id])
      for (const r of indexRows(o.id, attr, [coerced.value]))
        add.push([r.attribute_id, r.value_ci, r.object_id, r.position, r.value_text, r.value_num])
    }
    state.result.objectsMissingUpdated++
    await ctx.log.record(
      ctx.db,
      state.plan.type.id,
      'missing-update',
      {
        objectId: o.id,
        key: o.object_key,
        before: { [attr.id]: prev },
        after: { [attr.id]: [coerced.value] },
      },
      ctx.dryRun
        ? () => ({
            operation: 'missing-update',
            objectKey: o.object_key,
            identity: null,
            differences: { [attr.name]: { before: prev, after: [coerced.value] } },
          })
        : undefined,
    )
  }
  await ctx.bulk.updateByKey(ctx.db, 'object', OBJECT_UPDATE, updates)
  await ctx.bulk.deleteByKeys(ctx.db, 'object_value', VALUE_INDEX_KEY, removeKeys)
  await ctx.bulk.insert(ctx.db, 'object_value', VALUE_INDEX, add)
}
