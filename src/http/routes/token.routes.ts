import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Static } from '@sinclair/typebox'
import type { Services } from '../../services/services.js'
import type { TokenInfo } from '../../services/token.service.js'
import { Empty, sendEmpty } from '../empty-response.js'
import { authErrors, WorkspaceParams } from '../schemas/common.schema.js'
import {
  CreatedToken,
  CreateTokenBody,
  TokenList,
  TokenParams,
  type TokenResource,
} from '../schemas/token.schema.js'

const tags = ['Tokens']
const config = { auth: { scope: 'admin' as const } }

const present = (t: TokenInfo): Static<typeof TokenResource> => ({
  id: t.id,
  name: t.name,
  scopes: t.scopes,
  prefix: t.prefix,
  created: t.createdAt,
  lastUsed: t.lastUsedAt,
  revoked: t.revokedAt,
})

/**
 * The workspace's API tokens, for an admin token (what `intake token create|list|revoke` does on the database):
 * list (never a secret), create (the secret is answered once), revoke.
 */
export function tokenRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const tokens = services.tokens

  r.get('/tokens', {
    config,
    schema: {
      tags,
      summary: 'The workspace API tokens, revoked ones included (never their secrets); admin only',
      params: WorkspaceParams,
      response: { 200: TokenList, ...authErrors },
    },
    handler: async (req) => ({ values: (await tokens.list(req.params.workspaceId)).map(present) }),
  })

  r.post('/tokens', {
    config,
    schema: {
      tags,
      summary:
        'Create a workspace API token; its secret is answered once and stored only as a hash; admin only',
      params: WorkspaceParams,
      body: CreateTokenBody,
      response: { 201: CreatedToken, ...authErrors },
    },
    handler: async (req, reply) => {
      const { token, info } = await tokens.createWorkspaceToken({
        workspaceId: req.params.workspaceId,
        name: req.body.name,
        scopes: req.body.scopes,
      })
      return reply.code(201).send({ ...present(info), token })
    },
  })

  r.delete('/tokens/:tokenId', {
    config,
    schema: {
      tags,
      summary:
        'Revoke a workspace API token: it stops working at once (404 when unknown or already revoked); admin only',
      params: TokenParams,
      response: { 204: Empty('Revoked'), ...authErrors },
    },
    handler: async (req, reply) => {
      await tokens.revoke(req.params.workspaceId, req.params.tokenId)
      return sendEmpty(reply, 204)
    },
  })
}
