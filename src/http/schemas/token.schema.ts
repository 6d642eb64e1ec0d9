import { Type } from '@sinclair/typebox'
import { SCOPES } from '../../domain/auth/scopes.js'
import { WorkspaceParams } from './common.schema.js'

export const TokenParams = Type.Intersect([
  WorkspaceParams,
  Type.Object({
    tokenId: Type.String({
      pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
      description: 'Token id (UUID)',
    }),
  }),
])

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255, description: 'What the token is for' }),
    scopes: Type.Array(Type.Union(SCOPES.map((s) => Type.Literal(s))), {
      minItems: 1,
      maxItems: SCOPES.length,
      uniqueItems: true,
      description: 'admin, import:import-configuration:cmdb, read:cmdb-object:jira, write:cmdb-object:jira',
    }),
  },
  { additionalProperties: false },
)

export const TokenResource = Type.Object({
  id: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Type.String()),
  prefix: Type.String({ description: 'The first characters of a generated secret; empty for a chosen one' }),
  created: Type.String(),
  lastUsed: Type.Union([Type.String(), Type.Null()]),
  revoked: Type.Union([Type.String(), Type.Null()]),
})

export const TokenList = Type.Object({ values: Type.Array(TokenResource) })

export const CreatedToken = Type.Intersect([
  TokenResource,
  Type.Object({
    token: Type.String({ description: 'The secret: answered this once, stored only as a hash' }),
  }),
])
