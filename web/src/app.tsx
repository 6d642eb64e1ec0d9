import { useEffect, useState } from 'preact/hooks'
import { setUnauthorizedHandler } from './api'
import { href, useRoute } from './router'
import { clearSession, loadSession, type Session } from './session'
import { SignIn } from './pages/sign-in'
import { SourcesPage } from './pages/sources'
import { NewSourcePage } from './pages/source-new'
import { SourcePage } from './pages/source-page'
import { MappingPage } from './pages/mapping-page'
import { RunPage } from './pages/run-page'
import { ObjectsPage } from './pages/objects'
import { ObjectPage } from './pages/object-page'
import { TokensPage } from './pages/tokens'

function Page({ path, query }: { path: string[]; query: URLSearchParams }) {
  const [a, b, c, d] = path
  if (a === 'sources' && b === 'new') return <NewSourcePage />
  if (a === 'sources' && b && c === 'mapping') return <MappingPage sourceId={b} />
  if (a === 'sources' && b && c === 'runs' && d) return <RunPage key={d} sourceId={b} executionId={d} />
  if (a === 'sources' && b) return <SourcePage sourceId={b} />
  if (a === 'objects' && b) return <ObjectPage objectId={b} />
  if (a === 'objects') return <ObjectsPage query={query} />
  if (a === 'tokens') return <TokensPage />
  return <SourcesPage />
}

export function App() {
  const [session, setSession] = useState<Session | null>(() => loadSession())
  const [reason, setReason] = useState<string | null>(null)
  const route = useRoute()
  useEffect(
    () =>
      setUnauthorizedHandler((message) => {
        setReason(`Signed out: ${message}`)
        setSession(null)
      }),
    [],
  )
  if (session === null)
    return (
      <SignIn
        reason={reason}
        onSignedIn={(s) => {
          setReason(null)
          setSession(s)
        }}
      />
    )
  const section = route.path[0] ?? 'sources'
  const link = (to: string, label: string) => (
    <a href={href(to)} aria-current={section === to ? 'page' : undefined}>
      {label}
    </a>
  )
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}
      >
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href('sources')}>
          Intake
        </a>
        <nav aria-label="Sections">
          {link('sources', 'Sources')}
          {link('objects', 'Objects')}
          {link('tokens', 'Tokens')}
        </nav>
        <span class="workspace" title="Workspace id">
          {session.workspaceId}
        </span>
        <button
          type="button"
          onClick={() => {
            clearSession()
            setReason(null)
            setSession(null)
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Page path={route.path} query={route.query} />
      </main>
    </>
  )
}
