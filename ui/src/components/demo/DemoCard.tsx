import { ExperimentOutlined } from "@ant-design/icons";
import { Card, Space, Tag, Typography } from "antd";
import { useT } from "../../i18n";
import { useDemoStatus } from "../../lib/demoQueries";
import { typeLabel } from "../../lib/labels";
import { DemoActions } from "./DemoActions";

/** 演示模式 in the settings: start it, or see its systems and resume or remove it. */
export function DemoCard() {
  const t = useT();
  const status = useDemoStatus(true);
  const demo = status.data;
  const active = demo !== undefined && demo.systems.length > 0;
  return (
    <Card
      data-testid="demo-card"
      title={
        <Space>
          <ExperimentOutlined />
          {t("demo.card_title")}
          {active && (
            <Tag color={demo.running ? "green" : "default"}>
              {demo.running ? t("demo.running") : t("demo.paused")}
            </Tag>
          )}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t("demo.card_desc")}</Typography.Paragraph>
      {active && (
        <Space wrap style={{ marginBottom: 16 }} data-testid="demo-systems">
          <Typography.Text strong>{t("demo.systems")}</Typography.Text>
          {demo.systems.map((s) => (
            <Tag key={s.id} title={typeLabel(t, s.type)}>
              {s.name}
            </Tag>
          ))}
        </Space>
      )}
      <Space wrap style={{ display: "flex" }}>
        {(!active || !demo.running) && (
          <DemoActions showStart startLabel={active ? t("demo.resume") : t("demo.start")} />
        )}
        {active && <DemoActions showStart={false} startLabel="" />}
      </Space>
    </Card>
  );
}
