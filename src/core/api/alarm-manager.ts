import type {DcmanagerRequest} from './dcmanager-request.js'
import type {AlarmSummary} from './dcmanager-types.js'

/** `/v1.0/alarms` (dcmanager-api.md §2.6), like the upstream client's `alarm_manager.py`. */
export class AlarmManager {
  constructor(private readonly http: DcmanagerRequest) {}

  async summary(): Promise<AlarmSummary[]> {
    const body = await this.http.get<{alarm_summary?: AlarmSummary[]}>('/alarms', 'Unable to get the alarm summary')
    return body.alarm_summary ?? []
  }
}
