import type { Migration } from 'kysely';
import * as m20261123T1000 from './2026-11-23T1000_foundation';
import * as m20261123T1100 from './2026-11-23T1100_partner_registry';
import * as m20261123T1200 from './2026-11-23T1200_dispatch';
import * as m20261123T1300 from './2026-11-23T1300_visits';
import * as m20261123T1400 from './2026-11-23T1400_conflict_firewall';
import * as m20261123T1500 from './2026-11-23T1500_offer_cascade';
import * as m20261123T1600 from './2026-11-23T1600_checkin';
import * as m20261123T1700 from './2026-11-23T1700_scoped_consent';
import * as m20261123T1800 from './2026-11-23T1800_training';
import * as m20261123T1900 from './2026-11-23T1900_training_invitations';
import * as m20261123T2000 from './2026-11-23T2000_training_reminders';
import * as m20261123T2100 from './2026-11-23T2100_meetings_calendar';
import * as m20261123T2200 from './2026-11-23T2200_payments';
import * as m20261123T2300 from './2026-11-23T2300_public_directory';
import * as m20261123T2400 from './2026-11-23T2400_audit_page';
import * as m20261123T2500 from './2026-11-23T2500_scale_indexes';
import * as m20261123T2600 from './2026-11-23T2600_national_scale';
import * as m20261123T2700 from './2026-11-23T2700_request_children_indexes';
import * as m20261123T2800 from './2026-11-23T2800_report_indexes';
import * as m20261123T2900 from './2026-11-23T2900_board_rank';
import * as m20261123T3000 from './2026-11-23T3000_report_period';
import * as m20261123T3100 from './2026-11-23T3100_visit_billed';

/**
 * Every migration, in order. Listed statically (not read from the folder at run time) so the
 * same code runs under tsx, Vitest and any bundler. tests/unit/migrations-listed.test.ts checks
 * that no file in this folder is missing here.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-23T1000_foundation': m20261123T1000,
  '2026-11-23T1100_partner_registry': m20261123T1100,
  '2026-11-23T1200_dispatch': m20261123T1200,
  '2026-11-23T1300_visits': m20261123T1300,
  '2026-11-23T1400_conflict_firewall': m20261123T1400,
  '2026-11-23T1500_offer_cascade': m20261123T1500,
  '2026-11-23T1600_checkin': m20261123T1600,
  '2026-11-23T1700_scoped_consent': m20261123T1700,
  '2026-11-23T1800_training': m20261123T1800,
  '2026-11-23T1900_training_invitations': m20261123T1900,
  '2026-11-23T2000_training_reminders': m20261123T2000,
  '2026-11-23T2100_meetings_calendar': m20261123T2100,
  '2026-11-23T2200_payments': m20261123T2200,
  '2026-11-23T2300_public_directory': m20261123T2300,
  '2026-11-23T2400_audit_page': m20261123T2400,
  '2026-11-23T2500_scale_indexes': m20261123T2500,
  '2026-11-23T2600_national_scale': m20261123T2600,
  '2026-11-23T2700_request_children_indexes': m20261123T2700,
  '2026-11-23T2800_report_indexes': m20261123T2800,
  '2026-11-23T2900_board_rank': m20261123T2900,
  '2026-11-23T3000_report_period': m20261123T3000,
  '2026-11-23T3100_visit_billed': m20261123T3100,
};
