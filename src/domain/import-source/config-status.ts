import type { ConfigStatus } from './import-source.types.js'

/**
 * What `configstatus` answers: RUNNING while an execution ingests or processes (it runs to its end even if the
 * source was disabled meanwhile), else DISABLED, else MISSING_MAPPING until a mapping was applied, else IDLE.
 */
export function configStatus(state: {
  enabled: boolean
  hasMapping: boolean
  running: boolean
}): ConfigStatus {
  if (state.running) return 'RUNNING'
  if (!state.enabled) return 'DISABLED'
  if (!state.hasMapping) return 'MISSING_MAPPING'
  return 'IDLE'
}
