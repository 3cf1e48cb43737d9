import type { RecordPageKey } from "../lib/recordPages";
import { ErpRecordsPage } from "./ErpRecordsPage";
import { MarketplaceOrdersPage } from "./MarketplaceOrdersPage";
import { MembersPage } from "./MembersPage";
import { PosTransactionsPage } from "./PosTransactionsPage";
import { SupplierOrdersPage } from "./SupplierOrdersPage";

/** The records page chosen in the side menu. */
export function RecordsPage({ page }: { page: RecordPageKey }) {
  switch (page) {
    case "pos_transactions":
      return <PosTransactionsPage />;
    case "supplier_orders":
      return <SupplierOrdersPage />;
    case "members":
      return <MembersPage />;
    case "erp_records":
      return <ErpRecordsPage />;
    case "marketplace_orders":
      return <MarketplaceOrdersPage />;
  }
}
