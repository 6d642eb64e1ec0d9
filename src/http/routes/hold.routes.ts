import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Services } from '../../services/services.js'
import { presentExecution } from '../presenters/execution.presenter.js'
import { authErrors } from '../schemas/common.schema.js'
import { ExecutionErrorResponse, ExecutionParams, ExecutionResource } from '../schemas/execution.schema.js'

/**
 * Workspace tokens with the import scope (admin tokens pass every scope). Not a source's container token: the
 * client that pushed the data does not approve its own mass deletion.
 */
const config = { auth: { scope: 'import:import-configuration:cmdb' as const } }
const tags = ['Executions']
const errors = { ...authErrors, 409: ExecutionErrorResponse }
const E = '/importsource/:importSourceId/executions/:executionId'

const RejectBody = Type.Union([
  Type.Null(),
  Type.Object(
    {
      reason: Type.Optional(
        Type.String({ minLength: 1, maxLength: 1000, description: 'Why it was rejected' }),
      ),
    },
    { additionalProperties: false },
  ),
])

/** Who decided: the token's id (never its secret). */
const actorOf = (req: FastifyRequest): string =>
  req.principal ? `token:${req.principal.tokenId}` : 'unknown'

/** Approve or reject an execution the mass-delete guard held (docs/mass-delete-guard.md). */
export function holdRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const holds = services.holds

  r.post(`${E}/approve`, {
    config,
    schema: {
      tags,
      summary:
        'Approve a HELD execution: it runs the same input again (push: its chunks; file: the file it read; SQL, ' +
        'LDAP, REST: a new read), allowed to remove or mark missing exactly the held numbers, and commits (DONE); ' +
        'more than approved holds it again. 409 EXECUTION_NOT_HELD when not HELD',
      params: ExecutionParams,
      response: { 200: ExecutionResource, ...errors },
    },
    handler: async (req) => {
      const p = req.params
      return presentExecution(
        await holds.approve(p.workspaceId, p.importSourceId, p.executionId, actorOf(req)),
      )
    },
  })

  r.post(`${E}/reject`, {
    config,
    schema: {
      tags,
      summary: 'Reject a HELD execution: CANCELLED with the reason, nothing written. 409 EXECUTION_NOT_HELD',
      params: ExecutionParams,
      body: Type.Optional(RejectBody),
      response: { 200: ExecutionResource, ...errors },
    },
    handler: async (req) => {
      const p = req.params
      const reason = req.body?.reason ?? null
      return presentExecution(
        await holds.reject(p.workspaceId, p.importSourceId, p.executionId, actorOf(req), reason),
      )
    },
  })
}
