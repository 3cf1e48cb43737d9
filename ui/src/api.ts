// The only module (with types.ts) that touches the generated bindings. Every command is
// unwrapped from tauri-specta's Result: success returns the data, failure throws ApiError
// carrying the core's AppError. When bindings.ts is regenerated, fixes belong here.
import { Channel } from "@tauri-apps/api/core";
import { commands, events } from "./bindings";

/** The shape tauri-specta's generated commands resolve to. */
type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };
import type {
  ApiToken,
  AppError,
  AppStatus,
  Conflict,
  ConflictChoice,
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
import type {
  AuditEntry,
  AuditQuery,
  BackupInfo,
  BackupOverview,
  BackupSettings,
  DemoRemoval,
  DemoStatus,
  RestoreReport,
  UserAccount,
} from "./types";
import type {
  NotificationEvent,
  NotificationPrefs,
  NotificationRecord,
  OverallState,
  SyncAllStarted,
} from "./types";
import type {
  CustomerQuery,
  CustomerRecord,
  ErpOrderQuery,
  ErpOrderRecord,
  ExportDestination,
  ExportOptions,
  ExportOutcome,
  ExportProgress,
  JsonValue,
  MarketplaceOrderQuery,
  MarketplaceOrderRecord,
  MemberQuery,
  MemberSync,
  PosQuery,
  PosTransaction,
  ProductQuery,
  ProductRecord,
  RecordChoices,
  RecordFilter,
  SupplierOrder,
  SupplierOrderQuery,
} from "./types";
import type { BoardReservation, DashboardSummary, FrontDeskBoard, StatusChange } from "./types";
import type {
  ConnectorSettingsSpec,
  MappingPreview,
  PreviewRequest,
  RotatedWebhookSecret,
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
  listConflicts: (query: QueueQuery): Promise<Page<Conflict>> =>
    unwrap(commands.listConflicts(query)),
  resolveConflict: (id: string, choice: ConflictChoice): Promise<Conflict> =>
    unwrap(commands.resolveConflict(id, choice)),
  listOutbox: (query: QueueQuery): Promise<Page<OutboxEntry>> =>
    unwrap(commands.listOutbox(query)),
  retryOutbox: (id: string): Promise<OutboxEntry> => unwrap(commands.retryOutbox(id)),
  dispatchOutbox: (): Promise<DispatchSummary> => unwrap(commands.dispatchOutbox()),
  listInbox: (query: QueueQuery): Promise<Page<InboxEvent>> => unwrap(commands.listInbox(query)),
  replayInbox: (id: string): Promise<IngestReply> => unwrap(commands.replayInbox(id)),
  // The records pages.
  listPosTransactions: (query: PosQuery): Promise<Page<PosTransaction>> =>
    unwrap(commands.listPosTransactions(query)),
  listSupplierOrders: (query: SupplierOrderQuery): Promise<Page<SupplierOrder>> =>
    unwrap(commands.listSupplierOrders(query)),
  listMembers: (query: MemberQuery): Promise<Page<MemberSync>> => unwrap(commands.listMembers(query)),
  listCustomers: (query: CustomerQuery): Promise<Page<CustomerRecord>> =>
    unwrap(commands.listCustomers(query)),
  listProducts: (query: ProductQuery): Promise<Page<ProductRecord>> =>
    unwrap(commands.listProducts(query)),
  listErpOrders: (query: ErpOrderQuery): Promise<Page<ErpOrderRecord>> =>
    unwrap(commands.listErpOrders(query)),
  listMarketplaceOrders: (query: MarketplaceOrderQuery): Promise<Page<MarketplaceOrderRecord>> =>
    unwrap(commands.listMarketplaceOrders(query)),
  getErpRecord: (systemId: string, stream: string, externalId: string): Promise<JsonValue> =>
    unwrap(commands.getErpRecord(systemId, stream, externalId)),
  recordChoices: (): Promise<RecordChoices> => unwrap(commands.recordChoices()),
  exportFolder: (): Promise<string> => unwrap(commands.exportFolder()),
  /** Runs an export; `onProgress` hears every page written until it answers. */
  exportRecords: (
    exportId: string,
    filter: RecordFilter,
    options: ExportOptions,
    destination: ExportDestination,
    onProgress: (progress: ExportProgress) => void,
  ): Promise<ExportOutcome> => {
    const channel = new Channel<ExportProgress>();
    channel.onmessage = onProgress;
    return unwrap(commands.exportRecords(exportId, filter, options, destination, channel));
  },
  cancelExport: (exportId: string): Promise<boolean> => unwrap(commands.cancelExport(exportId)),
  // The dashboard and the front-desk board.
  dashboard: (): Promise<DashboardSummary> => unwrap(commands.dashboard()),
  frontDeskBoard: (date: string | null): Promise<FrontDeskBoard> =>
    unwrap(commands.frontDeskBoard(date)),
  moveReservation: (id: string, change: StatusChange): Promise<BoardReservation> =>
    unwrap(commands.moveReservation(id, change)),
};

/**
 * The core's live updates (typed Tauri event). Resolves to the function that stops
 * listening; rejects outside the desktop shell (a plain browser, unit tests).
 */
export const liveUpdates = {
  listen: async (handler: (update: LiveUpdate) => void): Promise<() => void> =>
    events.liveUpdate.listen((e) => handler(e.payload)),
};

/** Desktop behaviour: the notifications shown, their preferences, the tray's state. */
export const desktopApi = {
  listNotifications: (): Promise<NotificationRecord[]> => unwrap(commands.listNotifications()),
  notificationPrefs: (): Promise<NotificationPrefs> => unwrap(commands.notificationPrefs()),
  saveNotificationPrefs: (prefs: NotificationPrefs): Promise<NotificationPrefs> =>
    unwrap(commands.saveNotificationPrefs(prefs)),
  setNotificationLanguage: (lang: "zh" | "en"): Promise<null> =>
    unwrap(commands.setNotificationLanguage(lang)),
  overallState: (): Promise<OverallState> => unwrap(commands.overallState()),
  syncAllNow: (): Promise<SyncAllStarted> => unwrap(commands.syncAllNow()),
};

/** Notifications shown and clicked (typed Tauri event); rejects outside the desktop shell. */
export const notificationEvents = {
  listen: async (handler: (event: NotificationEvent) => void): Promise<() => void> =>
    events.notificationEvent.listen((e) => handler(e.payload)),
};

/** Settings: staff accounts, backups and restore, the audit log (see SettingsPage). */
export const settingsApi = {
  listUserAccounts: (): Promise<UserAccount[]> => unwrap(commands.listUserAccounts()),
  addUserAccount: (username: string, password: string, role: string): Promise<UserAccount> =>
    unwrap(commands.addUserAccount(username, password, role)),
  changeUserRole: (id: string, role: string): Promise<UserAccount> =>
    unwrap(commands.changeUserRole(id, role)),
  setUserDisabled: (id: string, disabled: boolean): Promise<UserAccount> =>
    unwrap(commands.setUserDisabled(id, disabled)),
  resetUserPassword: (id: string, password: string): Promise<UserAccount> =>
    unwrap(commands.resetUserPassword(id, password)),
  backupsOverview: (): Promise<BackupOverview> => unwrap(commands.backupsOverview()),
  saveBackupSettings: (settings: BackupSettings): Promise<BackupSettings> =>
    unwrap(commands.saveBackupSettings(settings)),
  runBackup: (): Promise<BackupInfo> => unwrap(commands.runBackup()),
  restoreBackup: (name: string): Promise<RestoreReport> => unwrap(commands.restoreBackup(name)),
  searchAuditLog: (query: AuditQuery): Promise<Page<AuditEntry>> =>
    unwrap(commands.searchAuditLog(query)),
};

/** Demo mode: the built-in simulators and a simulated POS terminal. */
export const demoApi = {
  demoStatus: (): Promise<DemoStatus> => unwrap(commands.demoStatus()),
  startDemo: (): Promise<DemoStatus> => unwrap(commands.startDemo()),
  removeDemo: (): Promise<DemoRemoval> => unwrap(commands.removeDemo()),
};

/** The Systems page's connector settings: mapping editor, preview, webhook secret rotation. */
export const connectorSettingsApi = {
  connectorSettings: (id: string): Promise<ConnectorSettingsSpec> =>
    unwrap(commands.connectorSettings(id)),
  previewFieldMapping: (id: string, request: PreviewRequest): Promise<MappingPreview> =>
    unwrap(commands.previewFieldMapping(id, request)),
  rotateWebhookSecret: (id: string): Promise<RotatedWebhookSecret> =>
    unwrap(commands.rotateWebhookSecret(id)),
  endWebhookSecretGrace: (id: string): Promise<ExternalSystem> =>
    unwrap(commands.endWebhookSecretGrace(id)),
};

export type Api = typeof api;

export function isApiError(e: unknown, kind?: AppError["kind"]): e is ApiError {
  return e instanceof ApiError && (kind === undefined || e.error.kind === kind);
}
