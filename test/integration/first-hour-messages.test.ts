import { expect, it } from 'vitest'
import { firstDocumentOfTheDocs } from '../helpers/docs-examples.js'
import { createSource, submitMapping } from '../helpers/import-sources.js'
import { describeEachDialect } from '../helpers/test-env.js'

/** What a new user reads when a request is wrong: words that say what to send, never a regex. */
describeEachDialect('error messages that say what to send', (env) => {
  it('answers a malformed numeric id in words', async () => {
    const res = await env().call('GET', `${env().api}/objectschema/abc`)
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body)).not.toMatch(/\^|pattern/)
    expect(res.body.message).toMatch(/numeric id/)
  })

  it('answers a malformed UUID in words', async () => {
    const res = await env().call('GET', `${env().api}/importsource/not-a-uuid`)
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body)).not.toMatch(/\^|pattern/)
    expect(res.body.message).toMatch(/UUID/)
  })

  it('lists the source types when the type is unknown', async () => {
    const res = await env().call('POST', `${env().api}/importsource`, { body: { name: 'X', type: 'ftp' } })
    expect(res.status).toBe(400)
    for (const type of ['external', 'csv', 'json', 'xlsx']) expect(res.body.message).toContain(type)
  })

  it('points a second PUT of a mapping to PATCH', async () => {
    const source = await createSource(env())
    const document = firstDocumentOfTheDocs()
    await submitMapping(env(), source.id, document)
    const res = await env().call('PUT', `${env().api}/importsource/${source.id}/mapping`, { body: document })
    expect(res.status).toBe(409)
    expect(res.body.message).toMatch(/PATCH/)
  })

  for (const contentType of ['application/x-www-form-urlencoded', 'text/plain']) {
    it(`tells a ${contentType} body to send JSON`, async () => {
      const res = await env().call('POST', `${env().api}/importsource`, {
        body: 'name=X&type=external',
        headers: { 'content-type': contentType },
      })
      expect(res.status).toBe(415)
      expect(res.body.message).toMatch(/send JSON/)
      expect(res.body.message).toContain(contentType)
    })
  }
})
