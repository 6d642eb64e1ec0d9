import type { AppConfig } from '../config/config.js'
import { systemClock, type Clock } from '../domain/clock.js'
import type { Store } from '../store/create-store.js'
import { ObjectSchemaService } from './object-schema.service.js'
import { ObjectService } from './object.service.js'
import { TokenService } from './token.service.js'
import { WorkspaceService } from './workspace.service.js'

/** Every use case, wired once by the composition root and shared by HTTP, worker and CLI. */
export interface Services {
  readonly config: AppConfig
  readonly store: Store
  readonly clock: Clock
  readonly workspaces: WorkspaceService
  readonly tokens: TokenService
  readonly schemas: ObjectSchemaService
  readonly objects: ObjectService
}

export function createServices(config: AppConfig, store: Store, clock: Clock = systemClock): Services {
  return Object.freeze({
    config,
    store,
    clock,
    workspaces: new WorkspaceService(store.db, clock),
    tokens: new TokenService(store.db, clock),
    schemas: new ObjectSchemaService(store.db, clock),
    objects: new ObjectService(store.db, clock),
  })
}
