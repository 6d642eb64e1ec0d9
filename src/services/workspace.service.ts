import { randomUUID } from 'node:crypto'
import { isoNow, type Clock, systemClock } from '../domain/clock.js'
import { NotFoundError } from '../domain/errors.js'
import type { Db } from '../store/create-store.js'
import { workspaceRepository } from '../store/repositories/workspace.repository.js'

export interface Workspace {
  id: string
  name: string
  createdAt: string
}

export class WorkspaceService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * The default workspace: the one named by INTAKE_WORKSPACE_ID (created when missing), else the first one,
   * else a new one with a generated id.
   */
  async ensureDefault(requestedId: string | null): Promise<{ workspace: Workspace; created: boolean }> {
    const existing = requestedId
      ? await workspaceRepository.find(this.db, requestedId)
      : await workspaceRepository.first(this.db)
    if (existing) return { workspace: toWorkspace(existing), created: false }
    const row = { id: requestedId ?? randomUUID(), name: 'Default workspace', created_at: isoNow(this.clock) }
    await workspaceRepository.insert(this.db, row)
    return { workspace: toWorkspace(row), created: true }
  }

  async get(id: string): Promise<Workspace> {
    const row = await workspaceRepository.find(this.db, id)
    if (!row) throw NotFoundError({ entity: 'Workspace', id })
    return toWorkspace(row)
  }
}

function toWorkspace(row: { id: string; name: string; created_at: string }): Workspace {
  return { id: row.id, name: row.name, createdAt: row.created_at }
}
