import { Collapse, Form } from "antd";
import { useState, type ReactNode } from "react";
import { useT } from "../../i18n";

/**
 * The raw `config` JSON behind an "advanced" fold while editing a system. It stays mounted
 * (the editors read and write it), and opens by itself when the core complains about it.
 */
export function AdvancedConfig({ children }: { children: ReactNode }) {
  const t = useT();
  const form = Form.useFormInstance();
  const [open, setOpen] = useState(false);
  return (
    <Form.Item noStyle shouldUpdate>
      {() => {
        const hasError = form.getFieldError("config").length > 0;
        return (
          <Collapse
            size="small"
            style={{ marginBottom: 24 }}
            activeKey={open || hasError ? ["advanced"] : []}
            onChange={(keys) => setOpen((Array.isArray(keys) ? keys : [keys]).includes("advanced"))}
            items={[
              {
                key: "advanced",
                forceRender: true,
                label: <span data-testid="advanced-config-toggle">{t("cs.advanced")}</span>,
                children,
              },
            ]}
          />
        );
      }}
    </Form.Item>
  );
}
