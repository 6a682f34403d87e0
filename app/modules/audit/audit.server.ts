import type { Queryable } from '~/lib/db.server';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId?: string | null;
  detail?: Record<string, unknown>;
  ip?: string | null;
}

/** Appends to the audit log (the table refuses updates and deletes). Call inside the action's transaction. */
export async function audit(q: Queryable, e: AuditEntry): Promise<void> {
  await q
    .insertInto('audit_log')
    .values({
      actor_user_id: e.actorId,
      action: e.action,
      subject_type: e.subjectType,
      subject_id: e.subjectId ?? null,
      detail: JSON.stringify(e.detail ?? {}),
      ip: e.ip ?? null,
    })
    .execute();
}
