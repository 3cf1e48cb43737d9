// What a records list is made of: its query, filters, columns, detail and export kind.
// One generic view (RecordListView) renders any of them; the pages only describe.
import type { ColumnsType } from "antd/es/table";
import type { ReactNode } from "react";
import type { TFunc, TKey } from "../../i18n";
import type { Paged } from "../../lib/recordQueries";
import type { Page, RecordChoices, RecordFilter } from "../../types";

/** The list's filter fields (its query without paging). */
export type FilterOf<F> = Omit<F, "cursor" | "limit">;

type TextKeys<F> = { [K in keyof F]: F[K] extends string | null ? K : never }[keyof F] & string;

/** One control of a list's filter bar. */
export type FilterField<F> =
  | { type: "system"; key: TextKeys<F>; systemTypes?: readonly string[] }
  | { type: "text"; key: TextKeys<F>; placeholder: TKey; width?: number }
  | {
      type: "choice";
      key: TextKeys<F>;
      placeholder: TKey;
      choices: keyof RecordChoices;
      label: (t: TFunc, name: string) => string;
    }
  | { type: "time_range"; from: TextKeys<F>; to: TextKeys<F> };

/** What the list's cells and drawer need beside the row. */
export type SpecContext = { t: TFunc; lang: string; systemName: (id: string) => string };

export type DetailField = { label: string; value: ReactNode };

export type RecordDetail = {
  title: string;
  fields: DetailField[];
  /** Line items, when the row holds them. */
  lines?: unknown[];
  /** The raw record, when the row is it. */
  raw?: unknown;
  /** Where the core keeps the raw JSON (ERP-style records): loaded when the drawer opens. */
  source?: { systemId: string; stream: string; externalId: string };
};

export type RecordSpec<T, F> = {
  kind: RecordFilter["kind"];
  testId: string;
  noFilter: FilterOf<F>;
  fetch: (query: Paged<FilterOf<F>>) => Promise<Page<T>>;
  filters: FilterField<FilterOf<F>>[];
  columns: (ctx: SpecContext) => ColumnsType<T>;
  rowId: (row: T) => string;
  /** What the row's test id and the export's file name are made from. */
  rowLabel: (row: T) => string;
  detail: (row: T, ctx: SpecContext) => RecordDetail;
  /** The start of the export's file name, e.g. `pos_transactions`. */
  fileStem: string;
};

/** `{ kind, ...filter }` as the export command takes it. */
export function exportFilter<F>(kind: RecordFilter["kind"], filter: FilterOf<F>): RecordFilter {
  return { kind, ...filter, cursor: null, limit: null } as unknown as RecordFilter;
}
