import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { ContainerTokenRequiredError } from '../../domain/import-source/import-source-errors.js'
import type { Services } from '../../services/services.js'
import { workspaceBase } from '../links.js'
import { authErrors } from '../schemas/common.schema.js'
import { ImportsInfoResponse } from '../schemas/import-source.schema.js'

export const IMPORTS_INFO_PATHS = ['/jsm/assets/v1/imports/info', '/jsm/insight/v1/imports/info']

/**
 * Token discovery of external import clients: a container token answers the links of its own source. Outside the
 * workspace prefix; `/jsm/insight/…` is the older path, hidden from the OpenAPI document.
 */
export function importsInfoRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  for (const [index, path] of IMPORTS_INFO_PATHS.entries()) {
    r.get(path, {
      config: { auth: { anyToken: true } },
      schema: {
        tags: ['Import sources'],
        summary: 'Links of the import source of a container token',
        ...(index > 0 && { hide: true }),
        response: { 200: ImportsInfoResponse, ...authErrors },
      },
      handler: async (req) => {
        const principal = req.principal
        if (principal?.kind !== 'container') throw ContainerTokenRequiredError({})
        const source = await services.importSources.get(principal.workspaceId, principal.importSourceId)
        const base = `${workspaceBase(req, services.config.publicUrl, source.workspaceId)}/importsource/${source.id}`
        return {
          links: {
            getStatus: `${base}/configstatus`,
            start: `${base}/executions`,
            mapping: `${base}/mapping`,
          },
        }
      },
    })
  }
}
