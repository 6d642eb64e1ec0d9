import { foldCase } from '../domain/aql/compare.js'
import { ConflictError, NotFoundError, ValidationError, type FieldProblem } from '../domain/errors.js'
import { isStatusCategory, STATUS_NAME_PATTERN } from '../domain/schema/definitions.js'
import type { StatusCategory, StatusDef } from '../domain/schema/types.js'
import type { Db } from '../store/create-store.js'
import { objectSchemaRepository as repo } from '../store/repositories/object-schema.repository.js'
import { schemaUsageRepository as usage } from '../store/repositories/schema-usage.repository.js'
import { toStatus } from './schema-rows.js'

export interface NewStatus {
  objectSchemaId: number | null
  name: string
  description?: string
  category: StatusCategory
}

export interface StatusChange {
  /** The scope never changes: when given, it must be the status's own (null = global). */
  objectSchemaId?: number | null
  name?: string
  description?: string
  category?: StatusCategory
}

/**
 * Statuses (Assets status types): global ones of the workspace and those of one schema. Objects hold a status by
 * its name, so a status that objects hold is neither renamed nor deleted (409).
 */
export class StatusService {
  constructor(private readonly db: Db) {}

  async create(workspaceId: string, input: NewStatus): Promise<StatusDef> {
    const problems: FieldProblem[] = []
    checkStatusName(input.name, problems)
    if (!isStatusCategory(input.category)) {
      problems.push({
        field: 'category',
        message: 'must be active, inactive or pending',
        value: input.category,
      })
    }
    if (problems.length) throw ValidationError({ problems })
    if (
      input.objectSchemaId !== null &&
      !(await repo.findSchema(this.db, workspaceId, input.objectSchemaId))
    ) {
      throw NotFoundError({ entity: 'Object schema', id: input.objectSchemaId })
    }
    await this.assertNameFree(workspaceId, input.objectSchemaId, input.name, null)
    const id = await repo.insertStatus(this.db, {
      workspace_id: workspaceId,
      object_schema_id: input.objectSchemaId,
      name: input.name,
      description: input.description ?? '',
      category: input.category,
    })
    return this.get(workspaceId, id)
  }

  async get(workspaceId: string, id: number): Promise<StatusDef> {
    const row = await repo.findStatus(this.db, workspaceId, id)
    if (!row) throw NotFoundError({ entity: 'Status', id })
    return toStatus(row)
  }

  /** The global statuses (schemaId null), or those visible in a schema: its own and the global ones. */
  async list(workspaceId: string, schemaId: number | null): Promise<StatusDef[]> {
    return (await repo.listStatuses(this.db, workspaceId, schemaId)).map(toStatus)
  }

  /** Changes name, description or category. A status that objects hold keeps its name (409). */
  async update(workspaceId: string, id: number, change: StatusChange): Promise<StatusDef> {
    const status = await this.get(workspaceId, id)
    const problems: FieldProblem[] = []
    const renamed = change.name !== undefined && change.name !== status.name
    if (renamed) checkStatusName(change.name!, problems)
    if (change.category !== undefined && !isStatusCategory(change.category)) {
      problems.push({
        field: 'category',
        message: 'must be active, inactive or pending',
        value: change.category,
      })
    }
    if (change.objectSchemaId !== undefined && change.objectSchemaId !== status.objectSchemaId) {
      problems.push({
        field: 'objectSchemaId',
        message: 'a status cannot move between schemas (or between a schema and the global scope)',
        value: change.objectSchemaId,
      })
    }
    if (problems.length) throw ValidationError({ problems })
    if (renamed) {
      await this.assertNameFree(workspaceId, status.objectSchemaId, change.name!, id)
      await this.assertUnused(status, 'rename')
    }
    await repo.updateStatus(this.db, id, {
      ...(renamed ? { name: change.name! } : {}),
      ...(change.description !== undefined ? { description: change.description } : {}),
      ...(change.category !== undefined ? { category: change.category } : {}),
    })
    return this.get(workspaceId, id)
  }

  async remove(workspaceId: string, id: number): Promise<void> {
    const status = await this.get(workspaceId, id)
    await this.assertUnused(status, 'delete')
    await usage.deleteStatus(this.db, id)
  }

  private async assertUnused(status: StatusDef, action: string): Promise<void> {
    const holders = await usage.objectsWithStatus(this.db, foldCase(status.name), status.objectSchemaId)
    if (holders > 0) {
      throw ConflictError({
        entity: 'Status',
        reason: `cannot ${action} "${status.name}": ${holders} object(s) hold it`,
      })
    }
  }

  private async assertNameFree(
    workspaceId: string,
    schemaId: number | null,
    name: string,
    exceptId: number | null,
  ): Promise<void> {
    const visible = await repo.listStatuses(this.db, workspaceId, schemaId)
    if (visible.some((s) => Number(s.id) !== exceptId && s.name.toLowerCase() === name.toLowerCase())) {
      throw ConflictError({ entity: 'Status', reason: `a status named "${name}" already exists` })
    }
  }
}

function checkStatusName(name: string, problems: FieldProblem[]): void {
  if (typeof name !== 'string' || !STATUS_NAME_PATTERN.test(name)) {
    problems.push({
      field: 'name',
      message: 'must be 2 to 30 letters, digits, spaces or dashes',
      value: name,
    })
  }
}
