import { DashboardOutlined, ScheduleOutlined } from "@ant-design/icons";
import type { ReactNode } from "react";
import type { TFunc } from "../../i18n";
import { HOME_PAGES, type HomePageKey } from "../../lib/homePages";

const ICONS: Record<HomePageKey, ReactNode> = {
  dashboard: <DashboardOutlined />,
  front_desk: <ScheduleOutlined />,
};

/** Side menu entries of the home pages the person may open. */
export function homeMenuItems(t: TFunc, visible: readonly HomePageKey[]) {
  return HOME_PAGES.filter((p) => visible.includes(p.key)).map((p) => ({
    key: p.key,
    icon: ICONS[p.key],
    label: <span data-testid={`${p.key}-menu`}>{t(p.label)}</span>,
  }));
}
