// The only module (with types.ts) that touches the generated bindings. Every command is
// unwrapped from tauri-specta's Result: success returns the data, failure throws ApiError
// carrying the core's AppError. When bindings.ts is regenerated, fixes belong here.
import { commands, events } from "./bindings";

/** The shape tauri-specta's generated commands resolve to. */
type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };
import type {
  ApiToken,
  AppError,
  AppStatus,
  Conflict,
  ConflictChoice,
  ConflictQuery,
  ConnectionTestResult,
  CreatedToken,
  DispatchSummary,
  ExternalSystem,
  InboxEvent,
  IngestReply,
  ListenerSettings,
  ListenerStatus,
  LiveUpdate,
  NewSystem,
  NewToken,
  Operation,
  OutboxEntry,
  Page,
  QueueQuery,
  SyncLog,
  SyncLogQuery,
  SyncStream,
  SyncTaskQuery,
  SyncTaskRow,
  SystemFilter,
  SystemPatch,
  UserView,
} from "./types";

export class ApiError extends Error {
  readonly error: AppError;

  constructor(error: AppError) {
    super(describeForLog(error));
    this.name = "ApiError";
    this.error = error;
  }

  get kind(): AppError["kind"] {
    return this.error.kind;
  }
}

function describeForLog(error: AppError): string {
  return "message" in error ? `${error.kind}: ${error.message}` : error.kind;
}

/** Errors that are not a well-formed AppError (e.g. a plain string from Tauri) become `internal`. */
export function toAppError(raw: unknown): AppError {
  if (raw && typeof raw === "object" && typeof (raw as { kind?: unknown }).kind === "string") {
    return raw as AppError;
  }
  return { kind: "internal", message: typeof raw === "string" ? raw : JSON.stringify(raw) };
}

async function unwrap<T>(call: Promise<Result<T, AppError>>): Promise<T> {
  const result = await call;
  if (result.status === "ok") return result.data;
  throw new ApiError(toAppError(result.error));
}

export const api = {
  appStatus: (): Promise<AppStatus> => unwrap(commands.appStatus()),
  createFirstAdmin: (username: string, password: string): Promise<UserView> =>
    unwrap(commands.createFirstAdmin(username, password)),
  login: (username: string, password: string): Promise<UserView> =>
    unwrap(commands.login(username, password)),
  logout: (): Promise<null> => unwrap(commands.logout()),
  myPermissions: (): Promise<Operation[]> => unwrap(commands.myPermissions()),
  listSystems: (filter: SystemFilter): Promise<Page<ExternalSystem>> =>
    unwrap(commands.listSystems(filter)),
  getSystem: (id: string): Promise<ExternalSystem> => unwrap(commands.getSystem(id)),
  createSystem: (input: NewSystem): Promise<ExternalSystem> =>
    unwrap(commands.createSystem(input)),
  updateSystem: (id: string, patch: SystemPatch): Promise<ExternalSystem> =>
    unwrap(commands.updateSystem(id, patch)),
  deleteSystem: (id: string): Promise<null> => unwrap(commands.deleteSystem(id)),
  testSystem: (id: string): Promise<ConnectionTestResult> => unwrap(commands.testSystem(id)),
  listenerStatus: (): Promise<ListenerStatus> => unwrap(commands.listenerStatus()),
  saveListenerSettings: (settings: ListenerSettings): Promise<ListenerStatus> =>
    unwrap(commands.saveListenerSettings(settings)),
  listTokens: (): Promise<ApiToken[]> => unwrap(commands.listTokens()),
  createToken: (input: NewToken): Promise<CreatedToken> => unwrap(commands.createToken(input)),
  revokeToken: (id: string): Promise<ApiToken> => unwrap(commands.revokeToken(id)),
  listSyncTasks: (query: SyncTaskQuery): Promise<Page<SyncTaskRow>> =>
    unwrap(commands.listSyncTasks(query)),
  syncStreams: (systemId: string): Promise<SyncStream[]> =>
    unwrap(commands.syncStreams(systemId)),
  runSync: (systemId: string, stream: string, mode: string): Promise<SyncTaskRow> =>
    unwrap(commands.runSync(systemId, stream, mode)),
  cancelSync: (taskId: string): Promise<SyncTaskRow> => unwrap(commands.cancelSync(taskId)),
  listSyncLogs: (query: SyncLogQuery): Promise<Page<SyncLog>> =>
    unwrap(commands.listSyncLogs(query)),
  listConflicts: (query: ConflictQuery): Promise<Page<Conflict>> =>
    unwrap(commands.listConflicts(query)),
  resolveConflict: (id: string, choice: ConflictChoice): Promise<Conflict> =>
    unwrap(commands.resolveConflict(id, choice)),
  listOutbox: (query: QueueQuery): Promise<Page<OutboxEntry>> =>
    unwrap(commands.listOutbox(query)),
  retryOutbox: (id: string): Promise<OutboxEntry> => unwrap(commands.retryOutbox(id)),
  dispatchOutbox: (): Promise<DispatchSummary> => unwrap(commands.dispatchOutbox()),
  listInbox: (query: QueueQuery): Promise<Page<InboxEvent>> => unwrap(commands.listInbox(query)),
  replayInbox: (id: string): Promise<IngestReply> => unwrap(commands.replayInbox(id)),
};

/**
 * The core's live updates (typed Tauri event). Resolves to the function that stops
 * listening; rejects outside the desktop shell (a plain browser, unit tests).
 */
export const liveUpdates = {
  listen: async (handler: (update: LiveUpdate) => void): Promise<() => void> =>
    events.liveUpdate.listen((e) => handler(e.payload)),
};

export type Api = typeof api;

export function isApiError(e: unknown, kind?: AppError["kind"]): e is ApiError {
  return e instanceof ApiError && (kind === undefined || e.error.kind === kind);
}
