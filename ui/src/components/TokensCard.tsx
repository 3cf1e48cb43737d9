import { DeleteOutlined, KeyOutlined, PlusOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Card,
  Popconfirm,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type ButtonProps,
} from "antd";
import type { ColumnsType } from "antd/es/table";
import { useMemo, useState, type HTMLAttributes } from "react";
import { useLang, useT } from "../i18n";
import { describeError } from "../lib/errors";
import { formatTime, roleLabel } from "../lib/labels";
import { useRevokeToken, useSystems, useTokens } from "../lib/queries";
import { useErrorNotice } from "../lib/useErrorNotice";
import type { ApiToken, CreatedToken, ExternalSystem } from "../types";
import { NO_FILTER } from "./SystemFilters";
import { TokenFormModal } from "./TokenFormModal";
import { TokenSecretModal } from "./TokenSecretModal";

/** API 令牌: the token list, creating a token (shown once) and revoking one. */
export function TokensCard({ canViewSystems }: { canViewSystems: boolean }) {
  const t = useT();
  const tokens = useTokens(true);
  const systems = useSystems(NO_FILTER, canViewSystems);
  const systemRows = useMemo(() => systems.data?.pages.flatMap((p) => p.items) ?? [], [systems.data]);
  const [formOpen, setFormOpen] = useState(false);
  const [created, setCreated] = useState<CreatedToken | null>(null);

  return (
    <Card
      data-testid="tokens-card"
      title={
        <Space>
          <KeyOutlined />
          {t("tokens.title")}
        </Space>
      }
      extra={
        <Button
          type="primary"
          icon={<PlusOutlined />}
          data-testid="token-new"
          onClick={() => setFormOpen(true)}
        >
          {t("tokens.new")}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t("tokens.desc")}</Typography.Paragraph>
      {tokens.isError && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          message={describeError(tokens.error, t).text}
        />
      )}
      <TokensTable
        tokens={tokens.data ?? []}
        systems={systemRows}
        loading={tokens.isPending || tokens.isFetching}
      />
      <TokenFormModal
        open={formOpen}
        systems={systemRows}
        hasMoreSystems={systems.hasNextPage}
        onLoadMoreSystems={() => {
          if (!systems.isFetchingNextPage) void systems.fetchNextPage();
        }}
        onCancel={() => setFormOpen(false)}
        onCreated={(c) => {
          setFormOpen(false);
          setCreated(c);
        }}
      />
      {/* The token itself lives only in this state: closing drops it for good. */}
      <TokenSecretModal created={created} onClose={() => setCreated(null)} />
    </Card>
  );
}

function TokensTable({
  tokens,
  systems,
  loading,
}: {
  tokens: ApiToken[];
  systems: ExternalSystem[];
  loading: boolean;
}) {
  const t = useT();
  const { lang } = useLang();
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const revoke = useRevokeToken();
  const systemNames = useMemo(() => new Map(systems.map((s) => [s.id, s.name])), [systems]);

  const runRevoke = (tok: ApiToken) =>
    revoke.mutateAsync(tok).then(
      () => {
        message.success(t("tokens.revoked_msg", { name: tok.name }));
      },
      (e: unknown) => notifyError(e),
    );

  const columns: ColumnsType<ApiToken> = [
    {
      title: t("tokens.col_name"),
      dataIndex: "name",
      key: "name",
      render: (name: string) => <strong>{name}</strong>,
    },
    {
      title: t("tokens.col_prefix"),
      dataIndex: "token_prefix",
      key: "token_prefix",
      render: (prefix: string) => (
        <Typography.Text code style={{ whiteSpace: "nowrap" }}>{`${prefix}…`}</Typography.Text>
      ),
    },
    {
      title: t("tokens.col_role"),
      dataIndex: "role",
      key: "role",
      render: (role: string) => <Tag color="blue">{roleLabel(t, role)}</Tag>,
    },
    {
      title: t("tokens.col_system"),
      dataIndex: "system_id",
      key: "system_id",
      render: (id: string | null) => {
        if (!id) return t("tokens.all_systems");
        const name = systemNames.get(id);
        return name ? (
          <Tooltip title={id}>
            <span>{name}</span>
          </Tooltip>
        ) : (
          <Typography.Text code>{id}</Typography.Text>
        );
      },
    },
    {
      title: t("tokens.col_rate"),
      dataIndex: "rate_limit",
      key: "rate_limit",
      render: (n: number) => t("tokens.rate", { n }),
    },
    {
      title: t("tokens.col_created"),
      key: "created_at",
      render: (_, tok) => (
        <Tooltip title={t("tokens.created_by", { name: tok.created_by })}>
          <span>{formatTime(tok.created_at, lang)}</span>
        </Tooltip>
      ),
    },
    {
      title: t("tokens.col_last_used"),
      dataIndex: "last_used_at",
      key: "last_used_at",
      render: (at: string | null) =>
        at ? (
          formatTime(at, lang)
        ) : (
          <Typography.Text type="secondary">{t("tokens.never_used")}</Typography.Text>
        ),
    },
    {
      title: t("tokens.col_status"),
      key: "status",
      render: (_, tok) =>
        tok.revoked_at ? (
          <Tooltip title={t("tokens.revoked_at", { at: formatTime(tok.revoked_at, lang) })}>
            <Tag data-testid={`token-status-${tok.name}`} data-revoked="true">
              {t("tokens.revoked")}
            </Tag>
          </Tooltip>
        ) : (
          <Tag color="green" data-testid={`token-status-${tok.name}`} data-revoked="false">
            {t("tokens.live")}
          </Tag>
        ),
    },
    {
      title: t("tokens.col_actions"),
      key: "actions",
      render: (_, tok) =>
        tok.revoked_at ? null : (
          <Popconfirm
            title={t("tokens.revoke_title")}
            description={t("tokens.revoke_desc")}
            okText={t("tokens.revoke_ok")}
            cancelText={t("tokens.cancel")}
            okButtonProps={{ danger: true, "data-testid": "confirm-revoke" } as ButtonProps}
            destroyOnHidden
            placement="topRight"
            onConfirm={() => runRevoke(tok)}
          >
            <Button
              type="link"
              size="small"
              danger
              icon={<DeleteOutlined />}
              data-testid={`token-revoke-${tok.name}`}
            >
              {t("tokens.revoke")}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <Table<ApiToken>
      data-testid="tokens-table"
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={tokens}
      loading={loading}
      pagination={false}
      // No horizontal scroll: cells wrap, so the status and actions stay in view.
      locale={{ emptyText: t("tokens.empty") }}
      rowClassName={(tok) => (tok.revoked_at ? "sl-row-muted" : "")}
      onRow={(tok) => ({ "data-testid": `token-row-${tok.name}` }) as HTMLAttributes<HTMLElement>}
    />
  );
}
