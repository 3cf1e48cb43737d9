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

// Pick lists and limits are generated from the core's own constants.
export {
  EDITABLE_STATUSES,
  PASSWORD_MIN,
  SYNC_INTERVAL_DEFAULT,
  SYNC_INTERVAL_MAX,
  SYNC_INTERVAL_MIN,
  SYSTEM_STATUSES,
  SYSTEM_TYPES,
} from "./bindings";
