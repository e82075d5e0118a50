/**
 * Compile-time guard: the web app's view of the API's answers (./types.ts) stays assignable from
 * the documented response schemas (core/api/responses.ts), which the server's tests check against
 * real answers. A field renamed or retyped on the server fails `tsc -p web` here. Types only: no
 * code of this file reaches the bundle.
 */
import type { z } from 'zod';
import type * as R from '../../../core/api/responses';
import type * as T from './types';

/** Compiles only when every value of A is a valid B. */
type Accepts<B, A extends B> = A;

export type Checks = [
  Accepts<T.CaseSummary, z.infer<typeof R.ZCaseSummary>>,
  Accepts<T.CasePage, z.infer<typeof R.ZCasePage>>,
  Accepts<T.CaseDetail, z.infer<typeof R.ZCase>>,
  Accepts<T.TimelineEntry, z.infer<typeof R.ZTimelineEvent>>,
  Accepts<T.Measure, z.infer<typeof R.ZMeasure>>,
  Accepts<T.Department, z.infer<typeof R.ZDepartment>>,
  Accepts<T.UserRow, z.infer<typeof R.ZUser>>,
  Accepts<T.Settings, z.infer<typeof R.ZSettingsResponse>>,
  Accepts<T.AssessmentAnswer, z.infer<typeof R.ZAssessment>>,
  Accepts<T.RecurringAnswer, z.infer<typeof R.ZRecurring>>,
  Accepts<T.ServicePackage, z.infer<typeof R.ZServicePackage>>,
  Accepts<T.TypicalCase, z.infer<typeof R.ZTypicalCase>>,
  Accepts<T.AppNotification, z.infer<typeof R.ZNotification>>,
  Accepts<T.NotificationPage, z.infer<typeof R.ZNotificationPage>>,
  Accepts<T.ImportResult, z.infer<typeof R.ZLedgerImportResult>>,
  Accepts<T.TodoAnswer, z.infer<typeof R.ZTodo>>,
  Accepts<T.NotificationTemplate, z.infer<typeof R.ZNotificationTemplate>>,
  Accepts<T.NotificationTemplatesAnswer, z.infer<typeof R.ZNotificationTemplateList>>,
  Accepts<T.OutboxStatus, z.infer<typeof R.ZOutboxState>>,
  Accepts<T.AuditRecord, z.infer<typeof R.ZAuditRecord>>,
];
