import { App } from "antd";
import { useCallback } from "react";
import { useT } from "../i18n";
import { describeError } from "./errors";

/** Shows any error as an antd notification with the translated text for its kind. */
export function useErrorNotice(): (e: unknown) => void {
  const t = useT();
  const { notification } = App.useApp();
  return useCallback(
    (e: unknown) => {
      const { text, detail } = describeError(e, t);
      notification.error({
        message: t("error.title"),
        description: detail ? `${text}\n${detail}` : text,
        style: { whiteSpace: "pre-line" },
      });
    },
    [t, notification],
  );
}
