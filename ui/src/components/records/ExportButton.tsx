import { DownloadOutlined } from "@ant-design/icons";
import { Button } from "antd";
import { useState } from "react";
import { useT } from "../../i18n";
import type { RecordFilter } from "../../types";
import { ExportModal } from "./ExportModal";

/** "Export" above a records list; only shown to roles with `records_export`. */
export function ExportButton({ filter, fileStem }: { filter: RecordFilter; fileStem: string }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button icon={<DownloadOutlined />} onClick={() => setOpen(true)} data-testid="export-button">
        {t("export.button")}
      </Button>
      <ExportModal open={open} filter={filter} fileStem={fileStem} onClose={() => setOpen(false)} />
    </>
  );
}
