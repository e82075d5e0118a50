/** The list of background jobs every server instance runs. */
import type { Job } from './runner.js';
import type { Config } from '../config.js';
import { deadlineSweepJob } from './deadline-sweep.js';
import { outboxDeliveryJob } from '../notifications/outbox-worker.js';
import { smsProviderFrom } from '../notifications/sms.js';
import { measureReminderJob } from '../notifications/measure-reminders.js';
import { publicHousekeepingJob } from '../public/public-housekeeping.js';
import { webhookDeliveryJob } from '../integrations/webhooks.js';
import { knowledgeReviewJob } from '../knowledge/review-reminders.js';
import { triageTrainingJob } from '../triage/triage.job.js';
import { scheduledBackupJob } from '../backup/backup-job.js';
import { retentionJob } from '../security/retention.js';
import { rateLimitHousekeepingJob } from '../security/rate-limit-store.js';

/**
 * Jobs are added here by the features that own them (deadline sweep, outbox delivery, reminders).
 * The outbox job sends SMS with the provider `config.sms` names (validated by loadConfig at boot).
 */
export function serverJobs(config: Pick<Config, 'sms' | 'databaseUrl'>): Job[] {
  return [
    deadlineSweepJob,
    outboxDeliveryJob(smsProviderFrom(config.sms)),
    measureReminderJob,
    publicHousekeepingJob,
    webhookDeliveryJob,
    knowledgeReviewJob,
    triageTrainingJob,
    rateLimitHousekeepingJob,
    retentionJob,
    scheduledBackupJob(config.databaseUrl),
  ];
}
