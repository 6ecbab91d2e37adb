'use client';
// The signed-in user's settings: their name and phone number (texts go to it), a reminder to confirm
// the email (with a new link on request), their own notifications per kind and channel, quiet hours and digest; a parent also sets, per child, what
// they hear about the child and what the child is notified about.
import { useEffect, useState } from 'react';
import type { components } from '@family/sdk';
import { Shell } from '../../components/Shell';
import { ErrorMessage, Field, Loading, useAction, useLoad } from '../../components/ui';
import type { MessageKey } from '../../lib/i18n';
import { unwrap } from '../../lib/problem';
import { useSession, type Member } from '../../lib/session';

type Category = components['schemas']['NotificationCategory'];
type Channel = components['schemas']['NotificationChannel'];
type Setting = components['schemas']['CategoryChannelSetting'];
type Preferences = components['schemas']['NotificationPreferences'];

const CATEGORY_TEXT: Record<Category, MessageKey> = {
  BUDGET: 'settingsCatBudget',
  SPENDING_LIMIT: 'settingsCatSpendingLimit',
  CHORES: 'settingsCatChores',
  GOALS: 'settingsCatGoals',
  ALLOWANCE: 'settingsCatAllowance',
  ACHIEVEMENTS: 'settingsCatAchievements',
  BANK: 'settingsCatBank',
  FAMILY: 'settingsCatFamily',
  SECURITY: 'settingsCatSecurity',
};
const CHANNEL_TEXT: Record<Channel, MessageKey> = {
  IN_APP: 'settingsChanInApp',
  PUSH: 'settingsChanPush',
  EMAIL: 'settingsChanEmail',
  SMS: 'settingsChanSms',
};

interface PreferencesForm {
  settings: Setting[];
  quietOn: boolean;
  start: string;
  end: string;
  timezone: string;
  dailyDigest: boolean;
  urgentOverride: boolean;
}

function toForm(p: Preferences): PreferencesForm {
  const q = p.quietHours;
  return {
    settings: p.settings,
    quietOn: !!q?.enabled,
    start: q?.start || '22:00',
    end: q?.end || '07:00',
    timezone: q?.timezone ?? '',
    dailyDigest: p.dailyDigest,
    urgentOverride: p.urgentOverride,
  };
}

function toggled(settings: Setting[], category: Category, channel: Channel, enabled: boolean): Setting[] {
  return settings.map((s) => (s.category === category && s.channel === channel ? { ...s, enabled } : s));
}

const unique = <T,>(values: T[]) => [...new Set(values)];

/** One switch per kind of news (rows) and channel (columns), as the API lists them. */
function SettingsTable({
  settings,
  disabled,
  onChange,
}: {
  settings: Setting[];
  disabled: boolean;
  onChange(category: Category, channel: Channel, enabled: boolean): void;
}) {
  const { t } = useSession();
  const categories = unique(settings.map((s) => s.category));
  const channels = unique(settings.map((s) => s.channel));
  const enabled = new Map(settings.map((s) => [`${s.category}:${s.channel}`, s.enabled]));
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t('settingsNewsKind')}</th>
          {channels.map((ch) => (
            <th scope="col" key={ch}>
              {t(CHANNEL_TEXT[ch])}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {categories.map((cat) => (
          <tr key={cat}>
            <th scope="row">{t(CATEGORY_TEXT[cat])}</th>
            {channels.map((ch) => (
              <td key={ch}>
                <input
                  type="checkbox"
                  aria-label={t('settingsPair', { category: t(CATEGORY_TEXT[cat]), channel: t(CHANNEL_TEXT[ch]) })}
                  checked={enabled.get(`${cat}:${ch}`) ?? false}
                  disabled={disabled}
                  onChange={(e) => onChange(cat, ch, e.target.checked)}
                />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Saved({ shown }: { shown: boolean }) {
  const { t } = useSession();
  return (
    <p className="muted" role="status" aria-live="polite">
      {shown ? t('settingsSaved') : ''}
    </p>
  );
}

export default function SettingsPage() {
  const session = useSession();
  const { t, isParent } = session;
  return (
    <Shell title={t('settingsTitle')}>
      <EmailNotice />
      <Profile />
      <MyNotifications />
      {isParent && <Children />}
    </Shell>
  );
}

/** The name the family sees and the phone number texts go to (PATCH /v1/me). */
function Profile() {
  const session = useSession();
  const { t } = session;
  const me = useLoad(async () => unwrap(await session.client.rest.GET('/v1/me')).user, []);
  const [form, setForm] = useState<{ displayName: string; phone: string }>();
  const [saved, setSaved] = useState(false);
  const save = useAction();
  useEffect(() => {
    if (me.data) setForm({ displayName: me.data.displayName, phone: me.data.phone ?? '' });
  }, [me.data]);
  if (me.error) return <ErrorMessage error={me.error} />;
  return (
    <section className="card" aria-labelledby="profile-h">
      <h2 id="profile-h">{t('settingsProfileH')}</h2>
      {!form && <Loading />}
      {form && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void save.run(async () => {
              setSaved(false);
              const r = unwrap(
                await session.client.rest.PATCH('/v1/me', {
                  body: { displayName: form.displayName.trim(), phone: form.phone.trim() || null },
                }),
              );
              setForm({ displayName: r.displayName, phone: r.phone ?? '' });
              setSaved(true);
              await session.reload();
            });
          }}
        >
          <Field label={t('displayName')}>
            <input
              name="displayName"
              required
              value={form.displayName}
              onChange={(e) => setForm({ ...form, displayName: e.target.value })}
            />
          </Field>
          <Field label={t('settingsPhone')}>
            <input
              name="phone"
              type="tel"
              autoComplete="tel"
              placeholder="+4915123456789"
              value={form.phone}
              onChange={(e) => setForm({ ...form, phone: e.target.value })}
            />
          </Field>
          <ErrorMessage error={save.error} />
          <button type="submit" disabled={save.pending}>
            {save.pending ? t('loading') : t('save')}
          </button>
          <Saved shown={saved} />
        </form>
      )}
    </section>
  );
}

/** "Confirm your email", read fresh from GET /v1/me, with a button for a new link. */
function EmailNotice() {
  const session = useSession();
  const { t } = session;
  const me = useLoad(async () => unwrap(await session.client.rest.GET('/v1/me')).user, []);
  const resend = useAction();
  const [sent, setSent] = useState(false);
  const user = me.data;
  if (me.error) return <ErrorMessage error={me.error} />;
  if (!user?.email || user.emailVerified) return null;
  return (
    <section className="card" aria-labelledby="email-h">
      <h2 id="email-h">{t('settingsEmailH')}</h2>
      <p>{t('settingsEmailUnverified', { email: user.email })}</p>
      <button
        type="button"
        disabled={resend.pending}
        onClick={() =>
          void resend.run(async () => {
            setSent(false);
            unwrap(await session.client.rest.POST('/v1/me/email/verification'));
            setSent(true);
          })
        }
      >
        {resend.pending ? t('loading') : t('settingsResend')}
      </button>
      <ErrorMessage error={resend.error} />
      <p role="status" aria-live="polite">
        {sent ? t('settingsLinkSent', { email: user.email }) : ''}
      </p>
    </section>
  );
}

function MyNotifications() {
  const session = useSession();
  const { t, family, isParent } = session;
  const prefs = useLoad(async () => unwrap(await session.client.rest.GET('/v1/me/notification-preferences')), []);
  const [form, setForm] = useState<PreferencesForm>();
  const [saved, setSaved] = useState(false);
  const save = useAction();
  useEffect(() => {
    if (prefs.data) setForm(toForm(prefs.data));
  }, [prefs.data]);
  const change = (next: PreferencesForm) => {
    setForm(next);
    setSaved(false);
  };

  return (
    <section className="card" aria-labelledby="mine-h">
      <h2 id="mine-h">{t('settingsMineH')}</h2>
      <ErrorMessage error={prefs.error} />
      {prefs.loading && !form && <Loading />}
      {form && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void save.run(async () => {
              const r = unwrap(
                await session.client.rest.PUT('/v1/me/notification-preferences', {
                  body: {
                    settings: form.settings,
                    quietHours: form.quietOn
                      ? { enabled: true, start: form.start, end: form.end, timezone: form.timezone.trim() }
                      : null,
                    dailyDigest: form.dailyDigest,
                    urgentOverride: form.urgentOverride,
                  },
                }),
              );
              setForm(toForm(r));
              setSaved(true);
            });
          }}
        >
          <p className="muted">{t('settingsMineHint')}</p>
          <SettingsTable
            settings={form.settings}
            disabled={save.pending}
            onChange={(category, channel, enabled) =>
              change({ ...form, settings: toggled(form.settings, category, channel, enabled) })
            }
          />
          <fieldset style={{ display: 'grid', gap: '0.75rem' }}>
            <legend>{t('settingsQuietH')}</legend>
            <label>
              <input
                type="checkbox"
                name="quietOn"
                checked={form.quietOn}
                onChange={(e) => change({ ...form, quietOn: e.target.checked })}
              />{' '}
              {t('settingsQuietOn')}
            </label>
            <Field label={t('settingsQuietStart')}>
              <input
                type="time"
                name="quietStart"
                required={form.quietOn}
                disabled={!form.quietOn}
                value={form.start}
                onChange={(e) => change({ ...form, start: e.target.value })}
              />
            </Field>
            <Field label={t('settingsQuietEnd')}>
              <input
                type="time"
                name="quietEnd"
                required={form.quietOn}
                disabled={!form.quietOn}
                value={form.end}
                onChange={(e) => change({ ...form, end: e.target.value })}
              />
            </Field>
            <Field label={t('settingsQuietZone')}>
              <input
                name="quietTimezone"
                list="time-zones"
                autoComplete="off"
                disabled={!form.quietOn}
                aria-describedby="quiet-zone-hint"
                placeholder={family?.timezone ?? ''}
                value={form.timezone}
                onChange={(e) => change({ ...form, timezone: e.target.value })}
              />
            </Field>
            <p id="quiet-zone-hint" className="muted">
              {t('settingsQuietZoneHint', { zone: family?.timezone ?? 'UTC' })}
            </p>
            <TimeZones />
            <label>
              <input
                type="checkbox"
                name="urgentOverride"
                checked={form.urgentOverride}
                onChange={(e) => change({ ...form, urgentOverride: e.target.checked })}
              />{' '}
              {t('settingsUrgent')}
            </label>
          </fieldset>
          {isParent && (
            <label>
              <input
                type="checkbox"
                name="dailyDigest"
                checked={form.dailyDigest}
                onChange={(e) => change({ ...form, dailyDigest: e.target.checked })}
              />{' '}
              {t('settingsDigest')}
            </label>
          )}
          <ErrorMessage error={save.error} />
          <button type="submit" disabled={save.pending}>
            {save.pending ? t('loading') : t('settingsSavePrefs')}
          </button>
          <Saved shown={saved} />
        </form>
      )}
    </section>
  );
}

/** The IANA zones the browser knows, offered while typing one. */
function TimeZones() {
  const [zones, setZones] = useState<string[]>([]);
  useEffect(() => {
    setZones(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []);
  }, []);
  return (
    <datalist id="time-zones">
      {zones.map((z) => (
        <option key={z} value={z} />
      ))}
    </datalist>
  );
}

function Children() {
  const session = useSession();
  const { t, family } = session;
  const familyId = family?.id ?? '';
  const members = useLoad(async () => {
    if (!familyId) return [];
    const r = unwrap(
      await session.client.rest.GET('/v1/families/{familyId}/members', { params: { path: { familyId } } }),
    );
    return r.items.filter((m) => m.role === 'CHILD');
  }, [familyId]);

  if (members.error || (members.loading && !members.data))
    return (
      <section className="card">
        <ErrorMessage error={members.error} />
        {members.loading && <Loading />}
      </section>
    );
  if (members.data?.length === 0)
    return (
      <section className="card" aria-labelledby="children-h">
        <h2 id="children-h">{t('settingsChildrenH')}</h2>
        <p className="muted">{t('settingsNoChildren')}</p>
      </section>
    );
  return (
    <>
      {members.data?.map((child) => (
        <div key={child.id}>
          <ChildNews familyId={familyId} child={child} />
          <ChildGets familyId={familyId} child={child} />
        </div>
      ))}
    </>
  );
}

/** What the calling parent hears about one child, and the SMS escalation of its limit breaches. */
function ChildNews({ familyId, child }: { familyId: string; child: Member }) {
  const session = useSession();
  const { t } = session;
  const path = { familyId, memberId: child.id };
  const news = useLoad(
    async () =>
      unwrap(
        await session.client.rest.GET('/v1/families/{familyId}/members/{memberId}/news-settings', {
          params: { path },
        }),
      ),
    [familyId, child.id],
  );
  const [form, setForm] = useState<{ settings: Setting[]; sms: boolean }>();
  const [saved, setSaved] = useState(false);
  const save = useAction();
  useEffect(() => {
    if (news.data) setForm({ settings: news.data.settings, sms: news.data.spendingLimitSmsEscalation });
  }, [news.data]);
  const headingId = `news-h-${child.id}`;
  const name = child.displayName;

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('settingsChildNewsH', { name })}</h2>
      <ErrorMessage error={news.error} />
      {news.loading && !form && <Loading />}
      {form && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void save.run(async () => {
              const r = unwrap(
                await session.client.rest.PUT('/v1/families/{familyId}/members/{memberId}/news-settings', {
                  params: { path },
                  body: { settings: form.settings, spendingLimitSmsEscalation: form.sms },
                }),
              );
              setForm({ settings: r.settings, sms: r.spendingLimitSmsEscalation });
              setSaved(true);
            });
          }}
        >
          <p className="muted">{t('settingsChildNewsHint', { name })}</p>
          <SettingsTable
            settings={form.settings}
            disabled={save.pending}
            onChange={(category, channel, enabled) => {
              setForm({ ...form, settings: toggled(form.settings, category, channel, enabled) });
              setSaved(false);
            }}
          />
          <label>
            <input
              type="checkbox"
              name="smsEscalation"
              aria-describedby={`sms-hint-${child.id}`}
              checked={form.sms}
              onChange={(e) => {
                setForm({ ...form, sms: e.target.checked });
                setSaved(false);
              }}
            />{' '}
            {t('settingsSmsEscalation', { name })}
          </label>
          <p id={`sms-hint-${child.id}`} className="muted">
            {t('settingsSmsEscalationHint')}
          </p>
          <ErrorMessage error={save.error} />
          <button type="submit" disabled={save.pending}>
            {save.pending ? t('loading') : t('settingsSaveChildNews', { name })}
          </button>
          <Saved shown={saved} />
        </form>
      )}
    </section>
  );
}

/** What the child is notified about (shared by the family's parents). */
function ChildGets({ familyId, child }: { familyId: string; child: Member }) {
  const session = useSession();
  const { t } = session;
  const path = { familyId, memberId: child.id };
  const gets = useLoad(
    async () =>
      unwrap(
        await session.client.rest.GET('/v1/families/{familyId}/members/{memberId}/notification-settings', {
          params: { path },
        }),
      ),
    [familyId, child.id],
  );
  const [settings, setSettings] = useState<Setting[]>();
  const [saved, setSaved] = useState(false);
  const save = useAction();
  useEffect(() => {
    if (gets.data) setSettings(gets.data.settings);
  }, [gets.data]);
  const headingId = `gets-h-${child.id}`;
  const name = child.displayName;

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('settingsChildGetsH', { name })}</h2>
      <ErrorMessage error={gets.error} />
      {gets.loading && !settings && <Loading />}
      {settings && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void save.run(async () => {
              const r = unwrap(
                await session.client.rest.PUT('/v1/families/{familyId}/members/{memberId}/notification-settings', {
                  params: { path },
                  body: { settings },
                }),
              );
              setSettings(r.settings);
              setSaved(true);
            });
          }}
        >
          <p className="muted">{t('settingsChildGetsHint', { name })}</p>
          <SettingsTable
            settings={settings}
            disabled={save.pending}
            onChange={(category, channel, enabled) => {
              setSettings(toggled(settings, category, channel, enabled));
              setSaved(false);
            }}
          />
          <ErrorMessage error={save.error} />
          <button type="submit" disabled={save.pending}>
            {save.pending ? t('loading') : t('settingsSaveChildGets', { name })}
          </button>
          <Saved shown={saved} />
        </form>
      )}
    </section>
  );
}
