import { finished, PassThrough, type Readable } from 'node:stream'

const ignoreLateError = (): void => undefined

/**
 * Streams `source` through a pass-through that the store may destroy on a size overrun, without destroying the
 * request itself: the rest of the body is drained so that the 413 answer reaches the client.
 */
export async function guarded<T>(source: Readable, store: (body: Readable) => Promise<T>): Promise<T> {
  const pass = new PassThrough()
  source.pipe(pass)
  // `pipe` forwards the end of the body, never its loss: a client that closes mid-body would leave the store waiting
  // forever, holding its file open. Whatever stops the source early fails the store, which then removes its file.
  const stopWatching = finished(source, (error) => {
    if (error) pass.destroy(error)
  })
  // The store may not listen to `pass` yet (it checks the source first): the error it meets then is kept by the
  // destroyed stream for the store's pipeline, and must not be thrown as uncaught by `pipe` meanwhile (the process
  // would end).
  pass.on('error', ignoreLateError)
  try {
    return await store(pass)
  } catch (error) {
    source.unpipe(pass)
    source.resume()
    throw error
  } finally {
    stopWatching()
  }
}
