// Data of the records pages' tests. Each test file mocks `../../api` itself (vi.mock is
// per file); these build what the mocks answer.
import type { CustomerRecord, ExternalSystem, PosTransaction, RecordChoices } from "../types";
import { erp } from "./opsFixtures";

export const POS_ID = "0190f7a2-0000-7000-8000-0000000000p1";

export const posSystem: ExternalSystem = { ...erp, id: POS_ID, name: "前台POS", type: "pos", provider: "Meituan" };

export const choices: RecordChoices = {
  transaction_types: ["sale", "refund", "void"],
  payment_methods: ["wechat_pay", "alipay", "cash", "card"],
  sync_statuses: ["pending", "success", "failed"],
  supplier_order_statuses: ["pending", "confirmed", "shipped", "delivered", "cancelled"],
  erp_order_types: ["sales", "purchase"],
};

export function posTransaction(over: Partial<PosTransaction> = {}): PosTransaction {
  return {
    id: "0190f7a2-0000-7000-8000-00000000t001",
    system_id: POS_ID,
    store_id: "store-001",
    pos_transaction_id: "TXN-2024-001",
    pos_order_number: "ORD-2024-001",
    transaction_type: "sale",
    original_transaction_id: null,
    subtotal: 288,
    tax: 28.8,
    discount: 20,
    total: 296.8,
    payment_method: "wechat_pay",
    items: [{ name: "宫保鸡丁", quantity: 2, price: 68 }],
    customer_info: { phone: "13800138000", name: "张三" },
    sync_status: "success",
    transaction_time: "2025-11-20T10:05:00Z",
    created_at: "2025-11-20T10:05:01Z",
    ...over,
  };
}

export function customerRecord(over: Partial<CustomerRecord> = {}): CustomerRecord {
  return {
    id: "0190f7a2-0000-7000-8000-00000000c001",
    system_id: erp.id,
    external_id: "C0001",
    code: "C0001",
    name: "李四商贸",
    status: "active",
    remote_updated_at: "2025-11-20T09:00:00Z",
    updated_at: "2025-11-20T09:01:00Z",
    ...over,
  };
}
