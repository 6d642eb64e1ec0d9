import { ConfigError, loadConfig, type AppConfig } from '../config/config.js'

/** Loads the configuration; on problems prints every one and exits with status 2. */
export function configOrExit(): AppConfig {
  try {
    return loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      process.exit(2)
    }
    throw error
  }
}
