// Calendar days as 'YYYY-MM-DD' strings. Arithmetic runs on UTC midnights, which have no daylight
// saving, so a day is always a day; "today" is read in the family's IANA zone with Intl.
export type Day = string;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

export interface YearMonthDay {
  year: number;
  month: number;
  day: number;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isDay(value: string): boolean {
  const m = DAY.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return year >= 1900 && year <= 2999 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function toYmd(day: Day): YearMonthDay {
  const [year, month, d] = day.split('-').map(Number) as [number, number, number];
  return { year, month, day: d };
}

export function fromYmd({ year, month, day }: YearMonthDay): Day {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A valid calendar day from its parts, or undefined (month 2, day 30 is not a day). */
export function dayOf(year: number, month: number, day: number): Day | undefined {
  const d = fromYmd({ year, month, day });
  return isDay(d) ? d : undefined;
}

function epochDays(day: Day): number {
  const { year, month, day: d } = toYmd(day);
  return Date.UTC(year, month - 1, d) / MS_PER_DAY;
}

function fromEpochDays(n: number): Day {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(day: Day, n: number): Day {
  return fromEpochDays(epochDays(day) + n);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: Day, b: Day): number {
  return epochDays(b) - epochDays(a);
}

/** Adds months keeping the day of month where it exists, else the month's last day. */
export function addMonthsClamped(day: Day, months: number, dayOfMonth = toYmd(day).day): Day {
  const { year, month } = toYmd(day);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return fromYmd({ year: y, month: m, day: Math.min(dayOfMonth, daysInMonth(y, m)) });
}

/** ISO weekday: Monday 1 … Sunday 7. */
export function isoWeekday(day: Day): number {
  const dow = new Date(epochDays(day) * MS_PER_DAY).getUTCDay();
  return dow === 0 ? 7 : dow;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day it is at `now` in an IANA time zone. */
export function todayIn(timeZone: string, now: Date = new Date()): Day {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(now).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

export type PeriodKind = 'DAY' | 'WEEK' | 'MONTH' | 'YEAR';

export interface Period {
  start: Day;
  /** Inclusive. */
  end: Day;
}

/** The calendar period containing `day` (weeks start on Monday). */
export function periodContaining(kind: PeriodKind, day: Day): Period {
  const { year, month } = toYmd(day);
  switch (kind) {
    case 'DAY':
      return { start: day, end: day };
    case 'WEEK': {
      const start = addDays(day, 1 - isoWeekday(day));
      return { start, end: addDays(start, 6) };
    }
    case 'MONTH':
      return { start: fromYmd({ year, month, day: 1 }), end: fromYmd({ year, month, day: daysInMonth(year, month) }) };
    case 'YEAR':
      return { start: fromYmd({ year, month: 1, day: 1 }), end: fromYmd({ year, month: 12, day: 31 }) };
  }
}

/** The period just before the one containing `day`. */
export function previousPeriod(kind: PeriodKind, day: Day): Period {
  return periodContaining(kind, addDays(periodContaining(kind, day).start, -1));
}

export function minDay(a: Day, b: Day): Day {
  return a < b ? a : b;
}

export function maxDay(a: Day, b: Day): Day {
  return a > b ? a : b;
}
