import { ReloadOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Col, Empty, Row, Space, Spin, Typography } from "antd";
import { useMemo } from "react";
import { EChart } from "../components/dashboard/EChart";
import { OfflineBanner } from "../components/dashboard/OfflineBanner";
import { SystemHealthCard } from "../components/dashboard/SystemHealthCard";
import { TodayFigures } from "../components/dashboard/TodayFigures";
import { posChartOption, syncChartOption } from "../components/dashboard/chartOptions";
import { OpsPageFrame } from "../components/ops/OpsPageFrame";
import { useLang, useT } from "../i18n";
import { describeError } from "../lib/errors";
import {
  DASHBOARD_COALESCE_MS,
  dashboardConcerned,
  homeKeys,
  useDashboard,
  useLiveRefresh,
} from "../lib/homeQueries";
import { formatTime } from "../lib/labels";
import type { DashboardSummary } from "../types";

function Charts({ summary }: { summary: DashboardSummary }) {
  const t = useT();
  const syncOption = useMemo(
    () => syncChartOption(summary.sync_hours, summary.utc_offset_minutes, t),
    [summary.sync_hours, summary.utc_offset_minutes, t],
  );
  const posOption = useMemo(() => posChartOption(summary.pos_hours, t), [summary.pos_hours, t]);
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={12}>
        <Card size="small" title={t("dashboard.sync_chart")}>
          <EChart option={syncOption} testId="sync-chart" />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card size="small" title={t("dashboard.pos_chart", { date: summary.today })}>
          <EChart option={posOption} testId="pos-chart" />
        </Card>
      </Col>
    </Row>
  );
}

function Dashboard() {
  const t = useT();
  const { lang } = useLang();
  const query = useDashboard(true);
  useLiveRefresh(homeKeys.dashboard, dashboardConcerned, DASHBOARD_COALESCE_MS);

  if (query.isPending) {
    return (
      <div className="sl-center" style={{ minHeight: 240 }}>
        <Spin />
      </div>
    );
  }
  if (query.isError) {
    return <Alert type="error" showIcon message={describeError(query.error, t).text} />;
  }
  const summary = query.data;
  return (
    <div data-testid="dashboard-content">
      <div style={{ display: "flex", justifyContent: "flex-end", marginBottom: 8 }}>
        <Space>
          <Typography.Text type="secondary" data-testid="dashboard-updated">
            {t("dashboard.updated_at", { at: formatTime(summary.generated_at, lang) })}
          </Typography.Text>
          <Button
            icon={<ReloadOutlined />}
            loading={query.isFetching}
            data-testid="dashboard-refresh"
            onClick={() => void query.refetch()}
          >
            {t("dashboard.refresh")}
          </Button>
        </Space>
      </div>
      <OfflineBanner summary={summary} />
      <TodayFigures summary={summary} />
      {summary.systems.length === 0 ? (
        <Card style={{ marginBottom: 16 }}>
          <Empty description={t("dashboard.no_systems")} />
        </Card>
      ) : (
        <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
          {summary.systems.map((card) => (
            <Col key={card.system_id} xs={24} md={12} xxl={8}>
              <SystemHealthCard card={card} />
            </Col>
          ))}
        </Row>
      )}
      <Charts summary={summary} />
    </div>
  );
}

/** 运营看板: every system's health, the last 24 hours of syncs and today's takings. */
export function DashboardPage() {
  const t = useT();
  return (
    <OpsPageFrame
      testId="dashboard-page"
      title={t("dashboard.title")}
      subtitle={t("dashboard.subtitle")}
      view="sync_logs_view"
    >
      {() => <Dashboard />}
    </OpsPageFrame>
  );
}
