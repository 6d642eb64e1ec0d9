/** The built CLI as a child process: one command to its end, or a started server (e2e tests; needs `npm run build`). */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import path from 'node:path'

export const BIN = path.resolve('dist/cli/bin.js')

/** Runs the built CLI to its end (in `cwd` when given); answers exit code and output. */
export function cli(
  args: string[],
  env: Record<string, string>,
  cwd?: string,
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (err += d.toString()))
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err })))
}

export interface StartedServer {
  child: ChildProcessWithoutNullStreams
  url: string
  workspaceId: string
  /** What the server printed up to the moment it was ready (its banner). */
  output: string
  /** The exit code, once the process ends. */
  exited: Promise<number | null>
}

/** Starts `intake serve` on a free port; answers the process, its URL and the default workspace id once ready. */
export async function startServer(env: Record<string, string>): Promise<StartedServer> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'warn', ...env },
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const deadline = Date.now() + 20_000
  while (!/docs:/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start:\n${out}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  const url = /listening on (\S+)/.exec(out)![1]!
  const workspaceId = /workspace id: (\S+)/.exec(out)![1]!
  for (;;) {
    const res = await fetch(`${url}/readyz`).catch(() => null)
    if (res?.ok) break
    if (Date.now() > deadline) throw new Error('readyz never answered')
    await new Promise((r) => setTimeout(r, 50))
  }
  return { child, url, workspaceId, output: out, exited }
}
