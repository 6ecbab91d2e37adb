// Calendar days as 'YYYY-MM-DD' strings, the one module every service reads days with. Arithmetic
// runs on UTC midnights, which have no daylight saving, so a day is always a day; "today" is read in
// the family's IANA zone with Intl. Years run from MIN_YEAR to MAX_YEAR everywhere.
export type Day = string;

export interface YearMonthDay {
  year: number;
  month: number;
  day: number;
}

export const MIN_YEAR = 1900;
export const MAX_YEAR = 9999;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True for a real calendar day inside the supported years (no 31 April, no 29 February 2026). */
export function isValidYmd(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

/** True for 'YYYY-MM-DD' text naming a real calendar day. */
export function isDay(value: string): boolean {
  const m = DAY_PATTERN.exec(value);
  return m !== null && isValidYmd(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** A valid calendar day from its parts, or undefined (month 2, day 30 is not a day). */
export function dayOf(year: number, month: number, day: number): Day | undefined {
  return isValidYmd(year, month, day) ? fromYmd({ year, month, day }) : undefined;
}

/** The parts of a day (the day must be valid: days reach code only through isDay/dayOf). */
export function toYmd(day: Day): YearMonthDay {
  const m = DAY_PATTERN.exec(day);
  if (!m) throw new Error(`not a calendar day: ${day}`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

/** Formats parts as a day without checking them (callers clamp or validate). */
export function fromYmd({ year, month, day }: YearMonthDay): Day {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
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

/** Whole days from `from` to `to`: positive when `to` is later. */
export function daysBetween(from: Day, to: Day): number {
  return epochDays(to) - epochDays(from);
}

/** (year, month) moved by n months. */
export function shiftMonth(year: number, month: number, n: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + n;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/** The day numbered `dayOfMonth` in (year, month), clamped to the month's last day (31 → 30 April). */
export function clampedDay(year: number, month: number, dayOfMonth: number): Day {
  return fromYmd({ year, month, day: Math.min(dayOfMonth, daysInMonth(year, month)) });
}

/** Adds months keeping the day of month where it exists, else the month's last day. */
export function addMonthsClamped(day: Day, months: number, dayOfMonth = toYmd(day).day): Day {
  const { year, month } = toYmd(day);
  const next = shiftMonth(year, month, months);
  return clampedDay(next.year, next.month, dayOfMonth);
}

/** ISO weekday: Monday 1 … Sunday 7. */
export function isoWeekday(day: Day): number {
  const dow = new Date(epochDays(day) * MS_PER_DAY).getUTCDay();
  return dow === 0 ? 7 : dow;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day it is at `instant` in the IANA time zone `timeZone`. */
export function dayIn(timeZone: string, instant: Date = new Date()): Day {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(instant).map((p) => [p.type, p.value]));
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

/** The first day of the month `n` months after `day`'s month (0: its own month). */
export function monthStart(day: Day, n = 0): Day {
  const { year, month } = toYmd(day);
  const shifted = shiftMonth(year, month, n);
  return fromYmd({ year: shifted.year, month: shifted.month, day: 1 });
}

export function minDay(first: Day, ...rest: Day[]): Day {
  return rest.reduce((a, b) => (b < a ? b : a), first);
}

export function maxDay(first: Day, ...rest: Day[]): Day {
  return rest.reduce((a, b) => (b > a ? b : a), first);
}
