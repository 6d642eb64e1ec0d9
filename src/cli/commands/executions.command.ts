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

/** `intake executions --source <id> [execId]`: the executions of a source, or one execution's result. */
export function executionsCommand(): Command {
  return withClientOptions(
    new Command('executions')
      .description('List the executions of an import source, or show the result of one')
      .requiredOption('--source <id>', 'the import source id')
      .argument('[executionId]', 'show this execution’s result and problems'),
  ).action(async (executionId: string | undefined, options: ClientOptions & { source: string }) =>
    runCli(async () => {
      const source = requireUuid('an import source id', options.source, SOURCE_IDS_HINT)
      if (executionId !== undefined) {
        requireUuid('an execution id', executionId, `intake executions --source ${source} lists them`)
      }
      const client = await clientFrom(options, { worker: false })
      const out = process.stdout
      try {
        if (executionId === undefined) {
          const rows = await client.listExecutions(source)
          const c = (e: (typeof rows)[number], k: string) => e.counters[k] ?? 0
          out.write(
            table(
              ['id', 'status', 'created', 'finished', 'created', 'updated', 'identical'],
              rows.map((e) => [
                e.id,
                e.status,
                e.created,
                e.finished ?? '',
                c(e, 'objectsCreated'),
                c(e, 'objectsUpdated'),
                c(e, 'objectsIdentical'),
              ]),
            ),
          )
          return 0
        }
        const status = await client.status(source, executionId)
        out.write(`execution ${status.executionId}: ${status.status}\n`)
        if (hasResult(status.progressResult)) {
          const reason = (status.progressResult as { errorMessages?: unknown }).errorMessages
          if (typeof reason === 'string') out.write(`${reason}\n`)
          out.write(resultTable(status.progressResult))
        } else out.write(`${JSON.stringify(status.progressResult, null, 2)}\n`)
        const problems = await client.problems(source, executionId)
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
