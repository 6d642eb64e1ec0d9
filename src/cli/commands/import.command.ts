import fs from 'node:fs'
import { Command } from 'commander'
import cliProgress from 'cli-progress'
import {
  clientFrom,
  hasResult,
  resultTable,
  runCli,
  withClientOptions,
  type ClientOptions,
} from '../cli-options.js'
import { requireUuid, SOURCE_IDS_HINT } from '../cli-ids.js'
import { CliError, type ImportClient, type ProgressView } from '../import-client.js'

const ENDED = new Set(['COMPLETED', 'FAILED', 'CANCELLED'])
const POLL_MS = 250

/**
 * `intake import --source <id> [file]`: upload the file (file sources), start, follow the progress, print the
 * result. Without a file the source is read as configured (a database source; a file source's current file).
 */
export function importCommand(): Command {
  return withClientOptions(
    new Command('import')
      .description(
        'Import a source and print the result: upload <file> first for a file source (csv, json, xlsx); without ' +
          'it, read the source as configured (sql: its database)',
      )
      .requiredOption('--source <id>', 'the import source id')
      .option('--full-read', 'read everything, ignoring an incremental source’s high-water mark')
      .argument('[file]', 'the file to upload and import (file sources)'),
  ).action(
    async (file: string | undefined, options: ClientOptions & { source: string; fullRead?: boolean }) =>
      runCli(async () => {
        const source = requireUuid('an import source id', options.source, SOURCE_IDS_HINT)
        if (file !== undefined && (!fs.existsSync(file) || !fs.statSync(file).isFile()))
          throw new CliError(`no such file: ${file}`)
        const client = await clientFrom(options, { worker: true })
        try {
          return await importSource(client, source, file, options.fullRead === true)
        } finally {
          await client.close()
        }
      }),
  )
}

async function importSource(
  client: ImportClient,
  sourceId: string,
  file: string | undefined,
  fullRead: boolean,
): Promise<number> {
  const out = process.stdout
  if (file !== undefined) {
    const uploaded = await client.upload(sourceId, file)
    out.write(`uploaded ${uploaded.name} (${uploaded.size} bytes) to ${client.where}\n`)
  }
  let progress = await client.start(sourceId, fullRead ? { fullRead } : {})
  const id = progress.resourceId
  out.write(`import ${id} started\n`)

  let interrupted = false
  const onInterrupt = () => {
    if (interrupted) process.exit(130)
    interrupted = true
    process.stderr.write('\ncancelling the import (Ctrl-C again to quit at once)…\n')
    void client.cancel(id).catch(() => undefined)
  }
  process.on('SIGINT', onInterrupt)
  const view = out.isTTY ? barView() : lineView()
  try {
    view.update(progress)
    while (!ENDED.has(progress.status)) {
      await new Promise((r) => setTimeout(r, POLL_MS))
      progress = await client.progress(id)
      view.update(progress)
    }
  } finally {
    view.stop()
    process.off('SIGINT', onInterrupt)
  }

  const status = await client.status(sourceId, progress.executionUUID)
  out.write(`\nimport ${id}: ${progress.status}\n`)
  if (progress.status !== 'COMPLETED') out.write(`${progress.currentWorkDescription}\n`)
  // A FAILED import that ran to its end (every entry dropped) has a result too: its counters say why.
  if (hasResult(status.progressResult)) out.write(resultTable(status.progressResult))
  const problems = await client.problems(sourceId, progress.executionUUID)
  if (problems.total > 0) {
    out.write(
      `\n${problems.total} problem(s)${problems.total > problems.values.length ? ', the first ones' : ''}:\n`,
    )
    for (const p of problems.values) out.write(`  ${p.location}  ${p.code}  ${p.message}\n`)
  }
  return progress.status === 'COMPLETED' ? 0 : 1
}

interface View {
  update(p: ProgressView): void
  stop(): void
}

/** A cli-progress bar over the percent, with the step (terminals). */
function barView(): View {
  const bar = new cliProgress.SingleBar(
    {
      format: '{bar} {percentage}% | step {step}/6 {stepName} | {status} {work}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  )
  bar.start(100, 0, { step: 1, stepName: '', status: 'PENDING', work: '' })
  return {
    update: (p) =>
      bar.update(p.progressInPercent, {
        step: p.currentStep,
        stepName: p.stepDescription,
        status: p.status,
        work: p.totalWorkUnits > 0 ? `${p.currentWorkUnits}/${p.totalWorkUnits}` : '',
      }),
    stop: () => bar.stop(),
  }
}

/** Plain lines (pipes, logs): one when something changed, at most one a second. */
function lineView(): View {
  let last = ''
  let lastAt = 0
  return {
    update: (p) => {
      const line = `${p.status} ${p.progressInPercent}% step ${p.currentStep}/${p.numberOfSteps} ${p.stepDescription}`
      const now = Date.now()
      if (line === last || (now - lastAt < 1000 && !ENDED.has(p.status))) return
      last = line
      lastAt = now
      process.stdout.write(`${new Date(now).toISOString()} ${line}\n`)
    },
    stop: () => undefined,
  }
}
