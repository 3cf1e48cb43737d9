import { Button, Input, Select, Space } from "antd";
import { useState } from "react";
import { useT } from "../i18n";
import { statusLabel, typeLabel } from "../lib/labels";
import type { SystemListFilter } from "../lib/queries";
import { SYSTEM_STATUSES, SYSTEM_TYPES } from "../types";

export const NO_FILTER: SystemListFilter = { type: null, store_id: null, status: null };

/** Server-side filters for list_systems: type, store and status. */
export function SystemFilters({
  value,
  onChange,
}: {
  value: SystemListFilter;
  onChange: (f: SystemListFilter) => void;
}) {
  const t = useT();
  const [store, setStore] = useState(value.store_id ?? "");

  return (
    <Space wrap data-testid="systems-filters">
      <Select
        allowClear
        style={{ width: 160 }}
        placeholder={t("systems.filter_type")}
        value={value.type ?? undefined}
        onChange={(v?: string) => onChange({ ...value, type: v ?? null })}
        options={SYSTEM_TYPES.map((v) => ({ value: v, label: typeLabel(t, v) }))}
        data-testid="filter-type"
      />
      <Input.Search
        allowClear
        style={{ width: 200 }}
        placeholder={t("systems.filter_store")}
        value={store}
        onChange={(e) => {
          setStore(e.target.value);
          if (e.target.value === "" && value.store_id !== null) {
            onChange({ ...value, store_id: null });
          }
        }}
        onSearch={(s) => onChange({ ...value, store_id: s.trim() === "" ? null : s.trim() })}
        data-testid="filter-store"
      />
      <Select
        allowClear
        style={{ width: 140 }}
        placeholder={t("systems.filter_status")}
        value={value.status ?? undefined}
        onChange={(v?: string) => onChange({ ...value, status: v ?? null })}
        options={SYSTEM_STATUSES.map((v) => ({ value: v, label: statusLabel(t, v) }))}
        data-testid="filter-status"
      />
      <Button
        onClick={() => {
          setStore("");
          onChange(NO_FILTER);
        }}
      >
        {t("systems.filter_reset")}
      </Button>
    </Space>
  );
}
