/**
 * A gate in front of each batch the worker hands to the engine (the processor's test hook): while `hold` is set,
 * the run waits at batch `hold` until its signal is aborted (pause or cancel) or `release()` is called.
 */
export function batchGate() {
  let hold: number | null = null
  let reached: (() => void) | null = null
  let release: (() => void) | null = null
  return {
    holdAt(batch: number): Promise<void> {
      hold = batch
      return new Promise((resolve) => (reached = resolve))
    },
    release(): void {
      hold = null
      release?.()
    },
    hook: async (_executionId: string, index: number, signal: AbortSignal): Promise<void> => {
      if (hold === null || index !== hold) return
      const waiting = new Promise<void>((resolve) => {
        release = resolve
        signal.addEventListener('abort', () => resolve(), { once: true })
      })
      reached?.()
      await waiting
    },
  }
}
