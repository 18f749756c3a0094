import type {LabRequest, LabResponse} from '../http/http-types.js'
import {WebobError} from '../http/webob-error.js'
import {type DcmanagerFamily, json} from './dcmanager-http.js'

/**
 * `GET /` of dcmanager: the version document, served without a token (clients discover the API with it).
 * Other methods on `/` are a 405 without a token check, as upstream's root controller answers (HEAD included).
 */
export const rootDocumentRoutes: DcmanagerFamily = () => [
  {method: 'GET', path: '/', public: true, handler: (request) => versions(request)},
  {
    method: '*',
    path: '/',
    public: true,
    handler: () => {
      throw new WebobError(405, 'The method is not allowed for this resource.')
    },
  },
]

function versions(request: LabRequest): LabResponse {
  const host = request.headers.host ?? 'localhost'
  const href = `${request.headers['x-forwarded-proto'] ?? 'http'}://${host}/dcmanager/v1.0/`
  return json({versions: [{status: 'CURRENT', links: [{rel: 'self', href}], id: 'v1.0', updated: '2017-10-2'}]})
}
