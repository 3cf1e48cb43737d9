import {
  CloudUploadOutlined,
  InboxOutlined,
  PullRequestOutlined,
  SyncOutlined,
  UnorderedListOutlined,
} from "@ant-design/icons";
import type { ReactNode } from "react";
import type { TFunc } from "../../i18n";
import { OPS_PAGES, type OpsPageKey } from "../../lib/opsPages";

const ICONS: Record<OpsPageKey, ReactNode> = {
  sync_tasks: <SyncOutlined />,
  sync_logs: <UnorderedListOutlined />,
  conflicts: <PullRequestOutlined />,
  outbox: <CloudUploadOutlined />,
  inbox: <InboxOutlined />,
};

/** Side menu entries of the operations pages the person may open. */
export function opsMenuItems(t: TFunc, visible: readonly OpsPageKey[]) {
  return OPS_PAGES.filter((p) => visible.includes(p.key)).map((p) => ({
    key: p.key,
    icon: ICONS[p.key],
    label: <span data-testid={`${p.key}-menu`}>{t(p.label)}</span>,
  }));
}
