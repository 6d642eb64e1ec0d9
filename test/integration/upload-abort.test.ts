import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { expect, it } from 'vitest'
import { createFileSource } from '../helpers/file-imports.js'
import { ADMIN_TOKEN, describeEachDialect, type TestEnv } from '../helpers/test-env.js'

const openFds = (): number => fs.readdirSync('/proc/self/fd').length

/** Every file under the uploads directory (partial uploads included). */
function uploadFiles(env: TestEnv): string[] {
  const root = path.join(env.config.dataDir, 'uploads')
  if (!fs.existsSync(root)) return []
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
}

/**
 * PUT …/file announcing `declared` bytes, sends `sent` of them, then closes the socket without waiting. `multipart`
 * sends them as the file part of a multipart/form-data body.
 */
function abortedUpload(
  env: TestEnv,
  sourceId: string,
  declared: number,
  sent: number,
  multipart = false,
): Promise<void> {
  const url = new URL(`${env.api}/importsource/${sourceId}/file`)
  const contentType = multipart ? 'multipart/form-data; boundary=XyZ' : 'text/csv'
  const prefix = multipart
    ? '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n'
    : ''
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => {
      socket.write(
        `PUT ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\n` +
          `Content-Type: ${contentType}\r\nContent-Length: ${declared}\r\n\r\n` +
          prefix +
          'x'.repeat(sent),
        () => setTimeout(() => socket.destroy(), 30),
      )
    })
    socket.on('close', () => resolve())
    socket.on('error', reject)
  })
}

async function settle(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
}

describeEachDialect('interrupted uploads', (env) => {
  it('closes the stream and deletes the partial file of every upload interrupted mid-body, raw or multipart', async () => {
    const source = await createFileSource(env(), 'csv')
    // A first upload that completes, so the source's directory exists and holds one kept file.
    const ok = await env().call('PUT', `${env().api}/importsource/${source.id}/file`, {
      body: 'id,name\n1,a\n',
      headers: { 'content-type': 'text/csv' },
    })
    expect(ok.status).toBe(200)
    const filesBefore = uploadFiles(env())
    const fdsBefore = openFds()
    for (let i = 0; i < 25; i++) await abortedUpload(env(), source.id, 100_000, 5_000, i % 2 === 1)
    await settle(() => openFds() <= fdsBefore + 2 && uploadFiles(env()).length === filesBefore.length)
    expect(uploadFiles(env())).toEqual(filesBefore)
    expect(openFds()).toBeLessThanOrEqual(fdsBefore + 2)
    // The source still answers and keeps its previous file.
    const info = await env().call('GET', `${env().api}/importsource/${source.id}/file`)
    expect(info.status).toBe(200)
    expect(info.body.size).toBe(12)
  })

  it('removes partial uploads and parked XLSX sheets a crash left behind when the server starts, not fresh ones', async () => {
    const source = await createFileSource(env(), 'csv')
    const dir = path.join(env().config.dataDir, 'uploads', source.id)
    fs.mkdirSync(dir, { recursive: true })
    const leftover = path.join(dir, '.upload-0000-crashed.part')
    fs.writeFileSync(leftover, 'half a file')
    const old = new Date(Date.now() - 60 * 60 * 1000)
    fs.utimesSync(leftover, old, old)
    const fresh = path.join(dir, '.upload-1111-in-flight.part')
    fs.writeFileSync(fresh, 'being written by another process')
    const parkedSheet = path.join(env().config.dataDir, 'tmp', 'xlsx-0000-crashed.xml')
    fs.mkdirSync(path.dirname(parkedSheet), { recursive: true })
    fs.writeFileSync(parkedSheet, '<worksheet/>')
    fs.utimesSync(parkedSheet, old, old)
    await env().booted.services.importFiles.cleanTempFiles()
    expect(fs.existsSync(parkedSheet)).toBe(false)
    expect(fs.existsSync(fresh)).toBe(true)
    expect(fs.existsSync(leftover)).toBe(false)
  })
})
