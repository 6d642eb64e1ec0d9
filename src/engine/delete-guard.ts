/**
 * The mass-delete guard (docs/mass-delete-guard.md): pure threshold logic. Per object type, what an execution would
 * remove (missingObjects REMOVE) or mark missing (UPDATE) is compared with what the source owned of that type before
 * the execution; over the threshold, the execution does not commit but is held for an operator.
 */

import type { DeleteGuardSetting } from '../domain/import-source/import-source.types.js'

export type { DeleteGuardSetting }

/** Types of which the source owned fewer objects are not guarded, unless the setting says otherwise. */
export const DEFAULT_GUARD_MIN_OBJECTS = 10

/** What the engine gets: the guard, and the numbers an operator approved (object type id → objects). */
export interface DeleteGuardInput {
  setting: DeleteGuardSetting
  /** Per type id: the objects an approval allows to remove or mark missing, whatever the setting says. */
  approved?: Record<string, number>
}

/** One type's numbers as the engine counted them. */
export interface GuardCount {
  objectTypeId: number
  objectTypeName: string
  /** Objects of the type the source owned before the execution. */
  owned: number
  toRemove: number
  toMark: number
}

/** One type's numbers with the guard's verdict. */
export interface GuardVerdict extends GuardCount {
  /** The most the guard lets through for this type (null: the type is not guarded, below minObjects). */
  limit: number | null
  /** The approved number, when an approval raised the limit. */
  approved: number | null
  over: boolean
}

/** Whether the setting guards anything at all. */
export function guardActive(setting: DeleteGuardSetting | null | undefined): setting is DeleteGuardSetting {
  return !!setting && (setting.maxPercent !== undefined || setting.maxObjects !== undefined)
}

/**
 * The most objects of a type with `owned` objects one execution may remove or mark missing; null when the type is
 * not guarded (fewer owned objects than minObjects, or no limit set).
 */
export function guardLimit(setting: DeleteGuardSetting, owned: number): number | null {
  if (owned < (setting.minObjects ?? DEFAULT_GUARD_MIN_OBJECTS)) return null
  const limits: number[] = []
  if (setting.maxPercent !== undefined) limits.push(Math.floor((owned * setting.maxPercent) / 100))
  if (setting.maxObjects !== undefined) limits.push(setting.maxObjects)
  return limits.length === 0 ? null : Math.min(...limits)
}

/** The verdict for one type: over when it affects more than the limit and more than an approval allows. */
export function judge(guard: DeleteGuardInput, count: GuardCount): GuardVerdict {
  const limit = guardLimit(guard.setting, count.owned)
  const approved = guard.approved?.[String(count.objectTypeId)] ?? null
  const affected = count.toRemove + count.toMark
  const over = limit !== null && affected > limit && (approved === null || affected > approved)
  return { ...count, limit, approved, over }
}

/** Thrown by the engine before commit when a type is over the guard: the transaction rolls back. */
export class ImportHeld extends Error {
  constructor(readonly types: GuardVerdict[]) {
    const over = types.filter((t) => t.over)
    super(
      `held by the mass-delete guard: ${over
        .map((t) => `${t.objectTypeName} ${t.toRemove + t.toMark} of ${t.owned} (limit ${t.limit})`)
        .join(', ')}`,
    )
    this.name = 'ImportHeld'
  }
}
