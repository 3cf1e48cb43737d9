// The system form's `config` textarea as an object the editors read and change.
import { Form } from "antd";
import { useCallback, useMemo } from "react";
import { configText, parseConfigText, type JsonObject } from "./configDoc";

export type ConfigDoc = {
  /** The current config; `null` while the textarea holds something that is not an object. */
  config: JsonObject | null;
  update: (change: (config: JsonObject) => JsonObject) => void;
};

export function useConfigDoc(): ConfigDoc {
  const form = Form.useFormInstance();
  const text = Form.useWatch("config", form) as string | undefined;
  const config = useMemo(() => parseConfigText(text), [text]);
  const update = useCallback(
    (change: (config: JsonObject) => JsonObject) => {
      const current = parseConfigText(form.getFieldValue("config") as string | undefined);
      if (current === null) return;
      // An edit made here answers any earlier complaint about the config.
      form.setFields([{ name: "config", value: configText(change(current)), errors: [] }]);
    },
    [form],
  );
  return { config, update };
}
