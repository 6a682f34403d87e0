import type { Locale } from '../db/schema';
import {
  cascadeEnded,
  consentRevoked,
  emergencyUnanswered,
  offerAccepted,
  offerReceived,
  offerUnanswered,
  offerWithdrawn,
  requestCancelled,
} from './dispatch';
import invitation from './invitation';
import { type EmailTemplate, renderEmail, type RenderedEmail } from './layout';
import mouExpiry from './mou-expiry';
import passwordChanged from './password-changed';
import passwordReset from './password-reset';
import {
  trainingCancelled,
  trainingInvitation,
  trainingPromoted,
  trainingReminder,
  trainingUpdated,
} from './training';
import { meetingCancelled, meetingInvitation, meetingUpdated } from './meetings';
import { statementApproved } from './payments';
import { checkinOverdue, requestCompleted, visitReturned } from './visits';

/** Every email the platform sends. Add a template here and its data type follows. */
export const templates = {
  invitation,
  password_reset: passwordReset,
  password_changed: passwordChanged,
  mou_expiry: mouExpiry,
  offer_received: offerReceived,
  offer_accepted: offerAccepted,
  offer_withdrawn: offerWithdrawn,
  offer_unanswered: offerUnanswered,
  request_cancelled: requestCancelled,
  emergency_unanswered: emergencyUnanswered,
  visit_returned: visitReturned,
  request_completed: requestCompleted,
  cascade_ended: cascadeEnded,
  checkin_overdue: checkinOverdue,
  consent_revoked: consentRevoked,
  training_promoted: trainingPromoted,
  training_cancelled: trainingCancelled,
  training_invitation: trainingInvitation,
  training_reminder: trainingReminder,
  training_updated: trainingUpdated,
  meeting_invitation: meetingInvitation,
  meeting_updated: meetingUpdated,
  meeting_cancelled: meetingCancelled,
  statement_approved: statementApproved,
};

export type TemplateName = keyof typeof templates;
export type TemplateData<N extends TemplateName> =
  (typeof templates)[N] extends EmailTemplate<infer D> ? D : never;

export function render<N extends TemplateName>(
  name: N,
  locale: Locale,
  data: TemplateData<N>,
): RenderedEmail & { redactAfterSend: boolean } {
  const t = templates[name] as EmailTemplate<TemplateData<N>>;
  return { ...renderEmail(locale, t.content[locale](data)), redactAfterSend: t.redactAfterSend };
}
