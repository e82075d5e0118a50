/** The list of background jobs every server instance runs. */
import type { Job } from './runner.js';
import { deadlineSweepJob } from './deadline-sweep.js';
import { outboxDeliveryJob } from '../notifications/outbox-worker.js';
import { measureReminderJob } from '../notifications/measure-reminders.js';
import { publicHousekeepingJob } from '../public/public-housekeeping.js';

/**
 * Jobs are added here by the features that own them (deadline sweep, outbox delivery, reminders).
 * Building the outbox job reads the SMS configuration (SMS_PROVIDER, …) and throws on a bad one,
 * so a misconfigured server stops at boot.
 */
export const JOBS: Job[] = [deadlineSweepJob, outboxDeliveryJob(), measureReminderJob, publicHousekeepingJob];
