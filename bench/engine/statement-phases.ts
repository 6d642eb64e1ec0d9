/**
 * The attribution scripts' statements (sqlite-attribution.ts, pg-write-attribution.ts) are keyed `phase: statement`:
 * their wall time summed by the engine phase the key starts with, as one line (`µs/entry` by `per`).
 */
export function wallByPhase(
  stats: ReadonlyMap<string, { wallMs: number }>,
  per: (ms: number) => string,
): string {
  const byPhase = new Map<string, number>()
  for (const [k, s] of stats) {
    const p = k.slice(0, k.indexOf(':'))
    byPhase.set(p, (byPhase.get(p) ?? 0) + s.wallMs)
  }
  return `statements' wall by phase µs/entry: ${[...byPhase].map(([p, ms]) => `${p} ${per(ms)}`).join(', ')}`
}
