import { Writable } from 'node:stream'
import Fastify from 'fastify'
import { expect, it } from 'vitest'
import { OneLinePerRequest } from '../../../src/http/plugins/request-log.js'

/** The lines a Fastify app with this log controller writes while answering `urls`. */
async function logLines(urls: string[]): Promise<Record<string, any>[]> {
  const lines: Record<string, any>[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line))
      done()
    },
  })
  const app = Fastify({ logger: { level: 'info', stream }, logController: new OneLinePerRequest() })
  app.get('/ok', async () => ({ ok: true }))
  app.get('/boom', async () => {
    throw new Error('boom')
  })
  for (const url of urls) await app.inject({ method: 'GET', url })
  await app.close()
  return lines
}

it('writes one line per request, with its method, url, status and response time', async () => {
  const lines = await logLines(['/ok', '/ok?x=1'])
  const requests = lines.filter((l) => l.msg === 'request completed')
  expect(lines.filter((l) => l.msg === 'incoming request')).toEqual([])
  expect(requests).toHaveLength(2)
  expect(requests[1]).toMatchObject({
    level: 30,
    req: { method: 'GET', url: '/ok?x=1' },
    res: { statusCode: 200 },
  })
  expect(typeof requests[1]!.responseTime).toBe('number')
})

it('still logs a failed request and its error', async () => {
  const lines = await logLines(['/boom'])
  expect(lines.filter((l) => l.msg === 'incoming request')).toEqual([])
  expect(lines.some((l) => l.level >= 50 && JSON.stringify(l).includes('boom'))).toBe(true)
  expect(lines.filter((l) => l.msg === 'request completed')).toMatchObject([
    { req: { method: 'GET', url: '/boom' }, res: { statusCode: 500 } },
  ])
})
