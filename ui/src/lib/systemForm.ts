// Pure conversions between the system form's values and the IPC payloads.
import type { ExternalSystem, JsonValue, NewSystem, SystemPatch } from "../types";
import { SYNC_INTERVAL_DEFAULT } from "../types";

export type SystemFormValues = {
  name: string;
  type: string;
  provider: string;
  version?: string;
  store_id?: string;
  api_endpoint?: string;
  webhook_url?: string;
  api_key?: string;
  sync_enabled: boolean;
  sync_interval: number | null;
  status?: string;
  config?: string;
};

export const API_KEY = "api_key";

export function emptyFormValues(): SystemFormValues {
  return {
    name: "",
    type: "",
    provider: "",
    version: "",
    store_id: "",
    api_endpoint: "",
    webhook_url: "",
    api_key: "",
    sync_enabled: true,
    sync_interval: SYNC_INTERVAL_DEFAULT,
    config: "",
  };
}

function isEmptyObject(v: JsonValue): boolean {
  return v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0;
}

export function configToText(config: JsonValue): string {
  if (config === null || isEmptyObject(config)) return "";
  return JSON.stringify(config, null, 2);
}

export function formValuesFromSystem(s: ExternalSystem): SystemFormValues {
  return {
    name: s.name,
    type: s.type,
    provider: s.provider,
    version: s.version ?? "",
    store_id: s.store_id ?? "",
    api_endpoint: s.api_endpoint ?? "",
    webhook_url: s.webhook_url ?? "",
    api_key: "",
    sync_enabled: s.sync_enabled,
    sync_interval: s.sync_interval,
    status: s.status,
    config: configToText(s.config),
  };
}

/** Parses the config textarea; empty text is `null`. Throws when it is not a JSON object. */
export function parseConfig(text: string | undefined): JsonValue | null {
  const trimmed = (text ?? "").trim();
  if (trimmed === "") return null;
  const value = JSON.parse(trimmed) as JsonValue;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error("not an object");
  }
  return value;
}

export function isJsonObjectText(text: string | undefined): boolean {
  try {
    parseConfig(text);
    return true;
  } catch {
    return false;
  }
}

const trimOrNull = (v: string | undefined): string | null => {
  const s = (v ?? "").trim();
  return s === "" ? null : s;
};

export function toNewSystem(v: SystemFormValues): NewSystem {
  const apiKey = v.api_key ?? "";
  return {
    name: v.name.trim(),
    type: v.type,
    provider: v.provider.trim(),
    version: trimOrNull(v.version),
    store_id: trimOrNull(v.store_id),
    api_endpoint: trimOrNull(v.api_endpoint),
    webhook_url: trimOrNull(v.webhook_url),
    config: parseConfig(v.config),
    sync_enabled: v.sync_enabled,
    sync_interval: v.sync_interval,
    secrets: apiKey !== "" ? { [API_KEY]: apiKey } : {},
  };
}

/**
 * Only what changed goes into the patch: `null` leaves a field as it is, `""` clears an
 * optional text field. An empty API key box keeps the saved key.
 */
export function toPatch(
  original: ExternalSystem,
  v: SystemFormValues,
  clearSecrets: string[],
): SystemPatch {
  const text = (next: string | undefined, prev: string | null): string | null => {
    const s = (next ?? "").trim();
    return s === (prev ?? "") ? null : s;
  };
  const required = (next: string, prev: string): string | null => {
    const s = next.trim();
    return s === prev ? null : s;
  };
  const parsed = parseConfig(v.config) ?? {};
  const prevConfig = original.config ?? {};
  const config = JSON.stringify(parsed) === JSON.stringify(prevConfig) ? null : parsed;
  const apiKey = v.api_key ?? "";
  return {
    name: required(v.name, original.name),
    provider: required(v.provider, original.provider),
    version: text(v.version, original.version),
    status: v.status && v.status !== original.status ? v.status : null,
    store_id: text(v.store_id, original.store_id),
    api_endpoint: text(v.api_endpoint, original.api_endpoint),
    webhook_url: text(v.webhook_url, original.webhook_url),
    config,
    sync_enabled: v.sync_enabled === original.sync_enabled ? null : v.sync_enabled,
    sync_interval: v.sync_interval === original.sync_interval ? null : v.sync_interval,
    secrets: apiKey !== "" ? { [API_KEY]: apiKey } : {},
    clear_secrets: apiKey !== "" ? clearSecrets.filter((n) => n !== API_KEY) : clearSecrets,
  };
}

export function isEmptyPatch(p: SystemPatch): boolean {
  return (
    Object.entries(p).every(([k, val]) =>
      k === "secrets" || k === "clear_secrets" ? true : val === null,
    ) &&
    Object.keys(p.secrets ?? {}).length === 0 &&
    (p.clear_secrets ?? []).length === 0
  );
}

export function isValidHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}
