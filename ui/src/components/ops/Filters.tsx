import { Select } from "antd";
import { useT, type TFunc } from "../../i18n";
import type { ExternalSystem } from "../../types";

/** Choose one system (or all of them). */
export function SystemSelect({
  systems,
  value,
  onChange,
  testId = "filter-system",
  placeholder,
  width = 200,
}: {
  systems: readonly ExternalSystem[];
  value: string | null;
  onChange: (id: string | null) => void;
  testId?: string;
  placeholder?: string;
  width?: number;
}) {
  const t = useT();
  return (
    <Select
      allowClear
      showSearch
      optionFilterProp="label"
      style={{ width }}
      placeholder={placeholder ?? t("ops.filter_system")}
      value={value ?? undefined}
      onChange={(v?: string) => onChange(v ?? null)}
      options={systems.map((s) => ({ value: s.id, label: s.name }))}
      data-testid={testId}
    />
  );
}

/** Choose one of the core's names (a status, an item type), shown translated. */
export function NameSelect({
  names,
  label,
  value,
  onChange,
  placeholder,
  testId,
  width = 150,
}: {
  names: readonly string[];
  label: (t: TFunc, name: string) => string;
  value: string | null;
  onChange: (name: string | null) => void;
  placeholder: string;
  testId: string;
  width?: number;
}) {
  const t = useT();
  return (
    <Select
      allowClear
      style={{ width }}
      placeholder={placeholder}
      value={value ?? undefined}
      onChange={(v?: string) => onChange(v ?? null)}
      options={names.map((n) => ({ value: n, label: label(t, n) }))}
      data-testid={testId}
    />
  );
}

/** The system and status pickers every operations list starts its filters with. */
export function SystemStatusFilters<F extends { system_id: string | null; status: string | null }>({
  systems,
  filter,
  setFilter,
  statuses,
  statusLabel,
}: {
  systems: readonly ExternalSystem[];
  filter: F;
  setFilter: (filter: F) => void;
  statuses: readonly string[];
  statusLabel: (t: TFunc, name: string) => string;
}) {
  const t = useT();
  return (
    <>
      <SystemSelect
        systems={systems}
        value={filter.system_id}
        onChange={(system_id) => setFilter({ ...filter, system_id })}
      />
      <NameSelect
        names={statuses}
        label={statusLabel}
        value={filter.status}
        onChange={(status) => setFilter({ ...filter, status })}
        placeholder={t("ops.filter_status")}
        testId="filter-status"
      />
    </>
  );
}
