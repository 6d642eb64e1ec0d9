import SerializerSelector from '@fastify/fast-json-stringify-compiler'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'

type SerializerFactory = SerializerSelector.SerializerFactory
type Serializer = SerializerSelector.Serializer

/** What buildApp passes to Fastify's `schemaController` option. */
export type SchemaControllerOptions = NonNullable<FastifyServerOptions['schemaController']>

/** The serializers of one app not compiled yet, to compile them all at once (see compileResponseSerializers). */
const pendingByApp = new WeakMap<FastifyInstance, Set<() => void>>()

/**
 * Fastify's own response serializers (fast-json-stringify, from each route's response schema), each compiled when
 * its route first answers with that status instead of when the route is registered. Compiled eagerly, the ~40
 * serializers of the routes (registered three times: the API prefix and its two aliases) held 14 MB of the
 * server's 48 MB live heap at boot (their generated source and code), and with the heap allowed to grow 100 % over
 * live data (INTAKE_HEAP_GROWTH_PERCENT) each live MB is up to two MB of RSS; a server compiles only the few its
 * clients call. The first answer of a route pays the compile (about a millisecond).
 *
 * A schema fast-json-stringify cannot compile would now fail on that route's first answer instead of at boot:
 * test/http/response-serializers.test.ts compiles every route's serializers, so such a schema fails a test.
 */
export function lazySerializers(): {
  options: SchemaControllerOptions
  /** Remembers the app the serializers are for (so compileResponseSerializers can find them). */
  attach(app: FastifyInstance): void
} {
  const pending = new Set<() => void>()
  const eager = SerializerSelector()
  const buildSerializer: SerializerFactory = (externalSchemas, options) => {
    const compile = eager(externalSchemas, options)
    return (route) => {
      let compiled: Serializer | null = null
      const compileNow = (): Serializer => {
        pending.delete(compileNow)
        return (compiled ??= compile(route))
      }
      pending.add(compileNow)
      return (doc: unknown) => (compiled ?? compileNow())(doc)
    }
  }
  return {
    options: { compilersFactory: { buildSerializer } },
    attach: (app) => void pendingByApp.set(app, pending),
  }
}

/**
 * Compiles every response serializer of `app` not compiled yet (tests: a schema that cannot compile throws here,
 * as it did at boot when they were compiled eagerly). Answers how many it compiled.
 */
export function compileResponseSerializers(app: FastifyInstance): number {
  const pending = [...(pendingByApp.get(app) ?? [])]
  for (const compile of pending) compile()
  return pending.length
}
