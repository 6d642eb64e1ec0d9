import { expect, it } from 'vitest'
import { createFileSource, putFile } from '../helpers/file-imports.js'
import { describeEachDialect } from '../helpers/test-env.js'

describeEachDialect('error answers name the file, never its path on the server', (env) => {
  const cases = [
    {
      type: 'csv' as const,
      name: 'blank.csv',
      body: '\n\n\n',
      problem: 'no header row',
      what: 'has no header row',
    },
    {
      type: 'xlsx' as const,
      name: 'broken.xlsx',
      body: 'not a zip archive at all',
      problem: 'cannot be read',
    },
    {
      type: 'json' as const,
      name: 'broken.json',
      body: '{"hosts": [1, 2',
      problem: 'malformed',
      what: 'is malformed JSON',
    },
  ]
  for (const c of cases) {
    it(`discover of a file that ${c.what} names ${c.name} and no directory of the server`, async () => {
      const source = await createFileSource(env(), c.type)
      const up = await putFile(
        env(),
        source.id,
        c.body,
        { 'content-type': 'application/octet-stream' },
        `?name=${c.name}`,
      )
      expect(up.status, JSON.stringify(up.body)).toBe(200)
      const res = await env().call('GET', `${env().api}/importsource/${source.id}/discover`)
      expect(res.status, JSON.stringify(res.body)).toBe(400)
      expect(res.body.message).toContain(c.problem)
      const text = JSON.stringify(res.body)
      expect(text).toContain(c.name)
      expect(text).not.toContain(env().config.dataDir)
      expect(text).not.toContain('uploads')
    })
  }
})
