// All UI strings, Simplified Chinese (default) and English. `en` is typed against `zh`,
// so a key missing on either side is a compile error (and a unit test checks it too).
import { createContext, useCallback, useContext } from "react";

export type Lang = "zh" | "en";
export const LANGS: readonly Lang[] = ["zh", "en"];
export const LANG_STORAGE_KEY = "storelink.lang";

export const zh = {
  "app.name": "智链 Store Link",
  "app.short": "智链",
  "app.footer": "版本 {version} · 数据目录 {dataDir}",
  "app.loading": "正在加载…",
  "app.core_unreachable": "无法连接到应用核心",
  "app.retry": "重试",
  "lang.switch": "English",
  "lang.current": "中文",

  "menu.systems": "系统管理",
  "header.logout": "退出登录",

  "role.admin": "管理员",
  "role.store_manager": "店长",
  "role.floor_manager": "楼面经理",
  "role.warehouse_manager": "仓库经理",
  "role.customer_manager": "客户经理",
  "role.staff": "员工",

  "auth.username": "用户名",
  "auth.password": "密码",
  "auth.password_confirm": "确认密码",
  "auth.username_required": "请输入用户名",
  "auth.password_required": "请输入密码",
  "auth.password_min": "密码至少 {min} 个字符",
  "auth.password_mismatch": "两次输入的密码不一致",
  "auth.login_title": "登录",
  "auth.login_subtitle": "门店后台系统集成管理",
  "auth.login_submit": "登录",
  "auth.first_run_title": "创建管理员账户",
  "auth.first_run_subtitle": "首次使用，请先创建一个管理员账户。",
  "auth.first_run_submit": "创建并登录",
  "auth.welcome": "欢迎，{name}",

  "systems.title": "系统管理",
  "systems.subtitle": "管理门店对接的外部系统：POS、供应商、会员、支付、配送等。",
  "systems.add": "添加系统",
  "systems.edit": "编辑",
  "systems.test": "测试连接",
  "systems.delete": "删除",
  "systems.delete_title": "确认删除该系统？",
  "systems.delete_desc": "删除后将停止同步，历史记录保留",
  "systems.delete_ok": "删除",
  "systems.cancel": "取消",
  "systems.deleted": "已删除 {name}",
  "systems.test_ok": "{name} 连接成功，延迟 {ms} ms",
  "systems.test_failed": "{name} 连接失败：{cls}（{message}）",
  "systems.load_more": "加载更多",
  "systems.empty": "暂无系统",
  "systems.no_view": "您的角色无权查看系统列表",
  "systems.filter_type": "系统类型",
  "systems.filter_status": "状态",
  "systems.filter_store": "门店 ID",
  "systems.filter_reset": "重置",
  "systems.col_name": "名称",
  "systems.col_type": "类型",
  "systems.col_provider": "服务商",
  "systems.col_store": "门店 ID",
  "systems.col_status": "状态",
  "systems.col_sync": "同步",
  "systems.col_interval": "同步间隔",
  "systems.col_last_test": "最近测试",
  "systems.col_actions": "操作",
  "systems.sync_on": "已启用",
  "systems.sync_off": "已停用",
  "systems.seconds": "{n} 秒",
  "systems.latency": "{ms} ms",
  "systems.never_tested": "未测试",
  "systems.tested_at": "测试于 {at}",

  "type.pos": "POS系统",
  "type.supplier": "供应商系统",
  "type.member": "会员系统",
  "type.payment": "支付系统",
  "type.delivery": "配送系统",
  "type.erp": "ERP系统",
  "type.reservation": "预订系统",
  "type.ecommerce": "电商平台",

  "status.active": "正常",
  "status.inactive": "未启用",
  "status.error": "异常",
  "status.testing": "测试中",

  "form.add_title": "添加系统",
  "form.edit_title": "编辑系统：{name}",
  "form.name": "名称",
  "form.type": "类型",
  "form.provider": "服务商",
  "form.version": "版本",
  "form.store_id": "门店 ID",
  "form.api_endpoint": "API 地址",
  "form.webhook_url": "Webhook 地址",
  "form.api_key": "API 密钥",
  "form.api_key_placeholder": "输入密钥（只写，保存后不再显示）",
  "form.api_key_keep": "留空则保留已保存的密钥",
  "form.secret_saved": "已保存",
  "form.secret_clear": "清除",
  "form.secret_will_clear": "保存后将清除",
  "form.secret_undo": "撤销",
  "form.saved_secrets": "已保存的密钥",
  "form.sync_enabled": "启用同步",
  "form.sync_interval": "同步间隔（秒）",
  "form.status": "状态",
  "form.config": "配置（JSON）",
  "form.config_placeholder": "{\"timeout_ms\": 5000}",
  "form.config_not_object": "须为 JSON 对象",
  "form.url_invalid": "须为 http(s) 开头的有效 URL",
  "form.select_placeholder": "请选择",
  "form.submit": "保存",
  "form.cancel": "取消",
  "form.created": "已添加 {name}",
  "form.updated": "已保存 {name}",
  "form.nothing_changed": "没有修改",

  "rule.required": "必填",
  "rule.too_long": "长度不能超过 {max} 个字符",
  "rule.out_of_range": "须在 {min} 到 {max} 之间",
  "rule.one_of": "须为以下之一：{allowed}",
  "rule.url": "须为有效的 URL",
  "rule.phone_cn": "须为有效的中国大陆手机号",
  "rule.email": "须为有效的邮箱地址",
  "rule.json": "须为有效的 JSON",
  "rule.money_format": "金额格式不正确",
  "rule.sum_mismatch": "合计不符：应为 {expected}，实际为 {actual}",
  "rule.transition": "不允许从「{from}」变更为「{to}」",
  "rule.unique": "该值已存在",
  "rule.format": "格式不正确，应为 {expected}",

  "error.title": "操作失败",
  "error.validation": "输入有误，请检查表单",
  "error.not_found": "未找到{entity}（{id}）",
  "error.conflict": "数据冲突：{message}",
  "error.conflict_name": "同一门店下已存在同名系统",
  "error.forbidden": "当前角色（{role}）无权执行该操作：{operation}",
  "error.unauthenticated": "登录已失效，请重新登录",
  "error.bad_credentials": "用户名或密码错误",
  "error.keychain": "系统密钥链不可用：{message}",
  "error.database_refused": "数据库无法打开：{message}",
  "error.remedy": "解决办法：{remedy}",
  "error.database": "数据库错误：{message}",
  "error.external": "外部系统错误（{cls}）：{message}",
  "error.external_retry": "可稍后重试",
  "error.internal": "内部错误：{message}",
  "error.unknown": "未知错误：{message}",

  "error_class.authentication_error": "认证失败",
  "error_class.authorization_error": "无访问权限",
  "error_class.network_error": "网络错误",
  "error_class.timeout_error": "连接超时",
  "error_class.validation_error": "数据校验错误",
  "error_class.business_logic_error": "业务逻辑错误",
  "error_class.rate_limit_error": "请求过于频繁",
  "error_class.unknown_error": "未知错误",
};

export type TKey = keyof typeof zh;
export type Dict = Record<TKey, string>;

export const en: Dict = {
  "app.name": "Storelink",
  "app.short": "Storelink",
  "app.footer": "Version {version} · Data directory {dataDir}",
  "app.loading": "Loading…",
  "app.core_unreachable": "Cannot reach the application core",
  "app.retry": "Retry",
  "lang.switch": "中文",
  "lang.current": "English",

  "menu.systems": "Systems",
  "header.logout": "Log out",

  "role.admin": "Administrator",
  "role.store_manager": "Store manager",
  "role.floor_manager": "Floor manager",
  "role.warehouse_manager": "Warehouse manager",
  "role.customer_manager": "Customer manager",
  "role.staff": "Staff",

  "auth.username": "Username",
  "auth.password": "Password",
  "auth.password_confirm": "Confirm password",
  "auth.username_required": "Enter a username",
  "auth.password_required": "Enter a password",
  "auth.password_min": "The password needs at least {min} characters",
  "auth.password_mismatch": "The passwords do not match",
  "auth.login_title": "Sign in",
  "auth.login_subtitle": "Store back-office integrations",
  "auth.login_submit": "Sign in",
  "auth.first_run_title": "Create the administrator account",
  "auth.first_run_subtitle": "First start: create an administrator account.",
  "auth.first_run_submit": "Create and sign in",
  "auth.welcome": "Welcome, {name}",

  "systems.title": "Systems",
  "systems.subtitle": "External systems connected to the stores: POS, suppliers, members, payment, delivery…",
  "systems.add": "Add system",
  "systems.edit": "Edit",
  "systems.test": "Test connection",
  "systems.delete": "Delete",
  "systems.delete_title": "Delete this system?",
  "systems.delete_desc": "Syncing stops after deletion; history is kept",
  "systems.delete_ok": "Delete",
  "systems.cancel": "Cancel",
  "systems.deleted": "Deleted {name}",
  "systems.test_ok": "{name} connected, latency {ms} ms",
  "systems.test_failed": "{name} connection failed: {cls} ({message})",
  "systems.load_more": "Load more",
  "systems.empty": "No systems yet",
  "systems.no_view": "Your role may not view the systems list",
  "systems.filter_type": "Type",
  "systems.filter_status": "Status",
  "systems.filter_store": "Store ID",
  "systems.filter_reset": "Reset",
  "systems.col_name": "Name",
  "systems.col_type": "Type",
  "systems.col_provider": "Provider",
  "systems.col_store": "Store ID",
  "systems.col_status": "Status",
  "systems.col_sync": "Sync",
  "systems.col_interval": "Sync interval",
  "systems.col_last_test": "Last test",
  "systems.col_actions": "Actions",
  "systems.sync_on": "On",
  "systems.sync_off": "Off",
  "systems.seconds": "{n} s",
  "systems.latency": "{ms} ms",
  "systems.never_tested": "Not tested",
  "systems.tested_at": "Tested at {at}",

  "type.pos": "POS",
  "type.supplier": "Supplier",
  "type.member": "Membership",
  "type.payment": "Payment",
  "type.delivery": "Delivery",
  "type.erp": "ERP",
  "type.reservation": "Reservation",
  "type.ecommerce": "E-commerce",

  "status.active": "Active",
  "status.inactive": "Inactive",
  "status.error": "Error",
  "status.testing": "Testing",

  "form.add_title": "Add system",
  "form.edit_title": "Edit system: {name}",
  "form.name": "Name",
  "form.type": "Type",
  "form.provider": "Provider",
  "form.version": "Version",
  "form.store_id": "Store ID",
  "form.api_endpoint": "API endpoint",
  "form.webhook_url": "Webhook URL",
  "form.api_key": "API key",
  "form.api_key_placeholder": "Enter the key (write-only, never shown again)",
  "form.api_key_keep": "Leave empty to keep the saved key",
  "form.secret_saved": "Saved",
  "form.secret_clear": "Clear",
  "form.secret_will_clear": "Cleared on save",
  "form.secret_undo": "Undo",
  "form.saved_secrets": "Saved secrets",
  "form.sync_enabled": "Sync enabled",
  "form.sync_interval": "Sync interval (seconds)",
  "form.status": "Status",
  "form.config": "Configuration (JSON)",
  "form.config_placeholder": "{\"timeout_ms\": 5000}",
  "form.config_not_object": "Must be a JSON object",
  "form.url_invalid": "Must be a valid http(s) URL",
  "form.select_placeholder": "Select",
  "form.submit": "Save",
  "form.cancel": "Cancel",
  "form.created": "Added {name}",
  "form.updated": "Saved {name}",
  "form.nothing_changed": "Nothing changed",

  "rule.required": "Required",
  "rule.too_long": "At most {max} characters",
  "rule.out_of_range": "Must be between {min} and {max}",
  "rule.one_of": "Must be one of: {allowed}",
  "rule.url": "Must be a valid URL",
  "rule.phone_cn": "Must be a valid mainland China mobile number",
  "rule.email": "Must be a valid email address",
  "rule.json": "Must be valid JSON",
  "rule.money_format": "Invalid amount format",
  "rule.sum_mismatch": "Totals do not match: expected {expected}, got {actual}",
  "rule.transition": "Cannot change from “{from}” to “{to}”",
  "rule.unique": "This value already exists",
  "rule.format": "Invalid format, expected {expected}",

  "error.title": "Operation failed",
  "error.validation": "Some fields are invalid; check the form",
  "error.not_found": "{entity} not found ({id})",
  "error.conflict": "Conflict: {message}",
  "error.conflict_name": "A system with this name already exists in this store",
  "error.forbidden": "Your role ({role}) may not perform: {operation}",
  "error.unauthenticated": "Your session has ended; sign in again",
  "error.bad_credentials": "Wrong username or password",
  "error.keychain": "The system keychain is unavailable: {message}",
  "error.database_refused": "The database cannot be opened: {message}",
  "error.remedy": "Remedy: {remedy}",
  "error.database": "Database error: {message}",
  "error.external": "External system error ({cls}): {message}",
  "error.external_retry": "You may retry later",
  "error.internal": "Internal error: {message}",
  "error.unknown": "Unknown error: {message}",

  "error_class.authentication_error": "Authentication failed",
  "error_class.authorization_error": "Not authorized",
  "error_class.network_error": "Network error",
  "error_class.timeout_error": "Timed out",
  "error_class.validation_error": "Validation error",
  "error_class.business_logic_error": "Business rule error",
  "error_class.rate_limit_error": "Rate limited",
  "error_class.unknown_error": "Unknown error",
};

export const DICTS: Record<Lang, Dict> = { zh, en };

export type TParams = Record<string, string | number>;
export type TFunc = (key: TKey, params?: TParams) => string;

export function translate(lang: Lang, key: TKey, params?: TParams): string {
  const text = DICTS[lang][key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Looks up a key built at run time (e.g. "type." + value); unknown keys fall back to `fallback`. */
export function translateDynamic(t: TFunc, key: string, fallback: string): string {
  return key in zh ? t(key as TKey) : fallback;
}

export function initialLang(): Lang {
  try {
    const saved = window.localStorage.getItem(LANG_STORAGE_KEY);
    if (saved === "zh" || saved === "en") return saved;
  } catch {
    // storage unavailable: fall through to the default
  }
  return "zh";
}

export type LangState = { lang: Lang; setLang: (lang: Lang) => void };

export const LangContext = createContext<LangState>({ lang: "zh", setLang: () => {} });

export function useLang(): LangState {
  return useContext(LangContext);
}

export function useT(): TFunc {
  const { lang } = useContext(LangContext);
  return useCallback((key: TKey, params?: TParams) => translate(lang, key, params), [lang]);
}
