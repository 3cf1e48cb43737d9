import { KeyOutlined, PlusOutlined, TeamOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Card,
  Popconfirm,
  Space,
  Table,
  Tag,
  Typography,
  type ButtonProps,
} from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState, type HTMLAttributes } from "react";
import { useLang, useT } from "../../i18n";
import { describeError } from "../../lib/errors";
import { formatTime, roleLabel } from "../../lib/labels";
import { useCurrentUser } from "../../lib/queries";
import { useSetDisabled, useUserAccounts } from "../../lib/settingsQueries";
import { useErrorNotice } from "../../lib/useErrorNotice";
import type { UserAccount } from "../../types";
import { AddUserModal, PasswordModal, RoleModal } from "./UserModals";

/**
 * 用户与角色: every staff account with its role and state; with users_manage, adding,
 * changing roles, resetting passwords, disabling. Administrator accounts are changed by
 * administrators only, and nobody disables or demotes themselves here (the core refuses
 * both anyway).
 */
export function UsersCard({ canManage }: { canManage: boolean }) {
  const t = useT();
  const { lang } = useLang();
  const me = useCurrentUser();
  const users = useUserAccounts(true);
  const [adding, setAdding] = useState(false);
  const [roleFor, setRoleFor] = useState<UserAccount | null>(null);
  const [passwordFor, setPasswordFor] = useState<UserAccount | null>(null);
  const isAdmin = me?.role === "admin";
  const manageable = (u: UserAccount) => canManage && (isAdmin || u.role !== "admin");

  const columns: ColumnsType<UserAccount> = [
    {
      title: t("users.col_username"),
      key: "username",
      render: (_, u) => (
        <Space size={6}>
          <strong>{u.username}</strong>
          {u.id === me?.id && <Tag color="blue">{t("users.you")}</Tag>}
        </Space>
      ),
    },
    {
      title: t("users.col_role"),
      key: "role",
      render: (_, u) => <Tag color={u.role === "admin" ? "red" : "blue"}>{roleLabel(t, u.role)}</Tag>,
    },
    {
      title: t("users.col_status"),
      key: "status",
      render: (_, u) => (
        <Tag color={u.disabled ? "default" : "green"} data-testid={`user-status-${u.username}`}>
          {u.disabled ? t("users.disabled") : t("users.enabled")}
        </Tag>
      ),
    },
    { title: t("users.col_created"), key: "created", render: (_, u) => formatTime(u.created_at, lang) },
    {
      title: t("users.col_last_login"),
      key: "last_login",
      render: (_, u) =>
        u.last_login_at ? (
          formatTime(u.last_login_at, lang)
        ) : (
          <Typography.Text type="secondary">{t("users.never")}</Typography.Text>
        ),
    },
    ...(canManage
      ? [
          {
            title: t("users.col_actions"),
            key: "actions",
            render: (_: unknown, u: UserAccount) =>
              manageable(u) ? (
                <UserActions user={u} self={u.id === me?.id} onRole={setRoleFor} onPassword={setPasswordFor} />
              ) : null,
          },
        ]
      : []),
  ];

  return (
    <Card
      data-testid="users-card"
      title={
        <Space>
          <TeamOutlined />
          {t("users.title")}
        </Space>
      }
      extra={
        canManage && (
          <Button type="primary" icon={<PlusOutlined />} data-testid="user-new" onClick={() => setAdding(true)}>
            {t("users.add")}
          </Button>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t("users.desc")}</Typography.Paragraph>
      {!canManage && <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t("users.read_only")} />}
      {users.isError && (
        <Alert type="error" showIcon style={{ marginBottom: 16 }} message={describeError(users.error, t).text} />
      )}
      <Table<UserAccount>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={users.data ?? []}
        loading={users.isPending}
        pagination={false}
        locale={{ emptyText: t("users.empty") }}
        onRow={(u) => ({ "data-testid": `user-row-${u.username}` }) as HTMLAttributes<HTMLElement>}
      />
      <AddUserModal open={adding} allowAdmin={isAdmin} onClose={() => setAdding(false)} />
      <RoleModal user={roleFor} allowAdmin={isAdmin} onClose={() => setRoleFor(null)} />
      <PasswordModal user={passwordFor} onClose={() => setPasswordFor(null)} />
    </Card>
  );
}

function UserActions({
  user,
  self,
  onRole,
  onPassword,
}: {
  user: UserAccount;
  self: boolean;
  onRole: (u: UserAccount) => void;
  onPassword: (u: UserAccount) => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const toggle = useSetDisabled();
  const disabling = !user.disabled;
  const runToggle = () =>
    toggle.mutateAsync({ user, disabled: disabling }).then(
      (u) => {
        void message.success(t(u.disabled ? "users.disabled_msg" : "users.enabled_msg", { name: u.username }));
      },
      (e: unknown) => notifyError(e),
    );
  return (
    <Space size={0} wrap>
      {!self && (
        <Button type="link" size="small" data-testid={`user-role-${user.username}`} onClick={() => onRole(user)}>
          {t("users.change_role")}
        </Button>
      )}
      <Button
        type="link"
        size="small"
        icon={<KeyOutlined />}
        data-testid={`user-password-${user.username}`}
        onClick={() => onPassword(user)}
      >
        {t("users.reset_password")}
      </Button>
      {!(self && disabling) && (
        <Popconfirm
          title={t(disabling ? "users.disable_title" : "users.enable_title", { name: user.username })}
          description={disabling ? t("users.disable_desc") : undefined}
          okText={t("users.ok")}
          cancelText={t("users.cancel")}
          okButtonProps={{ danger: disabling, "data-testid": "confirm-toggle" } as ButtonProps}
          onConfirm={runToggle}
        >
          <Button type="link" size="small" danger={disabling} data-testid={`user-toggle-${user.username}`}>
            {disabling ? t("users.disable") : t("users.enable")}
          </Button>
        </Popconfirm>
      )}
    </Space>
  );
}
