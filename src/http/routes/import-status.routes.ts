import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { hasScope } from '../../domain/auth/scopes.js'
import { ForbiddenError } from '../../domain/errors.js'
import type { Services } from '../../services/services.js'
import { origin, workspaceBase } from '../links.js'
import { presentImportStatus } from '../presenters/import-status.presenter.js'
import { authErrors } from '../schemas/common.schema.js'
import { ImportStatusQuery, ImportStatusResponse } from '../schemas/import-status.schema.js'

const SCOPE = 'import:import-configuration:cmdb' as const
export const IMPORT_STATUS_PATH = '/api/import_status.json'

/**
 * Seed 003's `import_status.json`, at the server root: the import state of the token's workspace, and with
 * `?run=true` an import run of its enabled pull sources. Any workspace token reads it (`Token:` or Bearer); starting
 * needs the import scope, which `can_run_imports` reflects.
 */
export function importStatusRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  r.get(IMPORT_STATUS_PATH, {
    config: { auth: { anyToken: true } },
    schema: {
      tags: ['Import status'],
      summary: 'Import status of the workspace; ?run=true starts an import of every enabled pull source',
      querystring: ImportStatusQuery,
      response: { 200: ImportStatusResponse, ...authErrors },
    },
    handler: async (req, reply) => {
      const principal = req.principal!
      if (principal.kind === 'container') throw ForbiddenError({ requiredScope: SCOPE })
      const canRun = hasScope(principal, SCOPE)
      const ws = principal.workspaceId
      let run: Awaited<ReturnType<typeof services.importStatus.run>> | null = null
      if (req.query.run === true) {
        if (!canRun) throw ForbiddenError({ requiredScope: SCOPE })
        run = await services.importStatus.run(ws, `token:${principal.tokenId}`)
      }
      const facts = await services.importStatus.status(ws)
      const links = {
        statusUrl: `${origin(req, services.config.publicUrl)}${IMPORT_STATUS_PATH}`,
        createUrl: `${workspaceBase(req, services.config.publicUrl, ws)}/importsource`,
      }
      reply.header('content-language', 'en-US')
      return { ...presentImportStatus(facts, links, canRun), ...(run ?? {}) }
    },
  })
}
