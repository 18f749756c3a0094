import {catalogEndpoints} from '../http/catalog.js'
import type {LabMount, LabMountContext} from '../http/lab-mounts.js'
import {createSysinvService, SYSINV_MOUNT_PREFIX} from './sysinv-service.js'
import {systemControllerSysinv} from './sysinv-system-controller.js'

/**
 * sysinv in the lab: each subcloud's (host routes) and the System Controller's own (RegionOne), the `platform`
 * endpoints of the catalog, one region per subcloud named after its region-name.
 */
export function sysinvMount(context: LabMountContext): LabMount {
  const {store} = context
  return {
    prefix: SYSINV_MOUNT_PREFIX,
    service: createSysinvService(store, {
      mountPath: SYSINV_MOUNT_PREFIX,
      systemController: systemControllerSysinv(context.systemController),
      system: context.geo
        ? () => ({
            ...context.geo!.tables.system,
            softwareVersion: context.systemController.softwareVersion,
            createdAt: null,
          })
        : undefined,
    }),
    catalog: (baseUrl) => [
      {
        type: 'platform',
        name: 'sysinv',
        endpoints: [
          ...catalogEndpoints('RegionOne', `${baseUrl}${SYSINV_MOUNT_PREFIX}/RegionOne/v1`),
          ...store
            .listSubcloudRegions()
            .flatMap((subcloud) =>
              catalogEndpoints(subcloud.regionName, `${baseUrl}${SYSINV_MOUNT_PREFIX}/${subcloud.regionName}/v1`),
            ),
        ],
      },
    ],
  }
}
