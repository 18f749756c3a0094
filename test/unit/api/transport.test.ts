import {afterEach, describe, expect, it} from '@jest/globals'
import http from 'node:http'
import type {AddressInfo} from 'node:net'

import {HttpTransport} from '../../../src/core/api/transport.js'
import {ConnectionError} from '../../../src/core/errors.js'

/** The transport's own rules against small real servers on loopback: timeouts, retries, keep-alive. */
describe('HttpTransport', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup()
  })

  async function serve(
    handler: http.RequestListener,
  ): Promise<{url: string; hits: () => number; sockets: () => number}> {
    let hits = 0
    let sockets = 0
    const server = http.createServer((req, res) => {
      hits++
      handler(req, res)
    })
    server.on('connection', () => sockets++)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections()
          server.close(() => resolve())
        }),
    )
    return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits, sockets: () => sockets}
  }

  function transport(options: ConstructorParameters<typeof HttpTransport>[0] = {}) {
    const t = new HttpTransport({retryBackoffMs: 5, ...options})
    cleanups.push(() => t.close())
    return t
  }

  it('a server that never answers is exit 3 after the request timeout, without a retry', async () => {
    const server = await serve(() => undefined)
    const error = await transport({requestTimeoutMs: 150, getRetries: 1})
      .request({method: 'GET', url: `${server.url}/slow`})
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as Error).message).toBe(
      `no complete response from ${server.url} within the request timeout of 150 ms`,
    )
    expect(server.hits()).toBe(1) // a timeout is not retried: the server may still be working on it
  })

  it('POST is never retried, even on 503', async () => {
    const server = await serve((_req, res) => {
      res.statusCode = 503
      res.end('busy')
    })
    const response = await transport().request({method: 'POST', url: `${server.url}/x`, body: '{}'})
    expect(response.status).toBe(503)
    expect(server.hits()).toBe(1)
  })

  it('GET is retried on 503 up to the bound, then the 503 is returned', async () => {
    const server = await serve((_req, res) => {
      res.statusCode = 503
      res.end()
    })
    const response = await transport({getRetries: 3}).request({method: 'GET', url: `${server.url}/x`})
    expect(response.status).toBe(503)
    expect(server.hits()).toBe(4)
  })

  it('reuses one keep-alive connection for successive calls (polling)', async () => {
    const server = await serve((_req, res) => res.end('{"ok": true}'))
    const t = transport()
    for (let i = 0; i < 5; i++)
      expect((await t.request({method: 'GET', url: `${server.url}/p`})).json()).toEqual({ok: true})
    expect(server.sockets()).toBe(1)
  })

  it('sends the body with its length and returns headers lower-cased', async () => {
    let received = ''
    const server = await serve((req, res) => {
      req.on('data', (chunk) => (received += chunk))
      req.on('end', () => {
        res.setHeader('X-Subject-Token', 'tok')
        res.end(String(req.headers['content-length']))
      })
    })
    const response = await transport().request({method: 'POST', url: `${server.url}/b`, body: 'héllo'})
    expect(received).toBe('héllo')
    expect(response.text()).toBe('6')
    expect(response.headers['x-subject-token']).toBe('tok')
  })
})
