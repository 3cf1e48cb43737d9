import { Form, Input, Modal } from "antd";
import { useEffect } from "react";
import { useT } from "../../i18n";
import type { BoardReservation } from "../../types";

/** Asks for the table number before seating (the core refuses `seated` without one). */
export function SeatModal({
  row,
  busy,
  error,
  onSeat,
  onClose,
}: {
  row: BoardReservation | null;
  busy: boolean;
  /** The core's message for the table number, if it refused it. */
  error: string | null;
  onSeat: (table: string) => void;
  onClose: () => void;
}) {
  const t = useT();
  const [form] = Form.useForm<{ table: string }>();
  useEffect(() => {
    if (!row) return;
    form.resetFields();
    form.setFieldsValue({ table: row.reservation.table_number ?? "" });
  }, [row, form]);
  useEffect(() => {
    form.setFields([{ name: "table", errors: error ? [error] : [] }]);
  }, [error, form]);
  return (
    <Modal
      open={row !== null}
      title={row ? t("frontdesk.seat_title", { name: row.reservation.customer_name }) : ""}
      okText={t("frontdesk.seat_ok")}
      cancelText={t("frontdesk.seat_cancel")}
      okButtonProps={{ size: "large", loading: busy, "data-testid": "seat-ok" }}
      cancelButtonProps={{ size: "large" }}
      onOk={() => form.submit()}
      onCancel={onClose}
      // Rendered while closed too, so the form is always connected to its instance.
      forceRender
    >
      <Form form={form} layout="vertical" onFinish={(v) => onSeat(v.table.trim())}>
        <Form.Item
          name="table"
          label={t("frontdesk.seat_table")}
          rules={[{ required: true, whitespace: true, message: t("frontdesk.seat_required") }]}
        >
          <Input
            size="large"
            autoFocus
            maxLength={32}
            placeholder={t("frontdesk.seat_placeholder")}
            data-testid="seat-table"
            style={{ fontSize: 20 }}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
