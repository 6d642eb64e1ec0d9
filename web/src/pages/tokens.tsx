import { useState } from 'preact/hooks'
import { call, ws } from '../api'
import { when } from '../format'
import { Confirm, ErrorNote, Loading, Notice, PageTitle, useAction, useLoad } from '../components/ui'
import { loadSession } from '../session'

interface Token {
  id: string
  name: string
  scopes: string[]
  prefix: string
  created: string
  lastUsed: string | null
  revoked: string | null
}

const SCOPES: { scope: string; help: string }[] = [
  { scope: 'read:cmdb-object:jira', help: 'read schemas, types and objects' },
  { scope: 'write:cmdb-object:jira', help: 'create, change and delete objects' },
  { scope: 'import:import-configuration:cmdb', help: 'import sources, mappings and runs' },
  { scope: 'admin', help: 'everything, tokens and schema changes included' },
]

export function TokensPage() {
  const list = useLoad(() => call<{ values: Token[] }>('GET', ws('/tokens')), [])
  const [name, setName] = useState('')
  const [scopes, setScopes] = useState<string[]>(['read:cmdb-object:jira'])
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null)
  const [revoking, setRevoking] = useState<Token | null>(null)
  const create = useAction(async () => {
    const made = await call<Token & { token: string }>('POST', ws('/tokens'), {
      body: { name: name.trim(), scopes },
    })
    setSecret({ name: made.name, token: made.token })
    setName('')
    list.reload()
  })
  const revoke = useAction(async (t: Token) => {
    await call('DELETE', ws(`/tokens/${t.id}`))
    list.reload()
  })
  const mine = loadSession()?.token
  return (
    <section>
      <PageTitle>API tokens</PageTitle>
      <p>
        Workspace tokens for scripts, importers and people; an admin token manages them. A source's own
        container token is made on its page through the API (<code>POST …/importsource/{'{id}'}/token</code>).
      </p>
      {secret ? (
        <Notice kind="warn">
          <p>
            The secret of <strong>{secret.name}</strong> — shown once, Intake keeps only its hash. Copy it
            now:
          </p>
          <p>
            <code class="secret" data-testid="new-secret">
              {secret.token}
            </code>
          </p>
          <button type="button" onClick={() => setSecret(null)}>
            I have kept it
          </button>
        </Notice>
      ) : null}
      <section class="panel" aria-labelledby="new-token-title">
        <h2 id="new-token-title">New token</h2>
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault()
            void create.run()
          }}
        >
          <div class="field">
            <label for="token-name">Name</label>
            <input
              id="token-name"
              required
              maxLength={255}
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </div>
          <fieldset>
            <legend>Scopes</legend>
            {SCOPES.map((s) => (
              <div class="field check" key={s.scope}>
                <input
                  id={`scope-${s.scope}`}
                  type="checkbox"
                  checked={scopes.includes(s.scope)}
                  onChange={(e) =>
                    setScopes((all) =>
                      e.currentTarget.checked ? [...all, s.scope] : all.filter((x) => x !== s.scope),
                    )
                  }
                />
                <label for={`scope-${s.scope}`}>
                  <code>{s.scope}</code> — {s.help}
                </label>
              </div>
            ))}
          </fieldset>
          <div class="actions">
            <button
              type="submit"
              class="primary"
              disabled={create.busy || name.trim() === '' || scopes.length === 0}
            >
              Create token
            </button>
          </div>
          <ErrorNote error={create.error} title="The token was not created" />
        </form>
      </section>
      <ErrorNote error={list.error} title="The tokens could not be read" />
      <ErrorNote error={revoke.error} title="The token was not revoked" />
      {list.loading && !list.data ? <Loading what="Loading the tokens" /> : null}
      {list.data ? (
        <div class="table-wrap">
          <table>
            <caption>Tokens of the workspace</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scopes</th>
                <th scope="col">Starts with</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {list.data.values.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>{t.scopes.join(', ')}</td>
                  <td>{t.prefix ? <code>{t.prefix}…</code> : <span class="muted">chosen secret</span>}</td>
                  <td>{when(t.created)}</td>
                  <td>{when(t.lastUsed)}</td>
                  <td>
                    {t.revoked ? (
                      `revoked ${when(t.revoked)}`
                    ) : (
                      <button type="button" class="danger" onClick={() => setRevoking(t)}>
                        Revoke {t.name}…
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {revoking ? (
        <Confirm
          title={`Revoke “${revoking.name}”?`}
          confirmLabel="Revoke the token"
          danger
          onCancel={() => setRevoking(null)}
          onConfirm={() => {
            const t = revoking
            setRevoking(null)
            void revoke.run(t)
          }}
        >
          <p>Every client that uses it is refused from now on. This cannot be undone.</p>
          {mine && revoking.prefix && mine.startsWith(revoking.prefix) ? (
            <p>
              <strong>This looks like the token you signed in with: the console will sign you out.</strong>
            </p>
          ) : null}
        </Confirm>
      ) : null}
    </section>
  )
}
