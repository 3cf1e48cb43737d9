import { GlobalOutlined } from "@ant-design/icons";
import { Card, Radio, Space, Typography } from "antd";
import { LANGS, useLang, useT, type Lang } from "../../i18n";

/** 界面语言: the same choice as the header's switch, kept on this computer. */
export function LanguageCard() {
  const t = useT();
  const { lang, setLang } = useLang();
  const label: Record<Lang, string> = { zh: t("language.zh"), en: t("language.en") };
  return (
    <Card
      data-testid="language-card"
      title={
        <Space>
          <GlobalOutlined />
          {t("language.title")}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t("language.desc")}</Typography.Paragraph>
      <Radio.Group
        value={lang}
        optionType="button"
        buttonStyle="solid"
        // The page itself switching language is the confirmation.
        onChange={(e) => setLang(e.target.value as Lang)}
      >
        {LANGS.map((l) => (
          <Radio.Button key={l} value={l} data-testid={`language-${l}`}>
            {label[l]}
          </Radio.Button>
        ))}
      </Radio.Group>
    </Card>
  );
}
