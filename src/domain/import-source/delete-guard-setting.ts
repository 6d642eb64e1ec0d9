/** The rules of a mass-delete guard setting (a source's `deleteGuard`, or the workspace default). */
import type { FieldProblem } from '../errors.js'
import type { DeleteGuardSetting } from './import-source.types.js'

/** What is wrong with a guard setting, each problem naming its field under `field`. */
export function deleteGuardProblems(setting: DeleteGuardSetting, field: string): FieldProblem[] {
  const problems: FieldProblem[] = []
  const { maxPercent, maxObjects, minObjects } = setting
  if (maxPercent !== undefined && !(Number.isFinite(maxPercent) && maxPercent >= 0 && maxPercent <= 100))
    problems.push({
      field: `${field}.maxPercent`,
      message: 'must be a number from 0 to 100',
      value: maxPercent,
    })
  for (const [name, value] of [
    ['maxObjects', maxObjects],
    ['minObjects', minObjects],
  ] as const) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0))
      problems.push({ field: `${field}.${name}`, message: 'must be an integer of 0 or more', value })
  }
  if (maxPercent === undefined && maxObjects === undefined)
    problems.push({
      field: field,
      message: 'must set maxPercent or maxObjects (or be null for no guard of its own)',
    })
  return problems
}
