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
import { CliError, type ExecutionRow } from '../import-client.js'

/** The held numbers of an execution for the listing: `Host 6/10>5` per type over the guard. */
function heldText(e: ExecutionRow): string {
  if (!e.hold) return ''
  return e.hold.types
    .filter((t) => t.over)
    .map((t) => `${t.objectTypeName} ${t.toRemove + t.toMark}/${t.owned}>${t.limit}`)
    .join(', ')
}

/** `intake executions approve|reject <sourceId> <executionId>`: decides an execution the mass-delete guard held. */
function decideCommand(action: 'approve' | 'reject'): Command {
  const command = new Command(action)
    .description(
      action === 'approve'
        ? 'Approve an execution held by the mass-delete guard: it runs again and commits the held numbers'
        : 'Reject an execution held by the mass-delete guard: it ends CANCELLED, nothing written',
    )
    .argument('<sourceId>', 'the import source id')
    .argument('<executionId>', 'the held execution')
  if (action === 'reject') command.option('--reason <text>', 'why it was rejected (recorded)')
  return withClientOptions(command).action(async (sourceId: string, executionId: string) =>
    runCli(async () => {
      // `executions` has the same --url, --token… and takes them wherever they stand: merged here.
      const options = command.optsWithGlobals<ClientOptions & { reason?: string }>()
      const source = requireUuid('an import source id', sourceId, SOURCE_IDS_HINT)
      requireUuid('an execution id', executionId, `intake executions --source ${source} lists them`)
      const client = await clientFrom(options, { worker: false })
      try {
        const e = await client.decide(source, executionId, action, options.reason)
        process.stdout.write(
          action === 'approve'
            ? `execution ${e.id}: approved, ${e.status} (it runs again; follow it with intake executions --source ${source} ${e.id})\n`
            : `execution ${e.id}: rejected, ${e.status}\n`,
        )
        return 0
      } finally {
        await client.close()
      }
    }),
  )
}

/** `intake executions --source <id> [execId]`: the executions of a source, or one execution's result. */
export function executionsCommand(): Command {
  const command = withClientOptions(
    new Command('executions')
      .description('List the executions of an import source, or show the result of one')
      // Not a commander requiredOption: `executions approve|reject` take the source as an argument.
      .option('--source <id>', 'the import source id (required)')
      .argument('[executionId]', 'show this execution’s result and problems'),
  ).action(async (executionId: string | undefined, options: ClientOptions & { source?: string }) =>
    runCli(async () => {
      if (options.source === undefined) throw new CliError("required option '--source <id>' not specified")
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
              ['id', 'status', 'created', 'finished', 'created', 'updated', 'identical', 'held'],
              rows.map((e) => [
                e.id,
                e.status,
                e.created,
                e.finished ?? '',
                c(e, 'objectsCreated'),
                c(e, 'objectsUpdated'),
                c(e, 'objectsIdentical'),
                heldText(e),
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
  return command.addCommand(decideCommand('approve')).addCommand(decideCommand('reject'))
}
