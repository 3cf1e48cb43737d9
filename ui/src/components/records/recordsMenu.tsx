import {
  DatabaseOutlined,
  GlobalOutlined,
  IdcardOutlined,
  ShoppingCartOutlined,
  TruckOutlined,
} from "@ant-design/icons";
import type { ReactNode } from "react";
import type { TFunc } from "../../i18n";
import { RECORD_PAGES, type RecordPageKey } from "../../lib/recordPages";

const ICONS: Record<RecordPageKey, ReactNode> = {
  pos_transactions: <ShoppingCartOutlined />,
  supplier_orders: <TruckOutlined />,
  members: <IdcardOutlined />,
  erp_records: <DatabaseOutlined />,
  marketplace_orders: <GlobalOutlined />,
};

/** Side menu entries of the records pages the person may open. */
export function recordsMenuItems(t: TFunc, visible: readonly RecordPageKey[]) {
  return RECORD_PAGES.filter((p) => visible.includes(p.key)).map((p) => ({
    key: p.key,
    icon: ICONS[p.key],
    label: <span data-testid={`${p.key}-menu`}>{t(p.label)}</span>,
  }));
}
