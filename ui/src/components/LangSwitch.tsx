import { GlobalOutlined } from "@ant-design/icons";
import { Button } from "antd";
import { useLang, useT } from "../i18n";

/** Toggles between Chinese and English; the choice is kept in localStorage. */
export function LangSwitch({ type = "text" }: { type?: "text" | "default" }) {
  const { lang, setLang } = useLang();
  const t = useT();
  return (
    <Button
      type={type}
      icon={<GlobalOutlined />}
      data-testid="lang-switch"
      aria-label={t("lang.switch")}
      onClick={() => setLang(lang === "zh" ? "en" : "zh")}
    >
      {t("lang.switch")}
    </Button>
  );
}
