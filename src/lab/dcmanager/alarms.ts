import {type DcmanagerFamily, revisionCache} from './dcmanager-http.js'

/**
 * `GET /v1.0/alarms`: the alarm summary of every subcloud (dcmanager-api.md §2.6), one row per subcloud and made
 * from the stored records alone: serialised once per state revision.
 */
export const alarmRoutes: DcmanagerFamily = ({store}) => {
  const cached = revisionCache(store)
  return [
    {
      method: 'GET',
      path: '/v1.0/alarms',
      handler: () =>
        cached('summary', () => {
          const alarm_summary = store.subclouds.map((record) => {
            // The lab raises no alarms: a managed, online subcloud reports zero of each; others are not audited.
            const audited = record.managementState === 'managed' && record.availabilityStatus === 'online'
            const count = audited ? 0 : -1
            return {
              region_name: record.name,
              uuid: uuidOf(record.regionName),
              critical_alarms: count,
              major_alarms: count,
              minor_alarms: count,
              warnings: count,
              cloud_status: audited ? 'OK' : 'disabled',
            }
          })
          return {alarm_summary}
        }),
    },
  ]
}

function uuidOf(hex32: string): string {
  return `${hex32.slice(0, 8)}-${hex32.slice(8, 12)}-${hex32.slice(12, 16)}-${hex32.slice(16, 20)}-${hex32.slice(20, 32)}`
}
