import { Command } from 'commander'
import { clientFrom, runCli, table, withClientOptions, type ClientOptions } from '../cli-options.js'

/** `intake sources`: the import sources of the workspace. */
export function sourcesCommand(): Command {
  return withClientOptions(
    new Command('sources').description('List the import sources: id, name, type, status'),
  ).action(async (options: ClientOptions) =>
    runCli(async () => {
      const client = await clientFrom(options, { worker: false })
      try {
        const rows = await client.listSources()
        process.stdout.write(
          table(
            ['id', 'name', 'type', 'status'],
            rows.map((s) => [s.id, s.name, s.type, s.configStatus]),
          ),
        )
        return 0
      } finally {
        await client.close()
      }
    }),
  )
}
