import { Alert, Button, Card, Input, List, Space, Spin, Tag, Typography } from "antd";
import { useMemo, useState } from "react";
import { useT } from "../../i18n";
import { appErrorOf, describeError, ruleMessage } from "../../lib/errors";
import type { JsonValue, PreviewRequest } from "../../types";
import { problemLabel, sampleSourceLabel } from "./labels";
import { useMappingPreview } from "./queries";
import { useDebounced } from "./useDebounced";

const pretty = (v: JsonValue) => JSON.stringify(v, null, 2);

function parseSample(text: string): JsonValue | undefined {
  try {
    const v = JSON.parse(text) as JsonValue;
    return v !== null && typeof v === "object" && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The stream's mapping as typed, applied by the core to a sample record: the latest one the
 * system sent, the connector's shipped example, or one pasted here. Shows the mapped record
 * and, per field, why it got nothing.
 */
export function MappingPreviewPanel({
  systemId,
  stream,
  overrides,
}: {
  systemId: string;
  stream: string;
  overrides: Record<string, string>;
}) {
  const t = useT();
  // null: the sample the core picks; text: the person's own.
  const [sampleText, setSampleText] = useState<string | null>(null);
  const given = useMemo(
    () => (sampleText === null ? undefined : parseSample(sampleText)),
    [sampleText],
  );
  const sampleInvalid = sampleText !== null && given === undefined;
  const request = useMemo<PreviewRequest>(
    () => ({ stream, overrides, sample: given ?? null }),
    [stream, overrides, given],
  );
  const settled = useDebounced(request, 300);
  const preview = useMappingPreview(systemId, settled, !sampleInvalid);
  const data = preview.data?.stream === stream ? preview.data : undefined;
  const err = appErrorOf(preview.error);
  const problems = data?.fields.filter((f) => f.problem !== null) ?? [];

  return (
    <Card
      size="small"
      data-testid="mapping-preview"
      title={
        <Space>
          {t("cs.preview")}
          {preview.isFetching && <Spin size="small" />}
        </Space>
      }
      extra={data && <Tag data-testid="mapping-sample-source">{sampleSourceLabel(t, data.sample_source)}</Tag>}
    >
      <Space direction="vertical" size={8} style={{ width: "100%" }}>
        {preview.isError && (
          <Alert
            type="error"
            showIcon
            data-testid="mapping-preview-error"
            message={
              err?.kind === "validation" ? t("cs.mapping_invalid") : describeError(preview.error, t).text
            }
            description={
              err?.kind === "validation" ? (
                <ul style={{ margin: 0, paddingLeft: 18 }}>
                  {err.errors.map((e) => (
                    <li key={e.field}>
                      <code>{e.field.replace(/^config\.field_mapping\./, "")}</code>：{ruleMessage(e.rule, t)}
                    </li>
                  ))}
                </ul>
              ) : undefined
            }
          />
        )}
        <Space style={{ justifyContent: "space-between", width: "100%" }}>
          <Typography.Text strong>{t("cs.sample")}</Typography.Text>
          {sampleText !== null && (
            <Button size="small" data-testid="mapping-sample-reset" onClick={() => setSampleText(null)}>
              {t("cs.sample_reset")}
            </Button>
          )}
        </Space>
        <Input.TextArea
          data-testid="mapping-sample"
          rows={6}
          spellCheck={false}
          style={{ fontFamily: "monospace" }}
          status={sampleInvalid ? "error" : undefined}
          value={sampleText ?? (data ? pretty(data.sample) : "")}
          onChange={(e) => setSampleText(e.target.value)}
        />
        {sampleInvalid && <Typography.Text type="danger">{t("cs.sample_invalid")}</Typography.Text>}
        <Typography.Text strong>{t("cs.mapped")}</Typography.Text>
        <pre className="sl-mono" data-testid="mapping-mapped" style={{ maxHeight: 240, overflow: "auto", margin: 0 }}>
          {data ? pretty(data.mapped) : ""}
        </pre>
        {data && (
          <List
            size="small"
            data-testid="mapping-problems"
            header={
              problems.length === 0
                ? t("cs.no_problems")
                : t("cs.problems", { n: problems.length })
            }
            dataSource={problems}
            renderItem={(f) => (
              <List.Item data-testid={`mapping-problem-${f.target}`}>
                <code>{f.target}</code> ← <code>{f.source}</code>：{problemLabel(t, f.problem!)}
              </List.Item>
            )}
          />
        )}
      </Space>
    </Card>
  );
}
