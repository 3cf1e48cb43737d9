// Pure edits of a system's `config` object, shared by the connector settings editors. The
// raw JSON textarea stays the single source of truth: editors parse it, change one key and
// write it back, so the two always show the same config.
import { configToText } from "../../lib/systemForm";
import type { JsonValue } from "../../types";

export type JsonObject = { [key: string]: JsonValue };
export type Overrides = Record<string, string>;

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v);
}

/** The textarea's text as an object: empty text is `{}`, anything but a JSON object `null`. */
export function parseConfigText(text: string | undefined): JsonObject | null {
  const trimmed = (text ?? "").trim();
  if (trimmed === "") return {};
  try {
    const value = JSON.parse(trimmed) as JsonValue;
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

export function configText(config: JsonObject): string {
  return configToText(config);
}

/** A copy with `key` set, or removed when the value is undefined, null or empty text. */
export function withKey(config: JsonObject, key: string, value: JsonValue | undefined): JsonObject {
  const next = { ...config };
  if (value === undefined || value === null || value === "") delete next[key];
  else next[key] = value;
  return next;
}

export function textKey(config: JsonObject | null, key: string): string {
  const v = config?.[key];
  return typeof v === "string" ? v : "";
}

export function numberKey(config: JsonObject | null, key: string): number | null {
  const v = config?.[key];
  return typeof v === "number" ? v : null;
}

/** `config.field_mapping.<stream>` as target → source (text entries only). */
export function streamOverrides(config: JsonObject | null, stream: string): Overrides {
  const all = config?.field_mapping;
  const mine = isObject(all) ? all[stream] : undefined;
  const out: Overrides = {};
  if (isObject(mine)) {
    for (const [target, source] of Object.entries(mine)) {
      if (typeof source === "string") out[target] = source;
    }
  }
  return out;
}

/**
 * Points `target` of `stream` at `source`. The shipped default is no override (so it is
 * removed); an empty source of a field without a default is no mapping at all. An empty
 * source of a field with a default stays, so the core can say it is not a path.
 */
export function withOverride(
  config: JsonObject,
  stream: string,
  target: string,
  source: string | null,
  defaultSource: string | undefined,
): JsonObject {
  const all: JsonObject = isObject(config.field_mapping) ? { ...config.field_mapping } : {};
  const mine: JsonObject = isObject(all[stream]) ? { ...(all[stream] as JsonObject) } : {};
  const drop = source === null || source === defaultSource || (source === "" && !defaultSource);
  if (drop) delete mine[target];
  else mine[target] = source;
  if (Object.keys(mine).length === 0) delete all[stream];
  else all[stream] = mine;
  return withKey(config, "field_mapping", Object.keys(all).length === 0 ? undefined : all);
}
