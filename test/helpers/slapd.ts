/**
 * A real OpenLDAP server for the LDAP connector's tests: slapd from Debian (`.ci/run` installs it), started with a
 * throwaway slapd.conf and mdb database in a temp directory on a free port, seeded over LDAP with ldapadd (so the
 * memberof overlay maintains memberOf) from test/fixtures/ldap/directory.ldif plus any extra entries — or, for
 * large directories (the benchmark's 100k entries), with slapadd before the server starts.
 * The reader account (cn=reader) is subject to the server's `sizelimit`; the rootdn is not.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const SLAPD = ['/usr/sbin/slapd', '/usr/local/sbin/slapd', '/usr/local/libexec/slapd'].find((p) =>
  existsSync(p),
)
const SLAPADD = SLAPD?.replace(/slapd$/, 'slapadd') ?? 'slapadd'
const FIXTURES = fileURLToPath(new URL('../fixtures/ldap/', import.meta.url))
const run = promisify(execFile)

export const BASE_DN = 'dc=example,dc=org'
export const ADMIN_DN = `cn=admin,${BASE_DN}`
export const ADMIN_PASSWORD = 'admin-secret'
export const READER_DN = `cn=reader,${BASE_DN}`
export const READER_PASSWORD = 'reader-secret'

export interface Slapd {
  url: string
  port: number
  /** With `tls`: the ldaps:// URL, and the PEM of the server's self-signed certificate (for 127.0.0.1). */
  ldapsUrl?: string
  caPem?: string
  /** Stops the server (the data stays until `remove`). */
  stop(): Promise<void>
  /** Stops the server and deletes its directory. */
  remove(): Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** `count` people under ou=bulk (`uid=bulk0001` …), as LDIF. */
export function bulkPeople(count: number): string {
  const lines = [`dn: ou=bulk,${BASE_DN}`, 'objectClass: organizationalUnit', 'ou: bulk', '']
  for (let i = 1; i <= count; i++) {
    const uid = `bulk${String(i).padStart(4, '0')}`
    lines.push(`dn: uid=${uid},ou=bulk,${BASE_DN}`, 'objectClass: inetOrgPerson', `uid: ${uid}`)
    lines.push(`cn: Bulk ${i}`, `sn: B${i}`, `employeeNumber: ${i}`, '')
  }
  return lines.join('\n')
}

/**
 * Starts slapd seeded with the fixture directory and `extraLdif`. `sizeLimit` is the server's size limit for
 * everyone but the rootdn; paged searches (size.prtotal unlimited) read past it, as Active Directory's do.
 * `seedWith: 'slapadd'` loads the seed offline before the server starts (seconds for 100k entries instead of
 * minutes; the memberof overlay does not run then, so memberOf is not maintained).
 */
export async function startSlapd(
  options: { sizeLimit?: number; extraLdif?: string; tls?: boolean; seedWith?: 'ldapadd' | 'slapadd' } = {},
): Promise<Slapd> {
  if (!SLAPD)
    throw new Error(
      'slapd is not installed: DEBIAN_FRONTEND=noninteractive apt-get install -y slapd ldap-utils (.ci/run does)',
    )
  const dir = mkdtempSync(join(tmpdir(), 'intake-slapd-'))
  mkdirSync(join(dir, 'db'))
  const port = await freePort()
  const limit = options.sizeLimit ?? 500
  const tlsPort = options.tls ? await freePort() : null
  if (options.tls) {
    // A self-signed certificate for 127.0.0.1: StartTLS and ldaps:// with tls.ca verify it.
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ])
  }
  writeFileSync(
    join(dir, 'slapd.conf'),
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      `include ${join(FIXTURES, 'intake-ad.schema')}`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'moduleload memberof',
      `pidfile ${join(dir, 'slapd.pid')}`,
      ...(options.tls
        ? [`TLSCertificateFile ${join(dir, 'cert.pem')}`, `TLSCertificateKeyFile ${join(dir, 'key.pem')}`]
        : []),
      `sizelimit size.soft=${limit} size.hard=${limit} size.prtotal=unlimited`,
      'database mdb',
      'maxsize 1073741824',
      `suffix "${BASE_DN}"`,
      `rootdn "${ADMIN_DN}"`,
      `rootpw ${ADMIN_PASSWORD}`,
      `directory ${join(dir, 'db')}`,
      'overlay memberof',
      'access to attrs=userPassword by anonymous auth by * none',
      'access to * by * read',
      '',
    ].join('\n'),
  )
  const url = `ldap://127.0.0.1:${port}`
  const ldapsUrl = tlsPort === null ? undefined : `ldaps://127.0.0.1:${tlsPort}`
  let child: ChildProcess | null = null
  const stop = async (): Promise<void> => {
    const running = child
    child = null
    if (!running || running.exitCode !== null) return
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve())
      running.kill('SIGTERM')
      setTimeout(() => running.kill('SIGKILL'), 5_000).unref()
    })
  }
  const ldif = readFileSync(join(FIXTURES, 'directory.ldif'), 'utf8') + '\n' + (options.extraLdif ?? '')
  writeFileSync(join(dir, 'seed.ldif'), ldif)
  if (options.seedWith === 'slapadd') {
    try {
      // -q: quick mode (no consistency checks), for an empty database loaded once.
      await run(SLAPADD, ['-q', '-f', join(dir, 'slapd.conf'), '-l', join(dir, 'seed.ldif')], {
        maxBuffer: 64 * 1024 * 1024,
      })
    } catch (error) {
      rmSync(dir, { recursive: true, force: true })
      throw new Error(`slapadd failed: ${(error as { stderr?: string }).stderr ?? String(error)}`)
    }
  }
  // -d 0: stay in the foreground (no fork), so the test owns the process; no debug output.
  const listen = ldapsUrl === undefined ? `${url}/` : `${url}/ ${ldapsUrl}/`
  child = spawn(SLAPD, ['-f', join(dir, 'slapd.conf'), '-h', listen, '-d', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const deadline = Date.now() + 15_000
  while (!(await answers(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop()
      throw new Error(`slapd did not start on ${url}: ${stderr}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  if (options.seedWith !== 'slapadd') {
    try {
      await run(
        'ldapadd',
        ['-x', '-H', url, '-D', ADMIN_DN, '-w', ADMIN_PASSWORD, '-f', join(dir, 'seed.ldif')],
        { maxBuffer: 64 * 1024 * 1024 },
      )
    } catch (error) {
      await stop()
      throw new Error(`seeding slapd failed: ${(error as { stderr?: string }).stderr ?? String(error)}`)
    }
  }
  return {
    url,
    port,
    ...(ldapsUrl === undefined ? {} : { ldapsUrl, caPem: readFileSync(join(dir, 'cert.pem'), 'utf8') }),
    stop,
    async remove() {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
