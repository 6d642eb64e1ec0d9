/**
 * What an execution dropped, said out loud: a problem for every entry that did not become an object (no identity,
 * no label, a repeated identity), a problem for every locator that read nothing in any entry, and the verdict on an
 * execution in which no entry at all became an object.
 */
import { closestName } from '../domain/aql/suggest.js'
import type { EntryProblem } from './engine-types.js'
import type { TypeResult } from './result.js'
import type { TypePlan } from './type-plan.js'
import type { TypeState } from './run-context.js'

export type DroppedEntry =
  | { kind: 'emptyExternalId' }
  | { kind: 'emptyLabel'; identity: string }
  | { kind: 'duplicate'; identity: string }

/** The problem of one entry that was dropped before it could become an object. */
export function droppedEntryProblem(plan: TypePlan, location: string, dropped: DroppedEntry): EntryProblem {
  const base = { objectTypeId: plan.type.id, location }
  if (dropped.kind === 'emptyExternalId') {
    const parts = plan.attributes.filter((a) => a.identity)
    const names = parts.map((a) => `${a.attribute.name} (${a.locatorNames.join(', ')})`).join(', ')
    return {
      ...base,
      code: 'EMPTY_EXTERNAL_ID',
      message: parts.length
        ? `no identity: a part of it has no value, or a value that was refused (${names}); the entry is skipped (emptyExternalIdEntries)`
        : 'no identity: the mapping marks no attribute as externalIdPart; the entry is skipped',
      ...(parts.length === 1 ? { attribute: parts[0]!.attribute.name } : {}),
    }
  }
  if (dropped.kind === 'emptyLabel') {
    const label = plan.labelAttribute?.name ?? 'label'
    return {
      ...base,
      code: 'EMPTY_LABEL',
      message: `${label}: the label is empty; the entry is skipped (emptyLabelEntries)`,
      attribute: label,
      value: dropped.identity.slice(0, 200),
    }
  }
  return {
    ...base,
    code: 'DUPLICATE_ENTRY',
    message:
      'an earlier entry has the same identity; the first one wins and this one is skipped (duplicateEnries)',
    value: dropped.identity.slice(0, 200),
  }
}

/**
 * One problem per locator of a mapped attribute that read no value in any entry of the type (a misspelt column or
 * key, another delimiter): with the closest key of the first entry when one is near.
 */
export function locatorsThatReadNothing(state: TypeState): EntryProblem[] {
  const { plan, result } = state
  if (result.entriesInSource === 0) return []
  const keys = state.firstEntryKeys ?? []
  const out: EntryProblem[] = []
  for (const a of plan.attributes) {
    a.locatorNames.forEach((locator, i) => {
      if (a.readSomething[i]) return
      const near = keys.includes(locator) ? null : closestName(locator, keys)
      const hint = near === null ? '' : `; did you mean "${near}"?`
      out.push({
        objectTypeId: plan.type.id,
        location: `selector ${plan.mapping.selector}`,
        code: 'LOCATOR_READ_NOTHING',
        message: `${a.attribute.name}: locator "${locator}" read no value in any of the ${result.entriesInSource} entries${hint}`,
        attribute: a.attribute.name,
        value: locator,
      })
    })
  }
  return out
}

/** The counters that dropped entries of a type, in words (`2000 emptyExternalIdEntries, 1 duplicateEnries`). */
export function droppedCounters(r: TypeResult): string {
  const parts = (
    [
      'emptyExternalIdEntries',
      'emptyLabelEntries',
      'duplicateEnries',
      'objectsFilteredWithQlQuery',
      'entriesSkipped',
    ] as const
  )
    .filter((c) => r[c] > 0)
    .map((c) => `${r[c]} ${c}`)
  return parts.length ? parts.join(', ') : 'no counter explains it'
}

/**
 * When the source had entries but not one became an object (each one had no identity, no label, a repeated
 * identity, was filtered or skipped for a problem), the reason the execution fails; otherwise null.
 */
export function everyEntryDropped(total: number, states: readonly TypeState[]): string | null {
  if (total === 0 || states.some((s) => s.accepted > 0)) return null
  const perType = states
    .filter((s) => s.result.entriesInSource > 0)
    .map((s) => `${s.plan.type.name}: ${droppedCounters(s.result)}`)
  return `Every one of the ${total} entries was dropped and nothing was imported (${perType.join('; ')}); see the problems of the execution`
}
