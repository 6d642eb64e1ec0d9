import type { PlannedChange } from './result.js'

/**
 * Receives every change of an execution as a PlannedChange (not only the first `planLimit` the result lists), with
 * the id of the object it is about, as the change log records it. A dry run spools them to keep its complete plan;
 * an apply computes their digests to verify that it does exactly what its plan said (services/plan-*.ts). It is
 * called inside the execution's transaction and must keep nothing there: what it keeps survives a rollback.
 */
export interface PlanSink {
  add(objectTypeId: number, objectId: number, change: PlannedChange): void | Promise<void>
}
