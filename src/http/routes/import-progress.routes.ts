import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Services } from '../../services/services.js'
import { presentProgress } from '../presenters/execution.presenter.js'
import { authErrors } from '../schemas/common.schema.js'
import { ExecutionErrorResponse, ProgressResource } from '../schemas/execution.schema.js'
import { ConnectionTestResource, ProgressParams } from '../schemas/file-import.schema.js'
import { ImportSourceParams } from '../schemas/import-source.schema.js'

const SCOPE = 'import:import-configuration:cmdb' as const
const tags = ['File imports']
const errors = { ...authErrors, 409: ExecutionErrorResponse }

const StartBody = Type.Object({
  fullRead: Type.Optional(
    Type.Boolean({
      description:
        'Read everything, ignoring the read state of an incremental source (a SQL high-water mark). Only a full ' +
        'read processes missing objects; an incremental one reads what changed and never removes objects.',
    }),
  ),
  dryRun: Type.Optional(
    Type.Boolean({
      description:
        'Compute everything and write nothing: the execution ends COMPLETED with the counters and ' +
        '`progressResult.plan` (the first changes per object type), and the repository is left as it was.',
    }),
  ),
})

/** Who started it: the token's id (never its secret). */
const actorOf = (req: FastifyRequest): string | undefined =>
  req.principal ? `token:${req.principal.tokenId}` : undefined

/** `import/start` and the progress resource of seed 000 with pause, resume and cancel. */
export function importProgressRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const imports = services.fileImports

  r.post('/import/start/:importSourceId', {
    config: { auth: { scope: SCOPE, container: true } },
    schema: {
      tags,
      summary:
        'Start an import of the source; answers the progress resource (PENDING until a worker runs it)',
      description:
        'For every source a connector reads (not for external sources). 409 IN_PROGRESS while the source has an execution running or paused, ' +
        'MISSING_MAPPING without a mapping, DISABLED, or IMPORT_FILE_MISSING before a file source’s file was uploaded.',
      params: ImportSourceParams,
      body: Type.Optional(Type.Union([Type.Null(), StartBody])),
      response: { 200: ProgressResource, ...errors },
    },
    handler: async (req) => {
      const actor = actorOf(req)
      const { workspaceId: ws, importSourceId: id } = req.params
      const fullRead = req.body?.fullRead === true
      const dryRun = req.body?.dryRun === true
      return presentProgress(
        await imports.start(ws, id, {
          ...(actor !== undefined && { actor }),
          ...(fullRead && { fullRead }),
          ...(dryRun && { dryRun }),
        }),
      )
    },
  })

  r.post('/importsource/:importSourceId/test', {
    config: { auth: { scope: SCOPE, container: true } },
    schema: {
      tags,
      summary: 'Check the source’s connection (file, database, directory, REST endpoint) without importing',
      description:
        'Answers 200 with `{"ok": true}`, or `{"ok": false, "code", "message"}` naming what is wrong (host ' +
        'unreachable, authentication failed, table missing, file missing, …). 400 NOT_A_PULL_SOURCE for a push ' +
        '(external) source; 409 SECRET_UNREADABLE when a stored secret does not open with INTAKE_SECRET_KEY.',
      params: ImportSourceParams,
      body: Type.Optional(Type.Union([Type.Null(), Type.Object({})])),
      response: { 200: ConnectionTestResource, ...errors },
    },
    handler: async (req) => {
      const check = await imports.test(req.params.workspaceId, req.params.importSourceId)
      return check.ok ? { ok: true } : { ok: false, code: check.code, message: check.message }
    },
  })

  const P = '/progress/category/imports/:id'
  r.get(P, {
    config: { auth: { scope: SCOPE } },
    schema: {
      tags,
      summary: 'The progress of an import (the id is the execution id)',
      params: ProgressParams,
      response: { 200: ProgressResource, ...authErrors },
    },
    handler: async ({ params: p }) => presentProgress(await imports.get(p.workspaceId, p.id)),
  })

  const actions = {
    pause: {
      summary:
        'Pause: the engine’s transaction is rolled back (nothing written); resume reads the source again',
      run: (ws: string, id: string) => imports.pause(ws, id),
    },
    resume: {
      summary: 'Resume a PAUSED import from the beginning of its source',
      run: (ws: string, id: string) => imports.resume(ws, id),
    },
    cancel: {
      summary: 'Cancel a PENDING, IN_PROGRESS or PAUSED import; nothing of it is written',
      run: (ws: string, id: string) => imports.cancel(ws, id),
    },
  }
  for (const [action, { summary, run }] of Object.entries(actions)) {
    r.post(`${P}/${action}`, {
      config: { auth: { scope: SCOPE } },
      schema: {
        tags,
        summary,
        description: '409 IMPORT_TRANSITION_NOT_ALLOWED when the import’s status does not allow it.',
        params: ProgressParams,
        body: Type.Optional(Type.Union([Type.Null(), Type.Object({})])),
        response: { 200: ProgressResource, ...errors },
      },
      handler: async ({ params: p }) => presentProgress(await run(p.workspaceId, p.id)),
    })
  }
}
