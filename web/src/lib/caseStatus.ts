/** Status lists the web app filters by, written once from core's definitions. */
import { CASE_STATUSES } from '../../../core/domain';
import { isTerminalStatus } from '../../../core/clocks';

/** Every state in which something can still happen to a case (not 不予受理, 已归档, 已并件). */
export const OPEN_STATUSES = CASE_STATUSES.filter((s) => !isTerminalStatus(s));

/** `status=` of GET /cases for the open cases. */
export const OPEN_STATUSES_PARAM = OPEN_STATUSES.join(',');
