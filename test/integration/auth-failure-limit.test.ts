import { beforeAll, expect, it } from 'vitest'
import { createSource, type Json } from '../helpers/import-sources.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'

const LIMIT = 5

/** Fails authentication `times` times, each answered 401, optionally as client `forwardedFor`. */
async function failTimes(env: TestEnv, times: number, forwardedFor?: string): Promise<void> {
  for (let i = 0; i < times; i++) {
    const res = await env.call('GET', `${env.api}/objectschema/list`, {
      token: `itk_wrong-${i}-xxxxxxxxxxxxxxxx`,
      ...(forwardedFor !== undefined && { headers: { 'x-forwarded-for': forwardedFor } }),
    })
    expect(res.status).toBe(401)
  }
}

describeEachDialect(
  'the failed-auth limit slows guessing without locking out valid tokens',
  (env) => {
    let source: Json
    let containerToken: string

    beforeAll(async () => {
      source = await createSource(env())
      containerToken = (await env().call('POST', `${env().api}/importsource/${source.id}/token`)).body.token
    })

    it('after the limit of failures from one address, the admin and container tokens still pass; guesses get 429', async () => {
      await failTimes(env(), LIMIT)
      const guess = await env().call('GET', `${env().api}/objectschema/list`, {
        token: 'itk_one-more-guess-xxxxxxx',
      })
      expect(guess.status).toBe(429)
      expect(Number(guess.headers.get('retry-after'))).toBeGreaterThan(0)
      const none = await env().call('GET', `${env().api}/objectschema/list`, { token: null })
      expect(none.status).toBe(429)
      for (let i = 0; i < 3; i++) {
        expect((await env().call('GET', `${env().api}/objectschema/list`)).status).toBe(200)
        const own = await env().call('GET', `${env().api}/importsource/${source.id}/configstatus`, {
          token: containerToken,
        })
        expect(own.status).toBe(200)
      }
    })
  },
  { INTAKE_AUTH_FAILURE_LIMIT: String(LIMIT) },
)

describeEachDialect(
  'behind a trusted proxy, failures count per forwarded client address',
  (env) => {
    it('one client’s failures do not make another client behind the same proxy wait', async () => {
      await failTimes(env(), LIMIT, '203.0.113.7')
      const first = await env().call('GET', `${env().api}/objectschema/list`, {
        token: 'itk_still-guessing-xxxxxxxx',
        headers: { 'x-forwarded-for': '203.0.113.7' },
      })
      expect(first.status).toBe(429)
      const other = await env().call('GET', `${env().api}/objectschema/list`, {
        token: 'itk_typo-of-a-real-token-xx',
        headers: { 'x-forwarded-for': '198.51.100.20' },
      })
      expect(other.status).toBe(401)
    })
  },
  { INTAKE_AUTH_FAILURE_LIMIT: String(LIMIT), INTAKE_TRUST_PROXY: 'loopback' },
)

describeEachDialect(
  'without INTAKE_TRUST_PROXY, X-Forwarded-For is ignored',
  (env) => {
    it('a client cannot escape the limit by inventing forwarded addresses', async () => {
      for (let i = 0; i < LIMIT; i++) await failTimes(env(), 1, `192.0.2.${i}`)
      const res = await env().call('GET', `${env().api}/objectschema/list`, {
        token: 'itk_another-guess-xxxxxxxxx',
        headers: { 'x-forwarded-for': '192.0.2.200' },
      })
      expect(res.status).toBe(429)
    })
  },
  { INTAKE_AUTH_FAILURE_LIMIT: String(LIMIT) },
)
