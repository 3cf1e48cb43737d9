import { describe, expect, it } from "vitest";
import { en, translate, zh } from "../../i18n";

const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();

describe("i18n dictionary", () => {
  it("has the same keys in zh and en", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
  });

  it("has no empty strings", () => {
    for (const [k, v] of [...Object.entries(zh), ...Object.entries(en)]) {
      expect(v.trim(), k).not.toBe("");
    }
  });

  it("uses the same placeholders in both languages", () => {
    for (const key of Object.keys(zh) as (keyof typeof zh)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(zh[key]));
    }
  });

  it("interpolates parameters", () => {
    expect(translate("zh", "rule.out_of_range", { min: 30, max: 86400 })).toBe("须在 30 到 86400 之间");
    expect(translate("en", "rule.out_of_range", { min: 30, max: 86400 })).toBe(
      "Must be between 30 and 86400",
    );
  });

  it("labels system types and statuses as specified", () => {
    expect(zh["type.pos"]).toBe("POS系统");
    expect(zh["type.ecommerce"]).toBe("电商平台");
    expect(zh["status.active"]).toBe("正常");
    expect(zh["status.inactive"]).toBe("未启用");
    expect(zh["status.error"]).toBe("异常");
    expect(zh["status.testing"]).toBe("测试中");
    expect(zh["systems.delete_desc"]).toBe("删除后将停止同步，历史记录保留");
  });
});
