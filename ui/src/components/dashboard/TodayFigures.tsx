import { Card, Col, Row, Statistic } from "antd";
import { useT } from "../../i18n";
import { formatFen } from "../../lib/dashboardFormat";
import type { DashboardSummary } from "../../types";

/** The headline figures: systems, unreachable ones, today's transactions and takings. */
export function TodayFigures({ summary }: { summary: DashboardSummary }) {
  const t = useT();
  const transactions = summary.pos_hours.reduce((n, h) => n + h.transactions, 0);
  const netFen = summary.pos_hours.reduce((n, h) => n + h.net_fen, 0);
  const figures = [
    { key: "systems", title: t("dashboard.kpi_systems"), value: String(summary.systems.length) },
    {
      key: "unreachable",
      title: t("dashboard.kpi_unreachable"),
      value: String(summary.offline.systems.length),
      danger: summary.offline.systems.length > 0,
    },
    { key: "transactions", title: t("dashboard.kpi_transactions"), value: String(transactions) },
    { key: "net", title: t("dashboard.kpi_net"), value: formatFen(netFen) },
    { key: "waiting", title: t("dashboard.kpi_waiting"), value: String(summary.offline.outbox_waiting) },
  ];
  return (
    <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
      {figures.map((f) => (
        <Col key={f.key} xs={12} md={8} xl={{ flex: "20%" }}>
          <Card size="small">
            <Statistic
              title={f.title}
              value={f.value}
              valueStyle={f.danger ? { color: "#ff4d4f" } : undefined}
              valueRender={(node) => <span data-testid={`kpi-${f.key}`}>{node}</span>}
            />
          </Card>
        </Col>
      ))}
    </Row>
  );
}
