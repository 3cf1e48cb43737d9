// Re-exports of the generated IPC types, so that UI modules never import bindings.ts directly.
export type {
  AppError,
  AppStatus,
  ConnectionTestResult,
  ErrorClass,
  ExternalSystem,
  FieldError,
  Value as JsonValue,
  LastSyncStatus,
  NewSystem,
  Operation,
  Page,
  Role,
  Rule,
  SystemFilter,
  SystemPatch,
  SystemStatus,
  SystemType,
  UserView,
} from "./bindings";

export const SYSTEM_TYPES = [
  "pos",
  "supplier",
  "member",
  "payment",
  "delivery",
  "erp",
  "reservation",
  "ecommerce",
] as const;

export const SYSTEM_STATUSES = ["active", "inactive", "error", "testing"] as const;

/** Statuses an operator may set by hand (error/testing are set by the core). */
export const EDITABLE_STATUSES = ["active", "inactive"] as const;

export const SYNC_INTERVAL_MIN = 30;
export const SYNC_INTERVAL_MAX = 86400;
export const SYNC_INTERVAL_DEFAULT = 300;
