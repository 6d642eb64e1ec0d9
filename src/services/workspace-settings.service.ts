/**
 * Workspace-level settings: defaults the workspace's sources use when they have none of their own. Today the
 * mass-delete guard (`deleteGuard`); each setting is one key of `workspace_setting`, so later ones join without a
 * migration.
 */
import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import { ValidationError } from '../domain/errors.js'
import { deleteGuardProblems } from '../domain/import-source/delete-guard-setting.js'
import type { DeleteGuardSetting } from '../domain/import-source/import-source.types.js'
import type { Db } from '../store/create-store.js'
import { workspaceSettingRepository as repo } from '../store/repositories/workspace-setting.repository.js'

export interface WorkspaceSettings {
  /** The guard of the sources that have none of their own (null: no default, such sources are not guarded). */
  deleteGuard: DeleteGuardSetting | null
}

export const DEFAULT_WORKSPACE_SETTINGS: Readonly<WorkspaceSettings> = Object.freeze({ deleteGuard: null })

const KEYS = Object.keys(DEFAULT_WORKSPACE_SETTINGS) as (keyof WorkspaceSettings)[]

export class WorkspaceSettingsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
  ) {}

  async get(workspaceId: string): Promise<WorkspaceSettings> {
    const settings: WorkspaceSettings = { ...DEFAULT_WORKSPACE_SETTINGS }
    for (const row of await repo.all(this.db, workspaceId)) {
      if ((KEYS as string[]).includes(row.key)) Object.assign(settings, { [row.key]: JSON.parse(row.value) })
    }
    return settings
  }

  /** Sets the members given (null clears one back to its default); 400 naming the field of a bad value. */
  async put(
    workspaceId: string,
    change: Partial<WorkspaceSettings>,
    actor: string | null,
  ): Promise<WorkspaceSettings> {
    const problems =
      change.deleteGuard !== undefined && change.deleteGuard !== null
        ? deleteGuardProblems(change.deleteGuard, 'body.deleteGuard')
        : []
    if (problems.length > 0) throw ValidationError({ problems })
    const now = isoNow(this.clock)
    await this.db.transaction().execute(async (trx) => {
      for (const key of KEYS) {
        const value = change[key]
        if (value === undefined) continue
        if (value === null) await repo.remove(trx, workspaceId, key)
        else
          await repo.put(trx, {
            workspace_id: workspaceId,
            key,
            value: JSON.stringify(value),
            updated_at: now,
            updated_by: actor,
          })
      }
    })
    return this.get(workspaceId)
  }

  /** The guard of a source: its own, else the workspace default, else none. */
  async deleteGuardOf(
    workspaceId: string,
    own: DeleteGuardSetting | null,
  ): Promise<DeleteGuardSetting | null> {
    if (own !== null) return own
    const stored = await repo.find(this.db, workspaceId, 'deleteGuard')
    return stored === undefined ? null : (JSON.parse(stored) as DeleteGuardSetting)
  }
}
