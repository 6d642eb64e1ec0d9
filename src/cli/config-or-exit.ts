import { ConfigError, loadConfig, type AppConfig } from '../config/config.js'
import { applyHeapGrowth } from './heap-growth.js'

/**
 * Loads the configuration; on problems prints every one and exits with status 2. Every command that works on the
 * database (serve, worker, migrate, token, --local) comes through here: it also bounds the process's heap
 * (INTAKE_HEAP_GROWTH_PERCENT, heap-growth.ts).
 */
export function configOrExit(): AppConfig {
  try {
    const config = loadConfig()
    applyHeapGrowth(config.heapGrowthPercent)
    return config
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      process.exit(2)
    }
    throw error
  }
}
