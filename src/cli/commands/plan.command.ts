import fs from 'node:fs'
import { Command } from 'commander'
import {
  clientFrom,
  hasResult,
  resultTable,
  runCli,
  table,
  withClientOptions,
  type ClientOptions,
} from '../cli-options.js'
import { requireUuid, SOURCE_IDS_HINT } from '../cli-ids.js'
import { ApplyRefused, CliError, type ImportClient, type PlanPage } from '../import-client.js'

const ENDED = new Set(['COMPLETED', 'FAILED', 'CANCELLED'])
const POLL_MS = 250
/** Exit code of an apply refused for drift (409 PLAN_DRIFT): the drifted objects are printed. */
export const EXIT_DRIFT = 3

/**
 * `intake plan <sourceId> [--file f]`: a dry run of a pull source (after uploading `f` for a file source), then its
 * stored plan: the counts per type and operation and the first changes (docs/plan-apply.md).
 */
export function planCommand(): Command {
  return withClientOptions(
    new Command('plan')
      .description('Dry-run an import source and print its plan (apply it with `intake apply`)')
      .argument('<sourceId>', 'the import source id')
      .option('--file <file>', 'upload this file first (file sources: csv, json, xlsx)')
      .option('--changes <n>', 'how many changes to print', '20')
      .option('--json', 'print the plan as JSON'),
  ).action(
    async (sourceId: string, options: ClientOptions & { file?: string; changes: string; json?: boolean }) =>
      runCli(async () => {
        const source = requireUuid('an import source id', sourceId, SOURCE_IDS_HINT)
        const limit = Number(options.changes)
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
          throw new CliError('--changes must be an integer from 1 to 1000')
        if (
          options.file !== undefined &&
          (!fs.existsSync(options.file) || !fs.statSync(options.file).isFile())
        )
          throw new CliError(`no such file: ${options.file}`)
        const client = await clientFrom(options, { worker: true })
        try {
          return await plan(client, source, options.file, limit, options.json === true)
        } finally {
          await client.close()
        }
      }),
  )
}

/** `intake apply <sourceId> <executionId> [--replan]`: applies a stored plan and prints the apply's result. */
export function applyCommand(): Command {
  return withClientOptions(
    new Command('apply')
      .description(
        `Apply the plan of a dry run exactly; exit code ${EXIT_DRIFT} with the drifted objects when objects it touches changed since`,
      )
      .argument('<sourceId>', 'the import source id')
      .argument('<executionId>', 'the dry run (intake plan prints it)')
      .option(
        '--replan',
        'apply what the same stored input gives now, even when objects changed since the plan',
      )
      .option('--json', 'print the outcome as JSON'),
  ).action(
    async (
      sourceId: string,
      executionId: string,
      options: ClientOptions & { replan?: boolean; json?: boolean },
    ) =>
      runCli(async () => {
        const source = requireUuid('an import source id', sourceId, SOURCE_IDS_HINT)
        requireUuid('an execution id', executionId, `intake executions --source ${source} lists them`)
        const client = await clientFrom(options, { worker: true })
        try {
          return await apply(client, source, executionId, options.replan === true, options.json === true)
        } finally {
          await client.close()
        }
      }),
  )
}

async function plan(
  client: ImportClient,
  sourceId: string,
  file: string | undefined,
  limit: number,
  json: boolean,
): Promise<number> {
  const out = process.stdout
  const say = (text: string) => {
    if (!json) out.write(text)
  }
  if (file !== undefined) {
    const uploaded = await client.upload(sourceId, file)
    say(`uploaded ${uploaded.name} (${uploaded.size} bytes) to ${client.where}\n`)
  }
  let progress = await client.start(sourceId, { dryRun: true })
  say(`dry run ${progress.resourceId} started\n`)
  while (!ENDED.has(progress.status)) {
    await new Promise((r) => setTimeout(r, POLL_MS))
    progress = await client.progress(progress.resourceId)
  }
  const executionId = progress.executionUUID
  if (progress.status !== 'COMPLETED') {
    const status = await client.status(sourceId, executionId)
    if (json) out.write(`${JSON.stringify({ executionId, status: progress.status }, null, 2)}\n`)
    else {
      out.write(`dry run ${executionId}: ${progress.status}\n${progress.currentWorkDescription}\n`)
      if (hasResult(status.progressResult)) out.write(resultTable(status.progressResult))
    }
    return 1
  }
  const page = await client.plan(sourceId, executionId, limit)
  if (json) {
    out.write(`${JSON.stringify(page, null, 2)}\n`)
    return 0
  }
  out.write(planText(page))
  out.write(`\napply it with: intake apply ${sourceId} ${executionId}\n`)
  return 0
}

/** The counts and the first changes of a plan, as text. */
export function planText(page: PlanPage): string {
  const ops = ['create', 'update', 'delete', 'missing-update', 'references']
  const rows = Object.entries(page.counts).map(([type, c]) => [type, ...ops.map((o) => c[o] ?? 0)])
  let text = `plan of dry run ${page.executionId}: ${page.total} change(s), ${page.status}, expires ${page.expiresAt}\n`
  text += table(['type', ...ops], rows)
  if (page.changes.length > 0) {
    text += `\n${page.changes.length < page.total ? `the first ${page.changes.length} changes` : 'changes'}:\n`
    for (const c of page.changes) {
      const who = c.objectKey ?? c.identity ?? String(c.objectId)
      const diff = Object.entries(c.differences)
        .map(([name, d]) => `${name}: ${JSON.stringify(d.before)} → ${JSON.stringify(d.after)}`)
        .join('; ')
      text += `  ${c.operation.padEnd(10)} type ${c.objectTypeId}  ${who}${diff ? `  ${diff}` : ''}\n`
    }
  }
  return text
}

async function apply(
  client: ImportClient,
  sourceId: string,
  executionId: string,
  replan: boolean,
  json: boolean,
): Promise<number> {
  const out = process.stdout
  let started: { executionId: string }
  try {
    started = await client.apply(sourceId, executionId, replan ? 'replan' : 'fail')
  } catch (error) {
    if (!(error instanceof ApplyRefused)) throw error
    if (json)
      out.write(
        `${JSON.stringify({ code: error.code, message: error.message, details: error.details }, null, 2)}\n`,
      )
    else {
      process.stderr.write(`${error.code}: ${error.message}\n`)
      const drifted = (error.details.drifted ?? []) as {
        objectId: number | null
        objectKey: string | null
        identity: string | null
        changed: string[]
      }[]
      for (const d of drifted)
        process.stderr.write(
          `  ${d.objectKey ?? `object ${d.objectId}`}  ${d.identity ?? ''}  changed: ${d.changed.join(', ')}\n`,
        )
    }
    return error.code === 'PLAN_DRIFT' ? EXIT_DRIFT : 1
  }
  let status = await client.status(sourceId, started.executionId)
  while (status.status === 'PROCESSING') {
    await new Promise((r) => setTimeout(r, POLL_MS))
    status = await client.status(sourceId, started.executionId)
  }
  const problems = await client.problems(sourceId, started.executionId)
  if (json) {
    out.write(`${JSON.stringify({ ...status, problems }, null, 2)}\n`)
  } else {
    out.write(`apply ${started.executionId} of plan ${executionId}: ${status.status}\n`)
    if (hasResult(status.progressResult)) out.write(resultTable(status.progressResult))
    if (problems.total > 0) {
      out.write(`\n${problems.total} problem(s):\n`)
      for (const p of problems.values) out.write(`  ${p.location}  ${p.code}  ${p.message}\n`)
    }
  }
  return status.status === 'DONE'
    ? 0
    : status.status === 'FAILED' && problems.values.some((p) => p.code === 'PLAN_DRIFT')
      ? EXIT_DRIFT
      : 1
}
