import type {IncomingHttpHeaders} from 'node:http'

/**
 * The lab's HTTP services (Keystone, dcmanager, sysinv) are plain functions from a parsed request to a
 * response, mounted by the lab server under a path prefix. Keeping them free of node:http makes each
 * service testable on its own and lets the server own transport concerns (TLS, body limits, logging).
 */
export interface LabRequest {
  method: string
  /** Path below the service's mount prefix, always starting with '/', without the query string. */
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: Buffer
  /** The validated Keystone token of the request, when the service requires one. */
  token?: LabToken
}

export interface LabToken {
  id: string
  userName: string
  projectName: string
  expiresAt: string
}

export interface LabResponse {
  status: number
  headers?: Record<string, string>
  /** A string is sent as is (content-type from headers, default text/plain); anything else as JSON. */
  body?: unknown
}

export type LabService = (request: LabRequest) => Promise<LabResponse>
