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

export type AccountType = 'ordinary' | 'current' | 'savings';
/** numeric columns arrive from pg as strings */
type Numeric = ColumnType<string, number | string | undefined, number | string>;

export interface PartnerTable {
  id: Generated<string>;
  kind: PartnerKind;
  name: string;
  name_kana: Generated<string>;
  status: Generated<PartnerStatus>;
  network_member: Generated<boolean>;
  municipality_code: string | null;
  prefecture_code: number | null;
  postal_code: string | null;
  address: Generated<string>;
  lat: number | null;
  lng: number | null;
  service_radius_km: Numeric;
  languages: ColumnType<string[], string[] | undefined, string[]>;
  specialties: ColumnType<string[], string[] | undefined, string[]>;
  contact_name: Generated<string>;
  contact_email: Generated<string>;
  contact_phone: Generated<string>;
  availability: Generated<string>;
  public_listing: Generated<boolean>;
  /** Shown in the public directory (the contact_* fields never are). */
  public_phone: Generated<string>;
  website: Generated<string>;
  invoice_number: string | null;
  bank_code: string | null;
  branch_code: string | null;
  account_type: AccountType | null;
  account_number: string | null;
  account_holder_kana: string | null;
  withholding_tax: Generated<boolean>;
  /** 'YYYY-MM-DD': trained until then (every required module attended within the validity) */
  trained_until: string | null;
  match_key: string | null;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface PrefectureTable {
  code: number;
  name: string;
  name_en: string;
  lat: number;
  lng: number;
}

export interface MunicipalityTable {
  code: string;
  prefecture_code: number;
  name: string;
  name_kana: string;
  lat: number;
  lng: number;
}

export interface PartnerChangeTable {
  id: Generated<string>;
  partner_id: string;
  at: GeneratedTimestamp;
  actor_user_id: string | null;
  action: string;
  changes: ColumnType<Record<string, [unknown, unknown]>, string, string>;
}

export interface StoredFileTable {
  id: Generated<string>;
  purpose: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  content: Buffer;
  created_by: string | null;
  created_at: GeneratedTimestamp;
}

export type MouStatus = 'draft' | 'active' | 'expired' | 'terminated';
export type TravelMode = 'none' | 'per_km' | 'actual';

/** date columns are kept as 'YYYY-MM-DD' strings (see db/connection.ts) */
export interface MouTable {
  id: Generated<string>;
  partner_id: string;
  reference_no: string;
  status: Generated<MouStatus>;
  valid_from: string;
  valid_until: string | null;
  signed_on: string | null;
  signed_file_id: string | null;
  conditions: Generated<string>;
  visit_base_fee: Generated<number>;
  base_hours: Numeric;
  hourly_fee: Generated<number>;
  travel_mode: Generated<TravelMode>;
  travel_per_km: Generated<number>;
  travel_cap: number | null;
  interpreter_hourly: Generated<number>;
  shelter_per_night: Generated<number>;
  phone_support_fee: Generated<number>;
  consumption_tax: Generated<boolean>;
  max_concurrent_requests: Generated<number>;
  reminder_sent_at: Timestamp | null;
  created_by: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface ShelterTable {
  id: Generated<string>;
  partner_id: string;
  name: string;
  capacity: number;
  beds_occupied: Generated<number>;
  accepts: ColumnType<string[], string[] | undefined, string[]>;
  active: Generated<boolean>;
  municipality_code: string;
  address: Generated<string>;
  lat: number | null;
  lng: number | null;
  notes: Generated<string>;
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

export type RequestCategory =
  | 'hospital'
  | 'city_hall'
  | 'police'
  | 'school'
  | 'labor_office'
  | 'immigration'
  | 'home_visit'
  | 'other';
export type Urgency = 'normal' | 'urgent' | 'emergency';
export type RequestStatus =
  | 'draft'
  | 'offered'
  | 'needs_dispatch'
  | 'accepted'
  | 'in_progress'
  | 'completed'
  | 'closed'
  | 'cancelled';
export type ShelterGuest = 'women' | 'men' | 'families' | 'children';
export type OfferStatus = 'pending' | 'accepted' | 'declined' | 'expired' | 'withdrawn';

export interface RequestCounterTable {
  fiscal_year: number;
  last_seq: number;
}

export interface AccompanimentRequestTable {
  id: Generated<string>;
  reference: string;
  case_code: string;
  created_by: string;
  category: RequestCategory;
  worker_language: string;
  interpreter_needed: Generated<boolean>;
  shelter_beds: Generated<number>;
  shelter_guest: ShelterGuest | null;
  urgency: Generated<Urgency>;
  municipality_code: string;
  lat: number;
  lng: number;
  window_start: Timestamp;
  window_end: Timestamp;
  summary: string;
  details: Generated<string>;
  consent_at: Timestamp | null;
  consent_recorded_by: string | null;
  status: Generated<RequestStatus>;
  accepted_partner_id: string | null;
  accepted_at: Timestamp | null;
  cancel_reason: string | null;
  completed_at: Timestamp | null;
  completed_by: string | null;
  completion_report: Generated<string>;
  closed_at: Timestamp | null;
  closed_by: string | null;
  closing_note: Generated<string>;
  follow_up_needed: Generated<boolean>;
  cancelled_at: Timestamp | null;
  purged_at: Timestamp | null;
  health_details: Generated<string>;
  residence_details: Generated<string>;
  require_trained: Generated<boolean>;
  /** The board's order (0–14), kept by triggers from status, urgency and the cascade's state. */
  board_rank: Generated<number>;
  /** When its first offer was sent (kept by a trigger on offer): the report's dispatch times. */
  first_offer_at: Timestamp | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export type VisitStatus = 'submitted' | 'returned' | 'approved' | 'withdrawn';

export interface VisitTable {
  id: Generated<string>;
  request_id: string;
  partner_id: string;
  /** 'YYYY-MM-DD' */
  visit_date: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  place: string;
  activities: string;
  outcome: Generated<string>;
  follow_up_needed: Generated<boolean>;
  follow_up: Generated<string>;
  travel_km: ColumnType<string | null, number | string | null | undefined, number | string | null>;
  travel_cost: number | null;
  receipt_file_id: string | null;
  interpreter_minutes: Generated<number>;
  confidential_note: Generated<string>;
  status: Generated<VisitStatus>;
  submitted_by: string | null;
  submitted_at: GeneratedTimestamp;
  reviewed_by: string | null;
  reviewed_at: Timestamp | null;
  review_comment: Generated<string>;
  version: Generated<number>;
  purged_at: Timestamp | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  /** A live payment line pays for it (kept by a trigger on payment_line). */
  billed: Generated<boolean>;
}

export interface ShelterStayTable {
  id: Generated<string>;
  shelter_id: string;
  request_id: string;
  partner_id: string;
  beds: number;
  /** 'YYYY-MM-DD' */
  check_in: string;
  check_out: string | null;
  created_by: string | null;
  checked_out_by: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface OfferTable {
  id: Generated<string>;
  request_id: string;
  partner_id: string;
  distance_km: Numeric;
  estimated_fee: number | null;
  sent_by: string | null;
  sent_at: GeneratedTimestamp;
  respond_by: Timestamp;
  status: Generated<OfferStatus>;
  responded_at: Timestamp | null;
  responded_by: string | null;
  reason: string | null;
  superseded: Generated<boolean>;
  by_cascade: Generated<boolean>;
}

export type CascadeStatus =
  'running' | 'paused' | 'accepted' | 'exhausted' | 'deadline' | 'stopped';

export interface OfferCascadeTable {
  request_id: string;
  k: number;
  status: CascadeStatus;
  started_by: string | null;
  started_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  ended_at: Timestamp | null;
  alerted_at: Timestamp | null;
  escalated_at: Timestamp | null;
}

export interface RequestEventTable {
  id: Generated<string>;
  request_id: string;
  at: GeneratedTimestamp;
  actor_user_id: string | null;
  type: string;
  partner_id: string | null;
  detail: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface RequestAdversePartyTable {
  id: Generated<string>;
  request_id: string;
  kind: string;
  name: string;
  corporate_number: string | null;
  name_key: string;
  created_at: GeneratedTimestamp;
}

export interface PartnerTieTable {
  id: Generated<string>;
  partner_id: string;
  relation: string;
  name: string;
  corporate_number: string | null;
  name_key: string;
  valid_from: string | null;
  valid_until: string | null;
  note: Generated<string>;
  created_by: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface AccompanimentCheckinTable {
  request_id: string;
  partner_id: string | null;
  arrived_at: Timestamp | null;
  arrived_by: string | null;
  finished_at: Timestamp | null;
  finished_by: string | null;
  arrival_alerted_at: Timestamp | null;
  arrival_escalated_at: Timestamp | null;
  finish_alerted_at: Timestamp | null;
  finish_escalated_at: Timestamp | null;
}

export interface ConsentGrantTable {
  id: Generated<string>;
  request_id: string;
  category: string;
  recipient: string;
  method: string;
  language: string;
  recorded_by: string | null;
  recorded_at: GeneratedTimestamp;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
}

export interface CurriculumModuleTable {
  code: string;
  name_ja: string;
  name_en: string;
  required: Generated<boolean>;
  sort: Generated<number>;
}

export type TrainingStatus = 'scheduled' | 'cancelled' | 'held';

export interface TrainingSessionTable {
  id: Generated<string>;
  title: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  venue: Generated<string>;
  online_url: Generated<string>;
  capacity: number;
  instructor: Generated<string>;
  registration_deadline: Timestamp;
  status: Generated<TrainingStatus>;
  sequence: Generated<number>;
  invited_at: Timestamp | null;
  reminder_sent_at: Timestamp | null;
  created_by: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface TrainingSessionModuleTable {
  session_id: string;
  module_code: string;
}

export interface TrainingRegistrationTable {
  id: Generated<string>;
  session_id: string;
  user_id: string;
  partner_id: string;
  status: 'registered' | 'waitlisted' | 'cancelled';
  attendance: 'attended' | 'absent' | 'excused' | null;
  registered_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface AppSecretTable {
  name: string;
  value: string;
  created_at: GeneratedTimestamp;
}

export interface TrainingInvitationTable {
  session_id: string;
  user_id: string;
  invited_at: GeneratedTimestamp;
}

export interface TrainingMaterialTable {
  id: Generated<string>;
  session_id: string;
  file_id: string;
  created_by: string | null;
  created_at: GeneratedTimestamp;
}

export interface ExternalContactTable {
  id: Generated<string>;
  organisation: string;
  person_name: string;
  email: string;
  locale: Generated<Locale>;
  active: Generated<boolean>;
  created_by: string | null;
  created_at: GeneratedTimestamp;
}

export type MeetingStatus = 'scheduled' | 'cancelled' | 'held';
export type Rsvp = 'needs_action' | 'accepted' | 'declined' | 'tentative';
export type Attendance = 'attended' | 'absent' | 'excused';

export interface LiaisonMeetingTable {
  id: Generated<string>;
  fiscal_year: number;
  quarter: number;
  title: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  venue: Generated<string>;
  online_url: Generated<string>;
  agenda: Generated<string>;
  minutes: Generated<string>;
  minutes_file_id: string | null;
  status: Generated<MeetingStatus>;
  sequence: Generated<number>;
  invited_at: Timestamp | null;
  created_by: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface MeetingInviteeTable {
  id: Generated<string>;
  meeting_id: string;
  user_id: string | null;
  external_contact_id: string | null;
  rsvp: Generated<Rsvp>;
  rsvp_at: Timestamp | null;
  rsvp_nonce: string;
  rsvp_nonce_used_at: Timestamp | null;
  attendance: Attendance | null;
  invited_at: GeneratedTimestamp;
}

export interface CalendarFeedTable {
  user_id: string;
  token_hash: string;
  created_at: GeneratedTimestamp;
}

export type StatementStatus = 'draft' | 'approved' | 'paid' | 'void';
type Money = ColumnType<number, number | undefined, number>;

export interface PaymentBatchTable {
  id: Generated<string>;
  reference: string;
  transfer_date: string;
  status: Generated<'open' | 'paid'>;
  statement_count: number;
  /** bigint: read as a string */
  total_transfer: ColumnType<string, number | string, number | string>;
  created_by: string | null;
  created_at: GeneratedTimestamp;
  closed_at: Timestamp | null;
}

export interface PaymentStatementTable {
  id: Generated<string>;
  reference: string;
  partner_id: string;
  month: string;
  status: Generated<StatementStatus>;
  invoice_number: string | null;
  withholding_applies: boolean;
  subtotal: Money;
  taxable_base: Money;
  consumption_tax: Money;
  withholding_tax: Money;
  total: Money;
  transfer: Money;
  created_by: string | null;
  created_at: GeneratedTimestamp;
  approved_by: string | null;
  approved_at: Timestamp | null;
  second_approved_by: string | null;
  voided_by: string | null;
  voided_at: Timestamp | null;
  void_reason: string | null;
  batch_id: string | null;
  paid_on: string | null;
  payment_result: 'paid' | 'unpaid' | null;
  updated_at: GeneratedTimestamp;
}

export interface PaymentLineTable {
  id: Generated<string>;
  statement_id: string;
  kind:
    | 'visit_base'
    | 'visit_extra_hours'
    | 'travel_km'
    | 'travel_actual'
    | 'interpreter'
    | 'shelter_nights'
    | 'adjustment';
  source_key: string | null;
  visit_id: string | null;
  stay_id: string | null;
  work_date: string | null;
  mou_id: string | null;
  quantity: ColumnType<string, number | string, number | string>;
  unit: 'visit' | 'hour' | 'km' | 'yen' | 'minute' | 'bed_night';
  unit_price: number;
  amount: number;
  taxable: boolean;
  note: Generated<string>;
  reason: string | null;
  live: Generated<boolean>;
  created_by: string | null;
  created_at: GeneratedTimestamp;
}

export interface PaymentNightTable {
  line_id: string;
  stay_id: string;
  night: string;
  live: Generated<boolean>;
}

export interface ApiTokenTable {
  id: Generated<string>;
  name: string;
  token_hash: string;
  prefix: string;
  created_by: string | null;
  created_at: GeneratedTimestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
}

export interface Database {
  partner: PartnerTable;
  prefecture: PrefectureTable;
  municipality: MunicipalityTable;
  partner_change: PartnerChangeTable;
  stored_file: StoredFileTable;
  mou: MouTable;
  shelter: ShelterTable;
  request_counter: RequestCounterTable;
  accompaniment_request: AccompanimentRequestTable;
  offer: OfferTable;
  request_event: RequestEventTable;
  visit: VisitTable;
  shelter_stay: ShelterStayTable;
  request_adverse_party: RequestAdversePartyTable;
  partner_tie: PartnerTieTable;
  offer_cascade: OfferCascadeTable;
  accompaniment_checkin: AccompanimentCheckinTable;
  consent_grant: ConsentGrantTable;
  curriculum_module: CurriculumModuleTable;
  training_session: TrainingSessionTable;
  training_session_module: TrainingSessionModuleTable;
  training_registration: TrainingRegistrationTable;
  app_secret: AppSecretTable;
  training_invitation: TrainingInvitationTable;
  training_material: TrainingMaterialTable;
  external_contact: ExternalContactTable;
  liaison_meeting: LiaisonMeetingTable;
  meeting_invitee: MeetingInviteeTable;
  calendar_feed: CalendarFeedTable;
  payment_batch: PaymentBatchTable;
  payment_statement: PaymentStatementTable;
  payment_line: PaymentLineTable;
  payment_night: PaymentNightTable;
  api_token: ApiTokenTable;
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
