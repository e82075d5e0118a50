/** The list of background jobs every server instance runs. */
import type { Job } from './runner.js';
import { deadlineSweepJob } from './deadline-sweep.js';

/** Jobs are added here by the features that own them (deadline sweep, outbox delivery, reminders). */
export const JOBS: Job[] = [deadlineSweepJob];
