import { useState } from 'preact/hooks'
import { ApiError, call } from '../api'
import { saveSession, type Session } from '../session'
import { ErrorNote } from '../components/ui'

interface ImportStatus {
  can_run_imports: boolean
  import_create_url: string
}

/** Checks a token with the API (`/api/import_status.json` answers any workspace token) and finds its workspace. */
export async function signIn(token: string): Promise<Session> {
  try {
    const status = await call<ImportStatus>('GET', '/api/import_status.json', { token })
    const match = /\/workspace\/([^/]+)\/v1\//.exec(new URL(status.import_create_url, location.href).pathname)
    if (!match?.[1])
      throw new ApiError(0, 'UNEXPECTED_ANSWER', 'Intake did not name the workspace of the token')
    return { token, workspaceId: decodeURIComponent(match[1]), canRunImports: status.can_run_imports }
  } catch (error) {
    if (error instanceof ApiError && error.status === 403)
      throw new ApiError(
        403,
        error.code,
        'This is the container token of one import source; sign in with a workspace token (intake token create)',
      )
    throw error
  }
}

export function SignIn({ onSignedIn, reason }: { onSignedIn: (s: Session) => void; reason: string | null }) {
  const [token, setToken] = useState('')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const session = await signIn(token.trim())
      saveSession(session)
      onSignedIn(session)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <main id="main" class="sign-in">
      <h1>Intake console</h1>
      <p>
        Sign in with an API token: the admin token <code>npm start</code> printed the first time, or one made
        with <code>npx intake token create</code>. The token stays in this browser tab only.
      </p>
      {reason ? <div class="notice warn">{reason}</div> : null}
      <form onSubmit={submit}>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          required
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
        />
        <button type="submit" class="primary" disabled={busy || token.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <ErrorNote error={error} title="Sign-in failed" />
    </main>
  )
}
