import {sameUuid} from '../geo/geo-tables.js'
import type {LabRoute} from '../http/route-table.js'
import {hostUrl, json, pecanNotFound, type SysinvContext} from './sysinv-http.js'
import {SYSTEM_CONTROLLER_ROUTES_KEY} from './sysinv-system-controller.js'

/**
 * sysinv's `isystems` of the System Controller (RegionOne): the site's own identity, which a peer site reads to
 * check a system peer's uuid (subcloud-lifecycle.md §6.4.2 step 1) and an operator copies into
 * `system-peer add --peer-uuid`. Each lab site has its own, kept in its state (src/lab/geo/geo-tables.ts).
 * A subcloud's sysinv has no `isystems` here (404): nothing the lab serves reads it.
 */
export interface SysinvSystem {
  uuid: string
  name: string
  mode: string
  softwareVersion: string
  createdAt: string | null
}

export function systemRoutes(context: SysinvContext, system: (() => SysinvSystem) | undefined): LabRoute[] {
  const forRegionOne = (params: Record<string, string>) =>
    system && context.site(params).storeKey === SYSTEM_CONTROLLER_ROUTES_KEY ? system() : undefined
  const render = (request: Parameters<LabRoute['handler']>[0], region: string, value: SysinvSystem) => ({
    uuid: value.uuid,
    name: value.name,
    system_type: 'Standard',
    system_mode: value.mode,
    description: null,
    software_version: value.softwareVersion,
    region_name: region,
    distributed_cloud_role: 'systemcontroller',
    service_project_name: 'services',
    links: [
      {href: `${hostUrl(request)}${context.mountPath}/${region}/v1/isystems/${value.uuid}`, rel: 'self'},
      {href: `${hostUrl(request)}${context.mountPath}/${region}/isystems/${value.uuid}`, rel: 'bookmark'},
    ],
    created_at: value.createdAt,
    updated_at: null,
  })
  return [
    {
      method: 'GET',
      path: '/:region/v1/isystems',
      handler: (request, params) => {
        const value = forRegionOne(params)
        return value ? json(200, {isystems: [render(request, params.region, value)]}) : pecanNotFound()
      },
    },
    {
      method: 'GET',
      path: '/:region/v1/isystems/:system',
      handler: (request, params) => {
        const value = forRegionOne(params)
        return value && sameUuid(value.uuid, params.system)
          ? json(200, render(request, params.region, value))
          : pecanNotFound()
      },
    },
  ]
}
