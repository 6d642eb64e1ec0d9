/**
 * Preload for the engine benchmarks: `node --import tsx --import ./bench/engine/cpu-phases.ts bench/engine-only.ts`.
 * With CPU_CLOCK=1, `performance.now()` answers the process's CPU time (all threads, the garbage collector's
 * included), so the engine's phase timers report CPU µs per entry instead of wall time (a shared machine's load only
 * ever adds to the wall). At exit it prints the garbage collector's pauses by kind (count, ms of wall).
 */
import { PerformanceObserver, performance, constants } from 'node:perf_hooks'

const kinds: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
}
const gc = new Map<string, { count: number; ms: number }>()
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const detail = (e as unknown as { detail?: { kind: number } }).detail
    const kind = kinds[detail?.kind ?? -1] ?? 'other'
    const t = gc.get(kind) ?? { count: 0, ms: 0 }
    t.count++
    t.ms += e.duration
    gc.set(kind, t)
  }
}).observe({ entryTypes: ['gc'] })

if (process.env.CPU_CLOCK === '1') {
  performance.now = () => {
    const u = process.cpuUsage()
    return (u.user + u.system) / 1000
  }
}

process.on('exit', () => {
  const u = process.cpuUsage()
  const parts = [...gc].map(([k, t]) => `${k} ${t.count}× ${t.ms.toFixed(0)} ms`)
  console.error(`process CPU ${((u.user + u.system) / 1e6).toFixed(2)} s; GC: ${parts.join(', ')}`)
})
