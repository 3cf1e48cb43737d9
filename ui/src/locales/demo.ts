// Strings of demo mode (the first-run button, the banner, the settings card), merged into
// the dictionaries of i18n.ts. `demoEn` is typed against `demoZh`.

export const demoZh = {
  "demo.tag": "演示",
  "demo.first_run_button": "创建并试用演示模式",
  "demo.first_run_hint":
    "演示模式会在本机启动内置的供应商模拟器和一台模拟 POS 终端，一分钟内就能看到数据流入；所有演示数据都可以随时移除。",
  "demo.started": "演示模式已启动：模拟 POS 终端每 {secs} 秒推送一笔交易",
  "demo.failed": "演示模式未能启动",
  "demo.banner_running": "演示模式：数据来自内置模拟器，模拟 POS 终端每 {secs} 秒推送一笔交易（已推送 {n} 笔）。",
  "demo.banner_paused": "演示模式已暂停：内置模拟器随应用关闭而停止，演示系统暂时无法同步。",
  "demo.terminal_error": "模拟终端：{message}",
  "demo.resume": "继续演示",
  "demo.remove": "移除演示",
  "demo.remove_title": "移除演示？",
  "demo.remove_desc": "将停止模拟器，并删除全部演示系统及其数据",
  "demo.remove_ok": "移除",
  "demo.cancel": "取消",
  "demo.removed": "已移除演示数据（{n} 个系统）",
  "demo.card_title": "演示模式",
  "demo.card_desc":
    "启动内置的供应商模拟器（自定义 ERP、易订、POS、供应商、会员）和一台模拟 POS 终端，用演示数据体验本应用。",
  "demo.start": "启动演示模式",
  "demo.systems": "演示系统",
  "demo.running": "运行中",
  "demo.paused": "已暂停",
};

export const demoEn: Record<keyof typeof demoZh, string> = {
  "demo.tag": "Demo",
  "demo.first_run_button": "Create and try demo mode",
  "demo.first_run_hint":
    "Demo mode starts the built-in vendor simulators and a simulated POS terminal on this computer, so data flows in within a minute; all demo data can be removed at any time.",
  "demo.started": "Demo mode started: the simulated POS terminal pushes a sale every {secs} s",
  "demo.failed": "Demo mode could not start",
  "demo.banner_running":
    "Demo mode: data comes from built-in simulators; a simulated POS terminal pushes a sale every {secs} s ({n} so far).",
  "demo.banner_paused":
    "Demo mode is paused: the built-in simulators stopped when the app closed, so the demo systems cannot sync.",
  "demo.terminal_error": "Simulated terminal: {message}",
  "demo.resume": "Resume demo",
  "demo.remove": "Remove demo",
  "demo.remove_title": "Remove the demo?",
  "demo.remove_desc": "Stops the simulators and deletes every demo system with its data",
  "demo.remove_ok": "Remove",
  "demo.cancel": "Cancel",
  "demo.removed": "Demo data removed ({n} systems)",
  "demo.card_title": "Demo mode",
  "demo.card_desc":
    "Starts the built-in vendor simulators (custom ERP, Yiding, POS, supplier, member) and a simulated POS terminal, to try the app on demo data.",
  "demo.start": "Start demo mode",
  "demo.systems": "Demo systems",
  "demo.running": "Running",
  "demo.paused": "Paused",
};
