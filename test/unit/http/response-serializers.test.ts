import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config/config.js'
import { buildApp } from '../../../src/http/app.js'
import { compileResponseSerializers, lazySerializers } from '../../../src/http/lazy-serializers.js'
import { createServices } from '../../../src/services/services.js'
import { createStore, type Store } from '../../../src/store/create-store.js'

/** A bare Fastify app with the lazy serializers and one route answering `answer` under `response`. */
async function bareApp(response: Record<string, unknown>, answer: unknown) {
  const serializers = lazySerializers()
  const app = Fastify({ schemaController: serializers.options })
  serializers.attach(app)
  app.get('/thing', { schema: { response: { 200: response } } }, async () => answer)
  await app.ready()
  return app
}

describe('response serializers', () => {
  let store: Store
  let app: Awaited<ReturnType<typeof buildApp>>

  beforeAll(async () => {
    store = createStore({ dialect: 'sqlite', url: ':memory:' })
    app = await buildApp(createServices(loadConfig({}), store))
    await app.ready()
  })
  afterAll(async () => {
    await app.close()
    await store.close()
  })

  it('are not compiled when the server starts, and every route schema of the API compiles', () => {
    // Eagerly compiled, none would be left here; the API has well over a hundred (routes × statuses × 3 prefixes).
    expect(compileResponseSerializers(app)).toBeGreaterThan(100)
    expect(compileResponseSerializers(app)).toBe(0)
  })

  it('serialize by the schema on the first answer, and compile once', async () => {
    const thing = await bareApp(
      { type: 'object', properties: { id: { type: 'string' }, n: { type: 'integer' } } },
      { id: 7, n: '3', secret: 'not in the schema' },
    )
    try {
      const first = await thing.inject({ method: 'GET', url: '/thing' })
      const second = await thing.inject({ method: 'GET', url: '/thing' })
      expect(first.body).toBe('{"id":"7","n":3}')
      expect(second.body).toBe(first.body)
      // GET compiled its serializer when it answered; only the HEAD route Fastify adds beside it is left.
      expect(compileResponseSerializers(thing)).toBe(1)
    } finally {
      await thing.close()
    }
  })

  it('leave a schema that cannot compile to fail compileResponseSerializers (as it failed the start before)', async () => {
    const broken = await bareApp({ $ref: 'nowhere#/definitions/missing' }, {})
    try {
      expect(() => compileResponseSerializers(broken)).toThrow()
    } finally {
      await broken.close()
    }
  })
})
