// Calendar days as 'YYYY-MM-DD' text, and "today" in a family's IANA time zone. Arithmetic runs on
// UTC midnights, so no server time zone or daylight-saving change can shift a day.

export type Day = string;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

function parts(day: Day): [number, number, number] {
  const m = DAY_PATTERN.exec(day);
  if (!m) throw new Error(`not a calendar day: ${day}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function toUtc(day: Day): number {
  const [y, m, d] = parts(day);
  return Date.UTC(y, m - 1, d);
}

function fromUtc(ms: number): Day {
  return new Date(ms).toISOString().slice(0, 10);
}

export function makeDay(year: number, month: number, day: number): Day {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** True for a real calendar day (no 31 April, no 29 February outside leap years). */
export function isValidDay(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (year < 1900 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

export function dayParts(day: Day): { year: number; month: number; day: number } {
  const [y, m, d] = parts(day);
  return { year: y, month: m, day: d };
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function addDays(day: Day, n: number): Day {
  return fromUtc(toUtc(day) + n * MS_PER_DAY);
}

/** a − b in days. */
export function daysBetween(a: Day, b: Day): number {
  return Math.round((toUtc(a) - toUtc(b)) / MS_PER_DAY);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function weekday(day: Day): number {
  const d = new Date(toUtc(day)).getUTCDay();
  return d === 0 ? 7 : d;
}

/** The day in month (year, month) numbered `dayOfMonth`, clamped to the month's last day (31 → 30 April). */
export function clampedDay(year: number, month: number, dayOfMonth: number): Day {
  return makeDay(year, month, Math.min(dayOfMonth, daysInMonth(year, month)));
}

/** (year, month) moved by n months. */
export function shiftMonth(year: number, month: number, n: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + n;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

export function monthStart(day: Day): Day {
  const { year, month } = dayParts(day);
  return makeDay(year, month, 1);
}

/** The first day of the month after `day`'s month. */
export function nextMonthStart(day: Day): Day {
  const { year, month } = dayParts(day);
  const next = shiftMonth(year, month, 1);
  return makeDay(next.year, next.month, 1);
}

export function previousMonthStart(day: Day): Day {
  const { year, month } = dayParts(day);
  const prev = shiftMonth(year, month, -1);
  return makeDay(prev.year, prev.month, 1);
}

export function maxDay(...days: Day[]): Day {
  return days.reduce((a, b) => (a > b ? a : b));
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day it is at `instant` in the IANA time zone `timeZone`. */
export function dayIn(timeZone: string, instant: Date): Day {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(instant).map((x) => [x.type, x.value]));
  return makeDay(Number(p.year), Number(p.month), Number(p.day));
}
