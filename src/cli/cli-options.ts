import type { Command } from 'commander'
import { ConfigError, loadClientEnv, type ClientEnv } from '../config/config.js'
import { configOrExit } from './config-or-exit.js'
import { checkLocalDatabase } from './local-database.js'
import { explainStartupFailure } from './startup-failure.js'
import { CliError, httpClient, localClient, type ImportClient } from './import-client.js'

export interface ClientOptions {
  url?: string
  token?: string
  workspace?: string
  local?: boolean
  create?: boolean
}

const DEFAULT_URL = 'http://127.0.0.1:8080'

/** The options every command that talks to Intake shares: a server over HTTP, or `--local`. */
export function withClientOptions(command: Command): Command {
  return command
    .option('--url <url>', `the Intake server (default: INTAKE_URL, else ${DEFAULT_URL})`)
    .option(
      '--token <token>',
      'an API token with import:import-configuration:cmdb or admin (default: INTAKE_TOKEN, which stays out of ps and shell history)',
    )
    .option('--workspace <id>', 'the workspace id (default: INTAKE_WORKSPACE_ID)')
    .option('--local', 'work directly on the database the environment configures (no server)')
    .option('--create', 'with --local: create the database when it holds no Intake data yet')
}

export async function clientFrom(options: ClientOptions, local: { worker: boolean }): Promise<ImportClient> {
  if (options.local) {
    const config = configOrExit()
    await checkLocalDatabase(config, options)
    return localClient(config, local)
  }
  let env: ClientEnv
  try {
    env = loadClientEnv()
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message)
    throw error
  }
  const token = options.token ?? env.token
  if (token === null)
    throw new CliError('--token or INTAKE_TOKEN is required to talk to a server (or use --local)')
  const workspace = options.workspace ?? env.workspaceId
  if (workspace === null) {
    throw new CliError(
      '--workspace or INTAKE_WORKSPACE_ID is required (the server prints its workspace id when it starts)',
    )
  }
  return httpClient({ url: options.url ?? env.url ?? DEFAULT_URL, token, workspace })
}

/** Runs a command body: CliError and AppError messages go to stderr with exit code 1 (2 for usage). */
export async function runCli(fn: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await fn()
  } catch (error) {
    const startup = explainStartupFailure(error)
    if (startup !== null) {
      process.stderr.write(`intake: ${startup}\n`)
      process.exitCode = 1
      return
    }
    const code = (error as { code?: unknown }).code
    const message = error instanceof Error ? error.message : String(error)
    process.stderr.write(
      `${typeof code === 'string' && !(error instanceof CliError) ? `${code}: ` : ''}${message}\n`,
    )
    process.exitCode = 1
  }
}

/** Columns padded to their widest cell. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))]
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd()
  return (
    [line(cells[0]!), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n') + '\n'
  )
}

/** Whether a progressResult is the engine's result (DONE, or FAILED because every entry was dropped). */
export function hasResult(progressResult: unknown): boolean {
  return (
    typeof progressResult === 'object' && progressResult !== null && 'objectTypeResultMap' in progressResult
  )
}

/** The per-object-type result table of an execution's progressResult. */
export function resultTable(progressResult: unknown): string {
  const map = ((progressResult as { objectTypeResultMap?: Record<string, Record<string, unknown>> })
    ?.objectTypeResultMap ?? {}) as Record<string, Record<string, unknown>>
  const n = (v: unknown) => (typeof v === 'number' ? v : 0)
  const rows = Object.values(map).map((t) => [
    String(t.objectTypeName ?? t.objectTypeId ?? '?'),
    n(t.objectsCreated),
    n(t.objectsUpdated),
    n(t.objectsIdentical),
    n(t.objectsMissingUpdated) + n(t.objectsMissingDeleted),
    n(t.entriesWithProblems),
  ])
  const dropped = Object.values(map).flatMap((t) => {
    const counts = DROPPING_COUNTERS.filter(([c]) => n(t[c]) > 0).map(
      ([c, words]) => `${n(t[c])} ${words} (${c})`,
    )
    return counts.length
      ? [`${String(t.objectTypeName ?? t.objectTypeId ?? '?')}: ${counts.join(', ')}\n`]
      : []
  })
  return (
    table(['object type', 'created', 'updated', 'identical', 'missing', 'problems'], rows) +
    (dropped.length ? `\nentries that did not become objects:\n${dropped.map((d) => `  ${d}`).join('')}` : '')
  )
}

/** The counters of entries that did not become objects, with what they mean. */
const DROPPING_COUNTERS = [
  ['emptyExternalIdEntries', 'without an identity'],
  ['emptyLabelEntries', 'without a label'],
  ['duplicateEnries', 'repeating an earlier identity'],
  ['objectsFilteredWithQlQuery', 'filtered out by selectorQlQuery'],
  ['entriesSkipped', 'skipped for a problem'],
] as const
