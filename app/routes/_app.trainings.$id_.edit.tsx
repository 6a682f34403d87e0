import { parseWithZod } from '@conform-to/zod';
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { Notice } from '~/components/forms';
import { TrainingForm } from '~/components/training-form';
import { db } from '~/lib/db.server';
import { formatTime, tokyoDate } from '~/lib/format';
import { submitInTransaction } from '~/lib/submit.server';
import { requireRole } from '~/modules/auth/auth.server';
import { sessionSchema } from '~/modules/training/training-schema';
import { getSession, listModules, updateSession } from '~/modules/training/training.server';

export const meta: MetaFunction = () => [{ title: '研修の変更 / Change training session' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  const session = await getSession(db, params.id ?? '');
  if (!session) throw new Response('Not Found', { status: 404 });
  return { session, modules: await listModules(db) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const session = await getSession(db, params.id ?? '');
  if (!session) throw new Response('Not Found', { status: 404 });
  const submission = parseWithZod(await request.formData(), { schema: sessionSchema });
  if (submission.status !== 'success') return data({ result: submission.reply() }, 400);
  const saved = await submitInTransaction(submission, 'title', (tx) =>
    updateSession(tx, session.id, submission.value, { userId: me.id, ip: context.clientIp }),
  );
  if (!saved.ok) return saved.response;
  return redirect(`/trainings/${session.id}?updated=${saved.value.notified}`);
}

export default function EditTraining() {
  const { session: s, modules } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <>
      <p>
        <Link to={`/trainings/${s.id}`}>← {s.title}</Link>
      </p>
      <h1>{t('training.editTitle')}</h1>
      {s.status !== 'scheduled' ? (
        <Notice kind="error">{t('training.errors.closed')}</Notice>
      ) : (
        <>
          <p className="hint">{t('training.editHint')}</p>
          <TrainingForm
            modules={modules}
            lastResult={actionData?.result}
            defaultValue={{
              title: s.title,
              modules: s.modules,
              date: tokyoDate(new Date(s.starts_at)),
              startTime: formatTime(s.starts_at, 'en'),
              endTime: formatTime(s.ends_at, 'en'),
              deadline: tokyoDate(new Date(s.registration_deadline)),
              capacity: s.capacity,
              instructor: s.instructor,
              venue: s.venue,
              onlineUrl: s.online_url,
            }}
            submitLabel={t('training.saveChanges')}
          />
        </>
      )}
    </>
  );
}
