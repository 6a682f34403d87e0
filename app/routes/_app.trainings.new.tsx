import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { FieldErrors, SubmitButton, TextField } from '~/components/forms';
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
  const { t, i18n } = useTranslation();
  const [form, fields] = useForm({
    id: 'training',
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: sessionSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    defaultValue: { date: today, deadline: today, startTime: '13:30', endTime: '16:30' },
  });
  return (
    <>
      <p>
        <Link to="/trainings">← {t('training.title')}</Link>
      </p>
      <h1>{t('training.newTitle')}</h1>
      <Form method="post" className="form-section" {...getFormProps(form)}>
        <TextField field={fields.title} label={t('training.sessionTitle')} required />
        <fieldset className="fieldset">
          <legend>{t('training.modules')}</legend>
          {modules.map((m) => (
            <label key={m.code} className="check">
              <input
                type="checkbox"
                name="modules"
                value={m.code}
                defaultChecked={(
                  (fields.modules.initialValue as string[] | undefined) ?? []
                ).includes(m.code)}
                aria-invalid={fields.modules.errors ? true : undefined}
                aria-describedby={fields.modules.errors ? fields.modules.errorId : undefined}
              />
              {i18n.language === 'en' ? m.name_en : m.name_ja}
              {m.required ? ` (${t('training.required')})` : ''}
            </label>
          ))}
          <FieldErrors id={fields.modules.errorId} errors={fields.modules.errors} />
        </fieldset>
        <div className="form-grid">
          <TextField field={fields.date} label={t('training.date')} type="date" required />
          <TextField
            field={fields.startTime}
            label={t('training.startTime')}
            type="time"
            required
          />
          <TextField field={fields.endTime} label={t('training.endTime')} type="time" required />
          <TextField field={fields.deadline} label={t('training.deadline')} type="date" required />
          <TextField
            field={fields.capacity}
            label={t('training.capacity')}
            type="number"
            required
          />
          <TextField field={fields.instructor} label={t('training.instructor')} />
        </div>
        <TextField field={fields.venue} label={t('training.venue')} />
        <TextField field={fields.onlineUrl} label={t('training.onlineUrl')} type="url" />
        <SubmitButton>{t('training.new')}</SubmitButton>
      </Form>
    </>
  );
}
