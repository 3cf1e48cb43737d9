import { Button, DatePicker, Input, Select } from "antd";
import { useState } from "react";
import { useT } from "../../i18n";
import { actionLabel, endOfLocalDay, outcomeLabel, startOfLocalDay } from "../../lib/settingsLabels";
import { NO_AUDIT_FILTER, type AuditFilter } from "../../lib/settingsQueries";
import { AUDIT_OUTCOMES, OPERATIONS } from "../../types";
import { NameSelect } from "../ops/Filters";

/** Every action the log holds: the core's operations, and signing in. */
const ACTIONS: readonly string[] = ["sign_in", ...OPERATIONS];
/** The kinds of object audit entries name. */
const ENTITIES = [
  "system",
  "user",
  "session",
  "api_token",
  "listener",
  "backup",
  "backup_settings",
  "sync_task",
  "conflict",
  "outbox",
  "inbox",
  "audit_log",
  "demo",
] as const;

/** The audit log viewer's filters: actor, action, object type, outcome, days. */
export function AuditFilters({ filter, onChange }: { filter: AuditFilter; onChange: (f: AuditFilter) => void }) {
  const t = useT();
  // Typed text applies on Enter or the search button, not on every key.
  const [actor, setActor] = useState(filter.actor ?? "");
  return (
    <>
      <Input.Search
        allowClear
        style={{ width: 180 }}
        placeholder={t("audit.filter_actor")}
        value={actor}
        onChange={(e) => setActor(e.target.value)}
        onSearch={(v) => onChange({ ...filter, actor: v.trim() || null })}
        data-testid="audit-filter-actor"
      />
      <Select
        allowClear
        showSearch
        optionFilterProp="label"
        style={{ width: 200 }}
        placeholder={t("audit.filter_action")}
        value={filter.action ?? undefined}
        onChange={(v?: string) => onChange({ ...filter, action: v ?? null })}
        options={ACTIONS.map((a) => ({ value: a, label: actionLabel(t, a) }))}
        data-testid="audit-filter-action"
      />
      <Select
        allowClear
        style={{ width: 160 }}
        placeholder={t("audit.filter_entity")}
        value={filter.entity ?? undefined}
        onChange={(v?: string) => onChange({ ...filter, entity: v ?? null })}
        options={ENTITIES.map((e) => ({ value: e, label: e }))}
        data-testid="audit-filter-entity"
      />
      <NameSelect
        names={AUDIT_OUTCOMES}
        label={outcomeLabel}
        value={filter.outcome}
        onChange={(outcome) => onChange({ ...filter, outcome })}
        placeholder={t("audit.filter_outcome")}
        testId="audit-filter-outcome"
        width={130}
      />
      <DatePicker.RangePicker
        allowClear
        data-testid="audit-filter-time"
        onChange={(_, [start, end]) =>
          onChange({
            ...filter,
            from: start ? startOfLocalDay(start) : null,
            to: end ? endOfLocalDay(end) : null,
          })
        }
      />
      <Button
        data-testid="audit-filter-reset"
        onClick={() => {
          setActor("");
          onChange(NO_AUDIT_FILTER);
        }}
      >
        {t("audit.filter_reset")}
      </Button>
    </>
  );
}
