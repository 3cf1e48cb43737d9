// Labels of the settings tabs: audit actions and outcomes, backup kinds, file sizes.
import { translateDynamic, type TFunc } from "../i18n";

/** An audit action (an operation name or `sign_in`) in words; unknown ones as they are. */
export const actionLabel = (t: TFunc, action: string): string =>
  translateDynamic(t, `op.${action}`, action);

export const outcomeLabel = (t: TFunc, outcome: string): string =>
  translateDynamic(t, `audit.outcome.${outcome}`, outcome);

export const OUTCOME_COLORS: Record<string, string> = {
  success: "green",
  forbidden: "orange",
  failed: "red",
};

export const backupKindLabel = (t: TFunc, kind: string): string =>
  translateDynamic(t, `backups.kind.${kind}`, kind);

export const BACKUP_KIND_COLORS: Record<string, string> = {
  manual: "blue",
  scheduled: "default",
  pre_restore: "gold",
  other: "default",
};

/** 1536 → "1.5 KB". Display only; sizes are counted in whole bytes everywhere else. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A local calendar day (`YYYY-MM-DD`) as the ISO time of its first moment here. */
export function startOfLocalDay(day: string): string {
  return new Date(`${day}T00:00:00`).toISOString();
}

/** The first moment of the local day after `day`: the end of a range that includes `day`. */
export function endOfLocalDay(day: string): string {
  const d = new Date(`${day}T00:00:00`);
  d.setDate(d.getDate() + 1);
  return d.toISOString();
}
