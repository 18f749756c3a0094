import type {DcmanagerRequest} from './dcmanager-request.js'
import type {AlarmSummary} from './dcmanager-types.js'

/** `/v1.0/alarms` (dcmanager-api.md §2.6), like the upstream client's `alarm_manager.py`. */
export class AlarmManager {
  constructor(private readonly http: DcmanagerRequest) {}

  async summary(): Promise<AlarmSummary[]> {
    return this.http.list<AlarmSummary>('/alarms', 'alarm_summary', 'Unable to get the alarm summary')
  }
}
