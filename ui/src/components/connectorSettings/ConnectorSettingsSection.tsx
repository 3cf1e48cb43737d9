import { Alert, Divider, Empty, Spin, Tabs } from "antd";
import { useT } from "../../i18n";
import { describeError } from "../../lib/errors";
import { usePermissions } from "../../lib/queries";
import type { ExternalSystem } from "../../types";
import { FieldMappingEditor } from "./FieldMappingEditor";
import { useConnectorSettings } from "./queries";
import { SyncSettingsFields } from "./SyncSettingsFields";
import { useConfigDoc } from "./useConfigDoc";
import { WebhookSecretPanel } from "./WebhookSecretPanel";

/**
 * The connector settings of a system being edited: conflict strategy and pacing, the
 * field mapping editor with its preview, and the webhook signature and secret. Everything
 * but the secret's rotation is a key of `config`, saved with the form.
 */
export function ConnectorSettingsSection({ system }: { system: ExternalSystem }) {
  const t = useT();
  const perms = usePermissions();
  const canUpdate = perms.data?.has("systems_update") ?? false;
  const spec = useConnectorSettings(system.id);
  const { config } = useConfigDoc();

  return (
    <div data-testid="connector-settings">
      <Divider orientation="left" orientationMargin={0}>
        {t("cs.title")}
      </Divider>
      {config === null && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="connector-config-invalid"
          message={t("cs.config_invalid")}
        />
      )}
      {spec.isPending ? (
        <Spin />
      ) : spec.isError ? (
        <Alert type="error" showIcon message={describeError(spec.error, t).text} />
      ) : (
        <Tabs
          size="small"
          items={[
            {
              key: "sync",
              label: <span data-testid="connector-tab-sync">{t("cs.tab_sync")}</span>,
              children: (
                <SyncSettingsFields
                  strategies={spec.data.conflict_strategies}
                  pacing={spec.data.pacing}
                />
              ),
            },
            {
              key: "mapping",
              label: <span data-testid="connector-tab-mapping">{t("cs.tab_mapping")}</span>,
              children:
                spec.data.streams.length > 0 ? (
                  <FieldMappingEditor
                    systemId={system.id}
                    streams={spec.data.streams}
                    canPreview={canUpdate}
                  />
                ) : (
                  <Empty description={t("cs.no_mapping")} />
                ),
            },
            {
              key: "webhook",
              label: <span data-testid="connector-tab-webhook">{t("cs.tab_webhook")}</span>,
              children: (
                <WebhookSecretPanel
                  systemId={system.id}
                  status={spec.data.webhook}
                  canUpdate={canUpdate}
                />
              ),
            },
          ]}
        />
      )}
    </div>
  );
}
