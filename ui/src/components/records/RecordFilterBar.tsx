import { Button, DatePicker, Input } from "antd";
import { useState } from "react";
import { useT } from "../../i18n";
import { useRecordChoices } from "../../lib/recordQueries";
import type { ExternalSystem } from "../../types";
import { NameSelect, SystemSelect } from "../ops/Filters";
import type { FilterField } from "./spec";

/** A local time the core reads as the store's (ISO 8601 without an offset). */
const TIME_FORMAT = "YYYY-MM-DDTHH:mm:ss";

/**
 * The filter controls of a records list; every change asks the core for a new first page.
 * Text fields apply on Enter (or the search button), so typing does not query per key.
 */
export function RecordFilterBar<F extends Record<string, unknown>>({
  fields,
  filter,
  noFilter,
  systems,
  onChange,
}: {
  fields: FilterField<F>[];
  filter: F;
  noFilter: F;
  systems: readonly ExternalSystem[];
  onChange: (filter: F) => void;
}) {
  const t = useT();
  const choices = useRecordChoices();
  // Uncontrolled inputs are started afresh on reset.
  const [generation, setGeneration] = useState(0);
  const set = (key: string, value: string | null) => onChange({ ...filter, [key]: value });
  const asText = (key: string) => (filter[key] as string | null | undefined) ?? null;

  return (
    <>
      {fields.map((f) => {
        switch (f.type) {
          case "system":
            return (
              <SystemSelect
                key={f.key}
                systems={f.systemTypes ? systems.filter((s) => f.systemTypes?.includes(s.type)) : systems}
                value={asText(f.key)}
                onChange={(id) => set(f.key, id)}
              />
            );
          case "text":
            return (
              <Input.Search
                key={`${f.key}-${generation}`}
                allowClear
                style={{ width: f.width ?? 180 }}
                placeholder={t(f.placeholder)}
                defaultValue={asText(f.key) ?? ""}
                onSearch={(v) => set(f.key, v.trim() === "" ? null : v.trim())}
                data-testid={`filter-${f.key}`}
              />
            );
          case "choice":
            return (
              <NameSelect
                key={f.key}
                names={choices.data?.[f.choices] ?? []}
                label={f.label}
                value={asText(f.key)}
                onChange={(v) => set(f.key, v)}
                placeholder={t(f.placeholder)}
                testId={`filter-${f.key}`}
              />
            );
          case "time_range":
            return (
              <span key={`${f.from}-${generation}`} data-testid="filter-time-range">
                <DatePicker.RangePicker
                  showTime
                  allowEmpty={[true, true]}
                  placeholder={[t("records.filter_time_from"), t("records.filter_time_to")]}
                  onChange={(range) =>
                    onChange({
                      ...filter,
                      [f.from]: range?.[0]?.format(TIME_FORMAT) ?? null,
                      [f.to]: range?.[1]?.format(TIME_FORMAT) ?? null,
                    })
                  }
                />
              </span>
            );
        }
      })}
      <Button
        onClick={() => {
          setGeneration((g) => g + 1);
          onChange(noFilter);
        }}
        data-testid="filter-reset"
      >
        {t("ops.filter_reset")}
      </Button>
    </>
  );
}
