import { randomUUID } from 'node:crypto'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Services } from '../services/services.js'
import { VERSION } from '../version.js'
import { capConnections, connectionOptions, trustProxyOption } from './connection-options.js'
import { lazySerializers } from './lazy-serializers.js'
import { registerAuth } from './plugins/auth.js'
import { OneLinePerRequest } from './plugins/request-log.js'
import { registerBodyParsers } from './plugins/body-parsers.js'
import { registerCors } from './plugins/cors.js'
import { registerErrorHandling } from './plugins/error-handler.js'
import { createMetrics, registerMetrics } from './plugins/metrics.js'
import { registerOpenApiConventions } from './plugins/openapi-conventions.js'
import { docsCsp, registerSecurityHeaders } from './plugins/security-headers.js'
import { aqlRoutes } from './routes/aql.routes.js'
import { consoleRoutes } from './routes/console.routes.js'
import { executionScope } from './routes/execution.routes.js'
import { planRoutes } from './routes/plan.routes.js'
import { healthRoutes } from './routes/health.routes.js'
import { importFileScope } from './routes/import-file.routes.js'
import { importSourceRoutes } from './routes/import-source.routes.js'
import { importStatusRoutes } from './routes/import-status.routes.js'
import { importsInfoRoutes } from './routes/imports-info.routes.js'
import { mappingRoutes } from './routes/mapping.routes.js'
import { schemaAdminRoutes } from './routes/schema-admin.routes.js'
import { statusTypeRoutes } from './routes/status-type.routes.js'
import { tokenRoutes } from './routes/token.routes.js'
import { repositoryDetailRoutes } from './routes/repository-detail.routes.js'
import { repositoryRoutes } from './routes/repository.routes.js'
import { repositoryWriteRoutes } from './routes/repository-write.routes.js'
import { scheduleRoutes } from './routes/schedule.routes.js'
import { uploadJobRoutes } from './routes/upload-job.routes.js'
import { revertRoutes } from './routes/revert.routes.js'
import { holdRoutes } from './routes/hold.routes.js'
import { workspaceSettingsRoutes } from './routes/workspace-settings.routes.js'
import { ErrorResponse } from './schemas/common.schema.js'
import { ErrorEnvelope as UploadErrorEnvelope } from './schemas/upload-job.schema.js'
import {
  AttributeResource,
  ObjectResource,
  ObjectSchemaResource,
  ObjectTypeResource,
} from './schemas/repository.schema.js'

export const API_PREFIX = '/jsm/assets/workspace/:workspaceId/v1'
/** Aliases that answer exactly like API_PREFIX; hidden from the OpenAPI document. */
export const API_ALIASES = [
  '/jsm/insight/workspace/:workspaceId/v1',
  '/ex/jira/:cloudId/jsm/assets/workspace/:workspaceId/v1',
]

export interface BuildAppOptions {
  logger?: FastifyServerOptions['logger']
}

/** The whole HTTP API as a Fastify instance, without listening (tests use inject or listen on port 0). */
export async function buildApp(services: Services, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const serializers = lazySerializers()
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new OneLinePerRequest(),
    bodyLimit: services.config.maxBodyBytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    trustProxy: trustProxyOption(services.config.trustProxy),
    ...connectionOptions(services.config.connections),
    routerOptions: { ignoreTrailingSlash: true },
    ajv: {
      customOptions: { coerceTypes: 'array', useDefaults: true, removeAdditional: false, allErrors: true },
    },
    schemaController: serializers.options,
  })
  serializers.attach(app)

  capConnections(app, services.config.connections)

  for (const schema of [
    ErrorResponse,
    ObjectSchemaResource,
    ObjectTypeResource,
    AttributeResource,
    ObjectResource,
    UploadErrorEnvelope,
  ]) {
    app.addSchema(schema)
  }

  // Before any route, the docs' included: hooks apply to the routes registered after them.
  registerSecurityHeaders(app)
  registerCors(app, services.config.corsOrigins)

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Intake API',
        version: VERSION,
        license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
        description:
          'Self-hosted import service. Paths under /jsm/assets/workspace/{workspaceId}/v1 are wire-compatible with the ' +
          'Atlassian Assets API; /jsm/insight/… and /ex/jira/{cloudId}/jsm/assets/… are aliases.',
      },
      // Relative to where the document is served from, unless INTAKE_PUBLIC_URL names the public address.
      servers: [{ url: services.config.publicUrl ?? '/', description: 'This Intake server' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          basic: { type: 'http', scheme: 'basic', description: 'Any user name; the token as the password' },
        },
      },
      security: [{ bearer: [] }, { basic: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list' },
    staticCSP: true,
    transformStaticCSP: docsCsp,
  })
  registerOpenApiConventions(app, API_PREFIX)

  const metrics = createMetrics()
  registerErrorHandling(app, services.config.maxBodyBytes)
  registerBodyParsers(app)
  registerAuth(app, services)
  registerMetrics(app, metrics)

  // swagger-ui's own routes are public; everything else declares its auth in route config.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...(route.config ?? {}), auth: { public: true } }
  })

  app.get('/openapi.json', { config: { auth: { public: true } }, schema: { hide: true } }, async () =>
    app.swagger(),
  )
  healthRoutes(app, services, metrics.registry)
  consoleRoutes(app)
  importsInfoRoutes(app, services)
  importStatusRoutes(app, services)
  await uploadJobRoutes(app, services)
  // Mapping operations started with ?async=true finish before the server closes.
  app.addHook('onClose', () => services.mappings.idle())

  const api = async (scope: FastifyInstance): Promise<void> => {
    repositoryRoutes(scope, services)
    repositoryWriteRoutes(scope, services)
    repositoryDetailRoutes(scope, services)
    schemaAdminRoutes(scope, services)
    statusTypeRoutes(scope, services)
    aqlRoutes(scope, services)
    importSourceRoutes(scope, services)
    mappingRoutes(scope, services)
    scheduleRoutes(scope, services)
    tokenRoutes(scope, services)
    await executionScope(scope, services)
    planRoutes(scope, services)
    await importFileScope(scope, services)
    revertRoutes(scope, services)
    holdRoutes(scope, services)
    workspaceSettingsRoutes(scope, services)
  }
  await app.register(api, { prefix: API_PREFIX })
  for (const prefix of API_ALIASES) {
    await app.register(
      async (scope) => {
        scope.addHook('onRoute', (route) => {
          route.schema = { ...(route.schema ?? {}), hide: true }
        })
        await api(scope)
      },
      { prefix },
    )
  }
  return app
}
