// Formatting the dashboard's and the board's figures. Money arrives as integer fen and is
// formatted with integer arithmetic: a yuan amount is never held as a float.

const pad2 = (n: number) => String(n).padStart(2, "0");

/** `¥1,234.50` (or `-¥20.00`) from integer fen. */
export function formatFen(fen: number): string {
  const whole = Math.trunc(fen);
  const abs = Math.abs(whole);
  const cents = abs % 100;
  const yuan = (abs - cents) / 100;
  const sign = whole < 0 ? "-" : "";
  return `${sign}¥${yuan.toLocaleString("en-US")}.${pad2(cents)}`;
}

/** A rate in thousandths as a percentage with one decimal: 995 → `99.5%`. */
export function formatPermille(permille: number): string {
  const p = Math.max(0, Math.trunc(permille));
  return `${(p - (p % 10)) / 10}.${p % 10}%`;
}

/** `HH:MM` of an instant at the store's offset (minutes east of UTC), whatever this PC's zone. */
export function storeClock(iso: string, offsetMinutes: number): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const shifted = new Date(ms + offsetMinutes * 60_000);
  return `${pad2(shifted.getUTCHours())}:${pad2(shifted.getUTCMinutes())}`;
}

/** The label of a whole hour of the day: 9 → `09:00`. */
export function hourLabel(hour: number): string {
  return `${pad2(hour)}:00`;
}
