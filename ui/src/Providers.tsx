import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { App as AntApp, ConfigProvider } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import { useState, type ReactNode } from "react";
import { useLang, type Lang } from "./i18n";
import { LangProvider } from "./lib/LangProvider";
import { createQueryClient } from "./lib/queries";

function LocalizedAntd({ children }: { children: ReactNode }) {
  const { lang } = useLang();
  return (
    <ConfigProvider
      locale={lang === "zh" ? zhCN : enUS}
      theme={{ token: { colorPrimary: "#1677ff", borderRadius: 6 } }}
    >
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

/** Language, antd locale/theme, antd App context and TanStack Query. */
export function Providers({
  children,
  queryClient,
  lang,
}: {
  children: ReactNode;
  queryClient?: QueryClient;
  lang?: Lang;
}) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  return (
    <LangProvider lang={lang}>
      <LocalizedAntd>
        <QueryClientProvider client={client}>{children}</QueryClientProvider>
      </LocalizedAntd>
    </LangProvider>
  );
}
