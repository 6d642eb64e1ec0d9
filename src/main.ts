import type { AppConfig } from './config/config.js'
import { createServices, type Services } from './services/services.js'
import { createStore } from './store/create-store.js'
import { migrateToLatest } from './store/migrate.js'

export interface Bootstrapped {
  services: Services
  workspaceId: string
  /** A newly generated admin token to print once, or null. */
  generatedAdminToken: string | null
  close(): Promise<void>
}

/** Composition root: config → store (migrated) → services → default workspace and admin token. */
export async function bootstrap(
  config: AppConfig,
  options: { provisionAdmin?: boolean } = {},
): Promise<Bootstrapped> {
  const store = createStore(config.database)
  try {
    const migrated = await migrateToLatest(store)
    if (migrated.error !== undefined) throw migrated.error
    const services = createServices(config, store)
    await services.importFiles.cleanTempFiles()
    const { workspace } = await services.workspaces.ensureDefault(config.workspaceId)
    let generatedAdminToken: string | null = null
    if (config.adminToken !== null) await services.tokens.ensureAdminSecret(workspace.id, config.adminToken)
    else if (options.provisionAdmin !== false)
      generatedAdminToken = await services.tokens.ensureSomeAdmin(workspace.id)
    return { services, workspaceId: workspace.id, generatedAdminToken, close: () => store.close() }
  } catch (error) {
    await store.close().catch(() => undefined)
    throw error
  }
}
