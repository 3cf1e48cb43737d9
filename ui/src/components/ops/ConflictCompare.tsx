import { Radio, Table, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import type { HTMLAttributes } from "react";
import { useT } from "../../i18n";
import type { CompareRow } from "../../lib/conflictView";
import { showValue } from "../../lib/opsLabels";
import type { ConflictSide } from "../../types";

const DIFF_BG = "#fff7e6";

function Value({ value, chosen }: { value: unknown; chosen: boolean }) {
  const t = useT();
  if (value === undefined) return <Typography.Text type="secondary">{t("conflicts.missing")}</Typography.Text>;
  return (
    <Typography.Text strong={chosen} style={{ wordBreak: "break-all" }}>
      {showValue(value)}
    </Typography.Text>
  );
}

/**
 * Local and vendor's version side by side, the differing fields highlighted; with
 * `choices`, each differing field has a local/vendor switch.
 */
export function ConflictCompare({
  rows,
  choices,
  onChoose,
}: {
  rows: CompareRow[];
  choices?: Record<string, ConflictSide>;
  onChoose?: (path: string, side: ConflictSide) => void;
}) {
  const t = useT();
  const columns: ColumnsType<CompareRow> = [
    { title: t("conflicts.field"), dataIndex: "path", key: "path", width: 180 },
    {
      title: t("conflicts.local"),
      key: "local",
      render: (_, r) => <Value value={r.local} chosen={r.differs && choices?.[r.path] === "local"} />,
    },
    {
      title: t("conflicts.remote"),
      key: "remote",
      render: (_, r) => <Value value={r.remote} chosen={r.differs && choices?.[r.path] === "remote"} />,
    },
  ];
  if (choices && onChoose) {
    columns.push({
      title: t("conflicts.use"),
      key: "use",
      width: 200,
      render: (_, r) =>
        r.differs ? (
          <Radio.Group
            size="small"
            optionType="button"
            value={choices[r.path]}
            onChange={(e) => onChoose(r.path, e.target.value as ConflictSide)}
            data-testid={`choose-${r.path}`}
            options={[
              { value: "local", label: t("conflicts.local") },
              { value: "remote", label: <span data-testid={`choose-remote-${r.path}`}>{t("conflicts.remote")}</span> },
            ]}
          />
        ) : null,
    });
  }
  return (
    <Table<CompareRow>
      data-testid="conflict-compare"
      rowKey="path"
      size="small"
      columns={columns}
      dataSource={rows}
      pagination={false}
      onRow={(r) =>
        ({
          "data-testid": `compare-row-${r.path}`,
          "data-differs": r.differs ? "true" : "false",
          style: r.differs ? { background: DIFF_BG } : undefined,
        }) as HTMLAttributes<HTMLElement>
      }
    />
  );
}
