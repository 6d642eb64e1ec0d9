import { Command } from 'commander'
import { AppError } from '../../domain/errors.js'
import type { RevertConflict } from '../../domain/execution/revert-errors.js'
import { requireUuid, SOURCE_IDS_HINT } from '../cli-ids.js'
import {
  clientFrom,
  hasResult,
  resultTable,
  runCli,
  withClientOptions,
  type ClientOptions,
} from '../cli-options.js'
import { CliError, type ImportClient, type StatusView } from '../import-client.js'

const POLL_MS = 200

/**
 * `intake revert <sourceId> <executionId> [--force] [--json]`: reverts an execution (the API's
 * `POST …/executions/{id}/revert`), waits for the revert to end and shows its result. Objects changed since the
 * execution stop it (exit 1, listed) unless `--force`.
 */
export function revertCommand(): Command {
  return withClientOptions(
    new Command('revert')
      .description(
        'Revert an execution: what it created is deleted, what it changed or removed is restored (itself an execution)',
      )
      .argument('<sourceId>', 'the import source id')
      .argument('<executionId>', 'the execution to revert')
      .option('--force', 'revert every object not in conflict, and report the ones changed since as problems')
      .option('--json', 'print the outcome (or the conflicts) as JSON'),
  ).action(
    async (
      sourceArg: string,
      executionArg: string,
      options: ClientOptions & { force?: boolean; json?: boolean },
    ) =>
      runCli(async () => {
        const source = requireUuid('an import source id', sourceArg, SOURCE_IDS_HINT)
        const execution = requireUuid(
          'an execution id',
          executionArg,
          `intake executions --source ${source} lists them`,
        )
        const client = await clientFrom(options, { worker: true })
        const out = process.stdout
        try {
          let revert
          try {
            revert = await client.revert(source, execution, { force: options.force === true })
          } catch (error) {
            const conflicts = conflictsOf(error)
            if (!conflicts) throw error
            if (options.json)
              out.write(`${JSON.stringify({ error: 'REVERT_CONFLICT', ...conflicts }, null, 2)}\n`)
            else {
              process.stderr.write(
                `${conflicts.total} object(s) changed after execution ${execution}; nothing was reverted:\n`,
              )
              for (const c of conflicts.conflicts)
                process.stderr.write(`  ${c.key}  (#${c.objectId}, ${c.operation})  ${c.reason}\n`)
              if (conflicts.total > conflicts.conflicts.length)
                process.stderr.write(`  … and ${conflicts.total - conflicts.conflicts.length} more\n`)
              process.stderr.write('--force reverts the other objects and reports these as problems\n')
            }
            return 1
          }
          const status = await waitForEnd(client, source, revert.id)
          if (options.json) {
            out.write(`${JSON.stringify(status, null, 2)}\n`)
            return status.status === 'DONE' ? 0 : 1
          }
          out.write(`revert ${revert.id} of execution ${execution}: ${status.status}\n`)
          const result = status.progressResult as { infoMessage?: unknown; failureReason?: unknown } | null
          if (typeof result?.infoMessage === 'string') out.write(`${result.infoMessage}\n`)
          if (hasResult(status.progressResult)) out.write(resultTable(status.progressResult))
          if (status.status !== 'DONE') {
            const reason = (await client.listExecutions(source)).find((e) => e.id === revert.id)
            process.stderr.write(
              `${(reason as { failureReason?: string } | undefined)?.failureReason ?? ''}\n`,
            )
            return 1
          }
          const problems = await client.problems(source, revert.id)
          if (problems.total > 0) {
            out.write(`\n${problems.total} problem(s):\n`)
            for (const p of problems.values) out.write(`  ${p.location}  ${p.code}  ${p.message}\n`)
          }
          return 0
        } finally {
          await client.close()
        }
      }),
  )
}

async function waitForEnd(client: ImportClient, source: string, id: string): Promise<StatusView> {
  for (;;) {
    const status = await client.status(source, id)
    if (status.status !== 'INGESTING' && status.status !== 'PROCESSING') return status
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}

function conflictsOf(error: unknown): { total: number; conflicts: RevertConflict[] } | null {
  const details =
    error instanceof CliError
      ? error.details
      : error instanceof AppError && error.code === 'REVERT_CONFLICT'
        ? error.details
        : undefined
  if (!details || !Array.isArray(details.conflicts)) return null
  return { total: Number(details.total), conflicts: details.conflicts as RevertConflict[] }
}
