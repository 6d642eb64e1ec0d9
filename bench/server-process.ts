/**
 * An Intake server started the way users start it: `npm start` is `npm run build` then package.json's `start` script
 * (`MALLOC_ARENA_MAX=2 node --max-semi-space-size=4 dist/cli/bin.js serve`), so this runs node with that script's
 * environment and flags (read from package.json; built beforehand) as a child process with no heap cap and the default
 * log level, its log going to a file in the data directory. BENCH_NODE_START="VAR=v --flag …" replaces the script's
 * environment and flags, to compare them (BENCH_NODE_START="" is plain `node dist/cli/bin.js serve`). Its memory is read from /proc/<pid>/status: VmRSS
 * sampled while it runs, and VmHWM (the kernel's own peak) at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { BENCH_TOKEN } from './bench-kit.js'

export const BENCH_WORKSPACE = 'bench-workspace'

/** Server settings taken from the benchmark's own environment when set. */
const MEMORY_SETTINGS = [
  'INTAKE_HEAP_GROWTH_PERCENT',
  'INTAKE_SQLITE_CACHE_MB',
  'INTAKE_SQLITE_API_CACHE_MB',
] as const

export interface ServerProcess {
  url: string
  workspaceId: string
  pid: number
  /** The server's log (pino JSON lines). */
  logFile: string
  /** RSS now, and the peak: the larger of the sampled VmRSS and the kernel's VmHWM. */
  rssMb(): number
  peakRssMb(): number
  /** Forgets the peak so far (VmHWM cannot be reset, so the sampled peak is used after a reset). */
  resetPeak(): void
  /** CPU time (user + system) the server has used so far, in seconds. */
  cpuSeconds(): number
  /** SIGTERM, then waits for the exit (a graceful shutdown writes a --cpu-prof profile). */
  stop(): Promise<void>
}

/** The environment assignments and node flags of a start command line: `[VAR=v …] [node] [--flag …]`. */
export function nodeStart(words: string): { env: Record<string, string>; nodeArgs: string[] } {
  const env: Record<string, string> = {}
  const nodeArgs: string[] = []
  for (const word of words.split(/\s+/).filter(Boolean)) {
    const assignment = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(word)
    if (assignment && nodeArgs.length === 0) env[assignment[1] as string] = assignment[2] as string
    else if (word.startsWith('-')) nodeArgs.push(word)
    else if (word !== 'node') break
  }
  return { env, nodeArgs }
}

/** How `npm start` starts node (package.json's `start` script), or BENCH_NODE_START when set. */
export function npmStart(): { env: Record<string, string>; nodeArgs: string[] } {
  const override = process.env.BENCH_NODE_START
  if (override !== undefined) return nodeStart(override)
  const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: { start: string } }
  return nodeStart(pkg.scripts.start)
}

const mb = (kb: number): number => Math.round(kb / 1024)

/** VmRSS and VmHWM of a process in kB (0 once it has exited). */
function memoryOf(pid: number): { rss: number; hwm: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0)
    return { rss: field('VmRSS'), hwm: field('VmHWM') }
  } catch {
    return { rss: 0, hwm: 0 }
  }
}

/** utime + stime of a process in seconds (/proc/<pid>/stat fields 14 and 15, in clock ticks of 1/100 s). */
function cpuOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return 0
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const address = s.address()
      const port = typeof address === 'object' && address ? address.port : 0
      s.close(() => resolve(port))
    })
  })
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })
}

/**
 * Starts `node [npm start's flags] [nodeArgs] dist/cli/bin.js serve` with npm start's environment, on `env` (INTAKE_DATA_DIR, DATABASE_URL) with the bench's admin
 * token and workspace, on a free port; resolves once /readyz answers.
 */
export async function startServerProcess(
  env: Record<string, string>,
  options: { nodeArgs?: string[]; extraEnv?: Record<string, string> } = {},
): Promise<ServerProcess> {
  const bin = path.resolve('dist/cli/bin.js')
  if (!fs.existsSync(bin)) throw new Error('dist/cli/bin.js is missing: run `npm run build` first')
  const port = await freePort()
  const dataDir = env.INTAKE_DATA_DIR ?? fs.mkdtempSync('/tmp/intake-bench-server-')
  const logFile = path.join(dataDir, 'server.log')
  const log = fs.openSync(logFile, 'a')
  const start = npmStart()
  const child = spawn(process.execPath, [...start.nodeArgs, ...(options.nodeArgs ?? []), bin, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...start.env,
      // The memory settings the benchmark runs under, to compare them (docs/benchmarks.md): passed on when set.
      ...Object.fromEntries(
        MEMORY_SETTINGS.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
      ),
      ...env,
      INTAKE_ADMIN_TOKEN: BENCH_TOKEN,
      INTAKE_WORKSPACE_ID: BENCH_WORKSPACE,
      PORT: String(port),
      HOST: '127.0.0.1',
      ...options.extraEnv,
    },
    stdio: ['ignore', log, log],
  })
  fs.closeSync(log)
  const pid = child.pid
  if (pid === undefined) throw new Error('the server process did not start')
  let peakKb = 0
  let useHwm = true
  const sample = () => (peakKb = Math.max(peakKb, memoryOf(pid).rss))
  const timer = setInterval(sample, 100)
  timer.unref()
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) {
      clearInterval(timer)
      throw new Error(
        `the server exited with ${child.exitCode}: ${fs.readFileSync(logFile, 'utf8').slice(-2000)}`,
      )
    }
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      clearInterval(timer)
      throw new Error('the server did not answer /readyz within 60 s')
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    url,
    workspaceId: BENCH_WORKSPACE,
    pid,
    logFile,
    rssMb: () => mb(memoryOf(pid).rss),
    cpuSeconds: () => cpuOf(pid),
    peakRssMb: () => {
      const m = memoryOf(pid)
      return mb(Math.max(peakKb, m.rss, useHwm ? m.hwm : 0))
    },
    resetPeak: () => {
      useHwm = false
      peakKb = memoryOf(pid).rss
    },
    stop: async () => {
      sample()
      clearInterval(timer)
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000)
      await exited(child)
      clearTimeout(killer)
    },
  }
}
