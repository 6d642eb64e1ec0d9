import { Command } from 'commander'
import { AppError } from '../../domain/errors.js'
import { bootstrap } from '../../main.js'
import { configOrExit } from '../config-or-exit.js'

/** Token administration directly on the database (the same TokenService the API uses). */
export function tokenCommand(): Command {
  const token = new Command('token').description('Create, list and revoke workspace API tokens')

  token
    .command('create')
    .description('Create a token; its secret is printed once')
    .requiredOption('--name <name>', 'a name to recognise the token by')
    .requiredOption(
      '--scopes <scopes...>',
      'admin, import:import-configuration:cmdb, read:cmdb-object:jira, write:cmdb-object:jira',
    )
    .action(async (opts: { name: string; scopes: string[] }) =>
      withServices(async (b) => {
        const scopes = opts.scopes
          .flatMap((s) => s.split(','))
          .map((s) => s.trim())
          .filter(Boolean)
        const { token: secret, info } = await b.services.tokens.createWorkspaceToken({
          workspaceId: b.workspaceId,
          name: opts.name,
          scopes,
        })
        process.stdout.write(`${secret}\n`)
        process.stderr.write(
          `token ${info.id} "${info.name}" (${info.scopes.join(' ')}) — the secret above is shown once\n`,
        )
      }),
    )

  token
    .command('list')
    .description('List the workspace tokens (never their secrets)')
    .action(async () =>
      withServices(async (b) => {
        const rows = await b.services.tokens.list(b.workspaceId)
        for (const t of rows) {
          process.stdout.write(
            [
              t.id,
              t.prefix === '' ? '(chosen secret)' : t.prefix + '…',
              JSON.stringify(t.name),
              t.scopes.join(','),
              t.revokedAt ? `revoked ${t.revokedAt}` : 'active',
              t.lastUsedAt ?? 'never used',
            ].join('\t') + '\n',
          )
        }
      }),
    )

  token
    .command('revoke')
    .description('Revoke a token by id')
    .argument('<id>')
    .action(async (id: string) =>
      withServices(async (b) => {
        await b.services.tokens.revoke(b.workspaceId, id)
        process.stdout.write(`revoked ${id}\n`)
      }),
    )
  return token
}

async function withServices(fn: (b: Awaited<ReturnType<typeof bootstrap>>) => Promise<void>): Promise<void> {
  const b = await bootstrap(configOrExit(), { provisionAdmin: false })
  try {
    await fn(b)
  } catch (error) {
    if (error instanceof AppError) {
      process.stderr.write(`${error.code}: ${error.message}\n`)
      process.exitCode = 1
      return
    }
    throw error
  } finally {
    await b.close()
  }
}
