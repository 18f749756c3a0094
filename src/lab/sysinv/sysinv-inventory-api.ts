import type {LabRequest} from '../http/http-types.js'
import type {InventoryInterface, SubcloudInventory} from './sysinv-inventory.js'
import {sameUuid, type RouteFault} from './sysinv-route-rules.js'
import {client, fault, hostUrl, json, pecanNotFound, type Site, type SysinvFamily} from './sysinv-http.js'
import {routeList} from './sysinv-routes-api.js'

/**
 * sysinv's inventory as the lab serves it: the version document, `ihosts` (the system's controller-0),
 * `iinterfaces` and their `addresses`, and the routes below a host or an interface (listed with the routes
 * resource's paging). Lists under an unknown (well-formed) parent are empty, not 404, as sysinv's collection
 * filters are; another sub-collection is 404 for GET and 405 for other methods, as upstream answers.
 */
export const inventoryRoutes: SysinvFamily = (context) => {
  const interfaceOf = (here: Site, ref: string) => here.inventory.interfaces.find((i) => sameUuid(i.uuid, ref))
  return [
    {
      method: 'GET',
      path: '/:region/v1',
      handler: (request, params) => json(200, versionDocument(request, context.site(params), context.mountPath)),
    },
    {
      method: 'GET',
      path: '/:region/v1/ihosts',
      handler: (request, params) => json(200, {ihosts: [hostJson(context.site(params))]}),
    },
    {
      method: 'GET',
      path: '/:region/v1/ihosts/:host',
      handler: (request, params) => {
        const here = context.site(params)
        return isHost(here.inventory, params.host) ? json(200, hostJson(here)) : fault(notFoundHost(params.host))
      },
    },
    // Lists under an unknown (well-formed) parent are empty, not 404, as sysinv's collection filters are.
    {
      method: 'GET',
      path: '/:region/v1/ihosts/:host/iinterfaces',
      handler: (request, params) => {
        const here = context.site(params)
        const interfaces = isHost(here.inventory, params.host) ? here.inventory.interfaces : []
        return json(200, {iinterfaces: interfaces.map((i) => interfaceJson(here, i))})
      },
    },
    {
      method: 'GET',
      path: '/:region/v1/ihosts/:host/addresses',
      handler: (request, params) => {
        const here = context.site(params)
        return json(200, {addresses: isHost(here.inventory, params.host) ? addressesJson(here) : []})
      },
    },
    {
      method: 'GET',
      path: '/:region/v1/ihosts/:host/routes',
      handler: (request, params) => {
        const here = context.site(params)
        const hostMatches = isHost(here.inventory, params.host)
        return routeList(
          context,
          here,
          request,
          (r) => hostMatches && r.forihostid === here.inventory.host.id,
          `ihosts/${params.host}/routes`,
        )
      },
    },
    // Another sub-collection of a host is unknown; other methods on it are 405, as on the host's own lists.
    {method: 'GET', path: '/:region/v1/ihosts/:host/:other', handler: () => pecanNotFound()},
    {
      method: 'GET',
      path: '/:region/v1/iinterfaces',
      handler: (request, params) => {
        const here = context.site(params)
        return json(200, {iinterfaces: here.inventory.interfaces.map((i) => interfaceJson(here, i))})
      },
    },
    {
      method: 'GET',
      path: '/:region/v1/iinterfaces/:interface',
      handler: (request, params) => {
        const here = context.site(params)
        const iface = interfaceOf(here, params.interface)
        return iface
          ? json(200, interfaceJson(here, iface))
          : fault(client(404, `Interface ${params.interface} could not be found.`))
      },
    },
    {
      method: 'GET',
      path: '/:region/v1/iinterfaces/:interface/addresses',
      handler: (request, params) => {
        const here = context.site(params)
        const iface = interfaceOf(here, params.interface)
        return json(200, {addresses: iface ? addressesJson(here, iface) : []})
      },
    },
    {
      method: 'GET',
      path: '/:region/v1/iinterfaces/:interface/routes',
      handler: (request, params) => {
        const here = context.site(params)
        const iface = interfaceOf(here, params.interface)
        return routeList(
          context,
          here,
          request,
          (r) => !!iface && r.interface_uuid === iface.uuid,
          `iinterfaces/${params.interface}/routes`,
        )
      },
    },
    {method: 'GET', path: '/:region/v1/iinterfaces/:interface/:other', handler: () => pecanNotFound()},
  ]
}

function isHost(inventory: SubcloudInventory, ref: string): boolean {
  const host = inventory.host
  return ref === String(host.id) || sameUuid(host.uuid, ref) || ref === host.hostname
}

function hostJson(site: Site): Record<string, unknown> {
  const {host} = site.inventory
  return {
    id: host.id,
    uuid: host.uuid,
    hostname: host.hostname,
    personality: 'controller',
    subfunctions: 'controller,worker',
    administrative: 'unlocked',
    operational: 'enabled',
    availability: 'available',
    invprovision: 'provisioned',
    mgmt_mac: host.mgmtMac,
    mgmt_ip: host.mgmtIp,
    capabilities: {is_max_cpu_configurable: 'configurable', Personality: 'Controller-Active'},
    location: {},
    install_state: null,
    install_state_info: null,
    created_at: null,
    updated_at: null,
  }
}

function interfaceJson(site: Site, iface: InventoryInterface): Record<string, unknown> {
  return {
    uuid: iface.uuid,
    ifname: iface.ifname,
    iftype: iface.iftype,
    ifclass: iface.ifclass,
    imtu: 1500,
    networktypelist: iface.networktypelist,
    forihostid: site.inventory.host.id,
    ihost_uuid: site.inventory.host.uuid,
    ipv4_mode: iface.networktypelist.length > 0 ? 'static' : null,
    ipv6_mode: null,
    uses: [],
    used_by: [],
    vlan_id: null,
    created_at: null,
    updated_at: null,
  }
}

function addressesJson(site: Site, only?: InventoryInterface): Record<string, unknown>[] {
  return site.inventory.addresses
    .filter((a) => a.interfaceUuid !== null && (!only || a.interfaceUuid === only.uuid))
    .map((a) => ({
      uuid: a.uuid,
      interface_uuid: a.interfaceUuid,
      ifname: a.ifname,
      address: a.address,
      prefix: a.prefix,
      family: a.family,
      enable_dad: false,
      forihostid: site.inventory.host.id,
      name: a.name,
    }))
}

function versionDocument(request: LabRequest, site: Site, mountPath: string): Record<string, unknown> {
  return {
    id: 'v1',
    links: [{href: `${hostUrl(request)}${mountPath}/${site.region}/v1/`, rel: 'self'}],
    media_types: [{base: 'application/json', type: 'application/vnd.openstack.sysinv.v1+json'}],
  }
}

function notFoundHost(id: string): RouteFault {
  return client(404, `Server ${id} could not be found.`)
}
