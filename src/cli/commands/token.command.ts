import { Command } from 'commander'
import { AppError } from '../../domain/errors.js'
import { bootstrap } from '../../main.js'
import { configOrExit } from '../config-or-exit.js'
import { CliError } from '../import-client.js'
import { checkLocalDatabase } from '../local-database.js'
import { requireUuid } from '../cli-ids.js'

/** Token administration directly on the database (the same TokenService the API uses). */
export function tokenCommand(): Command {
  const token = new Command('token').description(
    'Create, list and revoke workspace API tokens, directly on the database the environment configures (not through a server)',
  )
  const create = ['--create', 'create the database when it holds no Intake data yet'] as const

  token
    .command('create')
    .description('Create a token; its secret is printed once')
    .requiredOption('--name <name>', 'a name to recognise the token by')
    .requiredOption(
      '--scopes <scopes...>',
      'admin, import:import-configuration:cmdb, read:cmdb-object:jira, write:cmdb-object:jira',
    )
    .option(...create)
    .action(async (opts: { name: string; scopes: string[]; create?: boolean }) =>
      withServices(opts, async (b) => {
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
    .option(...create)
    .action(async (opts: { create?: boolean }) =>
      withServices(opts, async (b) => {
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
    .option(...create)
    .action(async (id: string, opts: { create?: boolean }) =>
      withServices(
        opts,
        async (b) => {
          await b.services.tokens.revoke(b.workspaceId, id)
          process.stdout.write(`revoked ${id}\n`)
        },
        () => requireUuid('a token id', id, 'intake token list shows them in its first column'),
      ),
    )
  return token
}

/**
 * Runs `fn` on the services of the configured database: arguments checked first (`check`), then the database
 * named and refused when it holds no Intake data (unless --create). CliError and AppError end with exit code 1.
 */
async function withServices(
  options: { create?: boolean },
  fn: (b: Awaited<ReturnType<typeof bootstrap>>) => Promise<void>,
  check: () => void = () => undefined,
): Promise<void> {
  const config = configOrExit()
  try {
    check()
    await checkLocalDatabase(config, options)
  } catch (error) {
    if (!(error instanceof CliError)) throw error
    process.stderr.write(`${error.message}\n`)
    process.exitCode = 1
    return
  }
  const b = await bootstrap(config, { provisionAdmin: false })
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
