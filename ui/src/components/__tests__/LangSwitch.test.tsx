import { fireEvent, render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { LANG_STORAGE_KEY, useT } from "../../i18n";
import { Providers } from "../../Providers";
import { LangSwitch } from "../LangSwitch";

function Probe() {
  const t = useT();
  return <span data-testid="probe">{t("menu.systems")}</span>;
}

describe("LangSwitch", () => {
  beforeEach(() => window.localStorage.clear());

  it("defaults to Chinese, switches to English and remembers the choice", () => {
    const { unmount } = render(
      <Providers>
        <LangSwitch />
        <Probe />
      </Providers>,
    );
    expect(screen.getByTestId("probe")).toHaveTextContent("系统管理");
    fireEvent.click(screen.getByTestId("lang-switch"));
    expect(screen.getByTestId("probe")).toHaveTextContent("Systems");
    expect(window.localStorage.getItem(LANG_STORAGE_KEY)).toBe("en");
    unmount();

    render(
      <Providers>
        <Probe />
      </Providers>,
    );
    expect(screen.getByTestId("probe")).toHaveTextContent("Systems");
  });
});
