import { translateDynamic, type TFunc } from "../i18n";

export const typeLabel = (t: TFunc, type: string): string =>
  translateDynamic(t, `type.${type}`, type);

export const statusLabel = (t: TFunc, status: string): string =>
  translateDynamic(t, `status.${status}`, status);

export const roleLabel = (t: TFunc, role: string): string =>
  translateDynamic(t, `role.${role}`, role);

/** antd Tag colors for a system status. */
export const STATUS_COLORS: Record<string, string> = {
  active: "green",
  inactive: "default",
  error: "red",
  testing: "blue",
};

export function formatTime(iso: string | null, lang: string): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang === "zh" ? "zh-CN" : "en-US", { hour12: false });
}
