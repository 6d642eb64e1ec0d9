import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Services } from '../../services/services.js'
import { authErrors } from '../schemas/common.schema.js'
import { ExecutionParams } from '../schemas/execution.schema.js'
import {
  ApplyBody,
  ApplyResponse,
  PlanErrorResponse,
  PlanQuery,
  PlanResource,
} from '../schemas/plan.schema.js'

const config = { auth: { scope: 'import:import-configuration:cmdb' as const, container: true } }
const tags = ['Executions']
const E = '/importsource/:importSourceId/executions/:executionId'

/** Plan → apply (docs/plan-apply.md): the stored plan of a dry run, paged, and its apply. */
export function planRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const plans = services.plans

  r.get(`${E}/plan`, {
    config,
    schema: {
      tags,
      summary: 'The complete plan of a dry run, paged; 409 PLAN_NOT_AVAILABLE when the execution kept none',
      params: ExecutionParams,
      querystring: PlanQuery,
      response: { 200: PlanResource, ...authErrors, 409: PlanErrorResponse },
    },
    handler: async ({ params: p, query }) => {
      const { startAt, maxResults, objectTypeId, operation } = query
      return plans.plan(
        p.workspaceId,
        p.importSourceId,
        p.executionId,
        { startAt, maxResults },
        {
          ...(objectTypeId !== undefined && { objectTypeId }),
          ...(operation !== undefined && { operation }),
        },
      )
    },
  })

  r.post(`${E}/apply`, {
    config,
    schema: {
      tags,
      summary:
        'Apply the plan of a dry run exactly (a new execution, kind apply); 409 PLAN_DRIFT, PLAN_MAPPING_CHANGED, PLAN_ALREADY_APPLIED, EXECUTION_IN_PROGRESS; 410 PLAN_EXPIRED',
      params: ExecutionParams,
      body: ApplyBody,
      response: { 202: ApplyResponse, ...authErrors, 409: PlanErrorResponse, 410: PlanErrorResponse },
    },
    handler: async (req, reply) => {
      const p = req.params
      const actor = req.principal ? `token:${req.principal.tokenId}` : undefined
      const execution = await plans.apply(p.workspaceId, p.importSourceId, p.executionId, {
        ...(req.body?.onDrift !== undefined && { onDrift: req.body.onDrift }),
        ...(actor !== undefined && { actor }),
      })
      return reply
        .code(202)
        .send({ executionId: execution.id, planExecutionId: p.executionId, status: execution.status })
    },
  })
}
