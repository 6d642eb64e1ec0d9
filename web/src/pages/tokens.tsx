import { PageTitle } from '../components/ui'

export function TokensPage() {
  return (
    <section>
      <PageTitle>Tokens</PageTitle>
      <p>Tokens are managed with the CLI on the server's machine.</p>
    </section>
  )
}
