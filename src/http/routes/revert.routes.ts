import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import type { Services } from '../../services/services.js'
import { presentExecution } from '../presenters/execution.presenter.js'
import { authErrors } from '../schemas/common.schema.js'
import { ExecutionErrorResponse, ExecutionParams, ExecutionResource } from '../schemas/execution.schema.js'

export const RevertBody = Type.Union([
  Type.Null(),
  Type.Object(
    {
      force: Type.Optional(
        Type.Boolean({
          description:
            'Revert every object not in conflict and report each skipped one as a problem of the revert, instead of answering 409 REVERT_CONFLICT',
        }),
      ),
    },
    { additionalProperties: false },
  ),
])

/** `POST …/executions/{executionId}/revert`: queue a revert of the execution (itself an execution, kind 'revert'). */
export function revertRoutes(app: FastifyInstance, services: Services): void {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/importsource/:importSourceId/executions/:executionId/revert', {
      config: { auth: { scope: 'import:import-configuration:cmdb' as const, container: true } },
      schema: {
        tags: ['Executions'],
        summary:
          'Revert an execution: every object it created, changed or removed goes back to its state before it, as a new execution (kind revert); 409 REVERT_CONFLICT lists objects changed since',
        params: ExecutionParams,
        body: RevertBody,
        response: { 202: ExecutionResource, ...authErrors, 409: ExecutionErrorResponse },
      },
      handler: async (req, reply) => {
        const { workspaceId, importSourceId, executionId } = req.params
        const execution = await services.reverts.request(workspaceId, importSourceId, executionId, {
          force: req.body?.force === true,
          actor: req.principal ? `token:${req.principal.tokenId}` : null,
        })
        return reply.code(202).send(presentExecution(execution))
      },
    })
}
