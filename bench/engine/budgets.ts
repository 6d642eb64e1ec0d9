/**
 * Issue 11's budgets for the engine benchmark: µs per entry for each phase of the engine, and the ratio of each
 * scenario to its raw baseline (measured in the same run). The engine table prints every figure next to them.
 */
import type { Phases } from '../bench-kit.js'

export type BenchEngine = 'sqlite' | 'postgres'

/** The phases in the order the engine runs them, with the timer of the type result that measures each. */
export const PHASES: readonly { name: string; field: keyof Phases }[] = [
  { name: 'read', field: 'readExternalDataTimeInMs' },
  { name: 'map', field: 'mapExternalDataTimeInMs' },
  { name: 'decide', field: 'decidingActionsTimeInMs' },
  { name: 'write', field: 'writeInsightDataTimeInMs' },
  { name: 'post', field: 'postFunctionTimeInMs' },
]

/** A first load goes into an empty type (a fresh database); every other scenario is a re-import. */
export const isFirstLoad = (scenario: string): boolean => scenario.startsWith('first load')

/**
 * The budget of a phase in µs per entry, or null when the issue sets none: read (parse + select) ≤ 2, map
 * (locators + coercion + hash) ≤ 3, decide ≤ 2 on a first load into an empty type and ≤ 4 on a re-import,
 * write ≤ 10 on SQLite; post has none.
 */
export function phaseBudget(phase: string, engine: BenchEngine, scenario: string): number | null {
  switch (phase) {
    case 'read':
      return 2
    case 'map':
      return 3
    case 'decide':
      return isFirstLoad(scenario) ? 2 : 4
    case 'write':
      return engine === 'sqlite' ? 10 : null
    default:
      return null
  }
}

/**
 * The target ratio engine / baseline of a scenario (SQLite: a parse + insert loop; PostgreSQL: COPY), or null when
 * the table sets none (the shaped first load is compared with the first load, not with a target).
 */
export function ratioTarget(engine: BenchEngine, scenario: string): number | null {
  if (engine === 'sqlite') {
    if (scenario === 'first load') return 2.0
    if (scenario === 're-import unchanged') return 0.6
    if (scenario.startsWith('re-import 10%')) return 1.0
    return null
  }
  if (scenario === 'first load') return 4.0
  if (scenario.startsWith('re-import 10%')) return 3.0
  return null
}

/** `figure ≤ target ✓` when within it, `figure > target ✗` when over, the figure alone without a target. */
export function againstTarget(figure: number, target: number | null, digits: number, unit = ''): string {
  const f = `${figure.toFixed(digits)}${unit}`
  if (target === null) return `${f} (no target)`
  return figure <= target ? `${f} ≤ ${target}${unit} ✓` : `**${f} > ${target}${unit} ✗**`
}
