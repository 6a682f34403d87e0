import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** timestamptz: read as Date, written as Date or ISO string; defaults to now() where Generated. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** timestamptz with a database default (now()). */
export type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export type Role = 'secretariat' | 'counselor' | 'partner';
export type Locale = 'ja' | 'en';

export type PartnerKind =
  | 'municipality'
  | 'international_association'
  | 'public_agency'
  | 'npo'
  | 'lawyer'
  | 'administrative_scrivener'
  | 'labor_consultant'
  | 'individual'
  | 'other';
export type PartnerStatus = 'prospective' | 'active' | 'suspended' | 'retired';

export interface PartnerTable {
  id: Generated<string>;
  kind: PartnerKind;
  name: string;
  name_kana: Generated<string>;
  status: Generated<PartnerStatus>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface AppUserTable {
  id: Generated<string>;
  email: string;
  name: string;
  role: Role;
  partner_id: string | null;
  locale: Generated<Locale>;
  password_hash: string | null;
  status: Generated<'invited' | 'active' | 'disabled'>;
  password_changed_at: Timestamp | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface UserSessionTable {
  id: string;
  user_id: string;
  expires_at: Timestamp;
  created_at: GeneratedTimestamp;
}

export type TokenPurpose = 'invitation' | 'password_reset';

export interface UserTokenTable {
  id: Generated<string>;
  user_id: string;
  purpose: TokenPurpose;
  token_hash: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_by: string | null;
  created_at: GeneratedTimestamp;
}

export interface LoginAttemptTable {
  id: Generated<string>;
  email: string;
  ip: string;
  succeeded: boolean;
  attempted_at: GeneratedTimestamp;
}

export interface LoginLockoutTable {
  key: string;
  locked_at: Timestamp;
  locked_until: Timestamp;
}

export type MailStatus = 'queued' | 'sending' | 'sent' | 'failed';

export interface MailAttachment {
  filename: string;
  contentType: string;
  /** base64 */
  content: string;
}

export interface OutgoingMailTable {
  id: Generated<string>;
  template: string;
  to_address: string;
  locale: Locale;
  subject: string;
  text_body: string;
  html_body: string;
  attachments: ColumnType<MailAttachment[], string | undefined, string>;
  redact_after_send: Generated<boolean>;
  status: Generated<MailStatus>;
  attempts: Generated<number>;
  last_error: string | null;
  message_id: string | null;
  created_at: GeneratedTimestamp;
  sent_at: Timestamp | null;
  updated_at: GeneratedTimestamp;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: GeneratedTimestamp;
  actor_user_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string | null;
  detail: Json<Record<string, unknown>>;
  ip: string | null;
}

export interface Database {
  partner: PartnerTable;
  app_user: AppUserTable;
  user_session: UserSessionTable;
  user_token: UserTokenTable;
  login_attempt: LoginAttemptTable;
  login_lockout: LoginLockoutTable;
  outgoing_mail: OutgoingMailTable;
  audit_log: AuditLogTable;
}

export type Partner = Selectable<PartnerTable>;
export type NewPartner = Insertable<PartnerTable>;
export type PartnerUpdate = Updateable<PartnerTable>;
export type AppUser = Selectable<AppUserTable>;
export type OutgoingMail = Selectable<OutgoingMailTable>;
