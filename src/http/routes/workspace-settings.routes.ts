import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Services } from '../../services/services.js'
import { authErrors, WorkspaceParams } from '../schemas/common.schema.js'
import { DeleteGuard } from '../schemas/import-source.schema.js'

const config = { auth: { scope: 'admin' as const } }
const tags = ['Workspace settings']

const WorkspaceSettingsResource = Type.Object({
  deleteGuard: Type.Union([DeleteGuard], {
    description:
      'The mass-delete guard of the sources that have none of their own; null: none (nothing guarded)',
  }),
})

const WorkspaceSettingsBody = Type.Partial(WorkspaceSettingsResource, { additionalProperties: false })

/** Workspace-level defaults (GET/PUT …/settings); today the mass-delete guard. */
export function workspaceSettingsRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const settings = services.workspaceSettings

  r.get('/settings', {
    config,
    schema: {
      tags,
      summary: 'The workspace settings (defaults of its import sources)',
      params: WorkspaceParams,
      response: { 200: WorkspaceSettingsResource, ...authErrors },
    },
    handler: async (req) => settings.get(req.params.workspaceId),
  })

  r.put('/settings', {
    config,
    schema: {
      tags,
      summary: 'Change workspace settings: members given replace the stored ones, null clears one',
      params: WorkspaceParams,
      body: WorkspaceSettingsBody,
      response: { 200: WorkspaceSettingsResource, ...authErrors },
    },
    handler: async (req) => {
      const actor = req.principal ? `token:${req.principal.tokenId}` : null
      return settings.put(req.params.workspaceId, req.body, actor)
    },
  })
}
