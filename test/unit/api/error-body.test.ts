import {describe, expect, it} from '@jest/globals'

import {describeErrorBody} from '../../../src/core/api/error-body.js'

const webob = (code: number, title: string, explanation: string, detail: string) =>
  `<html>\n <head>\n  <title>${code} ${title}</title>\n </head>\n <body>\n  <h1>${code} ${title}</h1>\n  ${explanation}<br /><br />\n${detail}\n\n\n </body>\n</html>`

describe('describeErrorBody (dcmanager-api.md §1.6)', () => {
  it('takes the detail of a webob HTML page', () => {
    const body = webob(
      422,
      'Unprocessable Entity',
      'Unable to process the contained instructions',
      'Subcloud is not online.',
    )
    expect(describeErrorBody(422, 'text/html; charset=UTF-8', body)).toBe('Subcloud is not online.')
  })

  it('unescapes HTML entities in the detail', () => {
    const body = webob(400, 'Bad Request', 'x', 'Cannot delete a subcloud that is &#x27;managed&#x27; status')
    expect(describeErrorBody(400, 'text/html', body)).toBe("Cannot delete a subcloud that is 'managed' status")
  })

  it('falls back to the explanation, with a final period, when there is no detail', () => {
    const body = `<html><body>\n<h1>422 Unprocessable Entity</h1>\nUnable to process the contained instructions<br /><br />\n</body></html>`
    expect(describeErrorBody(422, 'text/html', body)).toBe('Unable to process the contained instructions.')
  })

  it('reads the webob JSON shape', () => {
    const body = JSON.stringify({code: 404, title: 'Not Found', description: 'Subcloud not found'})
    expect(describeErrorBody(404, 'application/json', body)).toBe('Subcloud not found')
  })

  it('reads the Keystone JSON shape', () => {
    const body = JSON.stringify({
      error: {code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.'},
    })
    expect(describeErrorBody(401, 'application/json', body)).toBe('The request you have made requires authentication.')
  })

  it("reads sysinv's double-encoded faultstring", () => {
    const body = JSON.stringify({error_message: JSON.stringify({faultstring: 'Route already exists', debuginfo: null})})
    expect(describeErrorBody(409, 'application/json', body)).toBe('Route already exists')
  })

  it('names the upstream text for an empty 500', () => {
    expect(describeErrorBody(500, 'text/html', '')).toBe(
      'The server has either erred or is incapable of performing the requested operation.',
    )
  })

  it('keeps any other body to one line of bounded length', () => {
    expect(describeErrorBody(502, 'text/plain', 'bad\ngateway')).toBe('bad gateway')
    expect(describeErrorBody(502, 'text/plain', 'x'.repeat(2000)).length).toBeLessThan(600)
  })
})
