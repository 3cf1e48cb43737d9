import { Table } from "antd";
import type { ColumnsType } from "antd/es/table";
import type { HTMLAttributes, UIEvent } from "react";

/** Height of the scrolling body: the virtual table renders only the rows in view. */
export const TABLE_HEIGHT = 560;
/** How close to the end of the loaded rows scrolling asks for the next page. */
const NEAR_END_PX = 400;
const DEFAULT_WIDTH = 140;

/**
 * A virtualised table (only visible rows are in the DOM, so a list loaded deep into a
 * million rows scrolls as smoothly as its first page) that asks for the next page when
 * scrolled near its end. Virtual tables need numeric widths: columns without one get a
 * default.
 */
export function RecordTable<T extends object>({
  testId,
  columns,
  rows,
  rowKey,
  rowTestId,
  loading,
  emptyText,
  onOpen,
  onNearEnd,
}: {
  testId: string;
  columns: ColumnsType<T>;
  rows: T[];
  rowKey: (row: T) => string;
  rowTestId: (row: T) => string;
  loading: boolean;
  emptyText: string;
  onOpen: (row: T) => void;
  onNearEnd: () => void;
}) {
  const sized = columns.map((c) => ({ ...c, width: typeof c.width === "number" ? c.width : DEFAULT_WIDTH }));
  const width = sized.reduce((sum, c) => sum + c.width, 0);
  const onScroll = (e: UIEvent<HTMLElement>) => {
    const el = e.currentTarget;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_END_PX) onNearEnd();
  };
  return (
    <Table<T>
      data-testid={testId}
      virtual
      rowKey={rowKey}
      size="middle"
      columns={sized}
      dataSource={rows}
      loading={loading}
      pagination={false}
      scroll={{ x: width, y: TABLE_HEIGHT }}
      locale={{ emptyText }}
      onScroll={onScroll}
      onRow={(row) =>
        ({
          "data-testid": rowTestId(row),
          style: { cursor: "pointer" },
          onClick: () => onOpen(row),
        }) as HTMLAttributes<HTMLElement>
      }
    />
  );
}
