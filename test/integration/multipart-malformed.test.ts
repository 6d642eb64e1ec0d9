import net from 'node:net'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { loadConfig } from '../../src/config/config.js'
import { buildApp } from '../../src/http/app.js'
import { bootstrap, type Bootstrapped } from '../../src/main.js'
import { ADMIN_TOKEN, createTestDatabase, type TestDatabase } from '../helpers/test-env.js'

interface Exchange {
  /** What came back before the socket closed or the wait ran out. */
  received: string
  /** False when the server had not answered within the wait. */
  answered: boolean
}

/** Sends `request` on a raw kept-alive socket and waits up to `ms` for a whole answer. */
function exchange(port: number, request: string, ms = 3_000): Promise<Exchange> {
  return new Promise((resolve) => {
    let received = ''
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request))
    const done = () => {
      clearTimeout(timer)
      socket.destroy()
      resolve({ received, answered: /\r\n\r\n[\s\S]*\}$/.test(received) })
    }
    const timer = setTimeout(done, ms)
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8')
      if (/\r\n\r\n[\s\S]*\}$/.test(received)) done()
    })
    socket.on('error', () => undefined)
    socket.on('close', done)
  })
}

const PART =
  '--XX\r\nContent-Disposition: form-data; name="file"; filename="hosts.csv"\r\nContent-Type: text/csv\r\n\r\n' +
  'id,name\r\n1,alpha\r\n'

// Parsing a multipart body does not touch storage: one dialect is enough.
describe('a malformed multipart upload is answered 400 at once, never 500, never left hanging', () => {
  let db: TestDatabase
  let booted: Bootstrapped
  let app: FastifyInstance
  let port: number
  let path: string
  const logged: { level: number; msg?: string; code?: string }[] = []

  beforeAll(async () => {
    db = await createTestDatabase('sqlite')
    booted = await bootstrap(loadConfig({ ...db.env, INTAKE_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'silent' }))
    const stream = new Writable({
      write(chunk: Buffer, _enc, callback) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logged.push(JSON.parse(line))
        callback()
      },
    })
    app = await buildApp(booted.services, { logger: { level: 'info', stream } })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const address = app.server.address()
    port = typeof address === 'object' && address ? address.port : 0
    const api = `http://127.0.0.1:${port}/jsm/assets/workspace/${booted.workspaceId}/v1`
    const res = await fetch(`${api}/importsource`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Uploads', type: 'csv' }),
    })
    const source = (await res.json()) as { id: string }
    path = `/jsm/assets/workspace/${booted.workspaceId}/v1/importsource/${source.id}/file`
  })

  afterAll(async () => {
    await app.close()
    await booted.close()
    await db.drop()
  })

  const head = (contentType: string, length: number) =>
    `PUT ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\n` +
    `Content-Type: ${contentType}\r\nContent-Length: ${length}\r\nConnection: keep-alive\r\n\r\n`

  const expect400 = (answer: Exchange, reason: RegExp) => {
    expect(answer.answered, answer.received).toBe(true)
    expect(answer.received).toMatch(/^HTTP\/1\.1 400 /)
    const body = JSON.parse(answer.received.slice(answer.received.indexOf('\r\n\r\n') + 4))
    expect(body.error.code).toBe('MALFORMED_BODY')
    expect(body.message).toMatch(reason)
  }

  it('a body without its closing boundary on a kept-alive connection', async () => {
    expect400(await exchange(port, head('multipart/form-data; boundary=XX', PART.length) + PART), /malformed/)
  })

  it('multipart/form-data without a boundary parameter', async () => {
    expect400(await exchange(port, head('multipart/form-data', PART.length) + PART), /boundary/i)
  })

  it('a boundary longer than the parser takes, and a body that is no multipart at all', async () => {
    const long = 'b'.repeat(300)
    expect400(
      await exchange(port, head(`multipart/form-data; boundary=${long}`, 10) + 'abcdefghij'),
      /malformed/,
    )
    expect400(await exchange(port, head('multipart/form-data; boundary=XX', 10) + 'abcdefghij'), /malformed/)
  })

  it('a client that closes the socket mid-body ends the upload as a client error, not a 500 or a wait', async () => {
    const before = logged.length
    await new Promise<void>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(head('multipart/form-data; boundary=XX', PART.length + 10_000) + PART)
        setTimeout(() => socket.destroy(), 100)
      })
      socket.on('close', () => resolve())
      socket.on('error', () => undefined)
    })
    await new Promise((r) => setTimeout(r, 300))
    const errors = logged.slice(before).filter((l) => l.level >= 50)
    expect(errors).toEqual([])
    // The upload ended as a client error at once (logged with its code), not a request left waiting.
    expect(logged.slice(before).map((l) => l.code)).toContain('UPLOAD_MISSING')
    const ok = await exchange(
      port,
      head('multipart/form-data; boundary=XX', PART.length + 8) + PART + '--XX--\r\n',
    )
    expect(ok.received).toMatch(/^HTTP\/1\.1 200 /)
  })
})
