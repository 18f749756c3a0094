import type {LabRequest, LabResponse} from './http-types.js'

/**
 * dcmanager answers errors through pecan.abort(), i.e. webob HTTPExceptions (dcmanager-api.md §1.6).
 * The body shape depends on the request's Accept header: clients parse the HTML form line by line, so the
 * whitespace below is part of the contract.
 */
const TITLES: Record<number, [title: string, explanation: string]> = {
  400: [
    'Bad Request',
    'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  ],
  401: [
    'Unauthorized',
    'This server could not verify that you are authorized to access the document you requested.  Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.',
  ],
  403: ['Forbidden', 'Access was denied to this resource.'],
  404: ['Not Found', 'The resource could not be found.'],
  405: ['Method Not Allowed', 'The method is not allowed for this resource.'],
  409: ['Conflict', 'There was a conflict when trying to complete your request.'],
  410: ['Gone', 'This resource is no longer available.  No forwarding address is given.'],
  422: ['Unprocessable Entity', 'Unable to process the contained instructions'],
  500: ['Internal Server Error', 'The server has either erred or is incapable of performing the requested operation.'],
  503: ['Service Unavailable', 'The server is currently unavailable. Please try again at a later time.'],
}

/** A dcmanager API refusal: thrown by handlers, rendered by `webobErrorResponse`. */
export class WebobError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail)
    this.name = 'WebobError'
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

export function wantsJson(request: Pick<LabRequest, 'headers'>): boolean {
  const accept = request.headers.accept
  return typeof accept === 'string' && accept.includes('application/json')
}

export function webobErrorResponse(status: number, detail: string, json: boolean): LabResponse {
  const [title, explanation] = TITLES[status] ?? [`Error ${status}`, '']
  if (json) {
    return {status, headers: {'content-type': 'application/json'}, body: {code: status, title, description: detail}}
  }
  const html =
    `<html>\n <head>\n  <title>${status} ${title}</title>\n </head>\n <body>\n  <h1>${status} ${title}</h1>\n` +
    `  ${explanation}<br /><br />\n${escapeHtml(detail)}\n\n\n </body>\n</html>`
  return {status, headers: {'content-type': 'text/html; charset=UTF-8'}, body: html}
}
