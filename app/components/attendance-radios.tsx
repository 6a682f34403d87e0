import { useTranslation } from 'react-i18next';
import { tKey } from '~/i18n/i18n';
import { ATTENDANCE } from '~/modules/training/training-schema';

/** One person's attended / absent / excused, named for screen readers (rosters on a tablet). */
export function AttendanceRadios({
  id,
  person,
  value,
}: {
  id: string;
  person: string;
  value: string | null;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="attendance">
      <legend className="visually-hidden">
        {t('training.attendance')}: {person}
      </legend>
      {ATTENDANCE.map((a) => (
        <label key={a} className="check">
          <input type="radio" name={`attendance-${id}`} value={a} defaultChecked={value === a} />
          {tKey(t, `training.attendanceValues.${a}`)}
        </label>
      ))}
    </fieldset>
  );
}
