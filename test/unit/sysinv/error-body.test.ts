import {describe, expect, it} from '@jest/globals'

import {parseSysinvError} from '../../../src/core/sysinv/error-body.js'

describe('parseSysinvError (host-routes.md §5)', () => {
  it('unwraps the double-encoded faultstring and keeps the fault code', () => {
    const body = JSON.stringify({
      error_message: JSON.stringify({
        faultcode: 'Client',
        faultstring: 'Route gateway 10.9.9.1 is not reachable by any address on this interface',
        debuginfo: null,
      }),
    })
    expect(parseSysinvError(409, 'application/json', body)).toEqual({
      message: 'Route gateway 10.9.9.1 is not reachable by any address on this interface',
      faultcode: 'Client',
    })
  })

  it('reads pecan errors (faultstring only) and 500 Server faults', () => {
    const pecan = JSON.stringify({
      error_message: JSON.stringify({faultstring: 'The method PATCH is not allowed for this resource.'}),
    })
    expect(parseSysinvError(405, 'application/json', pecan)).toEqual({
      message: 'The method PATCH is not allowed for this resource.',
      faultcode: undefined,
    })
    const server = JSON.stringify({
      error_message: JSON.stringify({
        faultcode: 'Server',
        faultstring: 'Invalid IP address and prefix',
        debuginfo: null,
      }),
    })
    expect(parseSysinvError(500, 'application/json', server)).toEqual({
      message: 'Invalid IP address and prefix',
      faultcode: 'Server',
    })
  })

  it('falls back to the generic reader for Keystone, HTML and empty bodies', () => {
    const keystone = JSON.stringify({
      error: {code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.'},
    })
    expect(parseSysinvError(401, 'application/json', keystone).message).toBe(
      'The request you have made requires authentication.',
    )
    expect(parseSysinvError(502, 'text/html', '<html><body><h1>502 Bad Gateway</h1></body></html>').message).toBe(
      '502 Bad Gateway.',
    )
    expect(parseSysinvError(500, undefined, '').message).toMatch(/erred/)
    expect(parseSysinvError(400, 'application/json', '{"error_message": "not json inside"}').message).toBe(
      'not json inside',
    )
  })
})
