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
import { TrainingForm } from '~/components/training-form';
import { db } from '~/lib/db.server';
import { submitInTransaction } from '~/lib/submit.server';
import { requireRole } from '~/modules/auth/auth.server';
import { tokyoToday } from '~/modules/partners/partners.server';
import { sessionSchema } from '~/modules/training/training-schema';
import { createSession, listModules } from '~/modules/training/training.server';

export const meta: MetaFunction = () => [{ title: '研修の登録 / New training session' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  return { modules: await listModules(db), today: tokyoToday() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const submission = parseWithZod(await request.formData(), { schema: sessionSchema });
  if (submission.status !== 'success') return data({ result: submission.reply() }, 400);
  const saved = await submitInTransaction(submission, 'title', (tx) =>
    createSession(tx, submission.value, { userId: me.id, ip: context.clientIp }),
  );
  if (!saved.ok) return saved.response;
  return redirect(`/trainings/${saved.value}?created=1`);
}

export default function NewTraining() {
  const { modules, today } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <>
      <p>
        <Link to="/trainings">← {t('training.title')}</Link>
      </p>
      <h1>{t('training.newTitle')}</h1>
      <TrainingForm
        modules={modules}
        lastResult={actionData?.result}
        defaultValue={{ date: today, deadline: today, startTime: '13:30', endTime: '16:30' }}
        submitLabel={t('training.new')}
      />
    </>
  );
}
