import { UndoOutlined } from "@ant-design/icons";
import { Button, Input, Select, Space, Table, Tag, Tooltip, Typography } from "antd";
import { useMemo, useState, type HTMLAttributes } from "react";
import { useT } from "../../i18n";
import type { StreamMappingSpec } from "../../types";
import { streamOverrides, withOverride } from "./configDoc";
import { MappingPreviewPanel } from "./MappingPreviewPanel";
import { useConfigDoc } from "./useConfigDoc";

type Row = { target: string; defaultSource: string | undefined; source: string; overridden: boolean };

/** Every field a stream may fill: the mappable ones and those the shipped mapping fills. */
export function mappingRows(spec: StreamMappingSpec, overrides: Record<string, string>): Row[] {
  const targets = new Set([...spec.mappable, ...Object.keys(spec.default_mapping)]);
  return [...targets].sort().map((target) => {
    const defaultSource = spec.default_mapping[target];
    const override = overrides[target];
    return {
      target,
      defaultSource,
      source: override ?? defaultSource ?? "",
      overridden: override !== undefined,
    };
  });
}

/**
 * Target field (ours) ← source path (the vendor's), per stream, written into
 * `config.field_mapping.<stream>`; each row goes back to the shipped default on its own.
 * The preview below maps a sample record with what is typed here, before it is saved.
 */
export function FieldMappingEditor({
  systemId,
  streams,
  canPreview,
}: {
  systemId: string;
  streams: StreamMappingSpec[];
  canPreview: boolean;
}) {
  const t = useT();
  const { config, update } = useConfigDoc();
  const [streamName, setStreamName] = useState(streams[0]?.stream ?? "");
  const spec = streams.find((s) => s.stream === streamName) ?? streams[0];
  const overrides = useMemo(() => streamOverrides(config, spec.stream), [config, spec.stream]);
  const rows = useMemo(() => mappingRows(spec, overrides), [spec, overrides]);
  const editable = new Set(spec.mappable);
  const disabled = config === null;

  const setSource = (row: Row, source: string | null) =>
    update((c) => withOverride(c, spec.stream, row.target, source, row.defaultSource));

  return (
    <Space direction="vertical" size={12} style={{ width: "100%" }} data-testid="mapping-editor">
      <Space wrap>
        <Typography.Text>{t("cs.stream")}</Typography.Text>
        <Select
          data-testid="mapping-stream"
          value={spec.stream}
          virtual={false}
          style={{ minWidth: 180 }}
          onChange={setStreamName}
          options={streams.map((s) => ({ value: s.stream, label: s.stream }))}
          optionRender={(opt) => (
            <span data-testid={`mapping-stream-option-${String(opt.value)}`}>{opt.label}</span>
          )}
        />
        {spec.mappable.length === 0 && <Tag>{t("cs.mapping_shared")}</Tag>}
      </Space>
      <Table<Row>
        size="small"
        rowKey="target"
        pagination={false}
        dataSource={rows}
        scroll={{ y: 320 }}
        onRow={(row) => ({ "data-testid": `mapping-row-${row.target}` }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t("cs.target_field"),
            dataIndex: "target",
            width: "38%",
            render: (target: string) => <code>{target}</code>,
          },
          {
            title: t("cs.source_path"),
            dataIndex: "source",
            render: (_, row) => (
              <Input
                size="small"
                data-testid={`mapping-source-${row.target}`}
                value={row.source}
                placeholder={row.defaultSource ?? t("cs.unmapped")}
                disabled={disabled || !editable.has(row.target)}
                status={row.overridden && row.source.trim() === "" ? "error" : undefined}
                style={{ fontFamily: "monospace" }}
                onChange={(e) => setSource(row, e.target.value)}
              />
            ),
          },
          {
            title: "",
            width: 110,
            render: (_, row) => (
              <Space size={4}>
                {row.overridden ? (
                  <Tag color="blue">{t("cs.overridden")}</Tag>
                ) : row.defaultSource ? (
                  <Tag>{t("cs.default_tag")}</Tag>
                ) : null}
                {row.overridden && (
                  <Tooltip title={t("cs.reset_row")}>
                    <Button
                      size="small"
                      type="text"
                      icon={<UndoOutlined />}
                      aria-label={t("cs.reset_row")}
                      data-testid={`mapping-reset-${row.target}`}
                      disabled={disabled}
                      onClick={() => setSource(row, null)}
                    />
                  </Tooltip>
                )}
              </Space>
            ),
          },
        ]}
      />
      {canPreview && (
        <MappingPreviewPanel
          key={spec.stream}
          systemId={systemId}
          stream={spec.stream}
          overrides={overrides}
        />
      )}
    </Space>
  );
}
