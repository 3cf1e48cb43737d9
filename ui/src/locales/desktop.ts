// Strings of the desktop behaviour (the notification bell and its preferences), merged into
// the dictionaries of i18n.ts. `desktopEn` is typed against `desktopZh`: a key missing on
// either side is a compile error.

export const desktopZh = {
  "notify.bell": "通知",
  "notify.title": "最近通知",
  "notify.empty": "暂无通知",
  "notify.repeats": "之后又有 {count} 次",
  "notify.not_delivered": "系统通知服务不可用，仅在此列出",
  "notify.settings": "通知设置",
  "notify.kind.sync_failed": "同步失败",
  "notify.kind.outbox_dead": "变更未能送达",
  "notify.kind.health_drop": "健康度下降",
  "notify.kind.reservation_created": "新预订",
  "notify.kind.reservation_cancelled": "预订取消",
  "notify.prefs_title": "通知设置",
  "notify.prefs_desc": "选择哪些事件在桌面弹出通知。同一系统的同类通知在去重时间内只提醒一次。",
  "notify.prefs_dedup": "去重时间（分钟）",
  "notify.prefs_read_only": "仅店长和管理员可以修改通知设置",
  "notify.prefs_save": "保存",
  "notify.prefs_cancel": "取消",
  "notify.prefs_saved": "通知设置已保存",
};

export const desktopEn: Record<keyof typeof desktopZh, string> = {
  "notify.bell": "Notifications",
  "notify.title": "Recent notifications",
  "notify.empty": "No notifications yet",
  "notify.repeats": "{count} more since",
  "notify.not_delivered": "The desktop notification service is unavailable; listed here only",
  "notify.settings": "Notification settings",
  "notify.kind.sync_failed": "Sync failed",
  "notify.kind.outbox_dead": "Change not delivered",
  "notify.kind.health_drop": "Health dropped",
  "notify.kind.reservation_created": "New reservation",
  "notify.kind.reservation_cancelled": "Reservation cancelled",
  "notify.prefs_title": "Notification settings",
  "notify.prefs_desc":
    "Choose which events pop up a desktop notification. Repeats of one kind for one system are shown once per deduplication window.",
  "notify.prefs_dedup": "Deduplication window (minutes)",
  "notify.prefs_read_only": "Only store managers and administrators can change these settings",
  "notify.prefs_save": "Save",
  "notify.prefs_cancel": "Cancel",
  "notify.prefs_saved": "Notification settings saved",
};
