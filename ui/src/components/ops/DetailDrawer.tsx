import { Descriptions, Drawer, Typography } from "antd";
import type { ReactNode } from "react";
import { JsonBlock } from "./JsonBlock";

export type DetailItem = { label: string; value: ReactNode };
export type DetailSection = { title: string; value: unknown; testId?: string };

/** A record's fields, then its JSON parts (payload, reply, headers) pretty-printed. */
export function DetailDrawer({
  open,
  title,
  items,
  sections,
  onClose,
}: {
  open: boolean;
  title: string;
  items: DetailItem[];
  sections: DetailSection[];
  onClose: () => void;
}) {
  return (
    <Drawer open={open} width={620} title={title} onClose={onClose} destroyOnHidden>
      <Descriptions column={1} bordered size="small" style={{ marginBottom: 16 }}>
        {items.map((i) => (
          <Descriptions.Item key={i.label} label={i.label}>
            {i.value}
          </Descriptions.Item>
        ))}
      </Descriptions>
      {sections.map((s) => (
        <div key={s.title} style={{ marginBottom: 16 }}>
          <Typography.Title level={5}>{s.title}</Typography.Title>
          <JsonBlock value={s.value} testId={s.testId} />
        </div>
      ))}
    </Drawer>
  );
}
