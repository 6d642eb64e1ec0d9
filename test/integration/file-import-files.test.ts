import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createFileSource, putFile } from '../helpers/file-imports.js'
import { createSource } from '../helpers/import-sources.js'
import { ADMIN_TOKEN, describeEachDialect } from '../helpers/test-env.js'

const LIMIT = 2048
const importDir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-import-dir-'))
const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-outside-'))
fs.mkdirSync(path.join(importDir, 'sub'))
fs.writeFileSync(path.join(importDir, 'sub', 'hosts.csv'), 'id,name\n1,one\n2,two\n')
fs.writeFileSync(path.join(outside, 'secret.csv'), 'id,secret\n1,hidden\n')
fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(importDir, 'link-out.csv'))
fs.symlinkSync(path.join(importDir, 'sub', 'hosts.csv'), path.join(importDir, 'link-in.csv'))

describeEachDialect(
  'file import sources: config and the file',
  (env) => {
    const fileUrl = (id: string) => `${env().api}/importsource/${id}/file`

    it('creates csv, json and xlsx sources; the connector config is validated and path is refused', async () => {
      const csv = await createFileSource(env(), 'csv', { config: { delimiter: ';' } })
      expect(csv).toMatchObject({
        type: 'csv',
        config: { delimiter: ';' },
        importSourceModuleKey: 'rlabs-import-type-csv',
      })
      await createFileSource(env(), 'json')
      await createFileSource(env(), 'xlsx', { config: { sheet: 1 } })
      for (const [type, config, field] of [
        ['csv', { path: '/etc/passwd' }, 'body.config.path'],
        ['csv', { delimiter: '' }, 'body.config.delimiter'],
        ['csv', { colour: 'red' }, 'body.config.colour'],
        ['xlsx', { headerRow: 0 }, 'body.config.headerRow'],
      ] as const) {
        const res = await env().call('POST', `${env().api}/importsource`, {
          body: { name: 'x', type, config },
        })
        expect(res.status, JSON.stringify(config)).toBe(400)
        expect(res.body.error.code).toBe('VALIDATION_FAILED')
        expect(res.body.error.details.problems.map((p: any) => p.field)).toContain(field)
      }
      const patch = await env().call('PATCH', `${env().api}/importsource/${csv.id}`, {
        body: { config: { path: 'x.csv' } },
      })
      expect(patch.status).toBe(400)
      expect(patch.body.error.details.problems[0].field).toBe('body.config.path')
    })

    it('stores a raw upload of any content type, replaces it, and describes it without the content', async () => {
      const source = await createFileSource(env(), 'csv')
      expect((await env().call('GET', fileUrl(source.id))).status).toBe(404)
      const first = await putFile(
        env(),
        source.id,
        'id,name\n1,a\n',
        { 'content-type': 'text/csv' },
        '?name=hosts.csv',
      )
      expect(first.status, JSON.stringify(first.body)).toBe(200)
      expect(first.body).toMatchObject({
        origin: 'upload',
        name: 'hosts.csv',
        size: 12,
        contentType: 'text/csv',
      })
      const dir = path.join(env().config.dataDir, 'uploads', source.id)
      expect(fs.readdirSync(dir)).toHaveLength(1)

      const second = await putFile(env(), source.id, new Blob(['id,name\n1,a\n2,b\n']), {
        'content-type': 'application/octet-stream',
        'content-disposition': 'attachment; filename="../../evil name.csv"',
      })
      expect(second.status).toBe(200)
      expect(second.body).toMatchObject({ name: 'evil name.csv', size: 16 })
      const files = fs.readdirSync(dir)
      expect(files).toHaveLength(1)
      expect(fs.readFileSync(path.join(dir, files[0]!), 'utf8')).toBe('id,name\n1,a\n2,b\n')

      const info = await env().call('GET', fileUrl(source.id))
      expect(info.status).toBe(200)
      expect(info.body).toEqual({ ...second.body })
      expect(Date.parse(info.body.uploaded)).not.toBeNaN()

      // A JSON data file (not a {"path"} object) is stored like any other body.
      const json = await createFileSource(env(), 'json')
      const stored = await putFile(env(), json.id, '{"hosts":[{"id":"1"}]}', {
        'content-type': 'application/json',
      })
      expect(stored.status).toBe(200)
      expect(stored.body).toMatchObject({ origin: 'upload', name: 'upload.json', size: 22 })
    })

    it('POST …/test answers FILE_MISSING before the upload, ok after it, and the reason for an unreadable file', async () => {
      const source = await createFileSource(env(), 'xlsx')
      const test = () => env().call('POST', `${env().api}/importsource/${source.id}/test`)
      const before = await test()
      expect(before.status).toBe(200)
      expect(before.body).toMatchObject({ ok: false, code: 'FILE_MISSING' })
      expect(before.body.message).toMatch(/has no file yet/)
      expect((await putFile(env(), source.id, 'not a workbook')).status).toBe(200)
      const bad = await test()
      expect(bad.body.ok).toBe(false)
      expect(bad.body.message).toMatch(/workbook|zip/i)
      const csv = await createFileSource(env(), 'csv')
      expect((await putFile(env(), csv.id, 'id,name\n1,one\n')).status).toBe(200)
      expect((await env().call('POST', `${env().api}/importsource/${csv.id}/test`)).body).toEqual({
        ok: true,
      })
    })

    it('removes the uploads of a deleted source', async () => {
      const source = await createFileSource(env(), 'csv')
      expect((await putFile(env(), source.id, 'id\n1\n', { 'content-type': 'text/csv' })).status).toBe(200)
      const dir = path.join(env().config.dataDir, 'uploads', source.id)
      expect(fs.existsSync(dir)).toBe(true)
      expect((await env().call('DELETE', `${env().api}/importsource/${source.id}`)).status).toBe(204)
      expect(fs.existsSync(dir)).toBe(false)
    })

    it('streams a chunked body without a length', async () => {
      const source = await createFileSource(env(), 'csv')
      const parts = ['id,name\n', '1,a\n', '2,b\n']
      const stream = new ReadableStream({
        pull(controller) {
          const next = parts.shift()
          if (next === undefined) controller.close()
          else controller.enqueue(new TextEncoder().encode(next))
        },
      })
      const res = await putFile(env(), source.id, stream, { 'content-type': 'text/csv' })
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      expect(res.body.size).toBe(16)
    })

    it('stores a body sent without a content type', async () => {
      const source = await createFileSource(env(), 'csv')
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          `${fileUrl(source.id)}?name=plain.csv`,
          { method: 'PUT', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-length': '8' } },
          (res) => {
            res.resume()
            resolve(res.statusCode ?? 0)
          },
        )
        req.on('error', reject)
        req.end('id\n1\n2\n3\n')
      })
      expect(status).toBe(200)
      expect((await env().call('GET', fileUrl(source.id))).body).toMatchObject({ name: 'plain.csv', size: 8 })
    })

    it('accepts multipart/form-data with the field file', async () => {
      const source = await createFileSource(env(), 'csv')
      const form = new FormData()
      form.append('note', 'ignored')
      form.append('file', new Blob(['id,name\n7,seven\n'], { type: 'text/csv' }), 'seven.csv')
      const res = await putFile(env(), source.id, form)
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      expect(res.body).toMatchObject({
        origin: 'upload',
        name: 'seven.csv',
        size: 16,
        contentType: 'text/csv',
      })

      const wrong = new FormData()
      wrong.append('upload', new Blob(['x']), 'x.csv')
      const bad = await putFile(env(), source.id, wrong)
      expect(bad.status).toBe(400)
      expect(bad.body.error.code).toBe('UPLOAD_MISSING')
    })

    it('answers 413 UPLOAD_TOO_LARGE past INTAKE_MAX_UPLOAD_BYTES and keeps the previous file', async () => {
      const source = await createFileSource(env(), 'csv')
      expect((await putFile(env(), source.id, 'id\n1\n', { 'content-type': 'text/csv' })).status).toBe(200)
      const big = 'id\n' + '1234567\n'.repeat(1000)
      const fits = 'id\n' + '1234567\n'.repeat(250)
      expect(fits.length).toBeGreaterThan(1024)
      expect((await putFile(env(), source.id, fits, { 'content-type': 'text/csv' })).status).toBe(200)
      const fitsForm = new FormData()
      fitsForm.append('file', new Blob([fits]), 'fits.csv')
      expect((await putFile(env(), source.id, fitsForm)).status).toBe(200)
      expect((await putFile(env(), source.id, 'id\n1\n', { 'content-type': 'text/csv' })).status).toBe(200)

      const raw = await putFile(env(), source.id, big, { 'content-type': 'text/csv' })
      expect(raw.status).toBe(413)
      expect(raw.body.error.code).toBe('UPLOAD_TOO_LARGE')

      const parts = [big.slice(0, 1500), big.slice(1500)]
      const chunked = new ReadableStream({
        pull(controller) {
          const next = parts.shift()
          if (next === undefined) controller.close()
          else controller.enqueue(new TextEncoder().encode(next))
        },
      })
      const streamed = await putFile(env(), source.id, chunked, {
        'content-type': 'application/octet-stream',
      })
      expect(streamed.status).toBe(413)
      expect(streamed.body.error.code).toBe('UPLOAD_TOO_LARGE')

      const form = new FormData()
      form.append('file', new Blob([big]), 'big.csv')
      const multi = await putFile(env(), source.id, form)
      expect(multi.status).toBe(413)
      expect(multi.body.error.code).toBe('UPLOAD_TOO_LARGE')

      const info = await env().call('GET', fileUrl(source.id))
      expect(info.body.size).toBe(5)
      const dir = path.join(env().config.dataDir, 'uploads', source.id)
      expect(fs.readdirSync(dir)).toHaveLength(1)
    })

    it('names a server-side file inside INTAKE_IMPORT_DIR, and refuses paths resolving outside', async () => {
      const source = await createFileSource(env(), 'csv')
      const ok = await env().call('PUT', fileUrl(source.id), { body: { path: 'sub/hosts.csv' } })
      expect(ok.status, JSON.stringify(ok.body)).toBe(200)
      expect(ok.body).toMatchObject({ origin: 'server', name: path.join('sub', 'hosts.csv'), size: 20 })
      const absolute = await env().call('PUT', fileUrl(source.id), {
        body: { path: path.join(importDir, 'sub', '..', 'link-in.csv') },
      })
      expect(absolute.status).toBe(200)
      expect(absolute.body.name).toBe(path.join('sub', 'hosts.csv'))

      for (const p of [
        '../' + path.basename(outside) + '/secret.csv',
        'sub/../../etc/passwd',
        path.join(outside, 'secret.csv'),
        '/etc/passwd',
        'link-out.csv',
      ]) {
        const res = await env().call('PUT', fileUrl(source.id), { body: { path: p } })
        expect(res.status, p).toBe(403)
        expect(res.body.error.code, p).toBe('SERVER_PATH_OUTSIDE_IMPORT_DIR')
      }
      for (const p of ['missing.csv', 'sub']) {
        const res = await env().call('PUT', fileUrl(source.id), { body: { path: p } })
        expect(res.status, p).toBe(400)
        expect(res.body.error.code, p).toBe('SERVER_FILE_NOT_FOUND')
      }
      const bad = await env().call('PUT', fileUrl(source.id), { body: { path: '' } })
      expect(bad.status).toBe(400)
      expect(bad.body.error.code).toBe('VALIDATION_FAILED')
      // The last good file stays.
      expect((await env().call('GET', fileUrl(source.id))).body.origin).toBe('server')
    })

    it('lets the source’s container token upload, describe and discover its file, and nothing else', async () => {
      const source = await createFileSource(env(), 'csv')
      const other = await createFileSource(env(), 'csv')
      const token = (await env().call('POST', `${env().api}/importsource/${source.id}/token`)).body
        .token as string
      const upload = await fetch(fileUrl(source.id), {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: 'id,name\n1,a\n',
      })
      expect(upload.status).toBe(200)
      expect((await env().call('GET', fileUrl(source.id), { token })).status).toBe(200)
      expect(
        (await env().call('GET', `${env().api}/importsource/${source.id}/discover`, { token })).status,
      ).toBe(200)
      expect((await env().call('GET', fileUrl(other.id), { token })).status).toBe(403)
      expect((await env().call('GET', fileUrl(source.id), { token: null })).status).toBe(401)
    })

    it('answers 400 NOT_A_FILE_SOURCE for the file of external sources, NOT_A_PULL_SOURCE for their start and test', async () => {
      const external = await createSource(env())
      const res = await putFile(env(), external.id, 'id\n1\n', { 'content-type': 'text/csv' })
      expect(res.status).toBe(400)
      expect(res.body.error.code).toBe('NOT_A_FILE_SOURCE')
      const start = await env().call('POST', `${env().api}/import/start/${external.id}`)
      expect(start.status).toBe(400)
      expect(start.body.error.code).toBe('NOT_A_PULL_SOURCE')
      const test = await env().call('POST', `${env().api}/importsource/${external.id}/test`)
      expect(test.body.error.code).toBe('NOT_A_PULL_SOURCE')
    })
  },
  // The app's body limit (1 KiB here) does not apply to uploads; INTAKE_MAX_UPLOAD_BYTES does.
  { INTAKE_IMPORT_DIR: importDir, INTAKE_MAX_UPLOAD_BYTES: String(LIMIT), INTAKE_MAX_BODY_BYTES: '1024' },
)

describeEachDialect('file import sources without INTAKE_IMPORT_DIR', (env) => {
  it('refuses server-side paths with 403 SERVER_FILES_DISABLED', async () => {
    const source = await createFileSource(env(), 'csv')
    const res = await env().call('PUT', `${env().api}/importsource/${source.id}/file`, {
      body: { path: 'hosts.csv' },
    })
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('SERVER_FILES_DISABLED')
  })
})

describe('fixture directories', () => {
  it('exist', () => expect(fs.existsSync(importDir)).toBe(true))
})
