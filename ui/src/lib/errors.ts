// Turning the core's AppError into text: per-field messages for forms and one-line
// descriptions for notifications.
import type { FormInstance } from "antd";
import { ApiError, toAppError } from "../api";
import { translateDynamic, type TFunc } from "../i18n";
import type { AppError, ErrorClass, FieldError, Rule } from "../types";

export function ruleMessage(rule: Rule, t: TFunc): string {
  switch (rule.code) {
    case "required":
      return t("rule.required");
    case "too_long":
      return t("rule.too_long", { max: rule.max });
    case "out_of_range":
      return t("rule.out_of_range", { min: rule.min, max: rule.max });
    case "one_of":
      return t("rule.one_of", { allowed: rule.allowed.join(", ") });
    case "url":
      return t("rule.url");
    case "phone_cn":
      return t("rule.phone_cn");
    case "email":
      return t("rule.email");
    case "json":
      return t("rule.json");
    case "money_format":
      return t("rule.money_format");
    case "sum_mismatch":
      return t("rule.sum_mismatch", { expected: rule.expected, actual: rule.actual });
    case "transition":
      // No allowed next state: the record is in a final state.
      return rule.allowed.length === 0
        ? t("rule.transition_final", { from: rule.from, to: rule.to })
        : t("rule.transition", {
            from: rule.from,
            to: rule.to,
            allowed: rule.allowed.join(t("list.sep")),
          });
    case "unique":
      return t("rule.unique");
    case "format":
      return t("rule.format", { expected: rule.expected });
  }
}

/** A core field path → the form field name, or null when the form has no such field. */
export type FieldMapper = (field: string) => string | null;

/** A mapper for a form whose field names are the core's own (`port`, `name`, ...). */
export function knownFieldMapper(names: readonly string[]): FieldMapper {
  return (field) => (names.includes(field) ? field : null);
}

/** The listener settings form: `enabled`, `lan`, `port`, `tls`. */
export const listenerFieldMapper: FieldMapper = knownFieldMapper(["enabled", "lan", "port", "tls"]);

/** The new API token form. */
export const tokenFieldMapper: FieldMapper = knownFieldMapper([
  "name",
  "role",
  "system_id",
  "rate_limit",
]);

/** Mapping used by the system form: `secrets.api_key` → api_key, `config.*` → config. */
export const systemFieldMapper: FieldMapper = (field) => {
  if (field === "secrets.api_key" || field === "api_key") return "api_key";
  if (field === "config" || field.startsWith("config.") || field.startsWith("config[")) {
    return "config";
  }
  const known = [
    "name",
    "type",
    "provider",
    "version",
    "status",
    "store_id",
    "api_endpoint",
    "webhook_url",
    "sync_enabled",
    "sync_interval",
  ];
  return known.includes(field) ? field : null;
};

export type MappedFieldErrors = {
  /** Form field name → translated messages, in the order the core sent them. */
  fields: Record<string, string[]>;
  /** Messages for fields the form does not show (to be shown in a notification). */
  unmatched: string[];
};

export function mapFieldErrors(
  errors: FieldError[],
  mapField: FieldMapper,
  t: TFunc,
): MappedFieldErrors {
  const fields: Record<string, string[]> = {};
  const unmatched: string[] = [];
  for (const error of errors) {
    const target = mapField(error.field);
    let text = ruleMessage(error.rule, t);
    // For a nested config key, say which key is wrong.
    if (target === "config" && error.field !== "config") {
      text = `${error.field.slice("config".length).replace(/^\./, "")}: ${text}`;
    }
    if (target === null) {
      unmatched.push(`${error.field}: ${text}`);
      continue;
    }
    const list = (fields[target] ??= []);
    if (!list.includes(text)) list.push(text);
  }
  return { fields, unmatched };
}

/** antd `form.setFields` input for a mapped result. */
export function toAntdFields<V = unknown>(mapped: MappedFieldErrors): AntdFieldData<V>[] {
  return Object.entries(mapped.fields).map(
    ([name, errors]) => ({ name, errors }) as unknown as AntdFieldData<V>,
  );
}

export type AntdFieldData<V> = Parameters<FormInstance<V>["setFields"]>[0][number];

export function errorClassLabel(cls: ErrorClass | string, t: TFunc): string {
  return translateDynamic(t, `error_class.${cls}`, cls);
}

export function appErrorOf(e: unknown): AppError | null {
  if (e instanceof ApiError) return e.error;
  return null;
}

/** Main text and optional detail line for an error of any kind. */
export function describeError(e: unknown, t: TFunc): { text: string; detail?: string } {
  const err: AppError | null =
    e instanceof ApiError ? e.error : e instanceof Error ? null : toAppError(e);
  if (!err) {
    const message = e instanceof Error ? e.message : String(e);
    return { text: t("error.unknown", { message }) };
  }
  switch (err.kind) {
    case "validation": {
      const detail = err.errors.map((f) => `${f.field}: ${ruleMessage(f.rule, t)}`).join("；");
      return { text: t("error.validation"), detail: detail || undefined };
    }
    case "not_found":
      return { text: t("error.not_found", { entity: err.entity, id: err.id }) };
    case "conflict":
      return {
        text:
          err.field === "name" ? t("error.conflict_name") : t("error.conflict", { message: err.message }),
      };
    case "forbidden":
      return {
        text: t("error.forbidden", {
          role: translateDynamic(t, `role.${err.role}`, err.role),
          operation: err.operation,
        }),
      };
    case "unauthenticated":
      return { text: t("error.unauthenticated") };
    case "bad_credentials":
      return { text: t("error.bad_credentials") };
    case "bad_signature":
      return { text: t("error.bad_signature", { message: err.message }) };
    case "rate_limited":
      return { text: t("error.rate_limited", { seconds: err.retry_after_secs }) };
    case "keychain":
      return {
        text: t("error.keychain", { message: err.message }),
        detail: t("error.remedy", { remedy: err.remedy }),
      };
    case "database_refused":
      return {
        text: t("error.database_refused", { message: err.message }),
        detail: t("error.remedy", { remedy: err.remedy }),
      };
    case "database":
      return { text: t("error.database", { message: err.message }) };
    case "external":
      return {
        text: t("error.external", { cls: errorClassLabel(err.class, t), message: err.message }),
        detail: err.retryable ? t("error.external_retry") : undefined,
      };
    case "internal":
      return { text: t("error.internal", { message: err.message }) };
  }
}
